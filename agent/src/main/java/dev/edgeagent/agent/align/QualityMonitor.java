package dev.edgeagent.agent.align;

import java.util.Arrays;

/**
 * Data-quality episodes of an alignment group's members, from its aligned sets: a present member further than
 * the skew threshold from the reference starts a {@code skew} episode; a member missing from the sets for
 * longer than max-missing starts a {@code missing} episode, and its next presence a {@code recovered} event.
 * One event per episode, not one per set. Single-threaded, no allocation.
 */
public final class QualityMonitor {

    public enum Kind { skew, missing, recovered }

    @FunctionalInterface
    public interface Listener {
        /**
         * @param value skew ns (skew), or how long the member has been missing, ns (missing, recovered)
         */
        void onEvent(Kind kind, int member, long timeNs, long value, long refSequence);
    }

    private final long skewThresholdNs;
    private final long maxMissingNs;
    private final Listener listener;
    private final long[] missingSince;
    private final boolean[] missingReported;
    private final boolean[] skewing;

    public QualityMonitor(int members, long skewThresholdNs, long maxMissingNs, Listener listener) {
        this.skewThresholdNs = skewThresholdNs;
        this.maxMissingNs = maxMissingNs;
        this.listener = listener;
        this.missingSince = new long[members];
        Arrays.fill(missingSince, Long.MIN_VALUE);
        this.missingReported = new boolean[members];
        this.skewing = new boolean[members];
    }

    public long skewThresholdNs() {
        return skewThresholdNs;
    }

    public long maxMissingNs() {
        return maxMissingNs;
    }

    /** Looks at every member of one set. */
    public void onSet(Aligner.AlignedSet set) {
        for (int m = 0; m < set.status.length; m++) {
            if (set.status[m] == Aligner.MISSING) {
                missing(m, set.refAgentNs, set.refSequence);
            } else {
                present(m, set.refAgentNs, set.skewNs[m], set.refSequence);
            }
        }
    }

    private void present(int m, long t, long skewNs, long refSeq) {
        if (missingReported[m]) {
            missingReported[m] = false;
            listener.onEvent(Kind.recovered, m, t, t - missingSince[m], refSeq);
        }
        missingSince[m] = Long.MIN_VALUE;
        if (Math.abs(skewNs) > skewThresholdNs) {
            if (!skewing[m]) {
                skewing[m] = true;
                listener.onEvent(Kind.skew, m, t, skewNs, refSeq);
            }
        } else {
            skewing[m] = false;
        }
    }

    private void missing(int m, long t, long refSeq) {
        if (missingSince[m] == Long.MIN_VALUE) {
            missingSince[m] = t;
        }
        long missingFor = t - missingSince[m];
        if (!missingReported[m] && missingFor > maxMissingNs) {
            missingReported[m] = true;
            listener.onEvent(Kind.missing, m, t, missingFor, refSeq);
        }
    }
}
