package dev.edgeagent.agent.observe;

import dev.edgeagent.agent.capture.StreamStats;
import org.HdrHistogram.Histogram;

/**
 * Folds a stream's capture-latency recorder into a cumulative histogram on a timer and keeps the
 * quantiles the gauges report, so that a scrape reads numbers and the capture path only records.
 */
final class LatencySampler {

    static final double[] QUANTILES = {0.5, 0.99, 0.999, 0.9999};

    private final StreamStats stats;
    private volatile double[] secondsAtQuantile = new double[QUANTILES.length];
    private volatile double maxSeconds;
    private volatile long count;
    private Histogram sampled;   // reused: the sampler runs on one timer thread

    LatencySampler(StreamStats stats) {
        this.stats = stats;
    }

    void sample() {
        Histogram h = stats.sampleLatencyInto(sampled);
        sampled = h;
        double[] q = new double[QUANTILES.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = h.getValueAtPercentile(QUANTILES[i] * 100) / 1e9;
        }
        secondsAtQuantile = q;
        maxSeconds = h.getMaxValue() / 1e9;
        count = h.getTotalCount();
    }

    double quantile(int i) {
        return secondsAtQuantile[i];
    }

    double max() {
        return maxSeconds;
    }

    long count() {
        return count;
    }
}
