package dev.edgeagent.agent.pipeline;

import dev.edgeagent.protocols.source.Source;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * How a source thread waits when its duty cycle found nothing to do. A paced source (replay at original timing,
 * synthetic load at a rate) knows when its next record is due, so its thread parks until then instead of
 * spinning, yielding and backing off a thousand times between two CAN frames: idle sources cost no core.
 * Sources that do not know (live ones) are polled every {@code pollNs}.
 *
 * <p>A paced source never parks for less than {@code pollNs} either: records due meanwhile are taken in the
 * next duty cycle, as a CAN adapter or a network card hands over what arrived since the last poll (AWS IoT
 * FleetWise polls its CAN sockets every millisecond too). Waking once per record, four CAN buses at 8 000
 * frames/s each woke 32 000 times a second, and each wake-up preempted the thread writing the queues.
 */
final class SourceIdleStrategy implements IdleStrategy {

    private static final long FINISHED_PARK_NS = 100_000_000L;
    /** The longest park of a paced source: a replay with a gap of minutes still sees close() soon. */
    private static final long MAX_PACED_PARK_NS = 50_000_000L;

    private final Source source;
    private final LongSupplier nanosUntilDue;
    private final long pollNs;

    /** @param nanosUntilDue 0 = due now, &gt; 0 = due in that many ns, &lt; 0 = not known; null when never known */
    SourceIdleStrategy(Source source, LongSupplier nanosUntilDue, long pollNs) {
        this.source = source;
        this.nanosUntilDue = nanosUntilDue;
        this.pollNs = pollNs;
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
        LockSupport.parkNanos(parkNanos());
    }

    /** How long the next idle parks. */
    long parkNanos() {
        if (source.exhausted()) {
            return FINISHED_PARK_NS;   // a replay that is done has nothing more to say
        }
        long due = nanosUntilDue == null ? -1 : nanosUntilDue.getAsLong();
        return due <= 0 ? pollNs : Math.min(Math.max(due, pollNs), MAX_PACED_PARK_NS);
    }

    @Override
    public void reset() {
    }

    @Override
    public String alias() {
        return "source-due-time";
    }
}
