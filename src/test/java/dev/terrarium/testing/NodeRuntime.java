package dev.terrarium.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The test node's container runtime: terrarium-node-runtime (hack/node-runtime, standard-library
 * Go, built by hack/node-runtime.sh with this machine's Go). It unpacks image layers, and runs one
 * container per process: its own mount, PID, UTS and IPC namespaces, an overlay of the image root
 * with a writable layer of its own, pivot_root, the pod's mounts, then the container's uid, gid,
 * groups, capability bounding set and (only when asked) no_new_privs. The container's stdout and
 * stderr become its log, in the CRI format that kwok serves.
 */
final class NodeRuntime {

    /** One container for terrarium-node-runtime run; the JSON field names are those of its Spec. */
    record ContainerSpec(
            String rootfs,
            String dir,
            boolean readOnlyRootfs,
            String hostname,
            List<Mount> mounts,
            long uid,
            long gid,
            List<Long> groups,
            List<String> capabilities,
            boolean noNewPrivileges,
            String cwd,
            List<String> env,
            List<String> args,
            String pidFile,
            String errorFile) {}

    /** A path of this machine bound into the container. */
    record Mount(String source, String target, boolean readOnly) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;

    private NodeRuntime(Path binary) {
        this.binary = binary;
    }

    /**
     * Builds the runtime when its sources changed (hack/node-runtime.sh caches it by their hash).
     */
    static NodeRuntime build(Path repo) {
        List<String> command = List.of("bash", repo.resolve("hack/node-runtime.sh").toString());
        String output =
                Commands.run(command, java.util.Map.of(), repo, Duration.ofMinutes(10))
                        .requireSuccess(command)
                        .output()
                        .strip();
        return new NodeRuntime(Path.of(output.substring(output.lastIndexOf('\n') + 1)));
    }

    /** Applies the layers, bottom first, to an empty root directory. */
    void unpack(Path root, List<Path> layers) throws IOException {
        List<String> command =
                new ArrayList<>(List.of(binary.toString(), "unpack", root.toString()));
        layers.forEach(layer -> command.add(layer.toString()));
        Commands.Result result =
                Commands.run(command, java.util.Map.of(), null, Duration.ofMinutes(20));
        if (result.exitCode() != 0) {
            throw new IOException(result.output().strip());
        }
    }

    /** Starts a container; its output goes to the log file. */
    Running start(ContainerSpec spec, Path specFile, ContainerLog log) throws IOException {
        JSON.writeValue(specFile.toFile(), spec);
        Files.deleteIfExists(Path.of(spec.errorFile()));
        Process process = new ProcessBuilder(binary.toString(), "run", specFile.toString()).start();
        process.getOutputStream().close();
        Thread out = pump(process.getInputStream(), "stdout", log);
        Thread err = pump(process.getErrorStream(), "stderr", log);
        return new Running(process, spec, out, err);
    }

    private static Thread pump(InputStream stream, String name, ContainerLog log) {
        Thread thread =
                new Thread(
                        () -> {
                            try (BufferedReader reader =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    stream, StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = reader.readLine()) != null) {
                                    log.append(name, line);
                                }
                            } catch (IOException e) {
                                log.append(
                                        "stderr",
                                        "terrarium test node: log stream ended: " + e.getMessage());
                            }
                        },
                        "log-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** A started container. */
    static final class Running {
        private final Process process;
        private final ContainerSpec spec;
        private final Thread stdout;
        private final Thread stderr;

        Running(Process process, ContainerSpec spec, Thread stdout, Thread stderr) {
            this.process = process;
            this.spec = spec;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** Waits for the container's exit code: 128 + the signal for a killed one. */
        int await() throws InterruptedException {
            int code = process.waitFor();
            stdout.join(5000);
            stderr.join(5000);
            return code;
        }

        /** Why the container did not start, if it did not (the runtime's StartError). */
        Optional<String> startError() {
            try {
                Path file = Path.of(spec.errorFile());
                String error = Files.exists(file) ? Files.readString(file).strip() : "";
                return error.isEmpty() ? Optional.empty() : Optional.of(error);
            } catch (IOException e) {
                return Optional.of(e.getMessage());
            }
        }

        /** The host pid of the container's first process, once it runs. */
        Optional<Long> pid() {
            try {
                return Optional.of(
                        Long.parseLong(Files.readString(Path.of(spec.pidFile())).strip()));
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        ContainerSpec spec() {
            return spec;
        }

        /** SIGTERM to the container's first process, then SIGKILL once the grace period is over. */
        void stop(Duration grace) throws InterruptedException {
            if (!process.isAlive()) {
                return;
            }
            process.destroy();
            if (!process.waitFor(Math.max(grace.toMillis(), 0), TimeUnit.MILLISECONDS)) {
                kill();
            }
        }

        /** SIGKILL; the container's PID 1 dies with the runtime process (parent-death signal). */
        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        boolean isAlive() {
            return process.isAlive();
        }
    }

    /**
     * A container's log in the CRI format ("time stream F line"), and its last lines for
     * termination messages.
     */
    static final class ContainerLog {
        private final Path file;
        private final Deque<String> tail = new ArrayDeque<>();

        ContainerLog(Path file) throws IOException {
            this.file = file;
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        }

        synchronized void append(String stream, String line) {
            try (Writer out =
                    Files.newBufferedWriter(
                            file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
                out.write(Instant.now() + " " + stream + " F " + line + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tail.addLast(line);
            if (tail.size() > KubeletRules.FALLBACK_LOG_LINES) {
                tail.removeFirst();
            }
        }

        synchronized List<String> tail() {
            return List.copyOf(tail);
        }

        Path file() {
            return file;
        }
    }

    /**
     * Deletes a directory tree without following symlinks (containers write what they like into
     * their dirs).
     */
    static void removeTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(
                    root,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.delete(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e)
                                throws IOException {
                            Files.delete(dir);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
