package dev.edgeagent.protocols.lidar;

import java.util.Arrays;

/**
 * The points of one sweep as parallel arrays (structure of arrays), reused for every sweep: the arrays only ever
 * grow, so a steady stream allocates nothing. Valid entries are {@code [0, size())}; entries past it are stale.
 *
 * <ul>
 *   <li>{@code x, y, z}: metres in the sensor frame (Velodyne: the manual's frame, y forward at azimuth 0;
 *       Ouster: the sensor coordinate frame, i.e. after {@code lidar_to_sensor_transform});</li>
 *   <li>{@code intensity}: the calibrated reflectivity the sensor reports (0..255);</li>
 *   <li>{@code ring}: the sensor's own channel index: Velodyne laser id, Ouster pixel row (0 = top beam);</li>
 *   <li>{@code timeOffsetNs}: when the point was measured, ns after {@link SweepInfo#startTimeNs()};</li>
 *   <li>{@code returnIndex}: 0 for the first (or only) return, 1 for the second return of a dual-return mode.</li>
 * </ul>
 */
public final class PointBuffer {

    private float[] x;
    private float[] y;
    private float[] z;
    private float[] intensity;
    private short[] ring;
    private int[] timeOffsetNs;
    private byte[] returnIndex;
    private int size;

    public PointBuffer(int initialCapacity) {
        int n = Math.max(16, initialCapacity);
        x = new float[n];
        y = new float[n];
        z = new float[n];
        intensity = new float[n];
        ring = new short[n];
        timeOffsetNs = new int[n];
        returnIndex = new byte[n];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return x.length;
    }

    public float[] x() {
        return x;
    }

    public float[] y() {
        return y;
    }

    public float[] z() {
        return z;
    }

    public float[] intensity() {
        return intensity;
    }

    public short[] ring() {
        return ring;
    }

    public int[] timeOffsetNs() {
        return timeOffsetNs;
    }

    public byte[] returnIndex() {
        return returnIndex;
    }

    /** Forgets the points (keeps the arrays). */
    public void clear() {
        size = 0;
    }

    /** Makes room for {@code n} points in all; grows by at least half so that growth is rare. */
    public void ensureCapacity(int n) {
        if (n <= x.length) {
            return;
        }
        int c = Math.max(n, x.length + (x.length >> 1));
        x = Arrays.copyOf(x, c);
        y = Arrays.copyOf(y, c);
        z = Arrays.copyOf(z, c);
        intensity = Arrays.copyOf(intensity, c);
        ring = Arrays.copyOf(ring, c);
        timeOffsetNs = Arrays.copyOf(timeOffsetNs, c);
        returnIndex = Arrays.copyOf(returnIndex, c);
    }

    /** Appends one point (grows the arrays if full). */
    public void add(float px, float py, float pz, float pIntensity, int pRing, int pTimeOffsetNs, int pReturn) {
        int i = size;
        if (i == x.length) {
            ensureCapacity(i + 1);
        }
        x[i] = px;
        y[i] = py;
        z[i] = pz;
        intensity[i] = pIntensity;
        ring[i] = (short) pRing;
        timeOffsetNs[i] = pTimeOffsetNs;
        returnIndex[i] = (byte) pReturn;
        size = i + 1;
    }
}
