package dev.edgeagent.protocols.lidar.ouster;

import java.nio.ByteOrder;
import java.util.Objects;

import dev.edgeagent.protocols.lidar.LidarError;
import dev.edgeagent.protocols.lidar.SweepAssembler;
import dev.edgeagent.protocols.lidar.SweepListener;
import dev.edgeagent.protocols.lidar.TimeBase;
import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.DirectBuffer;

/**
 * Ouster lidar packets to one sweep per {@code frame_id}, with the layouts of {@link OusterProfile} and the
 * geometry of the {@link OusterMetadata}; IMU packets (48 B) go to an {@link OusterImuListener}.
 *
 * <h2>Points</h2>
 * The sensor documentation's range-to-XYZ: for the column's measurement id m (of W per frame) and pixel row i,
 * encoder angle {@code θe = 2π(1 − m/W)}, azimuth {@code θa = −2π·beam_azimuth[i]/360}, altitude
 * {@code φ = 2π·beam_altitude[i]/360}, {@code n = lidar_origin_to_beam_origin_mm};
 * {@code x = (r−n)cos(θe+θa)cos φ + n cos θe}, {@code y = (r−n)sin(θe+θa)cos φ + n sin θe},
 * {@code z = (r−n)sin φ} (+ the beam-to-lidar z offset where the metadata has one), in the lidar frame; then
 * {@code lidar_to_sensor_transform} puts them in the sensor frame, in metres. The angles are tabulated per
 * (column, row) once. Range 0 (no return) is skipped and counted; columns whose status says invalid are skipped.
 * Per-point time: the column timestamp minus the sweep's first column timestamp (as the sensor gives them,
 * {@link TimeBase#SENSOR_CLOCK}).
 *
 * <h2>Sweeps and losses</h2>
 * A sweep is handed over when the packet with the frame's last columns arrives, or, if that one is lost, when a
 * packet of another frame arrives. Missing packets are counted from measurement-id gaps inside a frame, at its
 * end, and at its start when an earlier frame was seen; whole frames skipped by frame_id count as
 * {@code packets per frame} lost each (in {@link #lostPackets()} and {@link #lostFrames()}, in no sweep). A
 * sweep is partial when the stream started inside it, or {@link #finish()} cut it.
 */
public final class OusterSweepAssembler extends SweepAssembler {

    private final OusterMetadata meta;
    private final OusterProfile profile;
    private final OusterImuListener imuListener;
    private final String model;
    private final int cols;
    private final int rows;
    private final int cpp;
    private final int colBytes;
    private final int packetBytes;
    private final int windowStart;
    private final int lastPacketMid;
    private final int packetsPerFrame;
    // per (column, row): x = range_mm * dir + off, metres
    private final float[] dirX;
    private final float[] dirY;
    private final float[] dirZ;
    private final float[] offX;
    private final float[] offY;
    private final float[] offZ;

    private boolean frameOpen;
    private int frameId;
    private int prevMid;
    private long frameStartNs;
    private long frameEndNs;
    private boolean frameHeadMissing;
    private boolean lastClosedKnown;
    private int lastClosedFrameId;

    private long lidarPackets;
    private long imuPackets;
    private long lostFrames;

    public OusterSweepAssembler(OusterMetadata meta, SweepListener sweepListener, BadInputListener badInput) {
        this(meta, sweepListener, badInput, OusterImuListener.IGNORE);
    }

