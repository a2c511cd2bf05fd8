package dev.terrarium.testing;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a kubelet and its container runtime (containerd's CRI plugin) decide from a pod spec and an
 * image, as pure functions: the command line, the environment, the user, the order of mounts, the
 * capabilities, the termination message and the pod's phase. {@link RealBuildNode} applies them;
 * {@code KubeletRulesTest} pins them down.
 */
final class KubeletRules {

    /**
     * containerd's default capability set, given to a container whose securityContext changes
     * nothing.
     */
    static final List<String> DEFAULT_CAPABILITIES =
            List.of(
                    "CAP_CHOWN",
                    "CAP_DAC_OVERRIDE",
                    "CAP_FSETID",
                    "CAP_FOWNER",
                    "CAP_MKNOD",
                    "CAP_NET_RAW",
                    "CAP_SETGID",
                    "CAP_SETUID",
                    "CAP_SETFCAP",
                    "CAP_SETPCAP",
                    "CAP_NET_BIND_SERVICE",
                    "CAP_SYS_CHROOT",
                    "CAP_KILL",
                    "CAP_AUDIT_WRITE");

    /** Every capability of linux/capability.h, in number order. */
    static final List<String> ALL_CAPABILITIES =
            List.of(
                    "CAP_CHOWN",
                    "CAP_DAC_OVERRIDE",
                    "CAP_DAC_READ_SEARCH",
                    "CAP_FOWNER",
                    "CAP_FSETID",
                    "CAP_KILL",
                    "CAP_SETGID",
                    "CAP_SETUID",
                    "CAP_SETPCAP",
                    "CAP_LINUX_IMMUTABLE",
                    "CAP_NET_BIND_SERVICE",
                    "CAP_NET_BROADCAST",
                    "CAP_NET_ADMIN",
                    "CAP_NET_RAW",
                    "CAP_IPC_LOCK",
                    "CAP_IPC_OWNER",
                    "CAP_SYS_MODULE",
                    "CAP_SYS_RAWIO",
                    "CAP_SYS_CHROOT",
                    "CAP_SYS_PTRACE",
                    "CAP_SYS_PACCT",
                    "CAP_SYS_ADMIN",
                    "CAP_SYS_BOOT",
                    "CAP_SYS_NICE",
                    "CAP_SYS_RESOURCE",
                    "CAP_SYS_TIME",
                    "CAP_SYS_TTY_CONFIG",
                    "CAP_MKNOD",
                    "CAP_LEASE",
                    "CAP_AUDIT_WRITE",
                    "CAP_AUDIT_CONTROL",
                    "CAP_SETFCAP",
                    "CAP_MAC_OVERRIDE",
                    "CAP_MAC_ADMIN",
                    "CAP_SYSLOG",
                    "CAP_WAKE_ALARM",
                    "CAP_BLOCK_SUSPEND",
                    "CAP_AUDIT_READ",
                    "CAP_PERFMON",
                    "CAP_BPF",
                    "CAP_CHECKPOINT_RESTORE");

    /**
     * The kubelet's limits on a termination message: the file's first 4096 bytes, or the log's last
     * 80 lines.
     */
    static final int MAX_MESSAGE_BYTES = 4096;

    static final int FALLBACK_LOG_LINES = 80;
    static final int FALLBACK_LOG_BYTES = 2048;

    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");
    private static final Pattern FIELD_KEY =
            Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    /**
     * A container that cannot be made from its spec: what a kubelet reports as a waiting reason,
     * CreateContainerConfigError (env, user, volumes) unless another reason is given.
     */
    static final class ConfigError extends Exception {
        private final String reason;

        ConfigError(String message) {
            this("CreateContainerConfigError", message);
        }

        ConfigError(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /**
     * The container's user: uid, primary gid, all groups (primary first), and its home directory.
     */
    record User(long uid, long gid, List<Long> groups, String home) {}

    private KubeletRules() {}

    /**
     * The process's argv: the container's command replaces the image's Entrypoint and Cmd; args
     * alone replace Cmd; neither keeps both. {@code $(VAR)} references in command and args are
     * expanded with the container's environment.
     */
    static List<String> argv(
            List<String> command,
            List<String> args,
            List<String> entrypoint,
            List<String> cmd,
            Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        if (!command.isEmpty()) {
            command.forEach(word -> argv.add(expand(word, env)));
            args.forEach(word -> argv.add(expand(word, env)));
        } else if (!args.isEmpty()) {
            argv.addAll(entrypoint);
            args.forEach(word -> argv.add(expand(word, env)));
        } else {
            argv.addAll(entrypoint);
            argv.addAll(cmd);
        }
        return argv;
    }

    /**
     * Kubernetes' variable expansion: {@code $(NAME)} becomes the value of a defined variable and
     * stays as written otherwise; {@code $$} is an escaped {@code $}.
     */
    static String expand(String text, Map<String, String> vars) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group(1) == null) {
                replacement = "$";
            } else {
                replacement = vars.getOrDefault(matcher.group(1), matcher.group());
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /**
     * The process environment: the image's variables, each replaced by the container's of the same
     * name.
     */
    static List<String> environment(List<String> imageEnv, Map<String, String> containerEnv) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String entry : imageEnv) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                merged.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        merged.putAll(containerEnv);
        List<String> env = new ArrayList<>();
        merged.forEach((name, value) -> env.add(name + "=" + value));
        return env;
    }

    /**
     * The user a container runs as, as containerd resolves it: runAsUser (container, else pod),
     * else the image's USER ({@code uid}, {@code name}, {@code uid:gid}, {@code name:group}, names
     * looked up in the image's /etc/passwd and /etc/group); the gid is runAsGroup, else the group
     * the image's USER names, else the user's primary group in /etc/passwd, else 0. Groups are the
     * primary one, the groups of /etc/group that list the user by name, supplementalGroups and
     * fsGroup. runAsNonRoot refuses uid 0, and a user name it cannot verify.
     */
    static User user(
            PodSecurityContext pod,
            SecurityContext container,
            String imageUser,
            String passwd,
            String group,
            String podName,
            String containerName)
            throws ConfigError {
        Long runAsUser =
                pick(
                        container == null ? null : container.getRunAsUser(),
                        pod == null ? null : pod.getRunAsUser());
        Long runAsGroup =
                pick(
                        container == null ? null : container.getRunAsGroup(),
                        pod == null ? null : pod.getRunAsGroup());
        Boolean nonRoot =
                pick(
                        container == null ? null : container.getRunAsNonRoot(),
                        pod == null ? null : pod.getRunAsNonRoot());
        String image = imageUser == null ? "" : imageUser;
        String userPart = image.contains(":") ? image.substring(0, image.indexOf(':')) : image;
        String groupPart = image.contains(":") ? image.substring(image.indexOf(':') + 1) : null;
        String where = " (pod: \"" + podName + "\", container: " + containerName + ")";
        if (Boolean.TRUE.equals(nonRoot)
                && runAsUser == null
                && !userPart.isEmpty()
                && !isNumber(userPart)) {
            throw new ConfigError(
                    "container has runAsNonRoot and image has non-numeric user ("
                            + userPart
                            + "), cannot verify user is non-root"
                            + where);
        }
        List<String[]> users = table(passwd);
        long uid;
        Long gid = null;
        if (runAsUser != null) {
            uid = runAsUser;
        } else if (userPart.isEmpty()) {
            uid = 0;
        } else if (isNumber(userPart)) {
            uid = Long.parseLong(userPart);
        } else {
            String[] entry =
                    users.stream()
                            .filter(u -> u.length > 3 && u[0].equals(userPart))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new ConfigError(
                                                    "unable to find user "
                                                            + userPart
                                                            + ": no matching entries in passwd file"));
            uid = Long.parseLong(entry[2]);
            gid = Long.parseLong(entry[3]);
        }
        if (Boolean.TRUE.equals(nonRoot) && uid == 0) {
            throw new ConfigError("container has runAsNonRoot and image will run as root" + where);
        }
        Optional<String[]> passwdEntry =
                users.stream()
                        .filter(u -> u.length > 3 && isNumber(u[2]) && Long.parseLong(u[2]) == uid)
                        .findFirst();
        List<String[]> groups = table(group);
        if (runAsUser == null && groupPart != null && !groupPart.isEmpty()) {
            if (isNumber(groupPart)) {
                gid = Long.parseLong(groupPart);
            } else {
                gid =
                        groups.stream()
                                .filter(g -> g.length > 2 && g[0].equals(groupPart))
                                .findFirst()
                                .map(g -> Long.parseLong(g[2]))
                                .orElseThrow(
                                        () ->
                                                new ConfigError(
                                                        "unable to find group "
                                                                + groupPart
                                                                + ": no matching entries in group file"));
            }
        }
        if (gid == null) {
            gid = passwdEntry.filter(u -> isNumber(u[3])).map(u -> Long.parseLong(u[3])).orElse(0L);
        }
        if (runAsGroup != null) {
            gid = runAsGroup;
        }
        Set<Long> all = new LinkedHashSet<>();
        all.add(gid);
        passwdEntry.ifPresent(
                entry -> {
                    for (String[] g : groups) {
                        if (g.length > 3
                                && isNumber(g[2])
                                && List.of(g[3].split(",")).contains(entry[0])) {
                            all.add(Long.parseLong(g[2]));
                        }
                    }
                });
        if (pod != null && pod.getSupplementalGroups() != null) {
            all.addAll(pod.getSupplementalGroups());
        }
        if (pod != null && pod.getFsGroup() != null) {
            all.add(pod.getFsGroup());
        }
        String home =
                passwdEntry.filter(u -> u.length > 5 && !u[5].isEmpty()).map(u -> u[5]).orElse("/");
        return new User(uid, gid, List.copyOf(all), home);
    }

    private static <T> T pick(T container, T pod) {
        return container != null ? container : pod;
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }

    private static List<String[]> table(String file) {
        List<String[]> rows = new ArrayList<>();
        if (file != null) {
            for (String line : file.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split(":", -1));
                }
            }
        }
        return rows;
    }

    /**
     * Mounts in the order a runtime makes them: by the depth of their target, shallow first,
     * keeping the given order among equals, so that a mount inside another one's target is made
     * after it and stays visible.
     */
    static <T> List<T> mountOrder(List<T> mounts, Function<T, String> target) {
        List<T> sorted = new ArrayList<>(mounts);
        sorted.sort(Comparator.comparingInt(m -> depth(target.apply(m))));
        return sorted;
    }

    private static int depth(String path) {
        int depth = 0;
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
        return depth;
    }

    /**
     * The capability set, as containerd computes it: the default set, or all when privileged;
     * {@code ALL} in add gives every capability and {@code ALL} in drop removes every one; then the
     * named ones are added, then the named ones dropped.
     */
    static Set<String> capabilities(SecurityContext container) {
        if (container != null && Boolean.TRUE.equals(container.getPrivileged())) {
            return new TreeSet<>(ALL_CAPABILITIES);
        }
        Set<String> caps = new TreeSet<>(DEFAULT_CAPABILITIES);
        Capabilities change = container == null ? null : container.getCapabilities();
        if (change == null) {
            return caps;
        }
        List<String> add = change.getAdd() == null ? List.of() : change.getAdd();
        List<String> drop = change.getDrop() == null ? List.of() : change.getDrop();
        if (add.stream().anyMatch(c -> c.equalsIgnoreCase("ALL"))) {
            caps.addAll(ALL_CAPABILITIES);
        }
        if (drop.stream().anyMatch(c -> c.equalsIgnoreCase("ALL"))) {
            caps.clear();
        }
        add.stream()
                .filter(c -> !c.equalsIgnoreCase("ALL"))
                .map(KubeletRules::capabilityName)
                .forEach(caps::add);
        drop.stream()
                .filter(c -> !c.equalsIgnoreCase("ALL"))
                .map(KubeletRules::capabilityName)
                .forEach(caps::remove);
        return caps;
    }

    private static String capabilityName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    }

    /**
     * no_new_privs is set only when the container says allowPrivilegeEscalation: false and is not
     * privileged.
     */
    static boolean noNewPrivileges(SecurityContext container) {
        return container != null
                && Boolean.FALSE.equals(container.getAllowPrivilegeEscalation())
                && !Boolean.TRUE.equals(container.getPrivileged());
    }

    /** A downward API field of the pod (env fieldRef, downwardAPI volume items). */
    static String fieldValue(Pod pod, String fieldPath) throws ConfigError {
        Matcher keyed = FIELD_KEY.matcher(fieldPath);
        if (keyed.matches()) {
            Map<String, String> map =
                    keyed.group(1).equals("labels")
                            ? pod.getMetadata().getLabels()
                            : pod.getMetadata().getAnnotations();
            return map == null ? "" : map.getOrDefault(keyed.group(2), "");
        }
        return switch (fieldPath) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "metadata.labels" -> formatMap(pod.getMetadata().getLabels());
            case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotations());
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs" ->
                    RealBuildNode.POD_IP;
            default -> throw new ConfigError("unsupported fieldRef " + fieldPath);
        };
    }

    private static String formatMap(Map<String, String> map) {
        StringBuilder out = new StringBuilder();
        if (map != null) {
            new TreeSet<>(map.keySet())
                    .forEach(
                            key ->
                                    out.append(key)
                                            .append("=\"")
                                            .append(
                                                    map.get(key)
                                                            .replace("\\", "\\\\")
                                                            .replace("\"", "\\\"")
                                                            .replace("\n", "\\n"))
                                            .append("\"\n"));
        }
        return out.toString();
    }

    /**
     * A resourceFieldRef: the container's limit (or request), else the node's allocatable for a
     * limit, divided by the divisor and rounded up, as the kubelet does.
     */
    static String resourceValue(
            Container container, ResourceFieldSelector selector, Map<String, Quantity> node)
            throws ConfigError {
        String resource = selector.getResource();
        String[] parts = resource.split("\\.", 2);
        if (parts.length != 2 || !Set.of("limits", "requests").contains(parts[0])) {
            throw new ConfigError("unsupported resourceFieldRef " + resource);
        }
        Map<String, Quantity> set =
                container.getResources() == null
                        ? null
                        : parts[0].equals("limits")
                                ? container.getResources().getLimits()
                                : container.getResources().getRequests();
        Quantity value = set == null ? null : set.get(parts[1]);
        if (value == null) {
            value = parts[0].equals("limits") ? node.get(parts[1]) : new Quantity("0");
        }
        if (value == null) {
            throw new ConfigError("unsupported resourceFieldRef " + resource);
        }
        BigDecimal divisor =
                selector.getDivisor() == null
                        ? BigDecimal.ONE
                        : Quantity.getAmountInBytes(selector.getDivisor());
        return Quantity.getAmountInBytes(value)
                .divide(divisor, 0, RoundingMode.CEILING)
                .toPlainString();
    }

    /**
     * The termination message: the file's content, capped; with policy FallbackToLogsOnError, a
     * failed container that wrote none gets the tail of its log instead.
     */
    static String terminationMessage(
            String file, String policy, int exitCode, List<String> logLines) {
        String message = capBytes(file == null ? "" : file, MAX_MESSAGE_BYTES, false);
        if (message.isEmpty() && exitCode != 0 && "FallbackToLogsOnError".equals(policy)) {
            List<String> tail =
                    logLines.subList(
                            Math.max(0, logLines.size() - FALLBACK_LOG_LINES), logLines.size());
            message = capBytes(String.join("\n", tail), FALLBACK_LOG_BYTES, true);
        }
        return message;
    }

    private static String capBytes(String text, int max, boolean keepEnd) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return text;
        }
        return keepEnd
                ? new String(bytes, bytes.length - max, max, StandardCharsets.UTF_8)
                : new String(bytes, 0, max, StandardCharsets.UTF_8);
    }

    /**
     * The pod's phase, as the kubelet computes it: Pending while initialising or while a container
     * has not started yet; Failed when an init container failed under restartPolicy Never; Running
     * while a container runs; once all have stopped, Succeeded when all succeeded, Failed under
     * Never, else Running (they restart).
     */
    static String phase(
            String restartPolicy,
            boolean initialised,
            boolean initFailed,
            List<ContainerStatus> containers) {
        boolean never = "Never".equals(restartPolicy);
        if (initFailed && never) {
            return "Failed";
        }
        if (!initialised) {
            return "Pending";
        }
        int waiting = 0;
        int running = 0;
        int stopped = 0;
        int succeeded = 0;
        for (ContainerStatus status : containers) {
            var state = status.getState();
            if (state.getRunning() != null) {
                running++;
            } else if (state.getTerminated() != null) {
                stopped++;
                if (state.getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else if (status.getLastState() != null
                    && status.getLastState().getTerminated() != null) {
                stopped++;
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if ("Always".equals(restartPolicy)) {
            return "Running";
        }
        if (stopped == succeeded) {
            return "Succeeded";
        }
        return never ? "Failed" : "Running";
    }
}
