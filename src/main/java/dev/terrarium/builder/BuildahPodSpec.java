package dev.terrarium.builder;

import dev.terrarium.api.BuildStrategy;
import dev.terrarium.buildcontext.BuildContext;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/**
 * buildah, as Tekton's buildah task and OpenShift builds run it: {@code buildah build} with the vfs
 * storage driver (no overlay mounts, no /dev/fuse) and chroot isolation (no runc inside the pod),
 * then {@code buildah push}, whose {@code --digestfile} writes the pushed manifest's digest in
 * place into the termination log.
 *
 * <p>Security, least privilege that works: buildah runs rootless, as the image's {@code build} user
 * (uid and gid 1000, with ranges in /etc/subuid and /etc/subgid), not privileged. It makes a user
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
 * <p>Two commands need a shell. The script is fixed text chosen only by whether there is a push
 * secret and whether the registry is insecure; the build's argv, build arguments included, arrives
 * as {@code "$@"}, and the target reference as the environment variable {@value #IMAGE_VARIABLE},
 * so no user value is ever part of the script.
 */
public final class BuildahPodSpec implements BuilderPodSpec {

    static final String IMAGE_VARIABLE = "TERRARIUM_IMAGE";
    static final String HOME = "/home/build";
    static final String STORAGE_DIR = HOME + "/.local/share/containers";
    static final String AUTH_DIR = "/workspace/push-secret";
    static final String AUTH_FILE = AUTH_DIR + "/" + BuilderVolumes.DOCKER_CONFIG_FILE;
    private static final long BUILD_USER = 1000L;
    private static final String STORAGE_VOLUME = "buildah-storage";

    @Override
    public BuildStrategy strategy() {
        return BuildStrategy.BUILDAH;
    }

    @Override
    public BuilderPod pod(BuildRequest request) {
        boolean authenticated = request.pushSecret() != null;
        List<String> args =
                new ArrayList<>(List.of("--storage-driver=vfs", "--isolation=chroot", "--layers"));
        if (authenticated) {
            args.add("--authfile=" + AUTH_FILE);
        }
        if (request.insecureRegistry()) {
            // The base image usually comes from the same registry (a mirror, in an air-gapped
            // cluster).
            args.add("--tls-verify=false");
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
                List.of(
                        new EnvVar(IMAGE_VARIABLE, request.target(), null),
                        new EnvVar("HOME", HOME, null));
        List<Volume> volumes = new ArrayList<>(BuilderVolumes.contextVolumes(request));
        volumes.add(BuilderVolumes.emptyDir(STORAGE_VOLUME));
        List<VolumeMount> mounts = new ArrayList<>(BuilderVolumes.contextMounts(request));
        mounts.add(BuilderVolumes.mount(STORAGE_VOLUME, STORAGE_DIR, false));
        if (authenticated) {
            volumes.add(BuilderVolumes.pushSecretVolume(request.pushSecret()));
            mounts.add(BuilderVolumes.pushSecretMount(AUTH_DIR));
        }
        return new BuilderPod(
                BuilderVolumes.container(
                                request.builderImage(), request, env, mounts, securityContext())
                        .withCommand(
                                "/bin/sh",
                                "-c",
                                script(authenticated, request.insecureRegistry()),
                                "buildah-build")
                        .withArgs(args)
                        .build(),
                volumes);
    }

    static String script(boolean authenticated, boolean insecure) {
        return "set -eu\n"
                + "buildah build \"$@\"\n"
                + "buildah push --storage-driver=vfs"
                + (authenticated ? " --authfile=" + AUTH_FILE : "")
                + (insecure ? " --tls-verify=false" : "")
                + " --digestfile="
                + BuilderVolumes.TERMINATION_LOG
                + " \"$"
                + IMAGE_VARIABLE
                + "\" \"docker://$"
                + IMAGE_VARIABLE
                + "\"\n";
    }

    private static SecurityContext securityContext() {
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
}
