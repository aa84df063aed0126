package dev.edgeagent.agent.upload;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether the uplink is metered, as the device tells it: a file or a command whose first line is "metered" or
 * "unmetered", polled on a daemon thread, or {@link #report} from whoever knows (an MQTT status message, a
 * modem manager hook). Unknown counts as metered: bulk data waits rather than run up a bill.
 */
public final class LinkMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LinkMonitor.class.getName());

    private final Path file;
    private final String command;
    private final Duration poll;
    private volatile Boolean unmetered;
    private volatile boolean closed;
    private Thread thread;
    private String lastProblem;

    public LinkMonitor(Path file, String command, Duration poll) {
        this.file = file;
        this.command = command;
        this.poll = poll;
    }

    /** No file, no command: only {@link #report} sets the state. */
    public static LinkMonitor manual() {
        return new LinkMonitor(null, null, Duration.ofSeconds(10));
    }

    public synchronized LinkMonitor start() {
        if ((file != null || command != null) && thread == null) {
            check();
            thread = new Thread(this::run, "edge-link-monitor");
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    /** True only when the link is known to be unmetered. */
    public boolean unmetered() {
        return Boolean.TRUE.equals(unmetered);
    }

    /** null while unknown. */
    public Boolean state() {
        return unmetered;
    }

    /** Sets the state from elsewhere (e.g. the MQTT client on a status message). Any thread. */
    public void report(boolean isUnmetered) {
        unmetered = isUnmetered;
    }

    private void run() {
        while (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.max(10_000_000L, poll.toNanos()));
            if (!closed) {
                check();
            }
        }
    }

    void check() {
        try {
            String text;
            if (file != null) {
                text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            } else {
                Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command)).redirectErrorStream(true).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    text = r.readLine();
                }
                if (!p.waitFor(Math.max(1, poll.toSeconds()), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            Boolean parsed = parse(text);
            if (parsed == null) {
                problem("link state \"" + (text == null ? "" : text.strip()) + "\" from " + describe()
                        + ": expected metered or unmetered; treating the link as metered");
            } else {
                lastProblem = null;
            }
            unmetered = parsed;
        } catch (Exception e) {
            unmetered = null;
            problem("cannot read the link state from " + describe() + ": " + e + "; treating the link as metered");
        }
    }

    static Boolean parse(String text) {
        if (text == null) {
            return null;
        }
        String first = text.strip().lines().findFirst().orElse("").strip().toLowerCase(java.util.Locale.ROOT);
        return switch (first) {
            case "unmetered" -> Boolean.TRUE;
            case "metered" -> Boolean.FALSE;
            default -> null;
        };
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            LOG.log(Level.WARNING, message);
        }
    }

    public String describe() {
        return file != null ? "file " + file : command != null ? "command " + command : "reports";
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            java.util.concurrent.locks.LockSupport.unpark(thread);
        }
    }
}
