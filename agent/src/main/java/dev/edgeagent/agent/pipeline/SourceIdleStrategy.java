package dev.edgeagent.agent.pipeline;

import dev.edgeagent.protocols.source.Source;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * How a source thread waits when its duty cycle found nothing to do. A paced source (replay at original timing,
 * synthetic load at a rate) knows when its next record is due, so its thread parks until then instead of
 * spinning, yielding and backing off a thousand times between two CAN frames: idle sources cost no core.
 * Sources that do not know (live ones) are polled every {@code maxParkNs}.
 */
final class SourceIdleStrategy implements IdleStrategy {

    private static final long FINISHED_PARK_NS = 100_000_000L;

    private final Source source;
    private final LongSupplier nanosUntilDue;
    private final long maxParkNs;

    /** @param nanosUntilDue 0 = due now, &gt; 0 = due in that many ns, &lt; 0 = not known; null when never known */
    SourceIdleStrategy(Source source, LongSupplier nanosUntilDue, long maxParkNs) {
        this.source = source;
        this.nanosUntilDue = nanosUntilDue;
        this.maxParkNs = maxParkNs;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            return;
        }
        idle();
    }

    @Override
    public void idle() {
        if (source.exhausted()) {
            LockSupport.parkNanos(FINISHED_PARK_NS);   // a replay that is done has nothing more to say
            return;
        }
        long due = nanosUntilDue == null ? -1 : nanosUntilDue.getAsLong();
        LockSupport.parkNanos(due <= 0 ? maxParkNs : Math.min(due, maxParkNs));
    }

    @Override
    public void reset() {
    }

    @Override
    public String alias() {
        return "source-due-time";
    }
}
