package dev.terrarium.dependent;

import dev.terrarium.api.Environment;
import dev.terrarium.locks.LockFormats;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import dev.terrarium.resolution.EnvironmentLocks;
import dev.terrarium.resolution.EnvironmentResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <environment>-lock}: the resolved package lock of the image the Environment currently
 * points to, copied from that build's own lock ({@code lock}), and the same lock in the files
 * people take to another tool ({@link LockFormats}: environment.yml, its from-history form and
 * explicit.txt for conda; requirements.txt and the exact pylock.toml for venv).
 */
@KubernetesDependent(
        useSSA = BooleanWithUndefined.TRUE,
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=environment"))
public class EnvironmentLockConfigMapDependent
        extends CRUDKubernetesDependentResource<ConfigMap, Environment> {

    private final EnvironmentResolver resolver;

    public EnvironmentLockConfigMapDependent(EnvironmentResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    protected ConfigMap desired(Environment environment, Context<Environment> context) {
        String name = environment.getMetadata().getName();
        EnvironmentLocks.Lock lock =
                EnvironmentLocks.current(
                                environment,
                                resolver.resolve(environment, context).buildName(),
                                context)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "no lock; the precondition gates it"));
        Map<String, String> data = new LinkedHashMap<>();
        data.put("lock", lock.text());
        data.put("image", lock.image());
        data.put("imageBuild", lock.imageBuild());
        data.putAll(LockFormats.of(lock.text(), lock.pylockToml(), name, lock.resolved()));
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Names.environmentLock(name))
                .withNamespace(environment.getMetadata().getNamespace())
                .withLabels(Labels.forEnvironment(name))
                .endMetadata()
                .withData(data)
                .build();
    }

    /**
     * Found by name: desired() needs a lock, which a lock ConfigMap being removed no longer has.
     */
    @Override
    protected ResourceID targetSecondaryResourceID(
            Environment environment, Context<Environment> context) {
        return new ResourceID(
                Names.environmentLock(environment.getMetadata().getName()),
                environment.getMetadata().getNamespace());
    }
}
