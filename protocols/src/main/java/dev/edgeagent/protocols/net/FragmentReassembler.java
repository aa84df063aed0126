package dev.edgeagent.protocols.net;

import java.util.Arrays;

import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Puts IPv4 / IPv6 fragments back together, in bounded memory: at most {@code maxDatagrams} datagrams are in
 * flight, each in a reused 64 KiB slot (allocated on first use, then kept), with a bitmap of the 8-byte units
 * received so overlaps and duplicates are harmless. A datagram still incomplete after {@code timeoutNanos} of
 * capture time, evicted for a newer one when every slot is busy, or pending when the input ends
 * ({@link #flush}) is reported as bad input {@code "incomplete-datagram"} and counted.
 *
 * <p>Single-threaded; nothing is allocated per fragment once the slots exist.
 */
public final class FragmentReassembler {

    /** Largest reassembled IP payload (the IPv4 total length and IPv6 payload length are 16-bit). */
    public static final int MAX_PAYLOAD = 65_535;
    public static final int DEFAULT_MAX_DATAGRAMS = 16;
    /** Linux's ipfrag_time is 30 s; captured sensor fragments arrive within milliseconds. */
    public static final long DEFAULT_TIMEOUT_NANOS = 5_000_000_000L;

    private static final int UNITS = (MAX_PAYLOAD + 7) / 8;
    private static final long NO_TIME = Long.MIN_VALUE;

    private final Slot[] slots;
    private final long timeoutNanos;
    private final BadInputListener listener;
    private long useCounter;
    private long incomplete;
    private long reassembled;

    private static final class Slot {
        boolean used;
        int version;
        long k0;
        long k1;
        long k2;
        long k3;
        long id;
        int protocol;
        long firstNanos;
        long lastUse;
        long inputOffset;
        int totalLength;
        int receivedUnits;
        int receivedBytes;
        final long[] bitmap = new long[(UNITS + 63) / 64];
        UnsafeBuffer data;
    }

    public FragmentReassembler() {
        this(DEFAULT_MAX_DATAGRAMS, DEFAULT_TIMEOUT_NANOS, BadInputListener.IGNORE);
    }

    /**
     * @param maxDatagrams datagrams reassembled at once (memory: 64 KiB each once used)
     * @param timeoutNanos capture-time limit for a datagram to complete
     * @param listener     told about every datagram given up ({@code "incomplete-datagram"})
     */
    public FragmentReassembler(int maxDatagrams, long timeoutNanos, BadInputListener listener) {
        if (maxDatagrams < 1) {
            throw new IllegalArgumentException("maxDatagrams: must be at least 1, got " + maxDatagrams);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeoutNanos: must be > 0, got " + timeoutNanos);
        }
        this.slots = new Slot[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++) {
            slots[i] = new Slot();
        }
        this.timeoutNanos = timeoutNanos;
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
    }

    /** Datagrams given up (timed out, evicted, or pending at {@link #flush}). */
    public long incompleteDatagrams() {
        return incomplete;
    }

    public long reassembledDatagrams() {
        return reassembled;
    }

    /** Datagrams currently waiting for fragments. */
    public int pending() {
        int n = 0;
        for (Slot s : slots) {
            n += s.used ? 1 : 0;
        }
        return n;
    }

    /**
     * Adds one fragment. The key is the IP version, the addresses packed in {@code k0..k3} (IPv4: both in k0),
     * the identification and (IPv4) protocol.
     *
     * @param fragmentOffset byte offset of this fragment's data in the datagram's payload
     * @param frameOffset    where the fragment's data starts in its frame, for error offsets
     * @return the reassembled payload's length when this fragment completed the datagram (its bytes are then in
     *         {@link #buffer()} from 0 and stay valid until the next call), else -1
     * @throws PacketFormatException the fragment contradicts its datagram (the datagram is dropped)
     */
    int add(int version, long k0, long k1, long k2, long k3, long id, int protocol, int fragmentOffset,
            boolean moreFragments, DirectBuffer src, int srcOffset, int length, long timestampNanos,
            long inputOffset, int frameOffset) {
        expire(timestampNanos);
        final int end = fragmentOffset + length;
        if (end > MAX_PAYLOAD) {
            throw new PacketFormatException(PacketFormatException.Kind.FRAGMENT, frameOffset, "fragment at offset "
                    + fragmentOffset + " with " + length + " bytes ends past the 65535-byte datagram limit");
        }
        if (moreFragments && (length & 7) != 0) {
            throw new PacketFormatException(PacketFormatException.Kind.FRAGMENT, frameOffset, "non-final fragment of "
                    + length + " bytes: must be a multiple of 8");
        }
        Slot slot = find(version, k0, k1, k2, k3, id, protocol);
        if (slot == null) {
            slot = claim(timestampNanos);
            slot.used = true;
            slot.version = version;
            slot.k0 = k0;
            slot.k1 = k1;
            slot.k2 = k2;
            slot.k3 = k3;
            slot.id = id;
            slot.protocol = protocol;
            slot.firstNanos = timestampNanos;
            slot.inputOffset = inputOffset;
            slot.totalLength = -1;
            slot.receivedUnits = 0;
            slot.receivedBytes = 0;
            Arrays.fill(slot.bitmap, 0);
            if (slot.data == null) {
                slot.data = new UnsafeBuffer(new byte[MAX_PAYLOAD]);
            }
        }
        slot.lastUse = ++useCounter;
        if (!moreFragments) {
            if (slot.totalLength >= 0 && slot.totalLength != end) {
                drop(slot);
                throw new PacketFormatException(PacketFormatException.Kind.FRAGMENT, frameOffset, "two final fragments "
                        + "disagree on the datagram's length (" + slot.totalLength + " and " + end + "); datagram dropped");
            }
            slot.totalLength = end;
        }
        if (slot.totalLength >= 0 && end > slot.totalLength) {
            drop(slot);
            throw new PacketFormatException(PacketFormatException.Kind.FRAGMENT, frameOffset, "fragment ends at "
                    + end + ", past the datagram's length " + slot.totalLength + "; datagram dropped");
        }
        slot.data.putBytes(fragmentOffset, src, srcOffset, length);
        final int firstUnit = fragmentOffset >>> 3;
        final int endUnit = (end + 7) >>> 3;
        final long[] bitmap = slot.bitmap;
        for (int u = firstUnit; u < endUnit; u++) {
            final long bit = 1L << u;
            if ((bitmap[u >>> 6] & bit) == 0) {
                bitmap[u >>> 6] |= bit;
                slot.receivedUnits++;
            }
        }
        slot.receivedBytes += length;
        if (slot.totalLength >= 0 && slot.receivedUnits == (slot.totalLength + 7) >>> 3) {
            slot.used = false; // the bytes stay until the slot is claimed again, on a later call
            reassembled++;
            current = slot.data;
            return slot.totalLength;
        }
        return -1;
    }

    private UnsafeBuffer current;

    /** The last reassembled payload (valid until the next {@code add}). */
    DirectBuffer buffer() {
        return current;
    }

    /** Gives up every pending datagram (end of input), reporting each. */
    public void flush() {
        for (Slot s : slots) {
            if (s.used) {
                giveUp(s, "the input ended");
            }
        }
    }

    private void expire(long nowNanos) {
        if (nowNanos == NO_TIME) {
            return;
        }
        for (Slot s : slots) {
            if (s.used && s.firstNanos != NO_TIME && nowNanos - s.firstNanos > timeoutNanos) {
                giveUp(s, "it timed out after " + (timeoutNanos / 1_000_000) + " ms of capture time");
            }
        }
    }

    private Slot find(int version, long k0, long k1, long k2, long k3, long id, int protocol) {
        for (Slot s : slots) {
            if (s.used && s.id == id && s.k0 == k0 && s.k1 == k1 && s.k2 == k2 && s.k3 == k3
                    && s.version == version && s.protocol == protocol) {
                return s;
            }
        }
        return null;
    }

    private Slot claim(long nowNanos) {
        Slot oldest = null;
        for (Slot s : slots) {
            if (!s.used) {
                return s;
            }
            if (oldest == null || s.lastUse < oldest.lastUse) {
                oldest = s;
            }
        }
        giveUp(oldest, "all " + slots.length + " reassembly slots were busy and it was the least recently used");
        return oldest;
    }

    private void drop(Slot s) {
        s.used = false;
        incomplete++;
    }

    private void giveUp(Slot s, String why) {
        s.used = false;
        incomplete++;
        listener.onBadInput("incomplete-datagram", s.inputOffset, "IPv" + s.version + " datagram id 0x"
                + Long.toHexString(s.id) + " given up because " + why + ": " + s.receivedBytes + " bytes of "
                + (s.totalLength >= 0 ? String.valueOf(s.totalLength) : "an unknown length")
                + " had arrived (offset is where its first fragment was read)");
    }
}
