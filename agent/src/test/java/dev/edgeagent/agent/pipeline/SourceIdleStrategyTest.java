package dev.edgeagent.agent.pipeline;

import dev.edgeagent.protocols.source.Source;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SourceIdleStrategyTest {

    private static final long POLL = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicBoolean exhausted = new AtomicBoolean();
    private final AtomicLong due = new AtomicLong();
    private final Source source = new Source() {
        @Override
        public int doWork() {
            return 0;
        }

        @Override
        public String roleName() {
            return "test-source";
        }

        @Override
        public boolean exhausted() {
            return exhausted.get();
        }
    };

    @Test
    void aPacedSourceDueSoonerThanThePollWaitsOnePollAndTakesWhatCameDueMeanwhile() {
        SourceIdleStrategy idle = new SourceIdleStrategy(source, due::get, POLL);
        due.set(125_000);   // a CAN bus at 8 000 frames/s: one wake-up per frame was 8 000 a second
        assertEquals(POLL, idle.parkNanos());
    }

    @Test
    void aPacedSourceDueLaterSleepsUntilItsNextRecord() {
        SourceIdleStrategy idle = new SourceIdleStrategy(source, due::get, POLL);
        due.set(TimeUnit.MILLISECONDS.toNanos(33));   // a camera at 30 frames/s
        assertEquals(TimeUnit.MILLISECONDS.toNanos(33), idle.parkNanos());
    }

    @Test
    void aLongGapInAReplayIsSleptInSlicesSoCloseIsSeen() {
        SourceIdleStrategy idle = new SourceIdleStrategy(source, due::get, POLL);
        due.set(TimeUnit.MINUTES.toNanos(5));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), idle.parkNanos());
    }

    @Test
    void liveSourcesThatDoNotKnowWhenTheNextRecordComesArePolled() {
        assertEquals(POLL, new SourceIdleStrategy(source, null, POLL).parkNanos());
        due.set(-1);
        assertEquals(POLL, new SourceIdleStrategy(source, due::get, POLL).parkNanos());
        due.set(0);   // due now but refused (a full queue): try again after a poll
        assertEquals(POLL, new SourceIdleStrategy(source, due::get, POLL).parkNanos());
    }

    @Test
    void aFinishedReplayParksLong() {
        exhausted.set(true);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), new SourceIdleStrategy(source, due::get, POLL).parkNanos());
    }
}
