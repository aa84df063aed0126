package dev.edgeagent.protocols.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Mosquitto broker for tests: its own config, free 127.0.0.1 port, persistence directory and log file.
 *
 * <p>The config keeps every QoS 1 message: Mosquitto 2.0.11's default {@code max_queued_messages 1000} silently
 * drops messages for a subscriber that falls behind (and {@code 0}, "unlimited", is broken in 2.0.11), so a large
 * finite limit is set. Persistence is on, so {@link #restart()} (SIGTERM, which saves the database, then a start on
 * the same port) keeps sessions and queued messages. When run as root, Mosquitto would drop to the
 * {@code mosquitto} user, who cannot write the temp directory: {@code user root} keeps it as is.
 *
 * <pre>{@code
 * try (MosquittoBroker broker = MosquittoBroker.started()) {
 *     ... broker.uri() ...
 * }
 * }</pre>
 */
public final class MosquittoBroker implements AutoCloseable {

    /** Where scripts/ensure-test-deps.sh (Debian package) puts it, besides PATH. */
    private static final List<String> KNOWN_LOCATIONS = List.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto",
            "/usr/local/bin/mosquitto", "/opt/homebrew/sbin/mosquitto");
    private static final long START_TIMEOUT_MS = 10_000;
    private static final long STOP_TIMEOUT_MS = 10_000;

    private final Path binary;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final List<String> extraConfig;
    private int port;
    private boolean startedBefore;
    private Process process;

    /** A broker with the default test config; not started yet (so a test can point a client at it first). */
    public MosquittoBroker() {
        this(List.of());
    }

    /** @param extraConfig more mosquitto.conf lines, appended after the defaults (a later line wins) */
    public MosquittoBroker(List<String> extraConfig) {
        this.binary = findBinary().orElseThrow(() -> new IllegalStateException(
                "mosquitto not found: run scripts/ensure-test-deps.sh (looked in PATH and " + KNOWN_LOCATIONS + ")"));
        this.extraConfig = List.copyOf(extraConfig);
        try {
            this.dir = Files.createTempDirectory("mosquitto-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory for mosquitto", e);
        }
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        this.port = freePort();
    }

    /** A started broker with the default test config. */
    public static MosquittoBroker started() {
        MosquittoBroker broker = new MosquittoBroker();
        try {
            return broker.start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The mosquitto binary: {@code $MOSQUITTO_BIN}, then PATH, then the usual install locations. */
    public static Optional<Path> findBinary() {
        String override = System.getenv("MOSQUITTO_BIN");
        if (override != null && Files.isExecutable(Paths.get(override))) {
            return Optional.of(Paths.get(override));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    Path candidate = Paths.get(entry, "mosquitto");
                    if (Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            }
        }
        return KNOWN_LOCATIONS.stream().map(Paths::get).filter(Files::isExecutable).findFirst();
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return log;
    }

    /** The broker's log so far (all starts), for failure messages. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log yet)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the broker and waits until it accepts connections.
     *
     * @throws IllegalStateException with the broker's log if it exits or does not listen within 10 s
     */
    public synchronized MosquittoBroker start() {
        if (isRunning()) {
            return this;
        }
        try {
            return startOnce();
        } catch (IllegalStateException e) {
            // The free port found at construction may have been taken since; only a first start may move.
            if (!startedBefore && String.valueOf(e.getMessage()).contains("Address already in use")) {
                port = freePort();
                return startOnce();
            }
            throw e;
        }
    }

    private MosquittoBroker startOnce() {
        writeConfig();
        try {
            process = new ProcessBuilder(binary.toString(), "-c", config.toString())
                    .directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with status " + process.exitValue()
                        + " on port " + port + "; log:\n" + log());
            }
            if (accepts()) {
                startedBefore = true;
                return this;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("mosquitto did not listen on port " + port + " within " + START_TIMEOUT_MS
                + " ms; log:\n" + log());
    }

    /** SIGTERM, then waits for the exit: Mosquitto saves its database (sessions, queued messages) on the way out. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                throw new IllegalStateException("mosquitto on port " + port + " ignored SIGTERM; killed. Log:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** SIGKILL: a crash. What Mosquitto had not saved yet (since the last autosave) is lost. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        p.destroyForcibly();
        try {
            p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop()} then {@link #start()} on the same port, with the saved sessions and messages. */
    public synchronized MosquittoBroker restart() {
        stop();
        return start();
    }

    /** Stops the broker and deletes its directory (config, database, log). */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            deleteQuietly(dir);
        }
    }

    private void writeConfig() {
        List<String> lines = new ArrayList<>();
        lines.add("listener " + port + " 127.0.0.1");
        lines.add("allow_anonymous true");
        lines.add("persistence true");
        lines.add("persistence_location " + dir + "/");
        lines.add("autosave_interval 1800");
        // QoS 1 must never be dropped: see the class comment (0 = "unlimited" is broken in 2.0.11).
        lines.add("max_queued_messages 10000000");
        lines.add("max_queued_bytes 0");
        lines.add("max_inflight_messages 1000");
        lines.add("log_dest stderr");
        lines.add("log_type error");
        lines.add("log_type warning");
        lines.add("log_type notice");
        lines.add("log_type information");
        lines.add("connection_messages true");
        lines.add("log_timestamp_format %Y-%m-%dT%H:%M:%S");
        if (isRoot()) {
            lines.add("user root"); // otherwise it drops to 'mosquitto', who cannot write our temp dir
        }
        lines.addAll(extraConfig);
        try {
            Files.write(config, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for mosquitto", e);
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp directory; nothing to do
        }
    }

    @Override
    public String toString() {
        return "MosquittoBroker[" + uri() + (isRunning() ? ", running" : ", stopped") + ", dir=" + dir + "]";
    }
}
