package dev.edgeagent.agent.trigger;

import dev.edgeagent.agent.config.AgentConfig.TriggerRuleConfig;
import dev.edgeagent.agent.config.MaxRate;
import dev.edgeagent.agent.signal.SignalNames;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One rule as it runs: its signal (or the magnitude of NAME.x/.y/.z for NAME.norm), threshold, debounce and max
 * rate, and whether its condition held at the last value. It fires when the condition starts to hold (a value
 * crosses the threshold), at least debounce after its last firing, and only while max-rate allows.
 */
final class TriggerRule {

    final TriggerRuleConfig config;
    final String id;
    final String signal;
    final boolean above;
    final double threshold;
    final long debounceNs;
    final MaxRate maxRate;
    final long preNs;
    final long postNs;
    private final String normBase;
    // signal ids in the stream's extractor; -1 until the extractor has seen the name
    int signalId = -1;
    final int[] components = {-1, -1, -1};
    // the vector being assembled for .norm: its time and which components arrived
    private long vectorTime = Long.MIN_VALUE;
    private int vectorMask;
    private final double[] vector = new double[3];
    private boolean active;
    private long lastFireNs = Long.MIN_VALUE;
    private final ArrayDeque<Long> firings = new ArrayDeque<>();

    TriggerRule(TriggerRuleConfig c, long defaultPreNs, long defaultPostNs, List<Long> persistedFirings) {
        this.config = c;
        this.id = c.id();
        this.signal = c.signal();
        this.above = c.above().isPresent();
        this.threshold = above ? c.above().get() : c.below().orElseThrow();
        this.debounceNs = c.debounce().toNanos();
        this.maxRate = c.maxRate().map(MaxRate::parse).orElse(null);
        this.preNs = c.pre().map(java.time.Duration::toNanos).orElse(defaultPreNs);
        this.postNs = c.post().map(java.time.Duration::toNanos).orElse(defaultPostNs);
        this.normBase = signal.endsWith(".norm") ? signal.substring(0, signal.length() - ".norm".length()) : null;
        for (Long t : persistedFirings) {
            firings.add(t);
            lastFireNs = Math.max(lastFireNs, t);
        }
    }

    /** How many firing times max-rate needs remembered. */
    int keepFirings() {
        return maxRate == null ? 1 : Math.max(1, maxRate.count());
    }

    /** True once every signal id the rule needs is known. */
    boolean resolved() {
        return normBase == null ? signalId >= 0 : components[0] >= 0 && components[1] >= 0 && components[2] >= 0;
    }

    /** Looks the rule's signal ids up once the extractor has registered them (cheap; stops once found). */
    void resolve(SignalNames names) {
        if (normBase == null) {
            if (signalId < 0) {
                signalId = names.find(signal);
            }
        } else if (components[2] < 0 || components[1] < 0 || components[0] < 0) {
            components[0] = names.find(normBase + ".x");
            components[1] = names.find(normBase + ".y");
            components[2] = names.find(normBase + ".z");
        }
    }

    /**
     * Feeds one value of the stream; returns the value that fired the rule, or NaN when it did not fire.
     * For .norm, the magnitude is evaluated once x, y and z of one time have arrived.
     */
    double offer(int signal, double value, long timeNs) {
        double v;
        if (normBase == null) {
            if (signal != signalId || signalId < 0) {
                return Double.NaN;
            }
            v = value;
        } else {
            int c = signal == components[0] ? 0 : signal == components[1] ? 1 : signal == components[2] ? 2 : -1;
            if (c < 0) {
                return Double.NaN;
            }
            if (timeNs != vectorTime) {
                vectorTime = timeNs;
                vectorMask = 0;
            }
            vector[c] = value;
            vectorMask |= 1 << c;
            if (vectorMask != 7) {
                return Double.NaN;
            }
            vectorMask = 0;
            v = Math.sqrt(vector[0] * vector[0] + vector[1] * vector[1] + vector[2] * vector[2]);
        }
        boolean holds = above ? v > threshold : v < threshold;   // NaN never holds
        boolean starts = holds && !active;
        active = holds;
        if (!starts) {
            return Double.NaN;
        }
        if (lastFireNs != Long.MIN_VALUE && timeNs - lastFireNs < debounceNs) {
            return Double.NaN;
        }
        if (maxRate != null) {
            long since = timeNs - maxRate.period().toNanos();
            while (!firings.isEmpty() && firings.peekFirst() <= since) {
                firings.pollFirst();
            }
            if (firings.size() >= maxRate.count()) {
                return Double.NaN;
            }
        }
        return v;
    }

    /** The rule fired at {@code timeNs} (and the trigger is persisted). */
    void fired(long timeNs) {
        lastFireNs = timeNs;
        firings.addLast(timeNs);
        while (firings.size() > keepFirings()) {
            firings.pollFirst();
        }
    }
}
