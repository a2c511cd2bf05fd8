package dev.terrarium.testing;

import dev.terrarium.testing.KubeletRules.ConfigError;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a container of a pod, the image it names and the pod's volumes into what
 * terrarium-node-runtime runs, as a kubelet and containerd do: the environment (the API server's
 * service variables, envFrom, env with valueFrom and {@code $(VAR)} expansion, over the image's
 * Env), the command line, the user, the mounts (volumes with subPath and readOnly, the pod's
 * /etc/hosts, /etc/hostname and /etc/resolv.conf, the termination message file), the capabilities
 * and no_new_privs, the working directory and the read-only root.
 */
final class ContainerSetup {

    private static final String DEFAULT_PATH =
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * What a container learns from the node: where the API server is, and the node's allocatable
     * resources.
     */
    record NodeContext(String apiHost, int apiPort, Map<String, Quantity> allocatable) {}

    private ContainerSetup() {}

    static NodeRuntime.ContainerSpec spec(
            KubernetesClient client,
            NodeContext node,
            Pod pod,
            Container container,
            ImagePuller.Image image,
            Map<String, Path> volumes,
            Path podDir,
            Path containerDir)
            throws ConfigError, IOException {
        Map<String, String> env = containerEnv(client, node, pod, container);
        List<String> argv =
                KubeletRules.argv(
                        list(container.getCommand()),
                        list(container.getArgs()),
                        image.config().entrypoint(),
                        image.config().cmd(),
                        env);
        if (argv.isEmpty()) {
            throw new ConfigError(
                    "CreateContainerError",
                    "failed to create containerd container: no command " + "specified");
        }
        KubeletRules.User user =
                KubeletRules.user(
                        pod.getSpec().getSecurityContext(),
                        container.getSecurityContext(),
                        image.config().user(),
                        readImageFile(image, "etc/passwd"),
                        readImageFile(image, "etc/group"),
                        pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
                        container.getName());
        String hostname = hostname(pod);
        List<String> imageEnv = new ArrayList<>();
        imageEnv.add("HOSTNAME=" + hostname);
        imageEnv.addAll(image.config().env());
        List<String> processEnv = new ArrayList<>(KubeletRules.environment(imageEnv, env));
        if (processEnv.stream().noneMatch(e -> e.startsWith("PATH="))) {
            processEnv.add("PATH=" + DEFAULT_PATH);
        }
        if (processEnv.stream().noneMatch(e -> e.startsWith("HOME="))) {
            processEnv.add("HOME=" + user.home());
        }
        var context = container.getSecurityContext();
        String workingDir =
                container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()
                        ? container.getWorkingDir()
                        : image.config().workingDir();
        return new NodeRuntime.ContainerSpec(
                image.rootfs().toString(),
                containerDir.toString(),
                context != null && Boolean.TRUE.equals(context.getReadOnlyRootFilesystem()),
                hostname,
                mounts(pod, container, volumes, podDir, containerDir, env),
                user.uid(),
                user.gid(),
                user.groups(),
                List.copyOf(KubeletRules.capabilities(context)),
                KubeletRules.noNewPrivileges(context),
                workingDir.isEmpty() ? null : workingDir,
                processEnv,
                argv,
                containerDir.resolve("pid").toString(),
                containerDir.resolve("start-error").toString());
    }

