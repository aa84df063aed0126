package dev.edgeagent.agent.preprocess;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DecimatorTest {

    @Test
    void keepOneInNAndAtMostRPerSecondOfEventTime() {
        Decimator oneIn = new Decimator(10, 0);
        Decimator rate = new Decimator(0, 5);
        int keptOneIn = 0;
        int keptRate = 0;
        for (int i = 0; i < 1000; i++) {          // 10 s at 100 Hz, with 1 ms of jitter
            long t = 1_000_000_000_000L + i * 10_000_000L + (i % 3) * 1_000_000L;
            if (oneIn.keep(t)) {
                assertEquals(0, i % 10, "record " + i);
                keptOneIn++;
            }
            if (rate.keep(t)) {
                keptRate++;
            }
        }
        assertEquals(100, keptOneIn);
        assertEquals(keptRate, rate.kept());
        // 5 per second over 10 s: never more than one per 200 ms
        assertTrue(keptRate >= 45 && keptRate <= 50, "kept " + keptRate);
        assertEquals(1000, rate.seen());
    }
}
