package dev.edgeagent.protocols.can.dbc;

import java.nio.ByteOrder;

import dev.edgeagent.protocols.can.CanFrame;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongCounterMap;
import org.agrona.collections.LongLongConsumer;

/**
 * Decodes CAN frames into signals with a {@link DbcDatabase}, without allocating per frame (the per-id map of
 * unknown ids grows only when a new id appears). One decoder per thread: the counters are plain fields.
 *
 * <p>A classic frame (up to 8 bytes) is read once as a 64-bit little-endian word and its byte reversal; each
 * signal is then one shift and one mask ({@link DbcSignal}). Signals beyond byte 7 of a CAN FD frame walk the
 * bytes. Multiplexed signals are delivered only when the frame's multiplexor value equals their {@code mN}.
 */
public final class DbcDecoder {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final DbcDatabase database;
    private final DbcMessage[] messages;
    private final long[] framesPerMessage;
    private final long[] tooShortPerMessage;
    private final long[] outOfRangePerSignal;
    private final Long2LongCounterMap unknownPerId = new Long2LongCounterMap(64, 0.6f, 0);

    private long frames;
    private long decodedFrames;
    private long signals;
    private long outOfRange;
    private long unknownFrames;
    private long tooShortFrames;
    private long notDataFrames;
    private long badRecords;

    public DbcDecoder(DbcDatabase database) {
        this.database = database;
        this.messages = database.messages().toArray(new DbcMessage[0]);
        this.framesPerMessage = new long[messages.length];
        this.tooShortPerMessage = new long[messages.length];
        this.outOfRangePerSignal = new long[database.signalCount()];
    }

    public DbcDatabase database() {
        return database;
    }

    /**
     * Decodes one frame.
     *
     * @param canId   SocketCAN can_id with its flags (EFF 0x80000000 for a 29-bit id, RTR, ERR)
     * @param data    the frame's data bytes from {@code offset}, {@code length} of them
     * @param visitor gets each signal; not called unless the result is {@link DecodeResult#DECODED}
     */
    public DecodeResult decode(int canId, DirectBuffer data, int offset, int length, SignalVisitor visitor) {
        frames++;
        if ((canId & (CanFrame.CAN_RTR_FLAG | CanFrame.CAN_ERR_FLAG)) != 0) {
            notDataFrames++;
            return DecodeResult.NOT_DATA_FRAME;
        }
        final int key = (canId & CanFrame.CAN_EFF_FLAG) != 0 ? canId & (CanFrame.CAN_EFF_FLAG | CanFrame.CAN_EFF_MASK)
                : canId & CanFrame.CAN_SFF_MASK;
        final int index = database.indexOfKey(key);
        if (index < 0) {
            unknownFrames++;
            unknownPerId.incrementAndGet(key & 0xFFFFFFFFL);
            return DecodeResult.UNKNOWN_ID;
        }
        final DbcMessage m = messages[index];
        if (length < m.dlc()) {
            tooShortFrames++;
            tooShortPerMessage[index]++;
            return DecodeResult.TOO_SHORT;
        }
        framesPerMessage[index]++;
        decodedFrames++;
        final long le = firstWord(data, offset, length);
        final long be = Long.reverseBytes(le);
        final boolean wide = length > CanFrame.CLASSIC_MAX_LEN;
        final DbcSignal mux = m.multiplexor();
        long muxRaw = 0;
        if (mux != null) {
            muxRaw = !wide || mux.inFirstWord() ? mux.rawFromWords(le, be) : mux.rawFromBytes(data, offset);
        }
        final DbcSignal[] list = m.signalArray();
        for (int i = 0; i < list.length; i++) {
            final DbcSignal s = list[i];
            if (s.muxRole() == DbcSignal.MuxRole.MULTIPLEXED && (mux == null || s.muxValue() != muxRaw)) {
                continue;
            }
            final long raw = !wide || s.inFirstWord() ? s.rawFromWords(le, be) : s.rawFromBytes(data, offset);
            final double physical = s.physical(raw);
            final boolean bad = s.outOfRange(physical);
            if (bad) {
                outOfRange++;
                outOfRangePerSignal[s.index()]++;
            }
            signals++;
            visitor.onSignal(m, s, raw, physical, s.label(raw), bad);
        }
        return DecodeResult.DECODED;
    }

