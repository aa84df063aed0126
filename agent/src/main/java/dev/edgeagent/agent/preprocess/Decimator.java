package dev.edgeagent.agent.preprocess;

/**
 * Chooses the records of a stream's thinned copy: every N-th record, or at most R per second of event time
 * (a record is kept when at least 1/R s passed since the last kept one). Stateless per record otherwise.
 */
public final class Decimator {

    private final int keepOneIn;
    private final long minIntervalNs;
    private long seen;
    private long lastKeptNs = Long.MIN_VALUE;
    private long kept;

    /**
     * @param keepOneIn keep every N-th record (1 = all); 0 when the rate limit is used
     * @param maxRate   records per second at most; 0 when keep-one-in is used
     */
    public Decimator(int keepOneIn, double maxRate) {
        this.keepOneIn = keepOneIn;
        this.minIntervalNs = maxRate > 0 ? (long) (1e9 / maxRate) : 0;
    }

    public boolean keep(long timeNs) {
        boolean keep;
        if (keepOneIn > 0) {
            keep = seen % keepOneIn == 0;
        } else {
            // a record older than the last kept one (time went back) restarts the spacing from it
            keep = lastKeptNs == Long.MIN_VALUE || timeNs - lastKeptNs >= minIntervalNs || timeNs < lastKeptNs;
        }
        seen++;
        if (keep) {
            lastKeptNs = timeNs;
            kept++;
        }
        return keep;
    }

    public long kept() {
        return kept;
    }

    public long seen() {
        return seen;
    }
}
