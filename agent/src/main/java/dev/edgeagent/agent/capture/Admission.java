package dev.edgeagent.agent.capture;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a stream's capture queue takes new records: the storage governor closes it (a reject-new quota is
 * reached, or the disk is full and the stream's tier yields to critical) and opens it again. The capture
 * path reads one volatile per record; the governor, on its own thread, does all the measuring.
 */
public final class Admission {

    private volatile String rejecting;
    /** Appends refused while closed; written by the capture thread only (ordered store, no lock). */
    private final AtomicLong rejected = new AtomicLong();

    /** Capture thread: true when the record may be appended. */
    boolean admits() {
        return rejecting == null;
    }

    /** Capture thread: one append refused because the admission is closed. */
    void onRejected() {
        rejected.lazySet(rejected.get() + 1);
    }

    /** Appends refused while closed (the source keeps and offers each again: one record may count more than once). */
    public long rejected() {
        return rejected.get();
    }

    /** Governor: closes the queue to new records, for the reason given; null opens it. */
    public void reject(String reason) {
        rejecting = reason;
    }

    /** Why new records are refused; null while they are taken. */
    public String rejecting() {
        return rejecting;
    }
}
