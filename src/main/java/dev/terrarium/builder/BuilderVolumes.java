package dev.terrarium.builder;

import dev.terrarium.credentials.GitSshKey;
import dev.terrarium.credentials.IndexCredentials;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout every builder shares: where the context is, how the push secret is mounted, and the
 * container fields that do not depend on the builder.
 *
 * <p>The context ConfigMap is mounted file by file with subPath into an emptyDir, rather than as a
 * directory: a ConfigMap directory holds each key as a symlink into a hidden {@code ..data}
 * directory, and builders differ in whether they follow such links when they send or copy the
 * context. A subPath mount is the plain file.
 */
final class BuilderVolumes {

    static final String CONTEXT_DIR = "/workspace/context";
    static final String TERMINATION_LOG = "/dev/termination-log";
    static final String DOCKER_CONFIG_FILE = "config.json";
    private static final String CONTEXT_VOLUME = "context";
    private static final String CONTEXT_DIR_VOLUME = "context-dir";
    private static final String PUSH_SECRET_VOLUME = "push-secret";
    private static final String CREDENTIALS_VOLUME = "build-credentials";
    private static final String CA_BUNDLE_VOLUME = "ca-bundle";

    /** The file name of the CA bundle where the build pod mounts it. */
    static final String CA_BUNDLE_FILE = "ca.crt";

    private static final String DOCKER_CONFIG_KEY = ".dockerconfigjson";

    private BuilderVolumes() {}

    static List<Volume> contextVolumes(BuildRequest request) {
        return List.of(
                new VolumeBuilder()
                        .withName(CONTEXT_VOLUME)
                        .withNewConfigMap()
                        .withName(request.contextConfigMap())
                        .endConfigMap()
                        .build(),
                emptyDir(CONTEXT_DIR_VOLUME));
    }

    static List<VolumeMount> contextMounts(BuildRequest request) {
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(mount(CONTEXT_DIR_VOLUME, CONTEXT_DIR, false));
        for (String file : request.contextFiles()) {
            mounts.add(
                    new VolumeMountBuilder()
                            .withName(CONTEXT_VOLUME)
                            .withMountPath(CONTEXT_DIR + "/" + file)
                            .withSubPath(file)
                            .withReadOnly(true)
                            .build());
        }
        return mounts;
    }

    /**
     * The push secret's {@value #DOCKER_CONFIG_KEY} as {@code config.json}, the name Docker clients
     * look for.
     */
    static Volume pushSecretVolume(String secretName) {
        return new VolumeBuilder()
                .withName(PUSH_SECRET_VOLUME)
                .withNewSecret()
                .withSecretName(secretName)
                .addNewItem()
                .withKey(DOCKER_CONFIG_KEY)
                .withPath(DOCKER_CONFIG_FILE)
                .endItem()
                .endSecret()
                .build();
    }

    /** The files of the build's credentials, one per key, each named as its key. */
    static final List<String> CREDENTIAL_FILES =
            List.of(
                    IndexCredentials.NETRC_KEY,
                    IndexCredentials.CONDA_AUTH_KEY,
                    GitSshKey.PRIVATE_KEY,
                    GitSshKey.KNOWN_HOSTS);

    /** The credentials Secret's keys {@link #CREDENTIAL_FILES} as files of the same names. */
    static Volume credentialsVolume(String secretName) {
        return new VolumeBuilder()
                .withName(CREDENTIALS_VOLUME)
                .withNewSecret()
                .withSecretName(secretName)
                .withItems(
                        CREDENTIAL_FILES.stream()
                                .map(key -> new KeyToPath(key, null, key))
                                .toList())
                .endSecret()
                .build();
    }

    /**
     * The CA bundle ConfigMap's key as the file {@value #CA_BUNDLE_FILE}. Not optional: a build
     * that was told to trust a bundle waits for it rather than run without it.
     */
    static Volume caBundleVolume(BuildNetwork network) {
        return new VolumeBuilder()
                .withName(CA_BUNDLE_VOLUME)
                .withNewConfigMap()
                .withName(network.caBundle())
                .addNewItem()
                .withKey(network.caBundleKey())
                .withPath(CA_BUNDLE_FILE)
                .endItem()
                .endConfigMap()
                .build();
    }

    static VolumeMount caBundleMount(String directory) {
        return mount(CA_BUNDLE_VOLUME, directory, true);
    }

    /**
     * The proxy variables of a step, upper and lower case, since tools differ in which they read
     * (curl and Python's urllib prefer lower case, Go upper case). buildah passes them on into the
     * RUN steps of the build (its --http-proxy, on by default) as process environment only: they
     * are neither in the image's config nor in its history.
     */
    static List<EnvVar> proxyVariables(BuildNetwork network) {
        List<EnvVar> env = new ArrayList<>();
        proxyVariable(env, "HTTP_PROXY", network.httpProxy());
        proxyVariable(env, "HTTPS_PROXY", network.httpsProxy());
        proxyVariable(env, "NO_PROXY", network.noProxy());
        return env;
    }

    private static void proxyVariable(List<EnvVar> env, String name, String value) {
        if (value != null) {
            env.add(new EnvVar(name, value, null));
            env.add(new EnvVar(name.toLowerCase(java.util.Locale.ROOT), value, null));
        }
    }

    static VolumeMount credentialsMount(String directory) {
        return mount(CREDENTIALS_VOLUME, directory, true);
    }

    static VolumeMount pushSecretMount(String directory) {
        return mount(PUSH_SECRET_VOLUME, directory, true);
    }

    static Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
    }

    static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(path)
                .withReadOnly(readOnly)
                .build();
    }

    /**
     * The fields every step of a build pod has. The termination message is read from the file only
     * (policy File), so that a failed build never passes a log line off as a digest.
     */
    static ContainerBuilder container(
            String name,
            String image,
            BuildRequest request,
            List<EnvVar> env,
            List<VolumeMount> mounts,
            SecurityContext securityContext) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withResources(request.resources())
                .withSecurityContext(securityContext)
                .withTerminationMessagePath(TERMINATION_LOG)
                .withTerminationMessagePolicy("File");
    }
}
