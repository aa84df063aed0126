package dev.edgeagent.agent.capture;

import org.agrona.concurrent.Agent;

import java.util.List;

/**
 * The one writer of a set of staged capture queues: each duty cycle moves what the sources staged
 * ({@link StagingRing}) into their memory-mapped queues and commits it. A stall in the kernel (the mmap lock, a
 * page fault) holds this thread only; the rings hold what arrives meanwhile.
 */
public final class StagingWriter implements Agent {

    /**
     * What one ring gets per duty cycle: at most a block's worth of records, or about a camera frame's bytes, so
     * a stream of large records does not keep a stream of small ones waiting (each is served in proportion to
     * its bytes, not to its record count).
     */
    static final int RECORDS_PER_RING = 1024;
    static final int BYTES_PER_RING = 256 * 1024;

    private final StagingRing[] rings;
    private final String roleName;

    public StagingWriter(String roleName, List<StagingRing> rings) {
        this.roleName = roleName;
        this.rings = rings.toArray(new StagingRing[0]);
    }

    @Override
    public int doWork() {
        int work = 0;
        for (StagingRing ring : rings) {
            work += ring.drain(RECORDS_PER_RING, BYTES_PER_RING);
        }
        return work;
    }

    /** True once every ring is empty (all staged records are in their queues). */
    public boolean drained() {
        for (StagingRing ring : rings) {
            if (!ring.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