    public OusterSweepAssembler(OusterMetadata meta, SweepListener sweepListener, BadInputListener badInput,
                                OusterImuListener imuListener) {
        super(sweepListener, badInput, meta.columnsPerFrame() * meta.pixelsPerColumn() * meta.profile().returns());
        this.meta = Objects.requireNonNull(meta, "meta");
        this.profile = meta.profile();
        this.imuListener = imuListener == null ? OusterImuListener.IGNORE : imuListener;
        this.model = meta.prodLine();
        this.cols = meta.columnsPerFrame();
        this.rows = meta.pixelsPerColumn();
        this.cpp = meta.columnsPerPacket();
        this.colBytes = profile.columnBytes(rows);
        this.packetBytes = meta.lidarPacketBytes();
        this.windowStart = meta.columnWindow()[0];
        int windowEnd = meta.columnWindow()[1] < windowStart ? meta.columnWindow()[1] + cols : meta.columnWindow()[1];
        this.packetsPerFrame = (windowEnd - windowStart) / cpp + 1;
        this.lastPacketMid = (windowStart + (packetsPerFrame - 1) * cpp) % cols;
        int n = cols * rows;
        dirX = new float[n];
        dirY = new float[n];
        dirZ = new float[n];
        offX = new float[n];
        offY = new float[n];
        offZ = new float[n];
        tabulate();
    }

    private void tabulate() {
        double[] b2l = meta.beamToLidarTransform();
        double[] t = meta.lidarToSensorTransform();
        double n = b2l[2 * 4 + 3] != 0 ? Math.hypot(b2l[3], b2l[2 * 4 + 3]) : b2l[3];
        for (int c = 0; c < cols; c++) {
            double enc = 2 * Math.PI * (1 - (double) c / cols);
            for (int r = 0; r < rows; r++) {
                double az = -Math.toRadians(meta.beamAzimuthDeg()[r]);
                double alt = Math.toRadians(meta.beamAltitudeDeg()[r]);
                double dx = Math.cos(enc + az) * Math.cos(alt);
                double dy = Math.sin(enc + az) * Math.cos(alt);
                double dz = Math.sin(alt);
                double ox = b2l[3] * Math.cos(enc) - n * dx;
                double oy = b2l[3] * Math.sin(enc) - n * dy;
                double oz = -n * dz + b2l[2 * 4 + 3];
                int i = c * rows + r;
                // rotate both into the sensor frame, translate the offset; mm to m
                dirX[i] = (float) ((t[0] * dx + t[1] * dy + t[2] * dz) / 1000);
                dirY[i] = (float) ((t[4] * dx + t[5] * dy + t[6] * dz) / 1000);
                dirZ[i] = (float) ((t[8] * dx + t[9] * dy + t[10] * dz) / 1000);
                offX[i] = (float) ((t[0] * ox + t[1] * oy + t[2] * oz + t[3]) / 1000);
                offY[i] = (float) ((t[4] * ox + t[5] * oy + t[6] * oz + t[7]) / 1000);
                offZ[i] = (float) ((t[8] * ox + t[9] * oy + t[10] * oz + t[11]) / 1000);
            }
        }
    }

    public OusterMetadata metadata() {
        return meta;
    }

    public long lidarPackets() {
        return lidarPackets;
    }

    public long imuPackets() {
        return imuPackets;
    }

    /** Frames skipped entirely (frame_id jumps). */
    public long lostFrames() {
        return lostFrames;
    }

    /** Lidar packets per whole frame (64 for 1024 columns of 16). */
    public int packetsPerFrame() {
        return packetsPerFrame;
    }

    @Override
    public boolean accept(DirectBuffer p, int off, int len, long captureTimeNs, int udpDstPort) {
        countPacket();
        boolean any = udpDstPort == ANY_PORT;
        if (udpDstPort == meta.udpPortLidar() || (any && len == packetBytes)) {
            return acceptLidar(p, off, len);
        }
        if (udpDstPort == meta.udpPortImu() || (any && len == 48)) {
            return acceptImu(p, off, len);
        }
        return bad(LidarError.UNKNOWN_PACKET, 0, "payload of " + len + " bytes on UDP port " + udpDstPort
                + " is neither a lidar packet (" + packetBytes + " B, port " + meta.udpPortLidar()
                + ") nor an IMU packet (48 B, port " + meta.udpPortImu() + ")");
    }

