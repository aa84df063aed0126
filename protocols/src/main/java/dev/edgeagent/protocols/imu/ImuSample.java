package dev.edgeagent.protocols.imu;

/** One IMU sample in SI units; mutable and reused (see {@link ImuRecord} for its wire layout). */
public final class ImuSample {

    /** Sensor time, ns (since the Unix epoch when the sensor clock is UTC; else the sensor's own clock). */
    public long timeNs;
    /** Angular velocity, rad/s. */
    public double gyroX;
    public double gyroY;
    public double gyroZ;
    /** Linear acceleration (specific force), m/s². */
    public double accelX;
    public double accelY;
    public double accelZ;
    public boolean hasOrientation;
    /** Orientation quaternion, Hamilton convention, w first. */
    public double quatW;
    public double quatX;
    public double quatY;
    public double quatZ;
    public boolean hasMagneticField;
    /** Magnetic field, µT. */
    public double magX;
    public double magY;
    public double magZ;

    public void clear() {
        timeNs = 0;
        gyroX = gyroY = gyroZ = 0;
        accelX = accelY = accelZ = 0;
        hasOrientation = false;
        quatW = quatX = quatY = quatZ = 0;
        hasMagneticField = false;
        magX = magY = magZ = 0;
    }

    @Override
    public String toString() {
        return "ImuSample{t=" + timeNs + ", gyro=[" + gyroX + ", " + gyroY + ", " + gyroZ + "], accel=[" + accelX + ", "
                + accelY + ", " + accelZ + "]" + (hasOrientation ? ", quat=[" + quatW + ", " + quatX + ", " + quatY
                + ", " + quatZ + "]" : "") + (hasMagneticField ? ", mag=[" + magX + ", " + magY + ", " + magZ + "]"
                : "") + '}';
    }
}
