package dev.edgeagent.agent.align;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Online estimate of one stream's clock: the mapping from the sensor's own time to the agent's time base,
 * {@code agent = sensor + offset + drift * (sensor - origin)}, from (sensor time, agent receive time) pairs.
 *
 * <p>Every pair satisfies {@code receive - sensor = true offset(sensor) + delay} with a delay that is never
 * negative, so the true mapping lies on or below every point: the estimate is the lower envelope of the points,
 * not an average (TICSync, Harrison and Newman 2011). Points are reduced to the lowest one per bin (default
 * 100 ms of sensor time); over a sliding window (default 30 s) their lower convex hull is computed when a bin
 * closes, and the hull edge spanning the middle of the window gives offset and drift. Until the window spans
 * {@code minSpan} the drift of the previous estimate (or 0) is kept and only the offset is fitted.
 *
 * <p>Clock jumps (a sensor reboot, a GNSS receiver correcting its clock): a point further than the jump
 * threshold from the estimate is held as suspect and kept out of the envelope. Points below the envelope are
 * impossible for a steady clock, so {@code confirmSamples} of them in a row confirm a jump; points above it may
 * be a delay burst, so they must also last {@code confirmAbove} of sensor time. A confirmed jump restarts the
 * envelope from the suspect points, keeping the drift (a jump moves a clock, rarely its rate). The caller holds
 * back suspect samples and maps them once {@link #observe} says how the suspicion ended.
 *
 * <p>Single-threaded, no allocation per observation; the gauges ({@link #offsetSeconds()} ...) are published
 * through volatile fields at each bin close and may be read from any thread.
 */
public final class ClockModel {

    /** {@link #observe} results. */
    public static final int OK = 0;
    /** The point is far from the estimate: hold the sample until a later call says which it was. */
    public static final int SUSPECT = 1;
    /** The held points were a jump: the model restarted from them; map held samples with the new model. */
    public static final int JUMP = 2;
    /** The held points were not a jump (a delay burst, an outlier): map them with the model as it is. */
    public static final int RESOLVED = 3;

    /** Where the stream's time comes from. */
    public enum Source { sensor, receive }

    /**
     * @param windowNs        sensor time the envelope spans
     * @param binNs           points are reduced to the lowest per bin of this much sensor time
     * @param minSpanNs       drift is fitted once the window spans this much
     * @param jumpThresholdNs distance from the estimate that makes a point suspect
     * @param confirmSamples  suspect points in a row (same side) that confirm a jump
     * @param confirmAboveNs  how long points above the estimate must last to be a jump rather than a delay burst
     */
    public record Settings(long windowNs, long binNs, long minSpanNs, long jumpThresholdNs, int confirmSamples,
                           long confirmAboveNs) {
        public static Settings defaults() {
            return new Settings(30_000_000_000L, 100_000_000L, 2_000_000_000L, 50_000_000L, 4, 1_000_000_000L);
        }

        public Settings withWindow(long windowNs) {
            return new Settings(windowNs, binNs, minSpanNs, jumpThresholdNs, confirmSamples, confirmAboveNs);
        }

        public Settings withJumpThreshold(long thresholdNs) {
            return new Settings(windowNs, binNs, minSpanNs, thresholdNs, confirmSamples, confirmAboveNs);
        }
    }

    /** The persisted state: enough to map and to keep the envelope after a restart. */
    public record State(int version, String streamId, String source, long originNs, long lineX, long lineD,
                        double slope, long jumps, long[] pointX, long[] pointD, long savedAtNs) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String streamId;
    private final Settings settings;
    private final Source source;

    private boolean started;
    private long origin;
    // closed bins, oldest first, in a ring: x = sensor - origin, d = agent - sensor (the lowest of the bin)
    private long[] ringX;
    private long[] ringD;
    private int head;
    private int size;
    // the open bin
    private boolean binOpen;
    private long binStart;
    private long binX;
    private long binD;
    // lower hull scratch
    private long[] hullX;
    private long[] hullD;
    // the estimate: d(x) = lineD + slope * (x - lineX)
    private boolean hasLine;
    private long lineX;
    private long lineD;
    private double slope;
    private boolean hasSlope;
    private boolean fitted;
    // suspect points
    private int suspectSign;
    private int suspectCount;
    private long suspectFirstX;
    private long[] suspectX = new long[16];
    private long[] suspectD = new long[16];

    private long lastSensor = Long.MIN_VALUE;
    private int pointsSinceRestart;
    private double jitterNs;
    private long jumpCount;

    private volatile double pubOffsetSeconds;
    private volatile double pubDriftPpm;
    private volatile double pubJitterSeconds;
    private volatile long pubJumps;
    private volatile boolean pubConverged;

    public ClockModel(String streamId, Settings settings, Source source) {
        if (settings.binNs() <= 0 || settings.windowNs() < 2 * settings.binNs()) {
            throw new IllegalArgumentException("clock window " + settings.windowNs() + " ns must hold at least two "
                    + settings.binNs() + " ns bins");
        }
        this.streamId = streamId;
        this.settings = settings;
        this.source = source;
        int capacity = (int) Math.min(1 << 16, settings.windowNs() / settings.binNs() + 4);
        ringX = new long[capacity];
        ringD = new long[capacity];
        hullX = new long[capacity + 1];
        hullD = new long[capacity + 1];
    }

    public String streamId() {
        return streamId;
    }

    public Source source() {
        return source;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Adds one pair. For a stream without a sensor clock ({@link Source#receive}) the caller maps receive time
     * to itself and need not call this.
     *
     * @return {@link #OK}, {@link #SUSPECT}, {@link #JUMP} or {@link #RESOLVED}
     */
    public int observe(long sensorNs, long agentNs) {
        long d = agentNs - sensorNs;
        if (!started) {
            restart(sensorNs);
            addPoint(sensorNs - origin, d);
            pointsSinceRestart = 1;
            lastSensor = sensorNs;
            publish();
            return OK;
        }
        lastSensor = sensorNs;
        long x = sensorNs - origin;
        long residual = d - predictD(x);
        // the first few points after a (re)start only say how low the envelope is: a lower one is no jump
        boolean early = residual < 0 && pointsSinceRestart < settings.confirmSamples();
        if (Math.abs(residual) > settings.jumpThresholdNs() && !early) {
            int sign = residual > 0 ? 1 : -1;
            if (suspectCount == 0 || sign != suspectSign) {
                suspectSign = sign;
                suspectCount = 0;
                suspectFirstX = x;
            }
            if (suspectCount == suspectX.length) {
                // a long delay burst: rare, grows once
                suspectX = Arrays.copyOf(suspectX, suspectCount * 2);
                suspectD = Arrays.copyOf(suspectD, suspectCount * 2);
            }
            suspectX[suspectCount] = x;
            suspectD[suspectCount] = d;
            suspectCount++;
            boolean confirmed = suspectCount >= settings.confirmSamples()
                    && (sign < 0 || x - suspectFirstX >= settings.confirmAboveNs());
            if (!confirmed) {
                return SUSPECT;
            }
            jump();
            return JUMP;
        }
        boolean wasSuspect = suspectCount > 0;
        suspectCount = 0;
        if (residual > 0) {
            jitterNs += (residual - jitterNs) / 64;   // spread above the envelope, smoothed over ~64 points
        }
        addPoint(x, d);
        pointsSinceRestart++;
        return wasSuspect ? RESOLVED : OK;
    }

    /**
     * Decides a suspicion that no further point will settle (the stream went quiet): points below the estimate
     * cannot be delays, so they are a jump; points above it are taken as late.
     *
     * @return {@link #JUMP}, {@link #RESOLVED}, or {@link #OK} when nothing was suspect
     */
    public int decideSuspect() {
        if (suspectCount == 0) {
            return OK;
        }
        if (suspectSign < 0) {
            jump();
            return JUMP;
        }
        suspectCount = 0;
        return RESOLVED;
    }

    private void jump() {
        jumpCount++;
        long[] xs = suspectX;
        long[] ds = suspectD;
        int n = suspectCount;
        long oldOrigin = origin;
        suspectCount = 0;
        restart(oldOrigin + xs[0]);
        for (int i = 0; i < n; i++) {
            addPoint(oldOrigin + xs[i] - origin, ds[i]);
        }
        pointsSinceRestart = n;
        publish();
    }

    /** Forgets the envelope (not the drift): the clock starts again at {@code sensorNs}. */
    private void restart(long sensorNs) {
        started = true;
        pointsSinceRestart = 0;
        origin = sensorNs;
        head = 0;
        size = 0;
        binOpen = false;
        hasLine = false;
        fitted = false;
    }

    private void addPoint(long x, long d) {
        if (!binOpen) {
            binOpen = true;
            binStart = x;
            binX = x;
            binD = d;
        } else if (x >= binStart + settings.binNs()) {
            closeBin();
            binStart = x;
            binX = x;
            binD = d;
        } else if (x < binStart) {
            return;   // out of order (older than the open bin): the envelope keeps its order
        } else if (d < binD) {
            binX = x;
            binD = d;
        } else {
            return;
        }
        if (size == 0) {
            // nothing closed yet: the lowest point so far, with the drift known before (or none)
            hasLine = true;
            lineX = binX;
            lineD = binD;
            if (!hasSlope) {
                slope = 0;
            }
        }
    }

    private void closeBin() {
        int capacity = ringX.length;
        if (size == capacity) {
            head = (head + 1) % capacity;
            size--;
        }
        int tail = (head + size) % capacity;
        ringX[tail] = binX;
        ringD[tail] = binD;
        size++;
        while (size > 1 && binX - ringX[head] > settings.windowNs()) {
            head = (head + 1) % capacity;
            size--;
        }
        fit();
        publish();
    }

    /** Lower convex hull of the closed bins (monotone chain; bins are in x order), then the line. */
    private void fit() {
        int capacity = ringX.length;
        int n = 0;
        for (int i = 0; i < size; i++) {
            int k = (head + i) % capacity;
            long x = ringX[k];
            long d = ringD[k];
            while (n >= 2 && cross(hullX[n - 2], hullD[n - 2], hullX[n - 1], hullD[n - 1], x, d) <= 0) {
                n--;
            }
            hullX[n] = x;
            hullD[n] = d;
            n++;
        }
        long first = hullX[0];
        long last = hullX[n - 1];
        hasLine = true;
        if (n >= 2 && last - first >= settings.minSpanNs()) {
            // the edge over the middle of the window: the least extrapolation to either end
            long mid = first + (last - first) / 2;
            int e = 0;
            while (e < n - 2 && hullX[e + 1] < mid) {
                e++;
            }
            slope = (double) (hullD[e + 1] - hullD[e]) / (double) (hullX[e + 1] - hullX[e]);
            hasSlope = true;
            fitted = true;
            lineX = hullX[e];
            lineD = hullD[e];
        } else {
            // too short for a drift: keep the one known (or none) and put the line under every point
            if (!hasSlope) {
                slope = 0;
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                long v = hullD[i] - Math.round(slope * (double) (hullX[i] - last));
                if (v < best) {
                    best = v;
                }
            }
            lineX = last;
            lineD = best;
        }
    }

    /** z of (b - a) x (c - a), in doubles: the operands are up to 2^63 apart. */
    private static double cross(long ax, long ad, long bx, long bd, long cx, long cd) {
        return (double) (bx - ax) * (double) (cd - ad) - (double) (bd - ad) * (double) (cx - ax);
    }

    private long predictD(long x) {
        if (!hasLine) {
            return 0;
        }
        return lineD + Math.round(slope * (double) (x - lineX));
    }

    /** The sensor time in the agent's time base; the sensor time itself while nothing is known. */
    public long toAgentTime(long sensorNs) {
        if (!hasLine) {
            return sensorNs;
        }
        return sensorNs + predictD(sensorNs - origin);
    }

    /** True once drift is fitted over at least min-span of data (or known from the saved state). */
    public boolean converged() {
        return fitted;
    }

    /** True while points are held as suspect. */
    public boolean suspect() {
        return suspectCount > 0;
    }

    public long jumps() {
        return jumpCount;
    }

    /** Drift in ppm: how much faster the agent's clock runs than the sensor's. */
    public double driftPpm() {
        return pubDriftPpm;
    }

    /** Agent time minus sensor time at the newest sensor time, seconds. */
    public double offsetSeconds() {
        return pubOffsetSeconds;
    }

    /** Smoothed distance of points above the envelope (transport delay spread), seconds. */
    public double jitterSeconds() {
        return pubJitterSeconds;
    }

    public long publishedJumps() {
        return pubJumps;
    }

    public boolean publishedConverged() {
        return pubConverged;
    }

    /** Offset at {@code sensorNs}, ns: what the model adds to sensor time there. */
    public long offsetNsAt(long sensorNs) {
        return toAgentTime(sensorNs) - sensorNs;
    }

    /**
     * The mapping as of the last bin close, for other threads (trigger windows cut on aligned time): sensor time
     * to agent time, or null while nothing is known. Immutable; replaced ten times a second at most.
     */
    public record Mapping(long origin, long lineX, long lineD, double slope) {
        public long toAgentTime(long sensorNs) {
            long x = sensorNs - origin;
            return sensorNs + lineD + Math.round(slope * (double) (x - lineX));
        }
    }

    private volatile Mapping pubMapping;

    /** See {@link Mapping}; any thread. */
    public Mapping publishedMapping() {
        return pubMapping;
    }

    private void publish() {
        pubMapping = hasLine ? new Mapping(origin, lineX, lineD, slope) : null;
        if (lastSensor != Long.MIN_VALUE) {
            pubOffsetSeconds = offsetNsAt(lastSensor) / 1e9;
        }
        pubDriftPpm = slope * 1e6;
        pubJitterSeconds = jitterNs / 1e9;
        pubJumps = jumpCount;
        pubConverged = fitted;
    }

    // ---- persistence

    public State state() {
        int n = size + (binOpen ? 1 : 0);
        long[] xs = new long[n];
        long[] ds = new long[n];
        for (int i = 0; i < size; i++) {
            int k = (head + i) % ringX.length;
            xs[i] = ringX[k];
            ds[i] = ringD[k];
        }
        if (binOpen) {
            xs[n - 1] = binX;
            ds[n - 1] = binD;
        }
        return new State(1, streamId, source.name(), origin, lineX, lineD, slope, jumpCount, xs, ds,
                System.currentTimeMillis() * 1_000_000L);
    }

    /** Continues from a saved state: the envelope's points, drift and jump count. */
    public void restore(State s) {
        if (s.pointX() == null || s.pointD() == null || s.pointX().length != s.pointD().length || s.pointX().length == 0) {
            return;
        }
        restart(s.originNs());
        slope = s.slope();
        hasSlope = true;
        jumpCount = s.jumps();
        for (int i = 0; i < s.pointX().length; i++) {
            addPoint(s.pointX()[i], s.pointD()[i]);
        }
        if (binOpen) {
            closeBin();
            binOpen = false;
        }
        lastSensor = origin + s.pointX()[s.pointX().length - 1];
        pointsSinceRestart = s.pointX().length;
        publish();
    }

    /** Writes the state atomically to {@code file} (parent directories are made). */
    public void save(Path file) throws IOException {
        if (!started) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(state()));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Restores the state saved in {@code file}, if any. A damaged file is not fatal: the model starts from
     * nothing and the reason is returned (null when restored or absent).
     */
    public String load(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            State s = JSON.readValue(file.toFile(), State.class);
            if (s.version() != 1 || !streamId.equals(s.streamId())) {
                return file + ": state of version " + s.version() + " for stream " + s.streamId() + ", expected 1 for "
                        + streamId + "; starting from nothing";
            }
            restore(s);
            return null;
        } catch (IOException | RuntimeException e) {
            return file + ": unreadable clock state (" + e.getMessage() + "); starting from nothing";
        }
    }

    /** Where a stream's clock state lives. */
    public static Path stateFile(Path dataDir, String streamId) {
        return dataDir.resolve("state").resolve("clock").resolve(streamId + ".json");
    }
}
