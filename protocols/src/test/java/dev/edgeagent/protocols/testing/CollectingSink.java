package dev.edgeagent.protocols.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.DirectBuffer;

/**
 * A {@link RecordSink} for tests: copies every accepted record, can refuse on demand, and can run a hook before each
 * append (to block the writer, say). Allocates per record, so it is no good for allocation or speed checks.
 */
public final class CollectingSink implements RecordSink {

    /** One accepted record, copied. */
    public record Captured(long sensorTimeNs, long receiveWallNs, long receiveMonoNs, byte[] key, byte[] payload,
                           String writerThread) {
        public String keyString() {
            return new String(key, StandardCharsets.UTF_8);
        }
    }

    /** Runs before each append on the writer's thread; returns false to refuse that record. */
    @FunctionalInterface
    public interface Hook {
        boolean beforeAppend(long appendCall);
    }

    private final List<Captured> records = new ArrayList<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private volatile boolean refusing;
    private volatile Hook hook;
    private volatile boolean concurrentWriters;
    private final AtomicLong writersInside = new AtomicLong();

    /** While true, every append is refused (returns false) and nothing is kept. */
    public void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    public void hook(Hook newHook) {
        this.hook = newHook;
    }

    @Override
    public boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs,
                          DirectBuffer key, int keyOffset, int keyLength,
                          DirectBuffer payload, int payloadOffset, int payloadLength) {
        if (writersInside.incrementAndGet() != 1) {
            concurrentWriters = true; // the single-writer contract was broken
        }
        try {
            long call = calls.getAndIncrement();
            Hook h = hook;
            if (refusing || (h != null && !h.beforeAppend(call))) {
                refusals.incrementAndGet();
                return false;
            }
            byte[] k = new byte[keyLength];
            key.getBytes(keyOffset, k);
            byte[] p = new byte[payloadLength];
            payload.getBytes(payloadOffset, p);
            Captured c = new Captured(sensorTimeNs, receiveWallNs, receiveMonoNs, k, p, Thread.currentThread().getName());
            synchronized (records) {
                records.add(c);
                records.notifyAll();
            }
            return true;
        } finally {
            writersInside.decrementAndGet();
        }
    }

    /** A copy of what was accepted so far, in append order. */
    public List<Captured> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    public int size() {
        synchronized (records) {
            return records.size();
        }
    }

    /** Append calls, accepted or not. */
    public long appendCalls() {
        return calls.get();
    }

    public long refusals() {
        return refusals.get();
    }

    /** True if two threads were ever inside {@link #append} at once. */
    public boolean sawConcurrentWriters() {
        return concurrentWriters;
    }

    /** Waits until at least {@code n} records were accepted; returns them. */
    public List<Captured> awaitSize(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (records) {
            while (records.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("sink holds " + records.size() + " records after " + timeout
                            + ", expected at least " + n + " (append calls " + calls.get() + ", refusals "
                            + refusals.get() + ")");
                }
                try {
                    records.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return new ArrayList<>(records);
        }
    }
}