    private boolean acceptImu(DirectBuffer p, int off, int len) {
        if (len != 48) {
            return bad(len < 48 ? LidarError.TRUNCATED : LidarError.OVERSIZED, Math.min(len, 48), "IMU packet is "
                    + len + " bytes, expected 48");
        }
        imuPackets++;
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        imuListener.onImu(p.getLong(off, le), p.getLong(off + 8, le), p.getLong(off + 16, le),
                p.getFloat(off + 24, le), p.getFloat(off + 28, le), p.getFloat(off + 32, le),
                p.getFloat(off + 36, le), p.getFloat(off + 40, le), p.getFloat(off + 44, le));
        return true;
    }

    private boolean acceptLidar(DirectBuffer p, int off, int len) {
        if (len < packetBytes) {
            return bad(LidarError.TRUNCATED, len, "lidar packet is " + len + " bytes, expected " + packetBytes
                    + " (" + profile + ", " + cpp + " columns of " + rows + " pixels)");
        }
        if (len > packetBytes) {
            return bad(LidarError.OVERSIZED, packetBytes, "lidar packet is " + len + " bytes, expected "
                    + packetBytes + " (" + profile + ")");
        }
        final ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        final boolean legacy = profile == OusterProfile.LEGACY;
        final int h = profile.packetHeaderBytes();
        int fid;
        if (legacy) {
            fid = p.getShort(off + 10, le) & 0xFFFF;
        } else {
            int type = p.getShort(off, le) & 0xFFFF;
            if (type != 1) {
                return bad(LidarError.BAD_PACKET_TYPE, 0, "packet_type is " + type + ", expected 1 (lidar)");
            }
            fid = p.getShort(off + 2, le) & 0xFFFF;
        }
        final int mid0 = p.getShort(off + h + 8, le) & 0xFFFF;
        for (int c = 0; c < cpp; c++) {
            int mid = p.getShort(off + h + c * colBytes + 8, le) & 0xFFFF;
            if (mid >= cols) {
                return bad(LidarError.BAD_MEASUREMENT_ID, h + c * colBytes + 8, "column " + c + " measurement_id is "
                        + mid + ", expected below columns_per_frame " + cols);
            }
        }

        if (frameOpen && fid != frameId) {
            int ahead = (fid - frameId) & 0xFFFF;
            if (ahead > 0x8000) {
                return bad(LidarError.OUT_OF_ORDER, legacy ? 10 : 2, "frame_id " + fid + " is older than the frame "
                        + frameId + " in progress");
            }
            closeFrame(false, true);
        }
        if (!frameOpen) {
            if (lastClosedKnown) {
                int ahead = (fid - lastClosedFrameId) & 0xFFFF;
                if (ahead == 0 || ahead > 0x8000) {
                    return bad(LidarError.OUT_OF_ORDER, legacy ? 10 : 2, "frame_id " + fid
                            + " is not after the last frame handed over (" + lastClosedFrameId + ")");
                }
                if (ahead > 1) {
                    lostFrames += ahead - 1;
                    addLost((ahead - 1) * packetsPerFrame);
                }
            }
            openFrame(fid, mid0);
        } else {
            int gap = Math.floorMod(mid0 - prevMid, cols);
            if (gap == 0 || mid0 < prevMid && mid0 >= windowStart) {
                return bad(LidarError.OUT_OF_ORDER, h + 8, "measurement_id " + mid0 + " is not after the previous "
                        + "packet's " + prevMid + " in frame " + fid);
            }
            int lost = gap / cpp - 1;
            if (lost > 0) {
                sweepLost(lost);
                addLost(lost);
            }
        }
        prevMid = mid0;
        lidarPackets++;
        sweepPacket();

        for (int c = 0; c < cpp; c++) {
            final int col = off + h + c * colBytes;
            final long ts = p.getLong(col, le);
            final int mid = p.getShort(col + 8, le) & 0xFFFF;
            final boolean valid = legacy ? p.getInt(col + colBytes - 4, le) == -1 : (p.getShort(col + 10, le) & 1) != 0;
            if (!valid) {
                continue;
            }
            if (frameStartNs == Long.MIN_VALUE) {
                frameStartNs = ts;
            }
            frameEndNs = Math.max(frameEndNs, ts);
            final int rel = (int) (ts - frameStartNs);
            final int px0 = col + profile.columnHeaderBytes();
            final int lut0 = mid * rows;
            for (int r = 0; r < rows; r++) {
                final int px = px0 + r * profile.pixelBytes();
                int range;
                int refl;
                switch (profile) {
                    case RNG15_RFL8_NIR8:
                        range = (p.getShort(px, le) & 0x7FFF) << 3;
                        refl = p.getByte(px + 2) & 0xFF;
                        break;
                    case LEGACY:
                        range = p.getInt(px, le) & 0xF_FFFF;
                        refl = p.getShort(px + 4, le) & 0xFFFF;
                        break;
                    default: // single and dual: first return
                        range = p.getInt(px, le) & 0x7_FFFF;
                        refl = p.getByte(px + (profile == OusterProfile.RNG19_RFL8_SIG16_NIR16_DUAL ? 3 : 4)) & 0xFF;
                        break;
                }
                final int i = lut0 + r;
                if (range == 0) {
                    sweepZeroRange();
                } else {
                    points.add(range * dirX[i] + offX[i], range * dirY[i] + offY[i], range * dirZ[i] + offZ[i],
                            refl, r, rel, 0);
                }
                if (profile == OusterProfile.RNG19_RFL8_SIG16_NIR16_DUAL) {
                    int range2 = p.getInt(px + 4, le) & 0x7_FFFF;
                    if (range2 == 0) {
                        sweepZeroRange();
                    } else {
                        points.add(range2 * dirX[i] + offX[i], range2 * dirY[i] + offY[i], range2 * dirZ[i] + offZ[i],
                                p.getByte(px + 7) & 0xFF, r, rel, 1);
                    }
                }
            }
        }
        if (mid0 == lastPacketMid) {
            closeFrame(false, false);
        }
        return true;
    }

