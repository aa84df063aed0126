package dev.edgeagent.agent.stage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A transform's outputs in order, across its derived streams: a record a queue refuses (its disk quota reached,
 * reject-new) is kept, as a copy, with everything appended after it, and offered again by {@link #retry()}. The
 * transform reads no more input and commits no checkpoint while anything is held, so nothing is lost or
 * reordered. Copies are made only after a refusal, never per record. One thread: the transform's.
 */
public final class OutputBacklog {

    private record Held(DerivedStream out, long timeNs, byte[] key, byte[] payload) {
    }

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final UnsafeBuffer key = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[0]);

    /** Appends now when nothing is held and the queue takes it; otherwise keeps a copy to offer again in order. */
    public void append(DerivedStream out, long timeNs, DirectBuffer keyBuffer, int keyOffset, int keyLength,
                       DirectBuffer payloadBuffer, int payloadOffset, int payloadLength) {
        if (held.isEmpty()
                && out.append(timeNs, keyBuffer, keyOffset, keyLength, payloadBuffer, payloadOffset, payloadLength)) {
            return;
        }
        byte[] k = new byte[keyLength];
        keyBuffer.getBytes(keyOffset, k);
        byte[] p = new byte[payloadLength];
        payloadBuffer.getBytes(payloadOffset, p);
        held.add(new Held(out, timeNs, k, p));
    }

    /** As above for low-rate outputs (events, window results); {@code bytes} is kept as it is if refused. */
    public void append(DerivedStream out, long timeNs, String keyText, byte[] bytes) {
        if (held.isEmpty() && out.append(timeNs, keyText, bytes)) {
            return;
        }
        held.add(new Held(out, timeNs, keyText.getBytes(StandardCharsets.UTF_8), bytes));
    }

    /** Offers what is held again, oldest first; true once nothing is left. */
    public boolean retry() {
        while (!held.isEmpty()) {
            Held h = held.peek();
            key.wrap(h.key());
            payload.wrap(h.payload());
            if (!h.out().append(h.timeNs(), key, 0, h.key().length, payload, 0, h.payload().length)) {
                return false;
            }
            held.poll();
        }
        return true;
    }

    public boolean isEmpty() {
        return held.isEmpty();
    }
}
