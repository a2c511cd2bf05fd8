package dev.terrarium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test node itself ({@link RealBuildNode}): pods bound to it run from their own images, pulled
 * from a registry and unpacked here, with their command, env, volumes and user, and report what
 * Kubernetes reports. The builder image is the project's (hack/images.sh, or
 * TERRARIUM_BUILDER_IMAGE); the plain image is the venv base image of hack/base-image.sh (Debian
 * minbase with python3).
 */
@TerrariumTest(operator = false)
class RealNodeIT {

    private static final Duration POD_START = Duration.ofMinutes(5);
    private static final String USER = "pusher";
    private static final String PASSWORD = "push-" + UUID.randomUUID();

    private static String baseImage;
    private static String builderImage;
    private static TestRegistry privateRegistry;

    @BeforeAll
    static void startTheNodeAndMakeTheImages() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = lastLine(script(plane, "hack/base-image.sh", plane.registry()));
        builderImage = ProjectImages.builder(plane);
        privateRegistry = TestRegistry.startWithHtpasswd(USER, PASSWORD);
    }

    @AfterAll
    static void stopTheRegistry() {
        if (privateRegistry != null) {
            privateRegistry.close();
        }
    }

    private static String script(LocalControlPlane plane, String script, String argument) {
        List<String> command = List.of("bash", plane.repo().resolve(script).toString(), argument);
        return Commands.run(command, Map.of(), plane.repo(), Duration.ofMinutes(30))
                .requireSuccess(command)
                .output()
                .strip();
    }

    private static String lastLine(String output) {
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    @Test
    void aRootlessBuildWritesAnArchiveThatAPushContainerPushesAndTheImageRunsWithItsOwnConfig(
            TestNamespace ns) throws Exception {
        String target =
                privateRegistry.hostPort()
                        + "/node-test/built:"
                        + UUID.randomUUID().toString().substring(0, 8);
        ns.client().resource(pushSecret("push-credentials")).create();
        ns.client()
                .configMaps()
                .resource(
                        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("context")
                                .endMetadata()
                                .addToData(
                                        "Dockerfile",
                                        """
                        FROM %s
                        RUN groupadd --gid 4100 app && useradd --uid 4100 --gid 4100 --create-home app \\
                            && rm /etc/issue.net && mkdir /srv/app
                        COPY hello.txt /srv/app/hello.txt
                        ENV GREETING=hello-from-the-image
                        WORKDIR /srv/app
                        USER app
                        ENTRYPOINT ["/bin/sh", "-c"]
                        CMD ["id; pwd; echo $GREETING; cat hello.txt; test -e /etc/issue.net || echo whiteout-applied"]
                        """
                                                .formatted(baseImage))
                                .addToData("hello.txt", "hello from the build context\n")
                                .build())
                .create();

        Instant started = Instant.now();
        create(
                ns,
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: build}
                spec:
                  restartPolicy: Never
                  initContainers:
                  - name: build
                    image: %1$s
                    command: [/bin/sh, -c]
                    args:
                    - >-
                      buildah build --storage-driver=vfs --isolation=chroot --tls-verify=false
                      --file=/workspace/context/Dockerfile --tag=localhost/built:latest /workspace/context
                      && buildah push --storage-driver=vfs localhost/built:latest oci-archive:/workspace/out/image.tar
                    securityContext:
                      runAsUser: 1000
                      runAsGroup: 1000
                      allowPrivilegeEscalation: true
                      capabilities: {drop: [ALL], add: [SETUID, SETGID, SETFCAP]}
                    volumeMounts:
                    - {name: out, mountPath: /workspace/out}
                    - {name: context-dir, mountPath: /workspace/context}
                    - {name: context, mountPath: /workspace/context/Dockerfile, subPath: Dockerfile, readOnly: true}
                    - {name: context, mountPath: /workspace/context/hello.txt, subPath: hello.txt, readOnly: true}
                    - {name: storage, mountPath: /home/build/.local/share/containers}
                  containers:
                  - name: push
                    image: %1$s
                    command: [skopeo, copy, --dest-tls-verify=false, --authfile=/workspace/push-secret/config.json,
                              --digestfile=/dev/termination-log, "oci-archive:/workspace/out/image.tar",
                              "docker://%2$s"]
                    securityContext:
                      runAsUser: 1000
                      allowPrivilegeEscalation: false
                      capabilities: {drop: [ALL]}
                    volumeMounts:
                    - {name: out, mountPath: /workspace/out, readOnly: true}
                    - {name: push-secret, mountPath: /workspace/push-secret, readOnly: true}
                  volumes:
                  - {name: out, emptyDir: {}}
                  - {name: context-dir, emptyDir: {}}
                  - {name: storage, emptyDir: {}}
                  - {name: context, configMap: {name: context}}
                  - name: push-secret
                    secret:
                      secretName: push-credentials
                      items: [{key: .dockerconfigjson, path: config.json}]
                """
                        .formatted(builderImage, target));

        Pod done = awaitPod(ns, "build", p -> isTerminal(p), Duration.ofMinutes(15));
        System.out.printf(
                "test node: build/push pod ended %s in %d s%n",
                done.getStatus().getPhase(), Duration.between(started, Instant.now()).toSeconds());
        assertThat(done.getStatus().getPhase())
                .as(logs(ns, "build", "build") + logs(ns, "build", "push"))
                .isEqualTo("Succeeded");
        ContainerStatus push = done.getStatus().getContainerStatuses().get(0);
        String digest = push.getState().getTerminated().getMessage();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(push.getImageID()).contains("/terrarium/builder@sha256:");
        assertThat(
                        done.getStatus()
                                .getInitContainerStatuses()
                                .get(0)
                                .getState()
                                .getTerminated()
                                .getReason())
                .isEqualTo("Completed");
        assertThat(ns.kubectl().run("logs", "build", "-c", "build"))
                .as("the build runs in a user namespace of its own, not as this machine's root")
                .contains("STEP 2/8: RUN groupadd")
                .doesNotContain("Falling back to single mapping");
        String inRegistry =
                new RegistryClient(Set.of("127.0.0.1"))
                        .manifestDigest(
                                ImageReference.parse(target), Credentials.basic(USER, PASSWORD))
                        .orElseThrow();
        assertThat(inRegistry).isEqualTo(digest);

        String image = target.substring(0, target.lastIndexOf(':')) + "@" + digest;
        create(
                ns,
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: built}
                spec:
                  restartPolicy: Never
                  imagePullSecrets: [{name: push-credentials}]
                  containers:
                  - {name: app, image: "%s"}
                """
                        .formatted(image));
        Pod built = awaitPod(ns, "built", RealNodeIT::isTerminal, POD_START);
        assertThat(built.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(ns.kubectl().run("logs", "built"))
                .as("Entrypoint, Cmd, Env, WorkingDir, USER and layers")
                .contains(
                        "uid=4100(app) gid=4100(app) groups=4100(app)",
                        "/srv/app\n",
                        "hello-from-the-image",
                        "hello from the build context",
                        "whiteout-applied");
    }

    @Test
    void envVolumesAndUserAreThePodsOwn(TestNamespace ns) {
        ns.client()
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("secret")
                                .endMetadata()
                                .addToStringData("token.txt", "s3cret-value")
                                .addToStringData("other", "unused")
                                .build())
                .create();
        ns.client()
                .configMaps()
                .resource(
                        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("settings")
                                .endMetadata()
                                .addToData("color", "green")
                                .addToData("shape", "round")
                                .build())
                .create();
        create(
                ns,
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: show, labels: {app: shop}}
                spec:
                  restartPolicy: Never
                  automountServiceAccountToken: false
                  securityContext: {supplementalGroups: [3456], fsGroup: 4567}
                  initContainers:
                  - name: prepare
                    image: %1$s
                    command: [/bin/sh, -c, 'echo written-by-init > /shared/note; id -u > /shared/init-uid']
                    volumeMounts: [{name: shared, mountPath: /shared}]
                  containers:
                  - name: show
                    image: %1$s
                    workingDir: /tmp/work
                    command: [/bin/sh, -c]
                    args:
                    - |
                      id; pwd; hostname
                      echo "GREETING=$GREETING COLOR=$COLOR ARG=$(POD_NAME)"
                      printf %%s "$FROM_SECRET" | sha256sum
                      echo 'LITERAL=$$(ESCAPED)'
                      echo "init wrote $(cat /shared/note) as uid $(cat /shared/init-uid)"
                      stat -c '%%a %%g' /etc/cfg/..data/renamed /etc/sec/..data/token.txt
                      cat /etc/cfg/renamed; echo; cat /etc/one-key; echo
                      sha256sum < /etc/sec/token.txt
                      ls /etc/sec
                      touch /etc/cfg/new 2>/dev/null || echo read-only-volume
                      grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
                      test -e /var/run/secrets/kubernetes.io/serviceaccount && echo sa-mounted || echo no-sa
                      echo "the end" > /dev/termination-log
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - {name: GREETING, value: "hello $(POD_NAME) in $(POD_NAMESPACE)"}
                    - name: POD_NAMESPACE
                      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
                    - name: FROM_SECRET
                      valueFrom: {secretKeyRef: {name: secret, key: token.txt}}
                    - name: COLOR
                      valueFrom: {configMapKeyRef: {name: settings, key: color}}
                    - {name: ESCAPED, value: unused}
                    securityContext:
                      runAsUser: 1234
                      runAsGroup: 2345
                      allowPrivilegeEscalation: false
                    volumeMounts:
                    - {name: shared, mountPath: /shared}
                    - {name: cfg, mountPath: /etc/cfg, readOnly: true}
                    - {name: sec, mountPath: /etc/sec, readOnly: true}
                    - {name: cfg-all, mountPath: /etc/one-key, subPath: shape}
                  volumes:
                  - {name: shared, emptyDir: {}}
                  - name: cfg
                    configMap: {name: settings, defaultMode: 0400, items: [{key: color, path: renamed}]}
                  - name: sec
                    secret: {secretName: secret, items: [{key: token.txt, path: token.txt, mode: 0400}]}
                  - {name: cfg-all, configMap: {name: settings}}
                """
                        .formatted(baseImage));

        Pod pod = awaitPod(ns, "show", RealNodeIT::isTerminal, POD_START);
        String log = ns.kubectl().run("logs", "show", "-c", "show");
        assertThat(pod.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
        // The Secret's value is compared by its hash: secrets stay out of logs, in tests too.
        String secretHash =
                TestImages.sha256("s3cret-value".getBytes(StandardCharsets.UTF_8)).substring(7);
        assertThat(log)
                .contains(
                        "uid=1234 gid=2345 groups=2345,3456,4567",
                        "/tmp/work\n",
                        "show\n",
                        "GREETING=hello show in $(POD_NAMESPACE) COLOR=green ARG=show\n"
                                + secretHash
                                + "  -\n",
                        "LITERAL=$(ESCAPED)\n",
                        "init wrote written-by-init as uid 0",
                        "440 4567\n440 4567",
                        "green\nround\n" + secretHash + "  -\n",
                        "token.txt\n",
                        "read-only-volume",
                        "CapEff:\t0000000000000000",
                        "NoNewPrivs:\t1",
                        "no-sa")
                .doesNotContain("s3cret-value");
        assertThat(log).as("items select keys").doesNotContain("unused");
        ContainerStatus show = pod.getStatus().getContainerStatuses().get(0);
        assertThat(show.getState().getTerminated().getMessage()).isEqualTo("the end\n");
        assertThat(show.getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(
                        pod.getStatus()
                                .getInitContainerStatuses()
                                .get(0)
                                .getState()
                                .getTerminated()
                                .getExitCode())
                .isZero();
    }

    @Test
    void aFailingInitContainerFailsThePodAndTheContainersNeverStart(TestNamespace ns) {
        create(
                ns,
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: broken-init}
                spec:
                  restartPolicy: Never
                  initContainers:
                  - {name: first, image: "%1$s", command: [/bin/true]}
                  - name: second
                    image: %1$s
                    command: [/bin/sh, -c, 'echo "cannot prepare" > /dev/termination-log; exit 3']
                  - {name: third, image: "%1$s", command: [/bin/true]}
                  containers:
                  - {name: main, image: "%1$s", command: [/bin/true]}
                """
                        .formatted(baseImage));

        Pod pod = awaitPod(ns, "broken-init", RealNodeIT::isTerminal, POD_START);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        List<ContainerStatus> init = pod.getStatus().getInitContainerStatuses();
        assertThat(init.get(0).getState().getTerminated().getExitCode()).isZero();
        assertThat(init.get(1).getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(init.get(1).getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(init.get(1).getState().getTerminated().getMessage())
                .isEqualTo("cannot prepare\n");
        assertThat(init.get(2).getState().getWaiting().getReason()).isEqualTo("PodInitializing");
        assertThat(
                        pod.getStatus()
                                .getContainerStatuses()
                                .get(0)
                                .getState()
                                .getWaiting()
                                .getReason())
                .isEqualTo("PodInitializing");
        assertThat(condition(pod, "Initialized")).isEqualTo("False");
    }

    @Test
    void podsThatCannotStartSayWhy(TestNamespace ns) {
        String missing = ns.plane().registry() + "/node-test/does-not-exist:1";
        String locked = privateRegistry.hostPort() + "/node-test/locked:1";
        TestImages.push(
                privateRegistry.hostPort(),
                "node-test/locked",
                "1",
                Map.of("file", "x"),
                Credentials.basic(USER, PASSWORD));
        create(ns, pod("missing", "{name: app, image: \"" + missing + "\"}", ""));
        create(ns, pod("locked", "{name: app, image: \"" + locked + "\", command: [/none]}", ""));
        create(
                ns,
                pod(
                        "no-secret",
                        "{name: app, image: \""
                                + baseImage
                                + "\", command: [/bin/true], "
                                + "env: [{name: X, valueFrom: {secretKeyRef: {name: absent, key: k}}}]}",
                        ""));
        create(
                ns,
                pod(
                        "host-path",
                        "{name: app, image: \""
                                + baseImage
                                + "\", command: [/bin/true], "
                                + "volumeMounts: [{name: host, mountPath: /host}]}",
                        "volumes: [{name: host, hostPath: {path: /}}]"));
        create(
                ns,
                pod(
                        "no-command",
                        "{name: app, image: \"" + baseImage + "\", command: [no-such-command]}",
                        ""));

        for (String name : List.of("missing", "locked")) {
            Pod pod =
                    awaitPod(
                            ns,
                            name,
                            p ->
                                    Set.of("ErrImagePull", "ImagePullBackOff")
                                            .contains(waitingReason(p)),
                            POD_START);
            assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
            String message =
                    pod.getStatus()
                            .getContainerStatuses()
                            .get(0)
                            .getState()
                            .getWaiting()
                            .getMessage();
            assertThat(message)
                    .as(name)
                    .contains(name.equals("missing") ? "not found" : "HTTP 401");
        }
        Pod backOff =
                awaitPod(
                        ns,
                        "missing",
                        p -> "ImagePullBackOff".equals(waitingReason(p)),
                        Duration.ofMinutes(1));
        assertThat(
                        backOff.getStatus()
                                .getContainerStatuses()
                                .get(0)
                                .getState()
                                .getWaiting()
                                .getMessage())
                .startsWith("Back-off pulling image \"" + missing + "\"");

        Pod noSecret =
                awaitPod(
                        ns,
                        "no-secret",
                        p -> "CreateContainerConfigError".equals(waitingReason(p)),
                        POD_START);
        assertThat(
                        noSecret.getStatus()
                                .getContainerStatuses()
                                .get(0)
                                .getState()
                                .getWaiting()
                                .getMessage())
                .isEqualTo("secret \"absent\" not found");
        Pod hostPath =
                awaitPod(
                        ns,
                        "host-path",
                        p ->
                                "ContainerCreating".equals(waitingReason(p))
                                        && p.getStatus()
                                                        .getContainerStatuses()
                                                        .get(0)
                                                        .getState()
                                                        .getWaiting()
                                                        .getMessage()
                                                != null,
                        POD_START);
        assertThat(
                        hostPath.getStatus()
                                .getContainerStatuses()
                                .get(0)
                                .getState()
                                .getWaiting()
                                .getMessage())
                .contains(
                        "volume \"host\": only emptyDir, configMap, secret, downwardAPI and projected volumes");
        Pod noCommand = awaitPod(ns, "no-command", RealNodeIT::isTerminal, POD_START);
        assertThat(noCommand.getStatus().getPhase()).isEqualTo("Failed");
        var terminated =
                noCommand.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(terminated.getReason()).isEqualTo("StartError");
        assertThat(terminated.getExitCode()).isEqualTo(128);
        assertThat(terminated.getMessage())
                .contains("\"no-such-command\": executable file not found in $PATH");
    }

    @Test
    void aFailedContainerRestartsByItsPolicyWithItsVolumesKept(TestNamespace ns) {
        create(
                ns,
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: flaky}
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: app
                    image: %s
                    command: [/bin/sh, -c]
                    args:
                    - |
                      if [ -e /state/tried ]; then echo second try; exit 0; fi
                      touch /state/tried; echo first try; exit 7
                    volumeMounts: [{name: state, mountPath: /state}]
                  volumes: [{name: state, emptyDir: {}}]
                """
                        .formatted(baseImage));

        Pod restarting =
                awaitPod(ns, "flaky", p -> "CrashLoopBackOff".equals(waitingReason(p)), POD_START);
        assertThat(restarting.getStatus().getPhase()).isEqualTo("Running");
        Pod pod = awaitPod(ns, "flaky", RealNodeIT::isTerminal, Duration.ofMinutes(2));
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
        ContainerStatus app = pod.getStatus().getContainerStatuses().get(0);
        assertThat(app.getRestartCount()).isEqualTo(1);
        assertThat(app.getLastState().getTerminated().getExitCode()).isEqualTo(7);
        assertThat(ns.kubectl().run("logs", "flaky")).contains("first try\n", "second try\n");
    }

    private static String pod(String name, String container, String more) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: Never
                  containers:
                  - %s
                  %s
                """
                .formatted(name, container, more);
    }

    @Test
    void aLongRunningPodTalksToTheApiServerBecomesReadyAndStopsOnDelete(TestNamespace ns)
            throws Exception {
        int port = freePort();
        String marker = "terrarium-node-test-" + UUID.randomUUID();
        create(
                ns,
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: server}
                spec:
                  terminationGracePeriodSeconds: 20
                  containers:
                  - name: server
                    image: %1$s
                    command: [python3, -c]
                    args:
                    - |
                      import http.server, json, os, signal, ssl, sys, urllib.error, urllib.request
                      def stop(*_):
                          print("got SIGTERM", flush=True)
                          sys.exit(0)
                      signal.signal(signal.SIGTERM, stop)
                      sa = "/var/run/secrets/kubernetes.io/serviceaccount"
                      namespace = open(sa + "/namespace").read()
                      url = "https://%%s:%%s/api/v1/namespaces/%%s/pods/%%s" %% (os.environ["KUBERNETES_SERVICE_HOST"],
                          os.environ["KUBERNETES_SERVICE_PORT"], namespace, os.environ["HOSTNAME"])
                      token = open(sa + "/token").read()
                      request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
                      try:
                          urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sa + "/ca.crt"))
                          print("api: 200", flush=True)
                      except urllib.error.HTTPError as e:
                          print("api:", e.code, json.loads(e.read())["message"], flush=True)
                      http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])),
                                             http.server.SimpleHTTPRequestHandler).serve_forever()
                    - %2$s
                    env: [{name: PORT, value: "%3$d"}]
                    ports: [{name: http, containerPort: %4$d}]
                    readinessProbe:
                      httpGet: {path: /, port: http}
                      periodSeconds: 1
                  - name: helper
                    image: %1$s
                    command: [python3, -c]
                    args:
                    - |
                      import signal, sys, time
                      signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
                      time.sleep(3)
                      open("/tmp/ready", "w").close()
                      time.sleep(3600)
                    - %2$s
                    readinessProbe:
                      exec: {command: [test, -e, /tmp/ready]}
                      periodSeconds: 1
                """
                        .formatted(baseImage, marker, port, port));

        Pod ready = awaitPod(ns, "server", p -> "True".equals(condition(p, "Ready")), POD_START);
        assertThat(ready.getStatus().getPhase()).isEqualTo("Running");
        assertThat(ready.getStatus().getContainerStatuses()).allMatch(ContainerStatus::getReady);
        assertThat(ready.getStatus().getPodIP()).isEqualTo(RealBuildNode.POD_IP);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(ns.kubectl().run("logs", "server", "-c", "server"))
                                        .as(
                                                "the projected token authenticates as the pod's ServiceAccount, over TLS with the given CA")
                                        .contains(
                                                "api: 403 pods \"server\" is forbidden: User \"system:serviceaccount:"
                                                        + ns.name()
                                                        + ":default\" cannot get resource \"pods\""));
        assertThat(processesWith(marker)).isNotEmpty();

        Instant deleting = Instant.now();
        ns.kubectl().run("delete", "pod", "server", "--wait=true", "--timeout=60s");
        System.out.printf(
                "test node: a SIGTERM-handling pod was deleted in %d ms%n",
                Duration.between(deleting, Instant.now()).toMillis());
        assertThat(processesWith(marker))
                .as("the container's processes end before the deletion is confirmed")
                .isEmpty();
        Path pods = ns.plane().repo().resolve("target/real-node/pods");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> {
                            try (var dirs = Files.list(pods)) {
                                assertThat(
                                                dirs.map(Path::toString)
                                                        .filter(
                                                                p ->
                                                                        p.contains(
                                                                                ns.name()
                                                                                        + "_server_"))
                                                        .toList())
                                        .as(
                                                "the pod's directory, its volumes included, is removed with the pod")
                                        .isEmpty();
                            }
                        });
    }

    @Test
    void theOperatorBootsFromItsImageWithInClusterConfiguration(TestNamespace ns) throws Exception {
        String image = ProjectImages.operator(ns.plane());
        new Kubectl(ns.plane())
                .run(
                        "apply",
                        "--server-side",
                        "--force-conflicts",
                        "-k",
                        ns.plane().repo().resolve("deploy/rbac").toString());
        Deployment deployment;
        try (var in =
                Files.newInputStream(
                        ns.plane().repo().resolve("deploy/operator/deployment.yaml"))) {
            deployment = ns.client().apps().deployments().load(in).item();
        }
        // The pod the Deployment would make, under a name and labels of its own; its HTTP port is a
        // free one,
        // since pods share this machine's network.
        int port = freePort();
        String name = "operator-" + UUID.randomUUID().toString().substring(0, 6);
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(OperatorIdentity.NAMESPACE)
                        .addToLabels("terrarium.dev/test", "operator-pod")
                        .endMetadata()
                        .withSpec(deployment.getSpec().getTemplate().getSpec())
                        .build();
        var container = pod.getSpec().getContainers().get(0);
        container.setImage(image);
        container.getEnv().add(new EnvVar("QUARKUS_HTTP_PORT", Integer.toString(port), null));
        container.getPorts().get(0).setContainerPort(port);
        pod.getSpec().setTopologySpreadConstraints(null);
        pod.getSpec().setNodeSelector(Map.of(RealBuildNode.LABEL, "true"));
        pod.getSpec()
                .setTolerations(
                        List.of(
                                new io.fabric8.kubernetes.api.model.TolerationBuilder()
                                        .withKey(RealBuildNode.LABEL)
                                        .withOperator("Exists")
                                        .withEffect("NoSchedule")
                                        .build()));
        KubernetesClient admin = ns.plane().adminClient();
        admin.resource(pod).create();
        Kubectl system = new Kubectl(ns.plane(), OperatorIdentity.NAMESPACE);
        try {
            Instant started = Instant.now();
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                Pod now =
                                        admin.pods()
                                                .inNamespace(OperatorIdentity.NAMESPACE)
                                                .withName(name)
                                                .get();
                                return now.getStatus() != null
                                        && now.getStatus().getConditions() != null
                                        && "True".equals(condition(now, "Ready"));
                            });
            System.out.printf(
                    "test node: the operator pod was Ready %d s after it was created%n",
                    Duration.between(started, Instant.now()).toSeconds());
            Pod ready = admin.pods().inNamespace(OperatorIdentity.NAMESPACE).withName(name).get();
            assertThat(ready.getStatus().getContainerStatuses().get(0).getImageID())
                    .contains("@sha256:");
            String log = system.run("logs", name);
            assertThat(log)
                    .as(
                            "the packaged operator, configured in-cluster from its ServiceAccount token")
                    .contains("Quarkus", "started in")
                    .doesNotContain("Unauthorized", "Forbidden");
            Instant deleting = Instant.now();
            system.run("delete", "pod", name, "--wait=true", "--timeout=90s");
            System.out.printf(
                    "test node: the operator pod was deleted in %d ms%n",
                    Duration.between(deleting, Instant.now()).toMillis());
        } finally {
            system.attempt("delete", "pod", name, "--ignore-not-found", "--wait=false");
        }
    }

    private static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(
                        p ->
                                p.info()
                                        .arguments()
                                        .map(args -> String.join(" ", args).contains(marker))
                                        .orElse(false))
                .toList();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private io.fabric8.kubernetes.api.model.Secret pushSecret(String name) {
        String auth =
                Base64.getEncoder()
                        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        String config =
                "{\"auths\":{\"" + privateRegistry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}";
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(
                        ".dockerconfigjson",
                        Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    /** Creates a pod for the test node: the node selector and toleration that send it there. */
    private static void create(TestNamespace ns, String yaml) {
        Pod pod =
                ns.client()
                        .pods()
                        .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                        .item();
        pod.getSpec().setNodeSelector(Map.of(RealBuildNode.LABEL, "true"));
        pod.getSpec()
                .setTolerations(
                        List.of(
                                new io.fabric8.kubernetes.api.model.TolerationBuilder()
                                        .withKey(RealBuildNode.LABEL)
                                        .withOperator("Exists")
                                        .withEffect("NoSchedule")
                                        .build()));
        ns.client().resource(pod).create();
    }

    private static Pod awaitPod(
            TestNamespace ns, String name, Predicate<Pod> done, Duration timeout) {
        KubernetesClient client = ns.client();
        Pod[] seen = new Pod[1];
        await().atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            seen[0] = client.pods().withName(name).get();
                            return seen[0] != null
                                    && seen[0].getStatus() != null
                                    && done.test(seen[0]);
                        });
        return seen[0];
    }

    private static boolean isTerminal(Pod pod) {
        return Set.of("Succeeded", "Failed").contains(pod.getStatus().getPhase());
    }

    private static String waitingReason(Pod pod) {
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (statuses == null
                || statuses.isEmpty()
                || statuses.get(0).getState().getWaiting() == null) {
            return null;
        }
        return statuses.get(0).getState().getWaiting().getReason();
    }

    private static String condition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .map(c -> c.getStatus())
                .orElse(null);
    }

    private static String logs(TestNamespace ns, String pod, String container) {
        return "\n--- "
                + container
                + "\n"
                + ns.kubectl().attempt("logs", pod, "-c", container).output();
    }
}
