package dev.terrarium.testing;

import dev.terrarium.testing.KubeletRules.ConfigError;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A pod's volumes on this machine, made before its containers start, as the kubelet's volume
 * plugins make them: emptyDir (a directory shared by the pod's containers, mode 0777), configMap,
 * secret, downwardAPI and projected volumes (items, modes, optional sources; a serviceAccountToken
 * source holds a token from the TokenRequest API, bound to the pod). Their files are laid out as
 * the kubelet's atomic writer does: the files in a {@code ..<time>} directory, {@code ..data}
 * pointing at it, and each top-level name a symlink into {@code ..data}. With a pod fsGroup they
 * belong to that group, as the kubelet makes them. They are written once: later changes of the
 * ConfigMap or Secret, and token expiry, are not followed.
 */
final class PodVolumes {

    private static final int DEFAULT_MODE = 0644;

    private PodVolumes() {}

    /** Makes every volume of the pod under dir; returns each volume's directory by name. */
    static Map<String, Path> prepare(
            KubernetesClient client, Pod pod, Path dir, Map<String, Quantity> node)
            throws ConfigError, IOException {
        Map<String, Path> volumes = new LinkedHashMap<>();
        Long fsGroup =
                pod.getSpec().getSecurityContext() == null
                        ? null
                        : pod.getSpec().getSecurityContext().getFsGroup();
        List<Volume> declared =
                pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
        for (Volume volume : declared) {
            Path path = dir.resolve(volume.getName());
            if (volume.getEmptyDir() != null) {
                Files.createDirectories(path);
                Files.setPosixFilePermissions(path, EnumSet.allOf(PosixFilePermission.class));
                if (fsGroup != null) {
                    Files.setAttribute(path, "unix:gid", fsGroup.intValue());
                }
            } else {
                Map<String, File> files = files(client, pod, volume, node);
                write(path, files, fsGroup);
            }
            volumes.put(volume.getName(), path);
        }
        return volumes;
    }

    /** A file of a volume: its content and mode. */
    record File(byte[] content, int mode) {}

    private static Map<String, File> files(
            KubernetesClient client, Pod pod, Volume volume, Map<String, Quantity> node)
            throws ConfigError {
        String namespace = pod.getMetadata().getNamespace();
        Map<String, File> files = new LinkedHashMap<>();
        if (volume.getConfigMap() != null) {
            var source = volume.getConfigMap();
            int mode = mode(source.getDefaultMode(), DEFAULT_MODE);
            configMap(
                    client,
                    namespace,
                    source.getName(),
                    source.getItems(),
                    source.getOptional(),
                    mode,
                    files);
        } else if (volume.getSecret() != null) {
            var source = volume.getSecret();
            int mode = mode(source.getDefaultMode(), DEFAULT_MODE);
            secret(
                    client,
                    namespace,
                    source.getSecretName(),
                    source.getItems(),
                    source.getOptional(),
                    mode,
                    files);
        } else if (volume.getDownwardAPI() != null) {
            int mode = mode(volume.getDownwardAPI().getDefaultMode(), DEFAULT_MODE);
            downward(pod, volume.getDownwardAPI().getItems(), mode, node, files);
        } else if (volume.getProjected() != null) {
            int mode = mode(volume.getProjected().getDefaultMode(), DEFAULT_MODE);
            for (VolumeProjection projection : volume.getProjected().getSources()) {
                project(client, pod, projection, mode, node, files);
            }
        } else {
            throw new ConfigError(
                    "volume \""
                            + volume.getName()
                            + "\": only emptyDir, configMap, secret, "
                            + "downwardAPI and projected volumes are supported by the test node");
        }
        return files;
    }

    private static void project(
            KubernetesClient client,
            Pod pod,
            VolumeProjection projection,
            int mode,
            Map<String, Quantity> node,
            Map<String, File> files)
            throws ConfigError {
        String namespace = pod.getMetadata().getNamespace();
        if (projection.getConfigMap() != null) {
            ConfigMapProjection source = projection.getConfigMap();
            configMap(
                    client,
                    namespace,
                    source.getName(),
                    source.getItems(),
                    source.getOptional(),
                    mode,
                    files);
        } else if (projection.getSecret() != null) {
            SecretProjection source = projection.getSecret();
            secret(
                    client,
                    namespace,
                    source.getName(),
                    source.getItems(),
                    source.getOptional(),
                    mode,
                    files);
        } else if (projection.getDownwardAPI() != null) {
            downward(pod, projection.getDownwardAPI().getItems(), mode, node, files);
        } else if (projection.getServiceAccountToken() != null) {
            ServiceAccountTokenProjection source = projection.getServiceAccountToken();
            files.put(
                    source.getPath(),
                    new File(token(client, pod, source).getBytes(StandardCharsets.UTF_8), mode));
        } else {
            throw new ConfigError(
                    "only configMap, secret, downwardAPI and serviceAccountToken projections are "
                            + "supported by the test node");
        }
    }

    /** A token for the pod's ServiceAccount, bound to the pod, as the kubelet asks for it. */
    private static String token(
            KubernetesClient client, Pod pod, ServiceAccountTokenProjection source) {
        String account =
                pod.getSpec().getServiceAccountName() == null
                        ? "default"
                        : pod.getSpec().getServiceAccountName();
        TokenRequest request =
                new TokenRequestBuilder()
                        .withNewSpec()
                        .withAudiences(
                                source.getAudience() == null || source.getAudience().isEmpty()
                                        ? List.of()
                                        : List.of(source.getAudience()))
                        .withExpirationSeconds(
                                source.getExpirationSeconds() == null
                                        ? 3600L
                                        : source.getExpirationSeconds())
                        .withNewBoundObjectRef()
                        .withApiVersion("v1")
                        .withKind("Pod")
                        .withName(pod.getMetadata().getName())
                        .withUid(pod.getMetadata().getUid())
                        .endBoundObjectRef()
                        .endSpec()
                        .build();
        return client.serviceAccounts()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(account)
                .tokenRequest(request)
                .getStatus()
                .getToken();
    }

    private static void configMap(
            KubernetesClient client,
            String namespace,
            String name,
            List<KeyToPath> items,
            Boolean optional,
            int mode,
            Map<String, File> files)
            throws ConfigError {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
        if (map == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new ConfigError("configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (map.getData() != null) {
            map.getData()
                    .forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        if (map.getBinaryData() != null) {
            map.getBinaryData()
                    .forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        keys("configmap", name, data, items, optional, mode, files);
    }

    private static void secret(
            KubernetesClient client,
            String namespace,
            String name,
            List<KeyToPath> items,
            Boolean optional,
            int mode,
            Map<String, File> files)
            throws ConfigError {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new ConfigError("secret \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData()
                    .forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        keys("secret", name, data, items, optional, mode, files);
    }

    private static void keys(
            String kind,
            String name,
            Map<String, byte[]> data,
            List<KeyToPath> items,
            Boolean optional,
            int mode,
            Map<String, File> files)
            throws ConfigError {
        if (items == null || items.isEmpty()) {
            data.forEach((key, value) -> files.put(key, new File(value, mode)));
            return;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new ConfigError(
                        kind + " \"" + name + "\" references non-existent key: " + item.getKey());
            }
            files.put(item.getPath(), new File(value, mode(item.getMode(), mode)));
        }
    }

    private static void downward(
            Pod pod,
            List<DownwardAPIVolumeFile> items,
            int mode,
            Map<String, Quantity> node,
            Map<String, File> files)
            throws ConfigError {
        for (DownwardAPIVolumeFile item : items) {
            String value;
            if (item.getFieldRef() != null) {
                value = KubeletRules.fieldValue(pod, item.getFieldRef().getFieldPath());
            } else {
                String containerName = item.getResourceFieldRef().getContainerName();
                var container =
                        pod.getSpec().getContainers().stream()
                                .filter(c -> c.getName().equals(containerName))
                                .findFirst()
                                .orElseThrow(
                                        () -> new ConfigError("no container " + containerName));
                value = KubeletRules.resourceValue(container, item.getResourceFieldRef(), node);
            }
            files.put(
                    item.getPath(),
                    new File(value.getBytes(StandardCharsets.UTF_8), mode(item.getMode(), mode)));
        }
    }

    private static int mode(Integer given, int fallback) {
        return given == null ? fallback : given;
    }

    /**
     * The kubelet's atomic writer layout: {@code ..<time>/} holds the files, top-level names link
     * through ..data.
     */
    private static void write(Path dir, Map<String, File> files, Long fsGroup) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, permissions(0755));
        String stamp = ".." + Instant.now().toString().replace(':', '_');
        Path data = dir.resolve(stamp);
        Files.createDirectory(data);
        Files.setPosixFilePermissions(data, permissions(0755));
        for (var entry : files.entrySet()) {
            Path file = data.resolve(entry.getKey()).normalize();
            if (!file.startsWith(data) || file.equals(data)) {
                throw new IOException("volume item path " + entry.getKey() + " leaves the volume");
            }
            Files.createDirectories(file.getParent());
            Files.write(file, entry.getValue().content());
            int mode = entry.getValue().mode();
            if (fsGroup != null) {
                Files.setAttribute(file, "unix:gid", fsGroup.intValue());
                mode |= 0440;
            }
            Files.setPosixFilePermissions(file, permissions(mode));
        }
        if (fsGroup != null) {
            try (Stream<Path> tree = Files.walk(data)) {
                for (Path path : tree.toList()) {
                    Files.setAttribute(
                            path, "unix:gid", fsGroup.intValue(), LinkOption.NOFOLLOW_LINKS);
                }
            }
            Files.setAttribute(dir, "unix:gid", fsGroup.intValue());
        }
        Files.createSymbolicLink(dir.resolve("..data"), Path.of(stamp));
        Set<String> topLevel = new java.util.TreeSet<>();
        files.keySet()
                .forEach(path -> topLevel.add(Path.of(path).normalize().getName(0).toString()));
        for (String name : topLevel) {
            Files.createSymbolicLink(dir.resolve(name), Path.of("..data").resolve(name));
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }
}
