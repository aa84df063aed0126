package dev.edgeagent.agent.preprocess.quality;

import dev.edgeagent.agent.preprocess.PreprocessConfig.QualityConfig;
import dev.edgeagent.agent.preprocess.PreprocessConfig.SignalCheckConfig;
import dev.edgeagent.agent.signal.SignalNames;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The data-quality checks of one stream, fed record by record and value by value in capture order. A
 * violation is counted every time it is seen; an event is emitted when a violation starts (an episode: a
 * stuck signal or a rate drop gives one event, not one per record) and, for the per-record checks (backwards
 * time, sequence gap, packet loss), for every occurrence. Nothing here drops or changes a record: the event
 * names the record's capture sequence. Single-threaded; no allocation per record once signal ids are known.
 */
public final class QualityChecker {

    /** The kinds of violation; {@link #label()} is what events and metrics call them. */
    public enum Check {
        RANGE("range"), RATE_OF_CHANGE("rate-of-change"), STUCK("stuck"), NOT_FINITE("not-finite"),
        RATE("rate"), SEQUENCE_GAP("sequence-gap"), TIME_BACKWARDS("time-backwards"),
        TIME_DUPLICATE("time-duplicate"), TIME_GAP("time-gap"), PACKET_LOSS("packet-loss");

        private final String label;

