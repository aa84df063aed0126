package dev.edgeagent.protocols.lidar.velodyne;

import static dev.edgeagent.protocols.lidar.velodyne.VelodynePackets.BLOCKS;
import static dev.edgeagent.protocols.lidar.velodyne.VelodynePackets.BLOCK_BYTES;
import static dev.edgeagent.protocols.lidar.velodyne.VelodynePackets.CHANNELS;
import static dev.edgeagent.protocols.lidar.velodyne.VelodynePackets.DATA_PACKET_BYTES;
import static dev.edgeagent.protocols.lidar.velodyne.VelodynePackets.HOUR_US;
import static dev.edgeagent.protocols.lidar.velodyne.VelodynePackets.POSITION_PACKET_BYTES;

import java.nio.ByteBuffer;

import dev.edgeagent.protocols.lidar.LidarError;
import dev.edgeagent.protocols.lidar.SweepAssembler;
import dev.edgeagent.protocols.lidar.SweepListener;
import dev.edgeagent.protocols.lidar.TimeBase;
import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Velodyne VLP-16 / VLP-32C / HDL-32E data and position packets to sweeps.
 *
 * <h2>Model</h2>
 * Told from the data unless given: over two data packets, the azimuth advance per firing (block, or block pair
 * in dual-return mode) and the sensor-time advance give the time one firing takes, 110.592 µs for the VLP-16 (two
 * sequences of 16 lasers per block), 55.296 µs for the VLP-32C, 46.08 µs for the HDL-32E, at any rotation speed
 * and across lost packets. The factory byte (offset 1205) is used only when that fails (a stopped rotor), because
 * early VLP-16 firmware sends the HDL-32E's 0x21. The first data packet is held (copied) until the second arrives.
 *
 * <h2>Points</h2>
 * Per the manuals: distance × unit (2 mm; 4 mm on the VLP-32C), elevation ω and azimuth offset δ by laser id,
 * azimuth α interpolated between this firing's and the next one's by the channel's firing time,
 * {@code x = R cos ω sin(α+δ)}, {@code y = R cos ω cos(α+δ)}, {@code z = R sin ω} (+ the VLP-16's vertical
 * correction). Azimuths are rounded to the sensor's 0.01° for the sine tables. Returns with distance 0 are skipped
 * and counted ({@link dev.edgeagent.protocols.lidar.SweepInfo#zeroRangeSkipped()}); in dual-return mode the second
 * block's return is dropped where it repeats the first (the sensor repeats a single return).
 *
 * <h2>Sweeps</h2>
 * A sweep ends where the block azimuth wraps past 360° (it drops by more than 180°), or after 1 s of sensor time
 * without a wrap. The first sweep of a stream and the one {@link #finish()} hands over are partial. Lost packets:
 * an azimuth advance between packets of more than 1.5 packets' worth counts the missing packets.
 *
 * <h2>Time</h2>
 * A point's time is the packet timestamp (µs past the top of the hour) plus its firing offset. With a $GPRMC
 * sentence in a position packet the hour and date come from it and sweeps are in {@link TimeBase#UTC}; until then
 * (and always without GPS) they are in {@link TimeBase#SENSOR_HOUR}. The base is applied when a sweep is handed
 * over, so a sweep that started before the first position packet is still in UTC.
 */
public final class VelodyneSweepAssembler extends SweepAssembler {

    private static final float[] SIN = new float[36_000];
    private static final float[] COS = new float[36_000];

    static {
        for (int i = 0; i < 36_000; i++) {
            double a = Math.toRadians(i / 100.0);
            SIN[i] = (float) Math.sin(a);
            COS[i] = (float) Math.cos(a);
        }
    }

    /** A sweep with no azimuth wrap for this long (sensor time) is handed over as partial. */
    static final long MAX_SWEEP_NS = 1_000_000_000L;

    private final int dataPort;
    private final int positionPort;
    private final VelodyneModel configuredModel;

    private VelodyneModel model;
    private String identifiedBy = "";
    private VelodyneModel factoryByteModel;
    private int factoryByte = -1;
    private float unitM;
    private final float[] cosEl = new float[32];
    private final float[] sinEl = new float[32];
    private final float[] zCorrM = new float[32];
    private final int[] azOffset = new int[32];
    private final int[] chOffsetNs = new int[32];
    private int firingNs;

    // the first data packet, held until the model is known
    private final UnsafeBuffer held = new UnsafeBuffer(ByteBuffer.allocateDirect(DATA_PACKET_BYTES));
    private boolean holding;

    // time
    private long hourIndex;
    private long lastTsUs = -1;
    private boolean utcKnown;
    private long utcBaseNs;
    private final Gprmc gprmc = new Gprmc();

    // packet sequence
    private boolean havePrev;
    private long prevTsExtUs;
    private int prevFirstAz;
    private int pendingLost;

    // sweep in progress
    private boolean sweepOpen;
    private boolean sweepStartedAtWrap;
    private long sweepStartRawNs;
    private long sweepEndRawNs;
    private int prevFiringAz;
    private boolean packetCounted;

    private long dataPackets;
    private long positionPackets;
    private long positionPacketsWithoutNmea;

    /** Model told from the data; ports 2368 (data) and 8308 (position). */
    public VelodyneSweepAssembler(SweepListener sweepListener, BadInputListener badInput) {
        this(null, VelodynePackets.DEFAULT_DATA_PORT, VelodynePackets.DEFAULT_POSITION_PORT, sweepListener, badInput);
    }

    /**
     * @param model        the model, or null to tell it from the data
     * @param dataPort     UDP destination port of data packets
     * @param positionPort UDP destination port of position packets
     */
    public VelodyneSweepAssembler(VelodyneModel model, int dataPort, int positionPort, SweepListener sweepListener,
                                  BadInputListener badInput) {
        super(sweepListener, badInput, 32 * BLOCKS * 200);
        this.dataPort = dataPort;
        this.positionPort = positionPort;
        this.configuredModel = model;
        if (model != null) {
            use(model, "configured");
        }
    }

    /** The model in use, or null while not yet known. */
    public VelodyneModel model() {
        return model;
    }

    /** How the model was found: "configured", "timing" (from the data) or "factory-byte"; "" while unknown. */
    public String identifiedBy() {
        return identifiedBy;
    }

    /** The last data packet's factory byte, -1 before any. */
    public int factoryByte() {
        return factoryByte;
    }

    /** False when the factory byte names another model than the one in use (early VLP-16 firmware sends 0x21). */
    public boolean factoryByteAgrees() {
        return model == null || factoryByteModel == model;
    }

    /** Data packets decoded (bad, out-of-order and unidentifiable ones not counted). */
    public long dataPackets() {
        return dataPackets;
    }

    public long positionPackets() {
        return positionPackets;
    }

    /** Position packets with no NMEA sentence (no GPS attached): they cannot set the UTC time base. */
    public long positionPacketsWithoutNmea() {
        return positionPacketsWithoutNmea;
    }

    /** True once a $GPRMC sentence has set the UTC hour. */
    public boolean utcKnown() {
        return utcKnown;
    }

    private void use(VelodyneModel m, String how) {
        model = m;
        identifiedBy = how;
        unitM = m.distanceUnitMm() / 1000f;
        firingNs = m.blockDurationNs();
        for (int ch = 0; ch < CHANNELS; ch++) {
            int laser = m.laserOfChannel(ch);
            double el = Math.toRadians(m.elevationDeg(laser));
            cosEl[ch] = (float) Math.cos(el);
            sinEl[ch] = (float) Math.sin(el);
            zCorrM[ch] = (float) (m.verticalCorrectionMm(laser) / 1000.0);
            azOffset[ch] = (int) Math.round(m.azimuthOffsetDeg(laser) * 100);
            chOffsetNs[ch] = m.channelOffsetNs(ch);
        }
        points.ensureCapacity(m.lasers() * m.sequencesPerBlock() * 36_000 / 10); // a rotation at 0.1° per firing
    }

    @Override
    public boolean accept(DirectBuffer p, int off, int len, long captureTimeNs, int udpDstPort) {
        countPacket();
        boolean any = udpDstPort == ANY_PORT;
        if (udpDstPort == dataPort || (any && len == DATA_PACKET_BYTES)) {
            return acceptData(p, off, len);
        }
        if (udpDstPort == positionPort || (any && len == POSITION_PACKET_BYTES)) {
            return acceptPosition(p, off, len);
        }
        return bad(LidarError.UNKNOWN_PACKET, 0, "payload of " + len + " bytes on UDP port " + udpDstPort
                + " is neither a data packet (" + DATA_PACKET_BYTES + " B, port " + dataPort
                + ") nor a position packet (" + POSITION_PACKET_BYTES + " B, port " + positionPort + ")");
    }

    private boolean acceptData(DirectBuffer p, int off, int len) {
        if (len < DATA_PACKET_BYTES) {
            return bad(LidarError.TRUNCATED, len, "data packet is " + len + " bytes, expected "
                    + DATA_PACKET_BYTES + " (12 blocks of 100, timestamp, return mode, factory byte)");
        }
        if (len > DATA_PACKET_BYTES) {
            return bad(LidarError.OVERSIZED, DATA_PACKET_BYTES, "data packet is " + len + " bytes, expected "
                    + DATA_PACKET_BYTES);
        }
        for (int b = 0; b < BLOCKS; b++) {
            int flag = VelodynePackets.blockFlag(p, off, b);
            if (flag != 0xEEFF) {
                return bad(LidarError.BAD_BLOCK_FLAG, b * BLOCK_BYTES, "data block " + b + " starts with 0x"
                        + Integer.toHexString(flag & 0xFF) + " 0x" + Integer.toHexString(flag >>> 8)
                        + ", expected the flag bytes 0xFF 0xEE");
            }
            int az = VelodynePackets.azimuth(p, off, b);
            if (az >= 36_000) {
                return bad(LidarError.BAD_AZIMUTH, b * BLOCK_BYTES + 2, "data block " + b + " azimuth is " + az
                        + " (0.01°), expected below 36000");
            }
        }
        long ts = VelodynePackets.timestampUs(p, off);
        if (ts >= HOUR_US) {
            return bad(LidarError.BAD_TIMESTAMP, VelodynePackets.TIMESTAMP_OFFSET, "data packet timestamp is " + ts
                    + " µs, expected below 3600000000 (µs past the top of the hour)");
        }
        int rm = VelodynePackets.returnMode(p, off);
        if (rm != 0 && rm != VelodynePackets.RETURN_STRONGEST && rm != VelodynePackets.RETURN_LAST
                && rm != VelodynePackets.RETURN_DUAL) {
            return bad(LidarError.BAD_RETURN_MODE, VelodynePackets.RETURN_MODE_OFFSET, "return mode byte is 0x"
                    + Integer.toHexString(rm) + ", expected 0x37 (strongest), 0x38 (last) or 0x39 (dual)");
        }
        factoryByte = VelodynePackets.factoryByte(p, off);
        factoryByteModel = VelodyneModel.ofFactoryByte(factoryByte);
        if (model == null) {
            if (!holding) {
                held.putBytes(0, p, off, DATA_PACKET_BYTES);
                holding = true;
                return true;
            }
            VelodyneModel m = identify(held, p, off);
            if (m == null) {
                bad(LidarError.UNKNOWN_MODEL, VelodynePackets.FACTORY_OFFSET, "model cannot be told: firing time "
                        + "from azimuth and timestamps matches no VLP-16/VLP-32C/HDL-32E and factory byte 0x"
                        + Integer.toHexString(VelodynePackets.factoryByte(held, 0)) + " is unknown; packet skipped");
                held.putBytes(0, p, off, DATA_PACKET_BYTES);
                return true;
            }
            holding = false;
            decode(held, 0);
        }
        return decode(p, off);
    }

    /** Azimuth advance per firing inside one packet, 0.01° units (0 if the rotor stands still). */
    private static double inPacketStep(DirectBuffer p, int off, int stride) {
        int last = BLOCKS - stride;
        int span = Math.floorMod(VelodynePackets.azimuth(p, off, last) - VelodynePackets.azimuth(p, off, 0), 36_000);
        return span / (double) (last / stride);
    }

    private VelodyneModel identify(DirectBuffer a, DirectBuffer b, int offB) {
        int stride = VelodynePackets.returnMode(b, offB) == VelodynePackets.RETURN_DUAL ? 2 : 1;
        double sA = inPacketStep(a, 0, stride);
        double sB = inPacketStep(b, offB, stride);
        int dAz = Math.floorMod(VelodynePackets.azimuth(b, offB, 0) - VelodynePackets.azimuth(a, 0, 0), 36_000);
        long dT = Math.floorMod(VelodynePackets.timestampUs(b, offB) - VelodynePackets.timestampUs(a, 0), HOUR_US);
        if (sA > 0 && sB > 0 && dAz > 0 && dT > 0 && dT < 1_000_000) {
            // firings elapsed = dAz / step; time per firing = dT / firings
            double perFiringNs = dT * 1000.0 * ((sA + sB) / 2) / dAz;
            VelodyneModel m = VelodyneModel.ofBlockDuration(perFiringNs);
            if (m != null) {
                use(m, "timing");
                return m;
            }
        }
        VelodyneModel m = VelodyneModel.ofFactoryByte(VelodynePackets.factoryByte(b, offB));
        if (m != null) {
            use(m, "factory-byte");
        }
        return m;
    }

    /** µs past the hour to µs since the stream's first hour, across hour roll-overs. */
    private long extend(long tsUs) {
        if (lastTsUs < 0) {
            lastTsUs = tsUs;
        } else if (tsUs < lastTsUs - HOUR_US / 2) {
            hourIndex++;
            lastTsUs = tsUs;
        } else if (tsUs > lastTsUs + HOUR_US / 2) {
            return (hourIndex - 1) * HOUR_US + tsUs; // a late packet from before the roll-over
        } else {
            lastTsUs = tsUs;
        }
        return hourIndex * HOUR_US + tsUs;
    }

    private boolean decode(DirectBuffer p, int off) {
        long tsExt = extend(VelodynePackets.timestampUs(p, off));
        if (havePrev && tsExt <= prevTsExtUs) {
            return bad(LidarError.OUT_OF_ORDER, VelodynePackets.TIMESTAMP_OFFSET, "data packet timestamp "
                    + (tsExt % HOUR_US) + " µs is not after the previous packet's " + (prevTsExtUs % HOUR_US)
                    + " µs (duplicate or reordered)");
        }
        dataPackets++;
        final int stride = VelodynePackets.returnMode(p, off) == VelodynePackets.RETURN_DUAL ? 2 : 1;
        final int firings = BLOCKS / stride;
        final double step = inPacketStep(p, off, stride);
        final int firstAz = VelodynePackets.azimuth(p, off, 0);
        if (havePrev && step > 0) {
            int dAz = Math.floorMod(firstAz - prevFirstAz, 36_000);
            double expected = step * firings;
            if (dAz > 1.5 * expected) {
                int lost = (int) Math.round(dAz / expected) - 1;
                pendingLost += lost;
                addLost(lost);
            }
        }
        havePrev = true;
        prevTsExtUs = tsExt;
        prevFirstAz = firstAz;

        final long packetNs = tsExt * 1000;
        final int defaultDelta = (int) Math.round(step);
        int delta = defaultDelta;
        packetCounted = false;
        for (int f = 0; f < firings; f++) {
            final int b = f * stride;
            final int az = VelodynePackets.azimuth(p, off, b);
            if (f < firings - 1) {
                delta = Math.floorMod(VelodynePackets.azimuth(p, off, b + stride) - az, 36_000);
                if (delta > 4 * defaultDelta + 10) {
                    delta = defaultDelta; // a glitch, not rotation
                }
            }
            final long fNs = packetNs + (long) f * firingNs;
            if (!sweepOpen) {
                openSweep(false, fNs);
            } else if (prevFiringAz - az > 18_000) {
                closeSweep(!sweepStartedAtWrap);
                openSweep(true, fNs);
            } else if (fNs - sweepStartRawNs > MAX_SWEEP_NS) {
                closeSweep(true);
                openSweep(false, fNs);
            }
            prevFiringAz = az;
            if (!packetCounted) {
                sweepPacket();
                packetCounted = true;
            }
            if (pendingLost != 0) {
                sweepLost(pendingLost);
                pendingLost = 0;
            }
            final int rel = (int) (fNs - sweepStartRawNs);
            for (int r = 0; r < stride; r++) {
                final int blk = b + r;
                for (int ch = 0; ch < CHANNELS; ch++) {
                    final int d = VelodynePackets.distance(p, off, blk, ch);
                    if (d == 0) {
                        sweepZeroRange();
                        continue;
                    }
                    final int refl = VelodynePackets.reflectivity(p, off, blk, ch);
                    if (r == 1 && d == VelodynePackets.distance(p, off, b, ch)
                            && refl == VelodynePackets.reflectivity(p, off, b, ch)) {
                        continue; // dual mode repeats a single return in both blocks
                    }
                    final int tOff = chOffsetNs[ch];
                    int azH = az + azOffset[ch] + (int) ((delta * (long) tOff + firingNs / 2) / firingNs);
                    azH = Math.floorMod(azH, 36_000);
                    final float range = d * unitM;
                    final float xy = range * cosEl[ch];
                    points.add(xy * SIN[azH], xy * COS[azH], range * sinEl[ch] + zCorrM[ch], refl,
                            ch % model.lasers(), rel + tOff, r);
                }
            }
            sweepEndRawNs = fNs + chOffsetNs[CHANNELS - 1];
        }
        return true;
    }

    private void openSweep(boolean atWrap, long startNs) {
        sweepOpen = true;
        sweepStartedAtWrap = atWrap;
        sweepStartRawNs = startNs;
        sweepEndRawNs = startNs;
        packetCounted = false;
    }

    private void closeSweep(boolean partial) {
        long base = utcKnown ? utcBaseNs : 0;
        describeSweep(model.displayName(), -1, base + sweepStartRawNs, base + sweepEndRawNs,
                utcKnown ? TimeBase.UTC : TimeBase.SENSOR_HOUR, partial);
        emit();
        sweepOpen = false;
    }

    private boolean acceptPosition(DirectBuffer p, int off, int len) {
        if (len < POSITION_PACKET_BYTES) {
            return bad(LidarError.TRUNCATED, len, "position packet is " + len + " bytes, expected "
                    + POSITION_PACKET_BYTES);
        }
        if (len > POSITION_PACKET_BYTES) {
            return bad(LidarError.OVERSIZED, POSITION_PACKET_BYTES, "position packet is " + len
                    + " bytes, expected " + POSITION_PACKET_BYTES);
        }
        long ts = VelodynePackets.positionTimestampUs(p, off);
        if (ts >= HOUR_US) {
            return bad(LidarError.BAD_TIMESTAMP, VelodynePackets.POSITION_TIMESTAMP_OFFSET, "position packet "
                    + "timestamp is " + ts + " µs, expected below 3600000000 (µs past the top of the hour)");
        }
        positionPackets++;
        int r = gprmc.parse(p, off + VelodynePackets.NMEA_OFFSET, VelodynePackets.NMEA_MAX_BYTES);
        if (r == Gprmc.ABSENT) {
            positionPacketsWithoutNmea++;
            return true;
        }
        if (r == Gprmc.BAD) {
            return bad(LidarError.BAD_NMEA, VelodynePackets.NMEA_OFFSET + gprmc.badOffset(),
                    "position packet NMEA sentence: " + gprmc.badReason());
        }
        long tsExt = extend(ts);
        long hourStart = gprmc.hourStartEpochSeconds();
        long nmeaSecOfHour = gprmc.minute() * 60L + gprmc.second();
        long d = ts / 1_000_000 - nmeaSecOfHour;
        if (d < -1800) {
            hourStart += 3600; // the µs counter has passed the top of the hour, the sentence not yet
        } else if (d > 1800) {
            hourStart -= 3600;
        }
        long hIdx = Math.floorDiv(tsExt, HOUR_US);
        utcBaseNs = hourStart * 1_000_000_000L - hIdx * HOUR_US * 1000;
        utcKnown = true;
        return true;
    }

    @Override
    public void reset() {
        dropSweep();
        holding = false;
        if (configuredModel == null) {
            model = null;
            identifiedBy = "";
        }
        hourIndex = 0;
        lastTsUs = -1;
        utcKnown = false;
        havePrev = false;
        pendingLost = 0;
        sweepOpen = false;
    }

    @Override
    public void finish() {
        if (holding) {
            holding = false;
            VelodyneModel m = configuredModel != null ? configuredModel
                    : VelodyneModel.ofFactoryByte(VelodynePackets.factoryByte(held, 0));
            if (m == null) {
                bad(LidarError.UNKNOWN_MODEL, VelodynePackets.FACTORY_OFFSET, "model cannot be told from a single "
                        + "data packet with unknown factory byte 0x"
                        + Integer.toHexString(VelodynePackets.factoryByte(held, 0)) + "; packet skipped");
            } else {
                use(m, "factory-byte");
                decode(held, 0);
            }
        }
        if (sweepOpen) {
            closeSweep(true);
        }
    }
}
