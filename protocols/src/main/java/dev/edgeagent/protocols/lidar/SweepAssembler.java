package dev.edgeagent.protocols.lidar;

import java.util.Objects;

import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.DirectBuffer;

/**
 * Turns a LiDAR's UDP payloads into sweeps. One thread feeds it: {@link #accept} per datagram, {@link #finish}
 * at the end of the stream (hands over the sweep in progress, marked partial). Bad packets are counted per
 * {@link LidarError}, reported to the {@link BadInputListener} and skipped; nothing here throws for bad input.
 */
public abstract class SweepAssembler {

    /** Pass as {@code udpDstPort} when the port is unknown: the packet is then classified by its length alone. */
    public static final int ANY_PORT = -1;

    protected final SweepListener sweepListener;
    protected final BadInputListener badInput;
    protected final PointBuffer points;
    protected final SweepInfo info = new SweepInfo();

    private final long[] errorCounts = new long[LidarError.values().length];
    private long packets;
    private long badPackets;
    private long sweeps;
    private long lostPacketsTotal;
    private long pointsTotal;

    protected SweepAssembler(SweepListener sweepListener, BadInputListener badInput, int initialPoints) {
        this.sweepListener = Objects.requireNonNull(sweepListener, "sweepListener");
        this.badInput = badInput == null ? BadInputListener.IGNORE : badInput;
        this.points = new PointBuffer(initialPoints);
    }

    /**
     * Takes one UDP payload.
     *
     * @param packet        the payload's buffer
     * @param captureTimeNs when it was received or captured (ns since the epoch); used only where the packet has
     *                      no time of its own
     * @param udpDstPort    the datagram's destination port, or {@link #ANY_PORT}
     * @return true if it was decoded (or was a packet kind that is counted and ignored); false if it was skipped
     *         as bad input (then counted and reported)
     */
    public abstract boolean accept(DirectBuffer packet, int offset, int length, long captureTimeNs, int udpDstPort);

    /** Ends the stream: the sweep in progress, if it has points or packets, is handed over marked partial. */
    public abstract void finish();

    /**
     * Forgets the stream (the sweep in progress is dropped, not handed over; sequence and time state cleared) but
     * keeps the buffers, the configuration and the counters: for a new stream from the same sensor, e.g. after
     * the source restarted.
     */
    public abstract void reset();

    /** Drops the sweep in progress. */
    protected final void dropSweep() {
        points.clear();
        info.reset();
    }

    /** Payloads offered to {@link #accept}. */
    public long packets() {
        return packets;
    }

    /** Payloads skipped as bad input, all kinds. */
    public long badPackets() {
        return badPackets;
    }

    public long errorCount(LidarError kind) {
        return errorCounts[kind.ordinal()];
    }

    public long sweeps() {
        return sweeps;
    }

    /** Lost packets over the whole stream, including those of sweeps never seen at all (Ouster frame jumps). */
    public long lostPackets() {
        return lostPacketsTotal;
    }

    public long pointsEmitted() {
        return pointsTotal;
    }

    protected final void countPacket() {
        packets++;
    }

    protected final void addLost(int n) {
        lostPacketsTotal += n;
    }

    /** Counts and reports one bad packet; returns false so that callers can {@code return bad(...)}. */
    protected final boolean bad(LidarError kind, int offset, String detail) {
        errorCounts[kind.ordinal()]++;
        badPackets++;
        badInput.onBadInput(kind.code(), offset, detail);
        return false;
    }

    /** The sweep in progress got (part of) one more packet. */
    protected final void sweepPacket() {
        info.packets++;
    }

    /** The sweep in progress misses {@code n} more packets. */
    protected final void sweepLost(int n) {
        info.lostPackets += n;
    }

    /** The sweep in progress had one more return with range 0. */
    protected final void sweepZeroRange() {
        info.zeroRangeSkipped++;
    }

    /** Sets what {@link #emit()} hands over besides the counts kept as the sweep went. */
    protected final void describeSweep(String model, long frameId, long startNs, long endNs, TimeBase base,
                                       boolean partial) {
        info.model = model;
        info.frameId = frameId;
        info.startTimeNs = startNs;
        info.endTimeNs = endNs;
        info.timeBase = base;
        info.partial = partial;
    }

    /** Hands the sweep in {@link #info} and {@link #points} to the listener, then clears both. */
    protected final void emit() {
        info.points = points.size();
        info.sweepIndex = sweeps++;
        pointsTotal += info.points;
        sweepListener.onSweep(info, points);
        points.clear();
        info.reset();
    }
}
