package dev.edgeagent.protocols.mcap;

import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * An append-only little-endian byte buffer that serializes MCAP records; grows as needed, reused after reset.
 * A plain array (not an Agrona buffer) so that the writer needs no JVM flags for Agrona's Unsafe access.
 */
final class RecordBuffer {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int length;

    RecordBuffer(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Makes room for {@code n} more bytes, growing by half again at least. */
    private void room(int n) {
        if (n > buf.length - length) {
            long want = Math.max((long) length + n, buf.length + (buf.length >> 1));
            if (want > Integer.MAX_VALUE - 8) {
                if ((long) length + n > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("MCAP record buffer cannot grow past 2 GiB");
                }
                want = Integer.MAX_VALUE - 8;
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    int length() {
        return length;
    }

    /** The backing array (replaced when the buffer grows); valid bytes are [0, length). */
    byte[] array() {
        return buf;
    }

    void reset() {
        length = 0;
    }

    /** Starts a record: writes the opcode and room for its length; returns the length's index for {@link #end}. */
    int begin(Opcode op) {
        room(9);
        buf[length] = (byte) op.code;
        int lengthAt = length + 1;
        length += 9;
        return lengthAt;
    }

    /** Ends a record begun at {@code lengthAt}, adding {@code outside} bytes of content written elsewhere. */
    void end(int lengthAt, long outside) {
        LONG.set(buf, lengthAt, length - lengthAt - 8 + outside);
    }

    void end(int lengthAt) {
        end(lengthAt, 0);
    }

    RecordBuffer u8(int v) {
        room(1);
        buf[length] = (byte) v;
        length += 1;
        return this;
    }

    RecordBuffer u16(int v) {
        room(2);
        SHORT.set(buf, length, (short) v);
        length += 2;
        return this;
    }

    RecordBuffer u32(long v) {
        room(4);
        INT.set(buf, length, (int) v);
        length += 4;
        return this;
    }

    RecordBuffer u64(long v) {
        room(8);
        LONG.set(buf, length, v);
        length += 8;
        return this;
    }

    RecordBuffer bytes(byte[] src, int offset, int count) {
        room(count);
        System.arraycopy(src, offset, buf, length, count);
        length += count;
        return this;
    }

    RecordBuffer bytes(DirectBuffer src, int offset, int count) {
        room(count);
        src.getBytes(offset, buf, length, count);
        length += count;
        return this;
    }

    /** A String field: uint32 byte length and UTF-8 bytes, already encoded. */
    RecordBuffer str(byte[] utf8) {
        return u32(utf8.length).bytes(utf8, 0, utf8.length);
    }

    RecordBuffer str(String s) {
        return str(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code Map<string, string>} in the map's iteration order. */
    RecordBuffer map(Map<String, String> map) {
        int sizeAt = length;
        u32(0);
        for (Map.Entry<String, String> e : map.entrySet()) {
            str(e.getKey()).str(e.getValue());
        }
        putU32(sizeAt, length - sizeAt - 4);
        return this;
    }

    /** Overwrites a uint32 at {@code index}, e.g. a map's byte length once its entries are written. */
    void putU32(int index, long v) {
        INT.set(buf, index, (int) v);
    }

    void append(RecordBuffer other) {
        bytes(other.array(), 0, other.length);
    }
}
