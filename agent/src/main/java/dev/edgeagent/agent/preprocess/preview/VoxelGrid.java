package dev.edgeagent.agent.preprocess.preview;

import dev.edgeagent.agent.decode.foxglove.PointLayout;
import dev.edgeagent.protocols.lidar.PointBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Voxel-grid downsampling of a LiDAR sweep: points are binned into cubes of a given edge and each occupied cube
 * becomes one point, the centroid of its points (mean intensity; ring and time of the cube's first point). When
 * more cubes are occupied than allowed, the edge doubles until the sweep fits. An open-addressing table that is
 * reused between sweeps: no allocation per sweep once grown.
 */
public final class VoxelGrid {

    private static final long EMPTY = Long.MIN_VALUE;
    private static final int BITS = 21;                 // per axis: ±2^20 voxels
    private static final long MASK = (1L << BITS) - 1;

    private long[] keys = new long[0];
    private double[] sx = new double[0];
    private double[] sy = new double[0];
    private double[] sz = new double[0];
    private double[] si = new double[0];
    private int[] count = new int[0];
    private int[] firstPoint = new int[0];
    private int[] order = new int[0];                   // slots in order of first use
    private int occupied;
    private double lastEdge;

    /**
     * Bins the sweep and writes the centroids to {@code out} in {@link PointLayout#XYZ_INTENSITY_RING_TIME}.
     *
     * @return the number of points written (≤ maxPoints)
     */
    public int downsample(PointBuffer p, double edge, int maxPoints, MutableDirectBuffer out) {
        int n = p.size();
        double e = edge;
        while (!bin(p, n, e, maxPoints)) {
            e *= 2;
        }
        lastEdge = e;
        for (int i = 0; i < occupied; i++) {
            int slot = order[i];
            int c = count[slot];
            int at = i * PointLayout.STRIDE;
            int first = firstPoint[slot];
            out.putFloat(at + PointLayout.X, (float) (sx[slot] / c), ByteOrder.LITTLE_ENDIAN);
            out.putFloat(at + PointLayout.Y, (float) (sy[slot] / c), ByteOrder.LITTLE_ENDIAN);
            out.putFloat(at + PointLayout.Z, (float) (sz[slot] / c), ByteOrder.LITTLE_ENDIAN);
            out.putFloat(at + PointLayout.INTENSITY, (float) (si[slot] / c), ByteOrder.LITTLE_ENDIAN);
            out.putShort(at + PointLayout.RING, p.ring()[first], ByteOrder.LITTLE_ENDIAN);
            out.putShort(at + PointLayout.RING + 2, (short) 0, ByteOrder.LITTLE_ENDIAN);
            out.putInt(at + PointLayout.TIME, p.timeOffsetNs()[first], ByteOrder.LITTLE_ENDIAN);
        }
        return occupied;
    }

    /** The voxel edge the last sweep was binned with (larger than asked when it did not fit). */
    public double lastEdge() {
        return lastEdge;
    }

    /** The voxel of a coordinate; the same rule tests can apply independently. */
    public static long cell(float v, double edge) {
        return (long) Math.floor(v / edge);
    }

    /** False when more than maxPoints voxels are occupied. */
    private boolean bin(PointBuffer p, int n, double edge, int maxPoints) {
        int capacity = Integer.highestOneBit(Math.max(16, Math.min(n, maxPoints) * 2 + 1)) << 1;
        if (keys.length < capacity) {
            keys = new long[capacity];
            sx = new double[capacity];
            sy = new double[capacity];
            sz = new double[capacity];
            si = new double[capacity];
            count = new int[capacity];
            firstPoint = new int[capacity];
            order = new int[capacity];
        }
        int cap = keys.length;
        Arrays.fill(keys, EMPTY);
        occupied = 0;
        float[] x = p.x();
        float[] y = p.y();
        float[] z = p.z();
        float[] in = p.intensity();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[i]) || !Float.isFinite(y[i]) || !Float.isFinite(z[i])) {
                continue;
            }
            long key = ((cell(x[i], edge) & MASK) << (2 * BITS)) | ((cell(y[i], edge) & MASK) << BITS) | (cell(z[i], edge) & MASK);
            int slot = (int) (mix(key) & (cap - 1));
            while (keys[slot] != EMPTY && keys[slot] != key) {
                slot = (slot + 1) & (cap - 1);
            }
            if (keys[slot] == EMPTY) {
                if (occupied == maxPoints) {
                    return false;
                }
                keys[slot] = key;
                sx[slot] = 0;
                sy[slot] = 0;
                sz[slot] = 0;
                si[slot] = 0;
                count[slot] = 0;
                firstPoint[slot] = i;
                order[occupied++] = slot;
            }
            sx[slot] += x[i];
            sy[slot] += y[i];
            sz[slot] += z[i];
            si[slot] += in[i];
            count[slot]++;
        }
        return true;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return k;
    }
}
