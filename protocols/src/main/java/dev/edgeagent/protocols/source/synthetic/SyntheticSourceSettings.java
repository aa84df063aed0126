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
 */
public record SyntheticSourceSettings(
        int recordSize,
        int sizeJitterPercent,
        double recordsPerSecond,
        long count,
        String key,
        int maxRecordsPerWork) {

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
        if (key != null && key.isEmpty()) {
            key = null;
        }
    }

    /** Unpaced, endless, no jitter, no key. */
    public static SyntheticSourceSettings of(int recordSize) {
        return new SyntheticSourceSettings(recordSize, 0, 0, 0, null, DEFAULT_MAX_RECORDS_PER_WORK);
    }

    public SyntheticSourceSettings withSizeJitterPercent(int percent) {
        return new SyntheticSourceSettings(recordSize, percent, recordsPerSecond, count, key, maxRecordsPerWork);
    }

    public SyntheticSourceSettings withRate(double perSecond) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, perSecond, count, key, maxRecordsPerWork);
    }

    public SyntheticSourceSettings withCount(long total) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, total, key, maxRecordsPerWork);
    }

    public SyntheticSourceSettings withKey(String newKey) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, count, newKey, maxRecordsPerWork);
    }

    public SyntheticSourceSettings withMaxRecordsPerWork(int max) {
        return new SyntheticSourceSettings(recordSize, sizeJitterPercent, recordsPerSecond, count, key, max);
    }
}
