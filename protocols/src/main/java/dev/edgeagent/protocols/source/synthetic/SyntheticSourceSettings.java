package dev.edgeagent.protocols.source.synthetic;

/**
 * Settings of a {@link SyntheticSource}; validated on construction ({@link IllegalArgumentException} naming the field).
 *
 * @param recordSize        payload bytes per record (at least {@value SyntheticSource#HEADER_LENGTH}): the
 *                          mean size when {@code sizeJitterPercent} is set
 * @param sizeJitterPercent 0..100: each record's size is drawn, deterministically from its sequence, from
 *                          {@code recordSize ± recordSize·percent/100} (never below the header length)
 * @param recordsPerSecond  offered rate; 0 = as fast as the sink takes them
 * @param count             records in all, counting from sequence 0 (a resumed source makes the rest); 0 = forever
 * @param key               record key (UTF-8), or null / empty for none
 * @param maxRecordsPerWork most records one {@code doWork()} makes (work is also cut after about 1 MiB)
 * @param maxLagNanos       like a sensor with a finite buffer: a paced record more than this late is dropped
 *                          (counted, its sequence left as a gap); 0 = never drop, fall behind instead
 * @param prefilled         the filler is made once and only the 16-byte header changes per record: for load
 *                          tests that measure capture rather than the generator (the filler then no longer
 *                          depends on the sequence, so only the header can be verified)
 */
public record SyntheticSourceSettings(
        int recordSize,
        int sizeJitterPercent,
        double recordsPerSecond,
        long count,
        String key,
        int maxRecordsPerWork,
        long maxLagNanos,
        boolean prefilled) {

    /** Largest record: keeps the reused buffer and one doWork's work bounded. */
    public static final int MAX_RECORD_SIZE = 64 << 20;
    public static final int DEFAULT_MAX_RECORDS_PER_WORK = 64;

    public SyntheticSourceSettings {
        if (recordSize < SyntheticSource.HEADER_LENGTH) {
            throw new IllegalArgumentException("recordSize: must be at least " + SyntheticSource.HEADER_LENGTH
                    + " bytes (8-byte sequence + 8-byte time), got " + recordSize);
        }
        if (sizeJitterPercent < 0 || sizeJitterPercent > 100) {
            throw new IllegalArgumentException("sizeJitterPercent: must be 0..100, got " + sizeJitterPercent);
        }
        if ((long) recordSize + (long) recordSize * sizeJitterPercent / 100 > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException("recordSize: with a jitter of " + sizeJitterPercent + " % records reach "
                    + ((long) recordSize + (long) recordSize * sizeJitterPercent / 100) + " bytes, more than "
                    + MAX_RECORD_SIZE);
        }
        if (!(recordsPerSecond >= 0) || Double.isInfinite(recordsPerSecond)) {
            throw new IllegalArgumentException("recordsPerSecond: must be a finite number >= 0 (0 = unpaced), got "
                    + recordsPerSecond);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count: must be >= 0 (0 = forever), got " + count);
        }
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
        if (maxLagNanos < 0) {
            throw new IllegalArgumentException("maxLagNanos: must be >= 0 (0 = never drop), got " + maxLagNanos);
        }
        if (key != null && key.isEmpty()) {
            key = null;
        }
    }

    /** Unpaced, endless, no jitter, no key. */
    public static SyntheticSourceSettings of(int recordSize) {
        return new SyntheticSourceSettings(recordSize, 0, 0, 0, null, DEFAULT_MAX_RECORDS_PER_WORK, 0, false);
    }

    public SyntheticSourceSettings withSizeJitterPercent(int percent) {
        return new SyntheticSourceSettings(recordSize, percent, recordsPerSecond, count, key, maxRecordsPerWork, maxLagNanos, prefilled);
    }

    public SyntheticSourceSettings withRate(double perSecond) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, perSecond, count, key, maxRecordsPerWork, maxLagNanos, prefilled);
    }

    public SyntheticSourceSettings withCount(long total) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, total, key, maxRecordsPerWork, maxLagNanos, prefilled);
    }

    public SyntheticSourceSettings withKey(String newKey) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, count, newKey, maxRecordsPerWork, maxLagNanos, prefilled);
    }

    public SyntheticSourceSettings withMaxRecordsPerWork(int max) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, count, key, max, maxLagNanos,
                prefilled);
    }

    public SyntheticSourceSettings withMaxLagNanos(long nanos) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, count, key, maxRecordsPerWork,
                nanos, prefilled);
    }

    public SyntheticSourceSettings withPrefilled(boolean value) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, count, key, maxRecordsPerWork,
                maxLagNanos, value);
    }
}