        Check(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Receives each event; {@code signal} is -1 for stream checks. */
    @FunctionalInterface
    public interface EventSink {
        void event(Check check, int signal, double value, double limit, long timeNs, long recordSequence);
    }

    private static final int CHECKS = Check.values().length;

    private final SignalNames names;
    private final EventSink sink;
    private final AtomicLongArray violations = new AtomicLongArray(CHECKS);
    private final AtomicLongArray events = new AtomicLongArray(CHECKS);

    // stream checks
    private final double expectedRate;
    private final double tolerance;
    private final long rateWindowNs;
    private final long maxGapNs;
    private final boolean duplicates;
    private final String sequenceSignalName;
    private final long sequenceModulo;
    private int sequenceSignal = -1;
    private long previousTime = Long.MIN_VALUE;
    private long rateWindow = Long.MIN_VALUE;   // index of the window being counted
    private boolean rateWindowPartial = true;   // the first window starts mid-way: not judged
    private long rateCount;
    private boolean rateEpisode;
    private long recordSequence;

    // signal checks, indexed by signal id (grown as ids appear)
    private final SignalCheckConfig[] configured;
    private int[] configuredFor = new int[0];   // signal id -> index in configured, or -1
    private double[] last = new double[0];
    private long[] lastTime = new long[0];
    private long[] unchangedSince = new long[0];
    private int[] active = new int[0];          // bit per Check: an episode is open

    public QualityChecker(QualityConfig config, SignalNames names, EventSink sink) {
        this.names = names;
        this.sink = sink;
        this.expectedRate = config.expectedRate().orElse(0);
        this.tolerance = config.rateTolerance();
        this.rateWindowNs = config.rateWindow().toNanos();
        this.maxGapNs = config.maxGap().toNanos();
        this.duplicates = config.duplicateTimestamps();
        this.sequenceSignalName = config.sequenceSignal().orElse(null);
        this.sequenceModulo = config.sequenceModulo();
        this.configured = config.signals().map(l -> l.toArray(new SignalCheckConfig[0])).orElse(new SignalCheckConfig[0]);
        grow(Math.max(16, names == null ? 0 : names.size()));
    }

    private void grow(int size) {
        int old = configuredFor.length;
        if (size <= old) {
            return;
        }
        int n = Math.max(size, old * 2);
        configuredFor = Arrays.copyOf(configuredFor, n);
        last = Arrays.copyOf(last, n);
        lastTime = Arrays.copyOf(lastTime, n);
        unchangedSince = Arrays.copyOf(unchangedSince, n);
        active = Arrays.copyOf(active, n);
        for (int id = old; id < n; id++) {
            configuredFor[id] = -2;   // not looked up yet
            lastTime[id] = Long.MIN_VALUE;
        }
    }

    /** Called once per record, before its values. */
    public void onRecord(long timeNs, long sequence) {
        recordSequence = sequence;
        if (previousTime != Long.MIN_VALUE) {
            if (timeNs < previousTime) {
                occurrence(Check.TIME_BACKWARDS, -1, (timeNs - previousTime) / 1e9, 0, timeNs);
            } else if (timeNs == previousTime && duplicates) {
                occurrence(Check.TIME_DUPLICATE, -1, 0, 0, timeNs);
            } else if (maxGapNs > 0 && timeNs - previousTime > maxGapNs) {
                occurrence(Check.TIME_GAP, -1, (timeNs - previousTime) / 1e9, maxGapNs / 1e9, timeNs);
            }
        }
        previousTime = timeNs;
        if (expectedRate > 0) {
            countRate(timeNs);
        }
    }

    private void countRate(long timeNs) {
        long w = Math.floorDiv(timeNs, rateWindowNs);
        if (rateWindow == Long.MIN_VALUE) {
            rateWindow = w;
        }
        if (w < rateWindow) {
            return;   // a record for a window already judged (time went back): the time checks report it
        }
        if (w > rateWindow) {
            if (!rateWindowPartial) {
                judgeRate(rateCount, (rateWindow + 1) * rateWindowNs);
            }
            if (w > rateWindow + 1) {
                judgeRate(0, (rateWindow + 2) * rateWindowNs);   // whole windows without a record
            }
            rateWindow = w;
            rateWindowPartial = false;
            rateCount = 0;
        }
        rateCount++;
    }

    private void judgeRate(long count, long windowEndNs) {
        double rate = count * 1e9 / rateWindowNs;
        boolean bad = Math.abs(rate - expectedRate) > expectedRate * tolerance;
        if (bad) {
            violations.incrementAndGet(Check.RATE.ordinal());
            if (!rateEpisode) {
                rateEpisode = true;
                emit(Check.RATE, -1, rate, expectedRate, windowEndNs);
            }
        } else {
            rateEpisode = false;
        }
    }

    /** Called for each value of the current record. */
    public void onSignal(int id, double value, long timeNs) {
        if (id >= configuredFor.length) {
            grow(id + 1);
        }
        if (configuredFor[id] == -2) {
            configuredFor[id] = lookUp(id);
        }
        if (!Double.isFinite(value)) {
            episode(Check.NOT_FINITE, id, true, value, 0, timeNs);
            return;   // not a value: the other checks and the stuck/rate state skip it
        }
        episode(Check.NOT_FINITE, id, false, value, 0, timeNs);
        boolean seen = lastTime[id] != Long.MIN_VALUE;
        if (id == sequenceSignal && seen) {
            long expected = (long) last[id] + 1;
            long actual = (long) value;
            long missing = sequenceModulo > 0 ? Math.floorMod(actual - expected, sequenceModulo) : actual - expected;
            if (missing != 0) {
                occurrence(Check.SEQUENCE_GAP, id, missing, expected, timeNs);
            }
        }
        int c = configuredFor[id];
        if (c >= 0) {
            SignalCheckConfig cfg = configured[c];
            if (cfg.min().isPresent() || cfg.max().isPresent()) {
                boolean low = cfg.min().isPresent() && value < cfg.min().getAsDouble();
                boolean high = cfg.max().isPresent() && value > cfg.max().getAsDouble();
                episode(Check.RANGE, id, low || high, value,
                        low ? cfg.min().getAsDouble() : cfg.max().isPresent() ? cfg.max().getAsDouble() : Double.NaN, timeNs);
            }
            if (cfg.maxRateOfChange().isPresent() && seen && timeNs > lastTime[id]) {
                double roc = Math.abs(value - last[id]) * 1e9 / (timeNs - lastTime[id]);
                double limit = cfg.maxRateOfChange().getAsDouble();
                episode(Check.RATE_OF_CHANGE, id, roc > limit, roc, limit, timeNs);
            }
            long stuckNs = cfg.stuckAfter().toNanos();
            if (stuckNs > 0) {
                if (seen && value == last[id]) {
                    if (timeNs - unchangedSince[id] > stuckNs) {
                        episode(Check.STUCK, id, true, value, stuckNs / 1e9, timeNs);
                    }
                } else {
                    unchangedSince[id] = timeNs;
                    episode(Check.STUCK, id, false, value, stuckNs / 1e9, timeNs);
                }
            }
        }
        last[id] = value;
        lastTime[id] = timeNs;
    }

    private int lookUp(int id) {
        String name = names.name(id);
        if (name.equals(sequenceSignalName)) {
            sequenceSignal = id;
        }
        for (int i = 0; i < configured.length; i++) {
            if (configured[i].name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A LiDAR sweep's packet loss (from the sweep assembler): one event per sweep that lost packets. */
    public void onSweep(int lostPackets, long timeNs) {
        if (lostPackets > 0) {
            occurrence(Check.PACKET_LOSS, -1, lostPackets, 0, timeNs);
        }
    }

    private void episode(Check check, int id, boolean bad, double value, double limit, long timeNs) {
        int bit = 1 << check.ordinal();
        if (bad) {
            violations.incrementAndGet(check.ordinal());
            if ((active[id] & bit) == 0) {
                active[id] |= bit;
                emit(check, id, value, limit, timeNs);
            }
        } else if ((active[id] & bit) != 0) {
            active[id] &= ~bit;
        }
    }

    private void occurrence(Check check, int id, double value, double limit, long timeNs) {
        violations.incrementAndGet(check.ordinal());
        emit(check, id, value, limit, timeNs);
    }

    private void emit(Check check, int id, double value, double limit, long timeNs) {
        events.incrementAndGet(check.ordinal());
        sink.event(check, id, value, limit, timeNs, recordSequence);
    }

    /** Records or values that violated {@code check} so far (any thread). */
    public long violations(Check check) {
        return violations.get(check.ordinal());
    }

    /** Events emitted for {@code check} so far (any thread). */
    public long events(Check check) {
        return events.get(check.ordinal());
    }

    /** Forgets state spanning records (the input is read again from an earlier point). */
    public void reset() {
        previousTime = Long.MIN_VALUE;
        rateWindow = Long.MIN_VALUE;
        rateWindowPartial = true;
        rateCount = 0;
        rateEpisode = false;
        Arrays.fill(active, 0);
        Arrays.fill(lastTime, Long.MIN_VALUE);
    }
}