    /** Decodes a frame given its id without flags and whether it is a 29-bit id. */
    public DecodeResult decode(int id, boolean extended, DirectBuffer data, int offset, int length,
                               SignalVisitor visitor) {
        return decode(extended ? (id & CanFrame.CAN_EFF_MASK) | CanFrame.CAN_EFF_FLAG : id & CanFrame.CAN_SFF_MASK,
                data, offset, length, visitor);
    }

    public DecodeResult decode(CanFrame frame, SignalVisitor visitor) {
        return decode(frame.canId(), frame.data(), 0, frame.dataBytes(), visitor);
    }

    /** Decodes a stored record in the {@link CanFrame} layout (what the capture queues hold for CAN streams). */
    public DecodeResult decodeRecord(DirectBuffer record, int offset, int recordLength, SignalVisitor visitor) {
        if (recordLength < CanFrame.HEADER_LENGTH) {
            frames++;
            badRecords++;
            return DecodeResult.BAD_RECORD;
        }
        final int canId = CanFrame.canId(record, offset);
        final int length = CanFrame.length(record, offset);
        final int dataBytes = (canId & CanFrame.CAN_RTR_FLAG) != 0 ? 0 : length;
        if (recordLength != CanFrame.HEADER_LENGTH + dataBytes || length > CanFrame.FD_MAX_LEN) {
            frames++;
            badRecords++;
            return DecodeResult.BAD_RECORD;
        }
        return decode(canId, record, CanFrame.dataOffset(offset), dataBytes, visitor);
    }

    /** The first min(length, 8) bytes as a little-endian word, missing bytes 0. */
    private static long firstWord(DirectBuffer data, int offset, int length) {
        if (length >= 8) {
            return data.getLong(offset, LE);
        }
        long w = 0;
        for (int i = length - 1; i >= 0; i--) {
            w = (w << 8) | (data.getByte(offset + i) & 0xFF);
        }
        return w;
    }

    // ---------------------------------------------------------------- counters

    /** Every frame offered, whatever its outcome. */
    public long frames() {
        return frames;
    }

    public long decodedFrames() {
        return decodedFrames;
    }

    /** Signals delivered to visitors. */
    public long signals() {
        return signals;
    }

    /** Signals delivered with {@code outOfRange} set. */
    public long outOfRange() {
        return outOfRange;
    }

    public long outOfRange(DbcSignal signal) {
        return outOfRangePerSignal[signal.index()];
    }

    public long unknownFrames() {
        return unknownFrames;
    }

    /** Frames seen with this unknown id ({@code key}: the id, | 0x80000000 for a 29-bit id); 0 when none. */
    public long unknownFrames(int key) {
        return unknownPerId.get(key & 0xFFFFFFFFL);
    }

    /** Number of distinct unknown ids seen. */
    public int unknownIds() {
        return unknownPerId.size();
    }

    /** Calls {@code consumer(key, frames)} for each unknown id (key as in {@link #unknownFrames(int)}). */
    public void forEachUnknownId(LongLongConsumer consumer) {
        unknownPerId.forEach(consumer);
    }

    public long tooShortFrames() {
        return tooShortFrames;
    }

    public long tooShortFrames(DbcMessage message) {
        return tooShortPerMessage[message.index()];
    }

    public long decodedFrames(DbcMessage message) {
        return framesPerMessage[message.index()];
    }

    public long notDataFrames() {
        return notDataFrames;
    }

    public long badRecords() {
        return badRecords;
    }
}
