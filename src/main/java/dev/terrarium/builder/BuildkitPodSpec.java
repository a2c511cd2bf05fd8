package dev.terrarium.builder;

import dev.terrarium.api.BuildStrategy;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/**
 * Rootless BuildKit, run daemonless: {@code buildctl-daemonless.sh} starts buildkitd under rootlesskit for the one
 * build and drives it with {@code buildctl build}.
 *
 * <p>Security, as BuildKit documents for rootless pods: user and group 1000 (the image's {@code user}), seccomp and
 * AppArmor Unconfined because rootlesskit creates a user namespace and mounts inside it, which the runtime default
 * profiles forbid; privilege escalation allowed because newuidmap and newgidmap gain their capabilities from file
 * capabilities. {@code --oci-worker-no-process-sandbox} lets build steps share the pod's PID namespace instead of
 * needing a fresh /proc. No extra capability and no privileged mode. A namespace enforcing the baseline or
 * restricted Pod Security Standard refuses Unconfined profiles, so builds run in one labelled privileged.
 *
 * <p>Build arguments travel as single argv entries {@code --opt build-arg:NAME=VALUE}; buildctl splits each at the
 * first {@code =} and never at commas. buildctl writes its {@code --metadata-file} atomically, by renaming a
 * temporary file over it, which cannot replace {@code /dev/termination-log} (a file bind mount in a directory the
 * build user cannot write); so a fixed shell wrapper runs buildctl with the arguments as {@code "$@"} and, once the
 * image is pushed, copies the metadata JSON into the termination message.
 *
 * <p>buildkitd clips a step's log past {@code BUILDKIT_STEP_LOG_MAX_SIZE} bytes and throttles it past
 * {@code BUILDKIT_STEP_LOG_MAX_SPEED} bytes a second; both are raised so that the printed lock arrives whole.
 */
public final class BuildkitPodSpec implements BuilderPodSpec {


    static final String STATE_DIR = "/home/user/.local/share/buildkit";
    static final String DOCKER_CONFIG_DIR = "/workspace/docker-config";
    static final String METADATA_FILE = "/tmp/buildkit-metadata.json";
    static final String SCRIPT = "buildctl-daemonless.sh \"$@\" && cat " + METADATA_FILE + " > "
            + BuilderVolumes.TERMINATION_LOG;
    private static final long BUILD_USER = 1000L;
    private static final String STEP_LOG_LIMIT = String.valueOf(64 * 1024 * 1024);
    private static final String STATE_VOLUME = "buildkit-state";

    @Override
    public BuildStrategy strategy() {
        return BuildStrategy.BUILDKIT;
    }

    @Override
    public BuilderPod pod(BuildRequest request) {
        List<String> args = new ArrayList<>(List.of(
                "build",
                "--progress=plain",
                "--frontend", "dockerfile.v0",
                "--local", "context=" + BuilderVolumes.CONTEXT_DIR,
                "--local", "dockerfile=" + BuilderVolumes.CONTEXT_DIR));
        request.buildArgs().forEach((name, value) -> {
            args.add("--opt");
            args.add("build-arg:" + name + "=" + value);
        });
        args.add("--output");
        args.add("type=image,name=" + request.target() + ",push=true"
                + (request.insecureRegistry() ? ",registry.insecure=true" : ""));
        args.add("--metadata-file");
        args.add(METADATA_FILE);

        List<EnvVar> env = new ArrayList<>(List.of(
                new EnvVar("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox", null),
                new EnvVar("BUILDKIT_STEP_LOG_MAX_SIZE", STEP_LOG_LIMIT, null),
                new EnvVar("BUILDKIT_STEP_LOG_MAX_SPEED", STEP_LOG_LIMIT, null)));
        List<Volume> volumes = new ArrayList<>(BuilderVolumes.contextVolumes(request));
        volumes.add(BuilderVolumes.emptyDir(STATE_VOLUME));
        List<VolumeMount> mounts = new ArrayList<>(BuilderVolumes.contextMounts(request));
        mounts.add(BuilderVolumes.mount(STATE_VOLUME, STATE_DIR, false));
        if (request.pushSecret() != null) {
            env.add(new EnvVar("DOCKER_CONFIG", DOCKER_CONFIG_DIR, null));
            volumes.add(BuilderVolumes.pushSecretVolume(request.pushSecret()));
            mounts.add(BuilderVolumes.pushSecretMount(DOCKER_CONFIG_DIR));
        }
        return new BuilderPod(BuilderVolumes.container(request.builderImage(), request, env, mounts, securityContext())
                .withCommand("/bin/sh", "-c", SCRIPT, "buildctl-daemonless.sh")
                .withArgs(args)
                .build(), volumes);
    }

    private static SecurityContext securityContext() {
        return new SecurityContextBuilder()
                .withRunAsUser(BUILD_USER)
                .withRunAsGroup(BUILD_USER)
                .withRunAsNonRoot(true)
                .withAllowPrivilegeEscalation(true)
                .withNewSeccompProfile().withType("Unconfined").endSeccompProfile()
                .withNewAppArmorProfile().withType("Unconfined").endAppArmorProfile()
                .build();
    }
}
