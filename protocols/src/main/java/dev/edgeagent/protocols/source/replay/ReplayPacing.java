package dev.edgeagent.protocols.source.replay;

/**
 * How fast a replay source plays its file: as fast as the sink takes records, or at the capture's own timing
 * scaled by a speed factor (record {@code i} is due at {@code start + (ts_i - ts_0) / speed}).
 */
public final class ReplayPacing {

    private static final ReplayPacing FAST = new ReplayPacing(0);

    private final double speed;

    private ReplayPacing(double speed) {
        this.speed = speed;
    }

    public static ReplayPacing asFastAsPossible() {
        return FAST;
    }

    /**
     * @param speed 1.0 = real time, 2.0 = twice as fast, 0.5 = half speed
     */
    public static ReplayPacing originalTiming(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed: must be a finite number > 0, got " + speed);
        }
        return new ReplayPacing(speed);
    }

    /** Parses {@code "fast"} / {@code "as-fast-as-possible"}, {@code "original"} (1x) or a speed such as {@code "2x"}. */
    public static ReplayPacing parse(String text) {
        String t = text.trim().toLowerCase();
        if (t.equals("fast") || t.equals("as-fast-as-possible")) {
            return FAST;
        }
        if (t.equals("original") || t.equals("realtime") || t.equals("real-time")) {
            return originalTiming(1.0);
        }
        if (t.endsWith("x")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return originalTiming(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pacing: expected 'fast', 'original' or a speed such as '2x', got '"
                    + text + "'");
        }
    }

    /** True for original timing. */
    public boolean paced() {
        return speed > 0;
    }

    /** The speed factor; 0 when as fast as possible. */
    public double speed() {
        return speed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplayPacing && ((ReplayPacing) o).speed == speed;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(speed);
    }

    @Override
    public String toString() {
        return speed == 0 ? "as-fast-as-possible" : "original-timing x" + speed;
    }
}
