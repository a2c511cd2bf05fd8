package dev.terrarium.builder;

import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.BuildContextOptions;
import dev.terrarium.api.BuildStrategy;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/**
 * kaniko's executor, which builds by unpacking the base image over its own container's filesystem and snapshotting
 * it after each step; mounted paths (the context, the termination log) are left out of the snapshots.
 *
 * <p>Security: kaniko must run as root (uid 0) with the runtime's default capabilities, because build steps chown,
 * create users and install packages directly in the container's filesystem; it needs no privileged mode, no extra
 * capability and no namespace of its own, so the runtime default seccomp profile applies and privilege escalation
 * is off. Generate the context with cache mounts off ({@link BuildContextOptions#forStrategy}): kaniko does not
 * implement {@code RUN --mount}.
 *
 * <p>kaniko writes {@code --digest-file} in place, so it goes straight to the termination log. Build arguments are
 * argv pairs {@code --build-arg NAME=VALUE}.
 */
public final class KanikoPodSpec implements BuilderPodSpec {


    /** kaniko's default DOCKER_CONFIG; inside /kaniko, which it never snapshots. */
    static final String DOCKER_CONFIG_DIR = "/kaniko/.docker";

    @Override
    public BuildStrategy strategy() {
        return BuildStrategy.KANIKO;
    }

    @Override
    public BuilderPod pod(BuildRequest request) {
        List<String> args = new ArrayList<>(List.of(
                "--dockerfile=" + BuilderVolumes.CONTEXT_DIR + "/" + BuildContext.DOCKERFILE,
                "--context=dir://" + BuilderVolumes.CONTEXT_DIR,
                "--destination=" + request.target(),
                "--digest-file=" + BuilderVolumes.TERMINATION_LOG));
        if (request.insecureRegistry()) {
            args.add("--insecure");
        }
        request.buildArgs().forEach((name, value) -> {
            args.add("--build-arg");
            args.add(name + "=" + value);
        });

        List<Volume> volumes = new ArrayList<>(BuilderVolumes.contextVolumes(request));
        List<VolumeMount> mounts = new ArrayList<>(BuilderVolumes.contextMounts(request));
        if (request.pushSecret() != null) {
            volumes.add(BuilderVolumes.pushSecretVolume(request.pushSecret()));
            mounts.add(BuilderVolumes.pushSecretMount(DOCKER_CONFIG_DIR));
        }
        return new BuilderPod(BuilderVolumes.container(request.builderImage(), request, List.of(), mounts, securityContext())
                .withCommand("/kaniko/executor")
                .withArgs(args)
                .build(), volumes);
    }

    private static SecurityContext securityContext() {
        return new SecurityContextBuilder()
                .withRunAsUser(0L)
                .withRunAsNonRoot(false)
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }
}
