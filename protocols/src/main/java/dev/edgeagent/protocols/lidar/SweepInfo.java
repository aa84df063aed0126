package dev.edgeagent.protocols.lidar;

/**
 * What one sweep is: filled in by the assembler and reused for the next sweep (copy what must outlive
 * {@link SweepListener#onSweep}).
 */
public final class SweepInfo {

    String model = "";
    long sweepIndex;
    long frameId = -1;
    long startTimeNs;
    long endTimeNs;
    TimeBase timeBase = TimeBase.SENSOR_CLOCK;
    int packets;
    int lostPackets;
    int points;
    int zeroRangeSkipped;
    boolean partial;

    /** The sensor model as identified: "VLP-16", "VLP-32C", "HDL-32E", or the Ouster product line ("OS-1-128"). */
    public String model() {
        return model;
    }

    /** 0 for the first sweep this assembler emitted, then 1, 2, ... */
    public long sweepIndex() {
        return sweepIndex;
    }

    /** Ouster: the packets' frame_id; Velodyne: -1 (the sensor numbers no rotations). */
    public long frameId() {
        return frameId;
    }

    /** Sensor time of the sweep's first point, in ns, counted as {@link #timeBase()} says. */
    public long startTimeNs() {
        return startTimeNs;
    }

    /** Sensor time of the sweep's last point, in ns, counted as {@link #timeBase()} says. */
    public long endTimeNs() {
        return endTimeNs;
    }

    public TimeBase timeBase() {
        return timeBase;
    }

    /** Packets with at least one column or firing in this sweep (a Velodyne packet across the wrap counts in both). */
    public int packets() {
        return packets;
    }

    /** Packets that the sequence shows missing inside this sweep (azimuth gaps, measurement-id gaps). */
    public int lostPackets() {
        return lostPackets;
    }

    /** Points in the buffer handed over with this info. */
    public int points() {
        return points;
    }

    /** Returns with range 0 (no return / not measured): skipped, never made into points. */
    public int zeroRangeSkipped() {
        return zeroRangeSkipped;
    }

    /**
     * True when the sweep is not a whole rotation because the stream started inside it or stopped inside it
     * ({@code finish()}); packets lost inside a stream are counted in {@link #lostPackets()} instead. Velodyne
     * cannot tell where the stream ends, so its last sweep is always partial.
     */
    public boolean partial() {
        return partial;
    }

    void reset() {
        frameId = -1;
        startTimeNs = 0;
        endTimeNs = 0;
        packets = 0;
        lostPackets = 0;
        points = 0;
        zeroRangeSkipped = 0;
        partial = false;
    }

    @Override
    public String toString() {
        return "SweepInfo{model=" + model + ", sweep=" + sweepIndex + ", frameId=" + frameId + ", start="
                + startTimeNs + ", end=" + endTimeNs + " (" + timeBase + "), packets=" + packets + ", lost="
                + lostPackets + ", points=" + points + ", zeroRange=" + zeroRangeSkipped + ", partial=" + partial
                + "}";
    }
}
