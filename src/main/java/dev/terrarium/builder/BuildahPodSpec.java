package dev.terrarium.builder;

import dev.terrarium.api.BuildStrategy;
import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.credentials.GitSshKey;
import dev.terrarium.credentials.IndexCredentials;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/**
 * buildah, as Tekton's buildah task and OpenShift builds run it, split in two steps so that the
 * user's install commands never run beside a registry credential.
 *
 * <ol>
 *   <li>The build step (an init container) runs {@code buildah build} with the vfs storage driver
 *       (no overlay mounts, no /dev/fuse) and chroot isolation (no runc inside the pod), then
 *       {@code buildah push} into an OCI layout in the {@value #IMAGE_VOLUME} emptyDir. It mounts
 *       no Secret and is given no auth file: chroot isolation is no boundary against a build step
 *       that is root in its user namespace (it keeps CAP_SYS_CHROOT there and breaks out with a
 *       second chroot, as CredentialIsolationIT shows), so whatever this container can read, the
 *       user's RUN lines can read. Base images are therefore pulled anonymously.
 *   <li>The push step (the pod's container, started only once the build succeeded) runs {@code
 *       skopeo copy} from that layout to the target, with the push secret as its auth file, and
 *       {@code --digestfile} writes the pushed manifest's digest into the termination log. It runs
 *       no user code and nothing from the built image.
 * </ol>
 *
 * <p>Security, least privilege that works, per step. The push step has the restricted Pod Security
 * profile: non-root (the image's {@code build} user), all capabilities dropped, no privilege
 * escalation, RuntimeDefault seccomp. The build step runs buildah rootless, as the same user (uid
 * and gid 1000, with ranges in /etc/subuid and /etc/subgid), not privileged. It makes a user
 * namespace in which it is root, mounts and chroots there, and runs the build steps inside. For
 * that:
 *
 * <ul>
 *   <li>all capabilities are dropped, then SETUID and SETGID added back, so that newuidmap and
 *       newgidmap (file capabilities) can write the namespace's id maps, and SETFCAP, which the
 *       kernel requires to map uid 0 into it; they only enter the bounding set, a non-root process
 *       never holds them itself;
 *   <li>privilege escalation stays allowed, since no_new_privs would stop those file capabilities;
 *   <li>seccomp and AppArmor are Unconfined, because the runtime default profiles forbid unshare
 *       and mount. The build namespace therefore needs the privileged Pod Security Standard. On
 *       clusters with Kubernetes user namespaces ({@code hostUsers: false}) the same holds inside
 *       the pod's own namespace.
 * </ul>
 *
 * Running buildah as root instead would need CAP_SYS_ADMIN for the mounts of chroot isolation,
 * which is close to privileged.
 *
 * <p>The build step needs a shell for its two commands. The script is fixed text chosen only by
 * whether the registry is insecure; the build's argv, build arguments included, arrives as {@code
 * "$@"}, and the target reference as the environment variable {@value #IMAGE_VARIABLE}, so no user
 * value is ever part of the script. The push step needs no shell: skopeo gets its argv directly.
 */
public final class BuildahPodSpec implements BuilderPodSpec {

    static final String IMAGE_VARIABLE = "TERRARIUM_IMAGE";
    static final String HOME = "/home/build";
    static final String STORAGE_DIR = HOME + "/.local/share/containers";
    static final String AUTH_DIR = "/workspace/push-secret";
    static final String AUTH_FILE = AUTH_DIR + "/" + BuilderVolumes.DOCKER_CONFIG_FILE;
    static final String IMAGE_DIR = "/workspace/image";

    /**
     * Where both steps find the CA bundle ConfigMap: buildah hands it to the build's downloading
     * steps as a build secret, and it and skopeo trust it themselves for registries (Go reads
     * SSL_CERT_FILE besides the system's certificate directory).
     */
    static final String CA_BUNDLE_DIR = "/workspace/ca-bundle";

    static final String CA_BUNDLE_FILE = CA_BUNDLE_DIR + "/" + BuilderVolumes.CA_BUNDLE_FILE;

