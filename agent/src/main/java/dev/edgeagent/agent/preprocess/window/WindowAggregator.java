package dev.edgeagent.agent.preprocess.window;

import com.tdunning.math.stats.MergingDigest;
import dev.edgeagent.agent.signal.SignalNames;

import java.util.Arrays;
import java.util.List;

/**
 * Tumbling and hopping windows per signal on event time (the values' own times). Windows start at multiples of
 * the hop since the Unix epoch and span {@code window}; a window is emitted once the watermark (the largest
 * event time seen in the stream minus the allowed lateness) has passed its end. A value for a window already
 * emitted is counted as late: in the metric and in the {@code late} field of the series' next result. Empty
 * windows are not emitted. Single-threaded; the per-value path does not allocate (t-digests, when quantiles
 * are asked for, are made per window, not per value).
 */
public final class WindowAggregator {

    /** One window specification: {@code windowNs} long, starting every {@code hopNs}. */
    public record Spec(List<String> signals, long windowNs, long hopNs, long latenessNs, double[] quantiles) {
        public Spec {
            if (windowNs <= 0 || hopNs <= 0 || hopNs > windowNs || latenessNs < 0) {
                throw new IllegalArgumentException("window " + windowNs + " ns, hop " + hopNs + " ns, lateness "
                        + latenessNs + " ns: expected 0 < hop <= window and lateness >= 0");
            }
        }

        /** "1s", "250ms", "1s@500ms" (hopping): the channel suffix of the spec's results. */
        public String label() {
            return hopNs == windowNs ? duration(windowNs) : duration(windowNs) + "@" + duration(hopNs);
        }

        private static String duration(long ns) {
            if (ns % 3_600_000_000_000L == 0) return ns / 3_600_000_000_000L + "h";
            if (ns % 60_000_000_000L == 0) return ns / 60_000_000_000L + "m";
            if (ns % 1_000_000_000L == 0) return ns / 1_000_000_000L + "s";
            if (ns % 1_000_000L == 0) return ns / 1_000_000L + "ms";
            return ns + "ns";
        }
    }

    /** A window's aggregates, reused between calls: copy what must outlive {@link ResultSink#result}. */
    public static final class Result {
        public int spec;
        public int signal;
        public long startNs;
        public long endNs;
        public long count;
        public double mean;
        /** Population standard deviation (divisor n). */
        public double std;
        public double min;
        public double max;
        public double first;
        public double last;
        /** Values for the spec's quantiles, in their order. */
        public double[] quantiles = new double[0];
        /** Late values (for windows already emitted) seen by this series since its previous result. */
        public long late;
    }

    @FunctionalInterface
    public interface ResultSink {
        void result(Result result);
    }

    private final Spec[] specs;
    private final SignalNames names;
    private final ResultSink sink;
    private final Result result = new Result();
    private Series[][] series = new Series[0][];   // [spec][signal id], null when the spec does not name it
    private boolean[] lookedUp = new boolean[0];
    private long maxTimeNs = Long.MIN_VALUE;
    private long values;
    private volatile long lateValues;
    private volatile long results;

    public WindowAggregator(List<Spec> specs, SignalNames names, ResultSink sink) {
        this.specs = specs.toArray(new Spec[0]);
        this.names = names;
        this.sink = sink;
        grow(16);
    }

    public List<Spec> specs() {
        return List.of(specs);
    }

    private void grow(int size) {
        int n = Math.max(size, lookedUp.length * 2);
        lookedUp = Arrays.copyOf(lookedUp, n);
        Series[][] grown = new Series[specs.length][];
        for (int s = 0; s < specs.length; s++) {
            grown[s] = series.length == 0 ? new Series[n] : Arrays.copyOf(series[s], n);
        }
        series = grown;
    }

    /** Adds one value of signal {@code id} at event time {@code timeNs}. */
    public void onValue(int id, double value, long timeNs) {
        if (!Double.isFinite(value)) {
            return;   // not a measurement: the quality checks report it, the aggregates skip it
        }
        if (id >= lookedUp.length) {
            grow(id + 1);
        }
        if (!lookedUp[id]) {
            lookedUp[id] = true;
            String name = names.name(id);
            for (int s = 0; s < specs.length; s++) {
                if (specs[s].signals().contains(name)) {
                    series[s][id] = new Series(s, id, specs[s]);
                }
            }
        }
        if (timeNs > maxTimeNs) {
            maxTimeNs = timeNs;
        }
        for (int s = 0; s < specs.length; s++) {
            Series x = series[s][id];
            if (x != null) {
                values++;
                x.add(value, timeNs, maxTimeNs - specs[s].latenessNs());
            }
        }
    }

