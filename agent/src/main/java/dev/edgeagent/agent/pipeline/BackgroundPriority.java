package dev.edgeagent.agent.pipeline;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.concurrent.Agent;

/**
 * Capture first: the threads whose work can wait (batchers, transforms, uploader) run at a
 * higher nice value than the capture threads, so that on a saturated device the kernel gives the CPU to the
 * sources (and the MQTT client's threads) before anything that only drains a durable queue. A source that
 * misses its sensor's buffer loses data; a batcher that falls behind only grows the backlog on disk.
 *
 * <p>Linux keeps a nice value per thread. Java cannot call setpriority(2), so the thread finds its own id in
 * {@code /proc/thread-self} and runs {@code renice} (util-linux) once on itself. Raising one's own nice value
 * needs no privilege. Where either is missing (not Linux, no renice), the thread keeps the process' priority
 * and this is logged once.
 */
public final class BackgroundPriority {

    private static final System.Logger LOG = System.getLogger(BackgroundPriority.class.getName());
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private BackgroundPriority() {
    }

    /** The calling thread's kernel id, from /proc/thread-self ("PID/task/TID"); -1 where there is none. */
    static long currentThreadId() {
        try {
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Long.parseLong(link.getFileName().toString());
        } catch (IOException | UnsupportedOperationException | NumberFormatException | SecurityException e) {
            return -1;
        }
    }

    /** The calling thread's nice value (field 19 of /proc/thread-self/stat); Integer.MIN_VALUE where unknown. */
    static int currentNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]);
        } catch (IOException | RuntimeException e) {
            return Integer.MIN_VALUE;
        }
    }

    /**
     * Sets the calling thread's nice value to {@code nice} (0 leaves it alone); true when the thread now runs
     * at it. Never throws: a failure is logged once per process.
     */
    static boolean lowerCurrentThread(int nice) {
        if (nice <= 0) {
            return false;
        }
        if (currentNice() >= nice) {
            return true;   // the process already runs at least this nice (systemd Nice=)
        }
        long tid = currentThreadId();
        if (tid < 0) {
            reportOnce("no /proc/thread-self (not Linux?)");
            return false;
        }
        String failure = renice(tid, nice);
        if (failure != null) {
            reportOnce(failure);
            return false;
        }
        return currentNice() == nice;
    }

    /**
     * Sets the nice value of one thread of this process (util-linux {@code renice}); null when done, else why
     * not. Raising a nice value needs no privilege, lowering one does.
     */
    public static String renice(long tid, int nice) {
        try {
            Process p = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", Long.toString(tid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "renice did not finish within 5 s";
            }
            return p.exitValue() == 0 ? null : "renice exited with " + p.exitValue();
        } catch (IOException e) {
            return "renice could not be run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void reportOnce(String why) {
        if (REPORTED.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "background threads keep the capture threads' priority: " + why
                    + "; on a saturated device batching and upload then compete with capture for the CPU");
        }
    }

    /** Runs {@code agent} with its thread's nice value set to {@code nice} when the thread starts. */
    static Agent wrap(Agent agent, int nice) {
        if (nice <= 0) {
            return agent;
        }
        return new Agent() {
            @Override
            public void onStart() {
                lowerCurrentThread(nice);
                agent.onStart();
            }

            @Override
            public int doWork() throws Exception {
                return agent.doWork();
            }

            @Override
            public void onClose() {
                agent.onClose();
            }

            @Override
            public String roleName() {
                return agent.roleName();
            }
        };
    }
}
