package dev.edgeagent.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;

/** Capture first: a wrapped agent's thread runs at the background nice value, the others keep theirs. */
class BackgroundPriorityTest {

    private static boolean reniceAvailable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "renice"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aWrappedAgentsThreadRunsAtTheBackgroundNiceValueAndOnlyIt() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        assumeTrue(reniceAvailable(), "no renice (util-linux)");
        int processNice = BackgroundPriority.currentNice();
        assumeTrue(processNice < 7, "the test JVM already runs at nice " + processNice);

        AtomicInteger seenInWork = new AtomicInteger(Integer.MIN_VALUE);
        AtomicInteger started = new AtomicInteger();
        Agent inner = new Agent() {
            @Override
            public void onStart() {
                started.incrementAndGet();
            }

            @Override
            public int doWork() {
                seenInWork.set(BackgroundPriority.currentNice());
                return 0;
            }

            @Override
            public String roleName() {
                return "batcher-test";
            }
        };
        Agent wrapped = BackgroundPriority.wrap(inner, 7);
        assertEquals("batcher-test", wrapped.roleName());
        Thread t = new Thread(() -> {
            wrapped.onStart();
            try {
                wrapped.doWork();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            wrapped.onClose();
        });
        t.start();
        t.join(10_000);
        assertEquals(1, started.get(), "the wrapped agent's own onStart still runs");
        assertEquals(7, seenInWork.get(), "the agent's thread runs at the background nice value");
        assertEquals(processNice, BackgroundPriority.currentNice(), "other threads keep the process' priority");
    }

    @Test
    void zeroLeavesTheAgentAsItIs() {
        Agent a = new Agent() {
            @Override
            public int doWork() {
                return 0;
            }

            @Override
            public String roleName() {
                return "x";
            }
        };
        assertTrue(BackgroundPriority.wrap(a, 0) == a);
        assertEquals(false, BackgroundPriority.lowerCurrentThread(0));
    }
}