    /** Emits every window the watermark has passed, for all series (call after each batch of input). */
    public void advance() {
        if (maxTimeNs == Long.MIN_VALUE) {
            return;
        }
        for (int s = 0; s < specs.length; s++) {
            long watermark = maxTimeNs - specs[s].latenessNs();
            for (Series x : series[s]) {
                if (x != null) {
                    x.advance(watermark);
                }
            }
        }
    }

    /** End of input: emits every open window, in order. */
    public void flush() {
        for (Series[] perSpec : series) {
            for (Series x : perSpec) {
                if (x != null) {
                    x.advance(Long.MAX_VALUE);
                }
            }
        }
    }

    /** Values added to a series (a value counts once per spec naming its signal). */
    public long values() {
        return values;
    }

    /** Late (value, window) pairs: the value arrived after its window was emitted. */
    public long lateValues() {
        return lateValues;
    }

    public long results() {
        return results;
    }

    /** One signal under one spec: a ring of the windows that can still receive values. */
    private final class Series {
        private final int spec;
        private final int signal;
        private final long w;
        private final long h;
        private final double[] quantiles;
        private final Window[] ring;
        private long nextEmit = Long.MIN_VALUE;   // index of the oldest window not yet emitted
        private int open;                         // windows in the ring holding values
        private long late;

        Series(int spec, int signal, Spec s) {
            this.spec = spec;
            this.signal = signal;
            this.w = s.windowNs();
            this.h = s.hopNs();
            this.quantiles = s.quantiles();
            // a value lands at most (window + lateness) / hop + 1 windows after the oldest open one
            int size = (int) Math.min(1 << 20, (w + s.latenessNs() + h - 1) / h + 2);
            ring = new Window[size];
            for (int i = 0; i < size; i++) {
                ring[i] = new Window();
            }
        }

        void add(double value, long t, long watermark) {
            long kHi = Math.floorDiv(t, h);
            long kLo = Math.floorDiv(t - w, h) + 1;
            if (nextEmit == Long.MIN_VALUE) {
                nextEmit = kLo;
            }
            advance(watermark);
            for (long k = kLo; k <= kHi; k++) {
                if (k < nextEmit) {
                    late++;
                    lateValues++;
                    continue;
                }
                Window win = ring[(int) Math.floorMod(k, (long) ring.length)];
                if (win.k != k) {
                    win.start(k, quantiles.length > 0);
                    open++;
                }
                win.add(value, t);
            }
        }

        void advance(long watermark) {
            if (nextEmit == Long.MIN_VALUE) {
                return;
            }
            while (nextEmit != Long.MAX_VALUE && satAdd(nextEmit * h, w) <= watermark) {
                if (open == 0) {
                    // nothing held: jump over the empty windows instead of stepping through them
                    long firstOpen = watermark == Long.MAX_VALUE ? Long.MAX_VALUE : Math.floorDiv(watermark - w, h) + 1;
                    nextEmit = Math.max(nextEmit, firstOpen);
                    return;
                }
                Window win = ring[(int) Math.floorMod(nextEmit, (long) ring.length)];
                if (win.k == nextEmit) {
                    emit(win);
                    win.k = Long.MIN_VALUE;
                    open--;
                }
                nextEmit++;
            }
        }

        private void emit(Window win) {
            Result r = result;
            r.spec = spec;
            r.signal = signal;
            r.startNs = win.k * h;
            r.endNs = r.startNs + w;
            r.count = win.count;
            r.mean = win.mean;
            r.std = Math.sqrt(win.m2 / win.count);
            r.min = win.min;
            r.max = win.max;
            r.first = win.first;
            r.last = win.last;
            if (r.quantiles.length != quantiles.length) {
                r.quantiles = new double[quantiles.length];
            }
            for (int i = 0; i < quantiles.length; i++) {
                r.quantiles[i] = win.digest.quantile(quantiles[i]);
            }
            r.late = late;
            late = 0;
            results++;
            sink.result(r);
        }
    }

    private static long satAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : s;
    }

    /** Running aggregates of one window (Welford's mean and sum of squared deviations). */
    private static final class Window {
        long k = Long.MIN_VALUE;
        long count;
        double mean;
        double m2;
        double min;
        double max;
        double first;
        double last;
        long firstTime;
        long lastTime;
        MergingDigest digest;

        void start(long index, boolean quantiles) {
            k = index;
            count = 0;
            mean = 0;
            m2 = 0;
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            firstTime = Long.MAX_VALUE;
            lastTime = Long.MIN_VALUE;
            digest = quantiles ? new MergingDigest(100) : null;
        }

        void add(double v, long t) {
            count++;
            double d = v - mean;
            mean += d / count;
            m2 += d * (v - mean);
            if (v < min) min = v;
            if (v > max) max = v;
            if (t < firstTime) {
                firstTime = t;
                first = v;
            }
            if (t >= lastTime) {
                lastTime = t;
                last = v;
            }
            if (digest != null) {
                digest.add(v);
            }
        }
    }
}