    /**
     * Where the build step finds the credentials Secret, whose files it hands to buildah as build
     * secrets.
     */
    static final String CREDENTIALS_DIR = "/workspace/credentials";

    /**
     * The built image as the build step leaves it: an OCI layout, whose blobs the push step sends
     * as they are, so that the digest it reports is the digest of what the build made.
     */
    static final String LAYOUT = "oci:" + IMAGE_DIR + ":terrarium";

    static final String IMAGE_VOLUME = "image";
    private static final long BUILD_USER = 1000L;
    private static final String STORAGE_VOLUME = "buildah-storage";

    @Override
    public BuildStrategy strategy() {
        return BuildStrategy.BUILDAH;
    }

    @Override
    public BuilderPod pod(BuildRequest request) {
        List<Volume> volumes = new ArrayList<>(BuilderVolumes.contextVolumes(request));
        volumes.add(BuilderVolumes.emptyDir(STORAGE_VOLUME));
        volumes.add(BuilderVolumes.emptyDir(IMAGE_VOLUME));
        if (request.pushSecret() != null) {
            volumes.add(BuilderVolumes.pushSecretVolume(request.pushSecret()));
        }
        if (request.credentialsSecret() != null) {
            volumes.add(BuilderVolumes.credentialsVolume(request.credentialsSecret()));
        }
        if (request.network().caBundle() != null) {
            volumes.add(BuilderVolumes.caBundleVolume(request.network()));
        }
        return new BuilderPod(buildStep(request), pushStep(request), volumes);
    }

    /**
     * How buildah builds: vfs and chroot isolation (see above), and no {@code --layers}: the layer
     * store is the pod's emptyDir, so no later build could reuse a layer, and with vfs each layer
     * would cost a full copy of the root filesystem. The image is its base image's layers and one
     * layer of the build's.
     */
    public static final List<String> BUILD_FLAGS =
            List.of("--storage-driver=vfs", "--isolation=chroot");

    /**
     * A file of the credentials Secret as a build secret, which only the RUN steps that mount it
     * see.
     */
    private static void secret(List<String> args, String id, String file) {
        args.add("--secret=id=" + id + ",src=" + CREDENTIALS_DIR + "/" + file);
    }

    private static Container buildStep(BuildRequest request) {
        List<String> args = new ArrayList<>(BUILD_FLAGS);
        if (request.insecureRegistry()) {
            // The base image usually comes from the same registry (a mirror, in an air-gapped
            // cluster).
            args.add("--tls-verify=false");
        }
        if (request.credentialsSecret() != null) {
            secret(args, BuildContextGenerator.NETRC_SECRET_ID, IndexCredentials.NETRC_KEY);
            secret(
                    args,
                    BuildContextGenerator.CONDA_AUTH_SECRET_ID,
                    IndexCredentials.CONDA_AUTH_KEY);
            secret(args, BuildContextGenerator.GIT_SSH_KEY_SECRET_ID, GitSshKey.PRIVATE_KEY);
            secret(args, BuildContextGenerator.GIT_KNOWN_HOSTS_SECRET_ID, GitSshKey.KNOWN_HOSTS);
        }
        if (request.network().caBundle() != null) {
            args.add(
                    "--secret=id="
                            + BuildContextGenerator.CA_BUNDLE_SECRET_ID
                            + ",src="
                            + CA_BUNDLE_FILE);
        }
        args.add("--file=" + BuilderVolumes.CONTEXT_DIR + "/" + BuildContext.DOCKERFILE);
        args.add("--tag=" + request.target());
        request.buildArgs()
                .forEach(
                        (name, value) -> {
                            args.add("--build-arg");
                            args.add(name + "=" + value);
                        });
        args.add(BuilderVolumes.CONTEXT_DIR);

        List<EnvVar> env =
                new ArrayList<>(
                        List.of(
                                new EnvVar(IMAGE_VARIABLE, request.target(), null),
                                new EnvVar("HOME", HOME, null)));
        env.addAll(networkVariables(request));
        List<VolumeMount> mounts = new ArrayList<>(BuilderVolumes.contextMounts(request));
        mounts.add(BuilderVolumes.mount(STORAGE_VOLUME, STORAGE_DIR, false));
        mounts.add(BuilderVolumes.mount(IMAGE_VOLUME, IMAGE_DIR, false));
        if (request.credentialsSecret() != null) {
            mounts.add(BuilderVolumes.credentialsMount(CREDENTIALS_DIR));
        }
        if (request.network().caBundle() != null) {
            mounts.add(BuilderVolumes.caBundleMount(CA_BUNDLE_DIR));
        }
        return BuilderVolumes.container(
                        BuilderPod.BUILD_CONTAINER,
                        request.builderImage(),
                        request,
                        env,
                        mounts,
                        buildSecurityContext())
                .withCommand("/bin/sh", "-c", script(), "buildah-build")
                .withArgs(args)
                .build();
    }