    static String hostname(Pod pod) {
        String hostname = pod.getSpec().getHostname();
        return hostname == null || hostname.isEmpty() ? pod.getMetadata().getName() : hostname;
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static String readImageFile(ImagePuller.Image image, String path) throws IOException {
        Path file = image.rootfs().resolve(path);
        // The image's own file, never one a symlink in the image points at on this machine.
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /**
     * The container's own variables in the kubelet's order: the API server's service variables,
     * then envFrom, then env, each value expanded with the variables before it.
     */
    static Map<String, String> containerEnv(
            KubernetesClient client, NodeContext node, Pod pod, Container container)
            throws ConfigError {
        Map<String, String> env = new LinkedHashMap<>(serviceEnv(node));
        String namespace = pod.getMetadata().getNamespace();
        for (EnvFromSource source :
                container.getEnvFrom() == null
                        ? List.<EnvFromSource>of()
                        : container.getEnvFrom()) {
            String prefix = source.getPrefix() == null ? "" : source.getPrefix();
            if (source.getConfigMapRef() != null) {
                var ref = source.getConfigMapRef();
                ConfigMap map =
                        client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
                if (map == null && !Boolean.TRUE.equals(ref.getOptional())) {
                    throw new ConfigError("configmap \"" + ref.getName() + "\" not found");
                }
                if (map != null && map.getData() != null) {
                    map.getData().forEach((key, value) -> env.put(prefix + key, value));
                }
            } else if (source.getSecretRef() != null) {
                var ref = source.getSecretRef();
                Secret secret =
                        client.secrets().inNamespace(namespace).withName(ref.getName()).get();
                if (secret == null && !Boolean.TRUE.equals(ref.getOptional())) {
                    throw new ConfigError("secret \"" + ref.getName() + "\" not found");
                }
                if (secret != null && secret.getData() != null) {
                    secret.getData().forEach((key, value) -> env.put(prefix + key, decode(value)));
                }
            }
        }
        for (EnvVar variable :
                container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            String value = value(client, node, pod, container, variable, env);
            if (value != null) {
                env.put(variable.getName(), value);
            }
        }
        return env;
    }

    /**
     * The variables a kubelet gives every container for the API server's Service, here its real
     * address.
     */
    static Map<String, String> serviceEnv(NodeContext node) {
        String host = node.apiHost();
        String port = Integer.toString(node.apiPort());
        String url = "tcp://" + host + ":" + port;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", host);
        env.put("KUBERNETES_SERVICE_PORT", port);
        env.put("KUBERNETES_SERVICE_PORT_HTTPS", port);
        env.put("KUBERNETES_PORT", url);
        env.put("KUBERNETES_PORT_" + port + "_TCP", url);
        env.put("KUBERNETES_PORT_" + port + "_TCP_PROTO", "tcp");
        env.put("KUBERNETES_PORT_" + port + "_TCP_PORT", port);
        env.put("KUBERNETES_PORT_" + port + "_TCP_ADDR", host);
        return env;
    }

    private static String value(
            KubernetesClient client,
            NodeContext node,
            Pod pod,
            Container container,
            EnvVar variable,
            Map<String, String> before)
            throws ConfigError {
        if (variable.getValueFrom() == null) {
            return KubeletRules.expand(
                    variable.getValue() == null ? "" : variable.getValue(), before);
        }
        var from = variable.getValueFrom();
        String namespace = pod.getMetadata().getNamespace();
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
            if (secret == null) {
                if (optional) {
                    return null;
                }
                throw new ConfigError("secret \"" + ref.getName() + "\" not found");
            }
            String value = secret.getData() == null ? null : secret.getData().get(ref.getKey());
            if (value == null) {
                if (optional) {
                    return null;
                }
                throw new ConfigError(
                        "couldn't find key "
                                + ref.getKey()
                                + " in Secret "
                                + namespace
                                + "/"
                                + ref.getName());
            }
            return decode(value);
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            ConfigMap map =
                    client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
            if (map == null) {
                if (optional) {
                    return null;
                }
                throw new ConfigError("configmap \"" + ref.getName() + "\" not found");
            }
            String value = map.getData() == null ? null : map.getData().get(ref.getKey());
            if (value == null) {
                if (optional) {
                    return null;
                }
                throw new ConfigError(
                        "couldn't find key "
                                + ref.getKey()
                                + " in ConfigMap "
                                + namespace
                                + "/"
                                + ref.getName());
            }
            return value;
        }
        if (from.getFieldRef() != null) {
            return KubeletRules.fieldValue(pod, from.getFieldRef().getFieldPath());
        }
        if (from.getResourceFieldRef() != null) {
            var ref = from.getResourceFieldRef();
            Container target =
                    ref.getContainerName() == null || ref.getContainerName().isEmpty()
                            ? container
                            : pod.getSpec().getContainers().stream()
                                    .filter(c -> c.getName().equals(ref.getContainerName()))
                                    .findFirst()
                                    .orElse(container);
            return KubeletRules.resourceValue(target, ref, node.allocatable());
        }
        throw new ConfigError("env " + variable.getName() + ": unsupported valueFrom");
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static List<NodeRuntime.Mount> mounts(
            Pod pod,
            Container container,
            Map<String, Path> volumes,
            Path podDir,
            Path containerDir,
            Map<String, String> env)
            throws ConfigError, IOException {
        List<NodeRuntime.Mount> mounts = new ArrayList<>();
        for (VolumeMount mount :
                container.getVolumeMounts() == null
                        ? List.<VolumeMount>of()
                        : container.getVolumeMounts()) {
            Path volume = volumes.get(mount.getName());
            if (volume == null) {
                throw new ConfigError(
                        "cannot find volume \""
                                + mount.getName()
                                + "\" to mount into container \""
                                + container.getName()
                                + "\"");
            }
            String subPath =
                    mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty()
                            ? KubeletRules.expand(mount.getSubPathExpr(), env)
                            : mount.getSubPath();
            Path source = subPath == null || subPath.isEmpty() ? volume : subPath(volume, subPath);
            mounts.add(
                    new NodeRuntime.Mount(
                            source.toString(),
                            mount.getMountPath(),
                            Boolean.TRUE.equals(mount.getReadOnly())));
        }
        List<String> targets = mounts.stream().map(NodeRuntime.Mount::target).toList();
        for (String managed : List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf")) {
            if (!targets.contains(managed)) {
                mounts.add(
                        new NodeRuntime.Mount(
                                podDir.resolve(managed.substring(5)).toString(), managed, false));
            }
        }
        String messagePath =
                container.getTerminationMessagePath() == null
                        ? "/dev/termination-log"
                        : container.getTerminationMessagePath();
        mounts.add(
                new NodeRuntime.Mount(
                        containerDir.resolve("termination-log").toString(), messagePath, false));
        return KubeletRules.mountOrder(mounts, NodeRuntime.Mount::target);
    }

    /**
     * A subPath inside a volume; made as a directory when missing, as the kubelet does. Containers
     * may have written symlinks into the volume, so the path is checked after resolving them.
     */
    private static Path subPath(Path volume, String subPath) throws ConfigError, IOException {
        Path path = volume.resolve(subPath).normalize();
        if (!path.startsWith(volume)) {
            throw new ConfigError("subPath \"" + subPath + "\" leaves its volume");
        }
        if (!Files.exists(path)) {
            Files.createDirectories(path);
        }
        Path real = path.toRealPath();
        if (!real.startsWith(volume.toRealPath())) {
            throw new ConfigError(
                    "subPath \"" + subPath + "\" leaves its volume through a symlink");
        }
        return real;
    }
}
