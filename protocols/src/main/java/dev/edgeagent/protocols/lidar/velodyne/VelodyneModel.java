package dev.edgeagent.protocols.lidar.velodyne;

/**
 * Per-model constants from the Velodyne user manuals (VLP-16 rev. E, VLP-32C rev. C, HDL-32E rev. M): laser
 * elevation angles and azimuth offsets by laser id, distance unit, and the firing timing of one data block.
 *
 * <p>A data block holds 32 returns. VLP-16: two firing sequences of the 16 lasers (channels 0-15, then 16-31),
 * each 55.296 µs, lasers 2.304 µs apart. VLP-32C: one sequence of 55.296 µs, lasers fired in pairs 2.304 µs
 * apart. HDL-32E: one sequence of 46.08 µs, lasers 1.152 µs apart.
 */
public enum VelodyneModel {

    VLP_16("VLP-16", 0x22, 16, 2, 110_592, 2,
            new double[] {-15, 1, -13, 3, -11, 5, -9, 7, -7, 9, -5, 11, -3, 13, -1, 15},
            new double[16],
            // vertical offset of each laser from the sensor origin, mm (manual table 9-1): z += correction
            new double[] {11.2, -0.7, 9.7, -2.2, 8.1, -3.7, 6.6, -5.1, 5.1, -6.6, 3.7, -8.1, 2.2, -9.7, 0.7, -11.2}),

    VLP_32C("VLP-32C", 0x28, 32, 1, 55_296, 4,
            new double[] {-25, -1, -1.667, -15.639, -11.31, 0, -0.667, -8.843, -7.254, 0.333, -0.333, -6.148,
                -5.333, 1.333, 0.667, -4, -4.667, 1.667, 1, -3.667, -3.333, 3.333, 2.333, -2.667, -3, 7, 4.667,
                -2.333, -2, 15, 10.333, -1.333},
            new double[] {1.4, -4.2, 1.4, -1.4, 1.4, -1.4, 4.2, -1.4, 1.4, -4.2, 1.4, -1.4, 4.2, -1.4, 4.2, -1.4,
                1.4, -4.2, 1.4, -4.2, 4.2, -1.4, 1.4, -1.4, 1.4, -1.4, 1.4, -4.2, 4.2, -1.4, 1.4, -1.4},
            new double[32]),

    HDL_32E("HDL-32E", 0x21, 32, 1, 46_080, 2,
            new double[] {-30.67, -9.33, -29.33, -8.00, -28.00, -6.67, -26.67, -5.33, -25.33, -4.00, -24.00, -2.67,
                -22.67, -1.33, -21.33, 0.00, -20.00, 1.33, -18.67, 2.67, -17.33, 4.00, -16.00, 5.33, -14.67, 6.67,
                -13.33, 8.00, -12.00, 9.33, -10.67, 10.67},
            new double[32],
            new double[32]);

    private final String displayName;
    private final int factoryByte;
    private final int lasers;
    private final int sequencesPerBlock;
    private final int blockDurationNs;
    private final int distanceUnitMm;
    private final double[] elevationDeg;
    private final double[] azimuthOffsetDeg;
    private final double[] verticalCorrectionMm;
    /** Per channel (0..31) of a block: ns after the block's first firing (single-return timing). */
    private final int[] channelOffsetNs = new int[32];

    VelodyneModel(String displayName, int factoryByte, int lasers, int sequencesPerBlock, int blockDurationNs,
                  int distanceUnitMm, double[] elevationDeg, double[] azimuthOffsetDeg, double[] verticalCorrectionMm) {
        this.displayName = displayName;
        this.factoryByte = factoryByte;
        this.lasers = lasers;
        this.sequencesPerBlock = sequencesPerBlock;
        this.blockDurationNs = blockDurationNs;
        this.distanceUnitMm = distanceUnitMm;
        this.elevationDeg = elevationDeg;
        this.azimuthOffsetDeg = azimuthOffsetDeg;
        this.verticalCorrectionMm = verticalCorrectionMm;
        for (int ch = 0; ch < 32; ch++) {
            int laser = ch % lasers;
            int sequence = ch / lasers;
            int step;
            if (lasers == 16) {
                step = laser * 2_304; // VLP-16: one laser every 2.304 µs
            } else if (blockDurationNs == 55_296) {
                step = (laser / 2) * 2_304; // VLP-32C: pairs
            } else {
                step = laser * 1_152; // HDL-32E
            }
            channelOffsetNs[ch] = sequence * (blockDurationNs / sequencesPerBlock) + step;
        }
    }

    /** As the manuals name it: "VLP-16", "VLP-32C", "HDL-32E". */
    public String displayName() {
        return displayName;
    }

    /** The product-id ("factory") byte this model sends at offset 1205 of a data packet. */
    public int factoryByte() {
        return factoryByte;
    }

    /** Lasers (16 or 32). */
    public int lasers() {
        return lasers;
    }

    /** Firing sequences per data block (2 for the VLP-16, else 1). */
    public int sequencesPerBlock() {
        return sequencesPerBlock;
    }

    /** Time one data block covers (all its sequences, recharge included), ns. */
    public int blockDurationNs() {
        return blockDurationNs;
    }

    /** Distance unit of the u16 distance field, mm (2, or 4 for the VLP-32C). */
    public int distanceUnitMm() {
        return distanceUnitMm;
    }

    /** Laser id of channel {@code ch} (0..31) of a data block. */
    public int laserOfChannel(int ch) {
        return ch % lasers;
    }

    public double elevationDeg(int laser) {
        return elevationDeg[laser];
    }

    public double azimuthOffsetDeg(int laser) {
        return azimuthOffsetDeg[laser];
    }

    public double verticalCorrectionMm(int laser) {
        return verticalCorrectionMm[laser];
    }

    /** ns after the block's first firing at which channel {@code ch} (0..31) fires, single-return modes. */
    public int channelOffsetNs(int ch) {
        return channelOffsetNs[ch];
    }

    /** The model whose factory byte this is, or null (0x24 Puck Hi-Res and others are not supported). */
    public static VelodyneModel ofFactoryByte(int b) {
        for (VelodyneModel m : values()) {
            if (m.factoryByte == b) {
                return m;
            }
        }
        return null;
    }

    /**
     * The model whose block duration is nearest {@code blockNs} (ns of sensor time per data block, or per block
     * pair in dual-return mode), within 12 %; null if none is that near. The three are 46.08, 55.296 and
     * 110.592 µs: 20 % apart at the closest.
     */
    public static VelodyneModel ofBlockDuration(double blockNs) {
        VelodyneModel best = null;
        double bestErr = 0.12;
        for (VelodyneModel m : values()) {
            double err = Math.abs(blockNs / m.blockDurationNs - 1);
            if (err < bestErr) {
                bestErr = err;
                best = m;
            }
        }
        return best;
    }
}