    private static Container pushStep(BuildRequest request) {
        List<String> args = new ArrayList<>(List.of("copy"));
        List<VolumeMount> mounts =
                new ArrayList<>(List.of(BuilderVolumes.mount(IMAGE_VOLUME, IMAGE_DIR, true)));
        if (request.pushSecret() != null) {
            args.add("--authfile=" + AUTH_FILE);
            mounts.add(BuilderVolumes.pushSecretMount(AUTH_DIR));
        }
        if (request.insecureRegistry()) {
            args.add("--dest-tls-verify=false");
        }
        if (request.network().caBundle() != null) {
            mounts.add(BuilderVolumes.caBundleMount(CA_BUNDLE_DIR));
        }
        List<EnvVar> env = new ArrayList<>(List.of(new EnvVar("HOME", HOME, null)));
        env.addAll(networkVariables(request));
        args.add("--digestfile=" + BuilderVolumes.TERMINATION_LOG);
        args.add(LAYOUT);
        args.add("docker://" + request.target());
        return BuilderVolumes.container(
                        BuilderPod.PUSH_CONTAINER,
                        request.builderImage(),
                        request,
                        env,
                        mounts,
                        pushSecurityContext())
                .withCommand("skopeo")
                .withArgs(args)
                .build();
    }

    /** The proxies, and SSL_CERT_FILE when there is a CA bundle: a step's own trust and way out. */
    private static List<EnvVar> networkVariables(BuildRequest request) {
        List<EnvVar> env = new ArrayList<>(BuilderVolumes.proxyVariables(request.network()));
        if (request.network().caBundle() != null) {
            env.add(new EnvVar("SSL_CERT_FILE", CA_BUNDLE_FILE, null));
        }
        return env;
    }

    /**
     * Build, write the OCI layout, then drop the layer store: with vfs it holds a full copy of the
     * root filesystem per layer (GBs for a CUDA or Jupyter environment), and the pod, with its
     * emptyDir, outlives the build as the Job's record; only the layout is read afterwards. A
     * failure to clean up does not fail a build that succeeded.
     */
    static String script() {
        return "set -eu\n"
                + "buildah build \"$@\"\n"
                + "buildah push --storage-driver=vfs \"$"
                + IMAGE_VARIABLE
                + "\" "
                + LAYOUT
                + "\n"
                + "buildah rmi --all --force --storage-driver=vfs >/dev/null || true\n";
    }

    private static SecurityContext buildSecurityContext() {
        return new SecurityContextBuilder()
                .withRunAsUser(BUILD_USER)
                .withRunAsGroup(BUILD_USER)
                .withRunAsNonRoot(true)
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .withAdd("SETUID", "SETGID", "SETFCAP")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("Unconfined")
                .endSeccompProfile()
                .withNewAppArmorProfile()
                .withType("Unconfined")
                .endAppArmorProfile()
                .build();
    }

    /** The restricted Pod Security profile: skopeo needs no privilege at all. */
    private static SecurityContext pushSecurityContext() {
        return new SecurityContextBuilder()
                .withRunAsUser(BUILD_USER)
                .withRunAsGroup(BUILD_USER)
                .withRunAsNonRoot(true)
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }
}