    private void openFrame(int fid, int mid0) {
        frameOpen = true;
        frameId = fid;
        frameStartNs = Long.MIN_VALUE;
        frameEndNs = Long.MIN_VALUE;
        int head = Math.floorMod(mid0 - windowStart, cols) / cpp;
        boolean sawPrevious = lastClosedKnown; // the stream was running: a missing head is lost, not unseen
        frameHeadMissing = false;
        if (head > 0) {
            if (sawPrevious) {
                sweepLost(head);
                addLost(head);
            } else {
                frameHeadMissing = true; // the stream started inside this frame
            }
        }
    }

    /**
     * @param cut       finish(): the stream stopped inside the frame
     * @param nextFrame a packet of the next frame arrived: packets after the last one seen are lost
     */
    private void closeFrame(boolean cut, boolean nextFrame) {
        boolean tailMissing = prevMid != lastPacketMid;
        if (nextFrame && tailMissing) {
            int tail = Math.floorMod(lastPacketMid - prevMid, cols) / cpp;
            sweepLost(tail);
            addLost(tail);
        }
        long start = frameStartNs == Long.MIN_VALUE ? 0 : frameStartNs;
        long end = frameEndNs == Long.MIN_VALUE ? 0 : frameEndNs;
        describeSweep(model, frameId, start, end, TimeBase.SENSOR_CLOCK, frameHeadMissing || (cut && tailMissing));
        emit();
        frameOpen = false;
        lastClosedKnown = true;
        lastClosedFrameId = frameId;
    }

    @Override
    public void reset() {
        dropSweep();
        frameOpen = false;
        lastClosedKnown = false;
    }

    @Override
    public void finish() {
        if (frameOpen) {
            closeFrame(true, false);
        }
    }
}
