package dev.terrarium.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts the local control plane (once per run) and the operator (once per run, when asked), gives
 * each test class a fresh namespace, and on a failed test prints the operator's log tail and the
 * namespace's events.
 */
public class TerrariumExtension
        implements BeforeAllCallback, AfterAllCallback, ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace STORE =
            ExtensionContext.Namespace.create(TerrariumExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalControlPlane plane = LocalControlPlane.get();
        TerrariumTest settings = context.getRequiredTestClass().getAnnotation(TerrariumTest.class);
        if (settings == null || settings.operator()) {
            OperatorProcess.get();
        }
        String name = namespaceName(context.getRequiredTestClass());
        KubernetesClient client = new KubernetesClientBuilder().withConfig(plane.config()).build();
        client.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .addToLabels("terrarium.dev/test", "true")
                                .endMetadata()
                                .build())
                .create();
        KubernetesClient namespaced =
                new KubernetesClientBuilder().withConfig(withNamespace(plane, name)).build();
        client.close();
        context.getStore(STORE)
                .put(
                        TestNamespace.class,
                        new TestNamespace(name, namespaced, new Kubectl(plane, name), plane));
    }

    private static io.fabric8.kubernetes.client.Config withNamespace(
            LocalControlPlane plane, String namespace) {
        var config = plane.config();
        config.setNamespace(namespace);
        return config;
    }

    static String namespaceName(Class<?> testClass) {
        String base =
                testClass
                        .getSimpleName()
                        .replaceAll("([a-z])([A-Z])", "$1-$2")
                        .toLowerCase(Locale.ROOT);
        if (base.length() > 50) {
            base = base.substring(0, 50);
        }
        return base
                + "-"
                + Integer.toString(
                        ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestNamespace namespace =
                context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
        if (namespace == null) {
            return;
        }
        if (System.getenv("TERRARIUM_KEEP_NAMESPACES") == null) {
            namespace.plane().adminClient().namespaces().withName(namespace.name()).delete();
        }
        namespace.client().close();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        // Stores are hierarchical: the method's store sees what the class put there.
        TestNamespace namespace =
                context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
        StringBuilder report =
                new StringBuilder("\n===== diagnostics for ")
                        .append(context.getDisplayName())
                        .append(" =====\n");
        if (namespace != null) {
            report.append("--- kubectl get events -n ")
                    .append(namespace.name())
                    .append('\n')
                    .append(
                            namespace
                                    .kubectl()
                                    .attempt("get", "events", "--sort-by=.lastTimestamp")
                                    .output());
            report.append("--- kubectl get terrarium,jobs,deployments,pods -n ")
                    .append(namespace.name())
                    .append('\n')
                    .append(
                            namespace
                                    .kubectl()
                                    .attempt(
                                            "get",
                                            "terrarium,jobs,deployments,services,pods",
                                            "-o",
                                            "wide")
                                    .output());
        }
        report.append("--- operator log (last 60 lines)\n")
                .append(
                        OperatorProcess.running()
                                ? OperatorProcess.get().logTail(60)
                                : "(operator not started)");
        System.out.println(report);
    }

    @Override
    public boolean supportsParameter(
            ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestNamespace.class;
    }

    @Override
    public Object resolveParameter(
            ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
    }
}
