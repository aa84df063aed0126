package dev.edgeagent.agent.upload;

/**
 * A byte budget: refills at a rate up to one second's worth. A whole object is sent at once (an upload
 * cannot be paused halfway), so the bucket may go into debt by one object and nothing else is sent until the
 * debt is repaid: the average never exceeds the rate and a large object is never starved. Uploader thread only.
 */
final class TokenBucket {

    private final long bytesPerSecond;
    private double tokens;
    private long lastNs;

    TokenBucket(long bytesPerSecond, long nowNs) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.lastNs = nowNs;
    }

    boolean unlimited() {
        return bytesPerSecond <= 0;
    }

    private void refill(long nowNs) {
        if (nowNs > lastNs) {
            tokens = Math.min(bytesPerSecond, tokens + (nowNs - lastNs) * (bytesPerSecond / 1e9));
            lastNs = nowNs;
        }
    }

    /** 0 when a send may start now, else how long until the debt is repaid. */
    long nanosUntilReady(long nowNs) {
        if (unlimited()) {
            return 0;
        }
        refill(nowNs);
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / (bytesPerSecond / 1e9));
    }

    void consume(long bytes, long nowNs) {
        if (!unlimited()) {
            refill(nowNs);
            tokens -= bytes;
        }
    }
}
