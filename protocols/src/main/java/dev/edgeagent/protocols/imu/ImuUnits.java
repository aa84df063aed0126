package dev.edgeagent.protocols.imu;

/** Units IMU inputs come in, each with its factor to the record's SI unit. */
public final class ImuUnits {

    /** Standard gravity, m/s² per g (CGPM 1901). */
    public static final double STANDARD_GRAVITY = 9.80665;

    private ImuUnits() {
    }

    public enum Time {
        S(1_000_000_000L), MS(1_000_000L), US(1_000L), NS(1L);

        final long nanos;

        Time(long nanos) {
            this.nanos = nanos;
        }

        public long nanos() {
            return nanos;
        }
    }

    public enum AngularVelocity {
        RAD_S(1.0), DEG_S(Math.PI / 180.0);

        final double toRadPerS;

        AngularVelocity(double f) {
            this.toRadPerS = f;
        }

        public double factor() {
            return toRadPerS;
        }
    }

    public enum Acceleration {
        M_S2(1.0), G(STANDARD_GRAVITY);

        final double toMps2;

        Acceleration(double f) {
            this.toMps2 = f;
        }

        public double factor() {
            return toMps2;
        }
    }

    public enum MagneticField {
        UT(1.0), NT(1e-3), GAUSS(100.0), T(1e6);

        final double toMicroTesla;

        MagneticField(double f) {
            this.toMicroTesla = f;
        }

        public double factor() {
            return toMicroTesla;
        }
    }
}
