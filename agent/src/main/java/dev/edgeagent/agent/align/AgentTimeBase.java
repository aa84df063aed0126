package dev.edgeagent.agent.align;

import dev.edgeagent.agent.config.AgentConfig;
import org.agrona.concurrent.EpochNanoClock;

import java.time.Instant;

/**
 * The agent's time base that aligned times are in. Receive times in the capture queues come from the agent's
 * clock: the monotonic clock anchored to wall-clock time at start ({@code OffsetEpochNanoClock}), which never
 * steps. With {@code time-base: system} they are moved onto the OS wall clock (follow it where chrony, PTP or
 * GNSS discipline it): the difference between the two clocks is sampled at most once a second, on the reading
 * thread, and added. One instance per thread.
 */
public final class AgentTimeBase {

    private final AgentConfig.TimeBase base;
    private final EpochNanoClock agentClock;
    private long correctionNs;
    private long nextSampleNs = Long.MIN_VALUE;

    public AgentTimeBase(AgentConfig.TimeBase base, EpochNanoClock agentClock) {
        this.base = base;
        this.agentClock = agentClock;
    }

    public AgentConfig.TimeBase base() {
        return base;
    }

    /** A receive time (the agent clock's) in the time base. */
    public long fromReceive(long receiveWallNs) {
        if (base == AgentConfig.TimeBase.system) {
            long now = System.nanoTime();
            if (now >= nextSampleNs) {
                nextSampleNs = now + 1_000_000_000L;
                Instant wall = Instant.now();   // once a second: the only allocation
                correctionNs = wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - agentClock.nanoTime();
            }
            return receiveWallNs + correctionNs;
        }
        return receiveWallNs;
    }

    /** The time base's current time. */
    public long now() {
        return fromReceive(agentClock.nanoTime());
    }
}
