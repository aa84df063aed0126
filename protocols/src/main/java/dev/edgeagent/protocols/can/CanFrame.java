package dev.edgeagent.protocols.can;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One CAN / CAN FD frame and its stored encoding, the SocketCAN {@code struct canfd_frame} layout in little-endian
 * with the data trimmed to its length:
 * <pre>
 *  0..3  can_id   u32: 11- or 29-bit id | CAN_EFF_FLAG 0x80000000 | CAN_RTR_FLAG 0x40000000 | CAN_ERR_FLAG 0x20000000
 *  4     len      data length 0..64 (a remote frame: the requested length, and no data bytes follow)
 *  5     flags    CANFD_BRS 0x01 | CANFD_ESI 0x02 | CANFD_FDF 0x04 (FDF marks a CAN FD frame)
 *  6     reserved 0
 *  7     len8_dlc a classic frame's raw DLC 9..15 when one was given (len is then 8), else 0
 *  8..   data     len bytes (none for a remote frame)
 * </pre>
 * A mutable, reusable holder: {@link #decode} and {@link #encode} move it in and out of Agrona buffers without
 * allocating. The static accessors read single fields straight from an encoded record.
 */
public final class CanFrame {

    public static final int CAN_EFF_FLAG = 0x80000000;
    public static final int CAN_RTR_FLAG = 0x40000000;
    public static final int CAN_ERR_FLAG = 0x20000000;
    public static final int CAN_SFF_MASK = 0x000007FF;
    public static final int CAN_EFF_MASK = 0x1FFFFFFF;
    public static final int CAN_ERR_MASK = 0x1FFFFFFF;
    public static final int CANFD_BRS = 0x01;
    public static final int CANFD_ESI = 0x02;
    public static final int CANFD_FDF = 0x04;
    public static final int CLASSIC_MAX_LEN = 8;
    public static final int FD_MAX_LEN = 64;
    public static final int HEADER_LENGTH = 8;
    /** Largest encoding: header and 64 data bytes. */
    public static final int MAX_ENCODED_LENGTH = HEADER_LENGTH + FD_MAX_LEN;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int KNOWN_FD_FLAGS = CANFD_BRS | CANFD_ESI | CANFD_FDF;

    private int canId;
    private int length;
    private int flags;
    private int len8Dlc;
    private final UnsafeBuffer data = new UnsafeBuffer(new byte[FD_MAX_LEN]);

    /** The raw can_id with its flag bits. */
    public int canId() {
        return canId;
    }

    /** The 11- or 29-bit identifier (or error class bits for an error frame), without flags. */
    public int id() {
        return (canId & CAN_EFF_FLAG) != 0 ? canId & CAN_EFF_MASK
                : (canId & CAN_ERR_FLAG) != 0 ? canId & CAN_ERR_MASK : canId & CAN_SFF_MASK;
    }

    public int length() {
        return length;
    }

    public int flags() {
        return flags;
    }

    public int len8Dlc() {
        return len8Dlc;
    }

    /** The frame's data bytes, from index 0, {@link #length()} of them (none for a remote frame). */
    public UnsafeBuffer data() {
        return data;
    }

    public boolean extended() {
        return (canId & CAN_EFF_FLAG) != 0;
    }

    public boolean remote() {
        return (canId & CAN_RTR_FLAG) != 0;
    }

    public boolean error() {
        return (canId & CAN_ERR_FLAG) != 0;
    }

    public boolean fd() {
        return (flags & CANFD_FDF) != 0;
    }

    /** Bytes of data the encoding carries: the length, or 0 for a remote frame. */
    public int dataBytes() {
        return remote() ? 0 : length;
    }

    public int encodedLength() {
        return HEADER_LENGTH + dataBytes();
    }

    /**
     * Sets the frame; the data is copied from {@code src} ({@code dataBytes} of it; may be null for a remote frame).
     *
     * @throws IllegalArgumentException naming the field that breaks the layout's rules
     */
    public CanFrame set(int canId, int length, int flags, int len8Dlc, DirectBuffer src, int srcOffset) {
        validate(canId, length, flags, len8Dlc, 0);
        this.canId = canId;
        this.length = length;
        this.flags = flags;
        this.len8Dlc = len8Dlc;
        if ((canId & CAN_RTR_FLAG) == 0 && length > 0) {
            data.putBytes(0, src, srcOffset, length);
        }
        return this;
    }

    /** Sets the header fields without checks; the parser has checked them and fills {@link #data()} itself. */
    void setUnchecked(int canId, int length, int flags, int len8Dlc) {
        this.canId = canId;
        this.length = length;
        this.flags = flags;
        this.len8Dlc = len8Dlc;
    }

    /** Writes the encoding at {@code offset}; returns its length. */
    public int encode(MutableDirectBuffer dst, int offset) {
        dst.putInt(offset, canId, LE);
        dst.putByte(offset + 4, (byte) length);
        dst.putByte(offset + 5, (byte) flags);
        dst.putByte(offset + 6, (byte) 0);
        dst.putByte(offset + 7, (byte) len8Dlc);
        final int n = dataBytes();
        if (n > 0) {
            dst.putBytes(offset + HEADER_LENGTH, data, 0, n);
        }
        return HEADER_LENGTH + n;
    }

    /**
     * Reads an encoding of exactly {@code recordLength} bytes.
     *
     * @throws CanFormatException naming the bad field and its byte offset within the record
     */
    public CanFrame decode(DirectBuffer src, int offset, int recordLength) {
        if (recordLength < HEADER_LENGTH) {
            throw new CanFormatException(0, "CAN record of " + recordLength + " bytes is shorter than its "
                    + HEADER_LENGTH + "-byte header");
        }
        final int id = src.getInt(offset, LE);
        final int len = src.getByte(offset + 4) & 0xFF;
        final int fl = src.getByte(offset + 5) & 0xFF;
        final int dlc = src.getByte(offset + 7) & 0xFF;
        validate(id, len, fl, dlc, 1);
        final int n = (id & CAN_RTR_FLAG) != 0 ? 0 : len;
        if (recordLength != HEADER_LENGTH + n) {
            throw new CanFormatException(4, "CAN record of " + recordLength + " bytes, but its header says "
                    + n + " data bytes (expected " + (HEADER_LENGTH + n) + " bytes in all)");
        }
        canId = id;
        length = len;
        flags = fl;
        len8Dlc = dlc;
        if (n > 0) {
            data.putBytes(0, src, offset + HEADER_LENGTH, n);
        }
        return this;
    }

    /** @param mode 0: caller's arguments (IllegalArgumentException); 1: a decoded record (CanFormatException) */
    private static void validate(int canId, int length, int flags, int len8Dlc, int mode) {
        String problem = null;
        int at = 0;
        final boolean fd = (flags & CANFD_FDF) != 0;
        if ((canId & CAN_EFF_FLAG) == 0 && (canId & CAN_ERR_FLAG) == 0 && (canId & CAN_EFF_MASK) > CAN_SFF_MASK) {
            problem = "can_id 0x" + Integer.toHexString(canId) + " has a standard-frame id above 0x7FF without "
                    + "CAN_EFF_FLAG";
        } else if (length < 0 || length > (fd ? FD_MAX_LEN : CLASSIC_MAX_LEN)) {
            at = 4;
            problem = "len " + length + " is outside 0.." + (fd ? FD_MAX_LEN : CLASSIC_MAX_LEN)
                    + (fd ? " (CAN FD)" : " (classic CAN)");
        } else if ((flags & ~KNOWN_FD_FLAGS) != 0 || (!fd && flags != 0)) {
            at = 5;
            problem = "flags 0x" + Integer.toHexString(flags) + ": only BRS 0x01, ESI 0x02 and FDF 0x04 are defined, "
                    + "and BRS / ESI need FDF";
        } else if (fd && (canId & CAN_RTR_FLAG) != 0) {
            problem = "a CAN FD frame cannot be a remote frame";
        } else if (len8Dlc != 0 && (len8Dlc < 9 || len8Dlc > 15 || fd || length != CLASSIC_MAX_LEN)) {
            at = 7;
            problem = "len8_dlc " + len8Dlc + ": must be 0, or 9..15 on a classic frame with len 8";
        }
        if (problem != null) {
            if (mode == 0) {
                throw new IllegalArgumentException(problem);
            }
            throw new CanFormatException(at, problem);
        }
    }

    // ---------------------------------------------------------------- fields of an encoded record

    public static int canId(DirectBuffer record, int offset) {
        return record.getInt(offset, LE);
    }

    public static int length(DirectBuffer record, int offset) {
        return record.getByte(offset + 4) & 0xFF;
    }

    public static int flags(DirectBuffer record, int offset) {
        return record.getByte(offset + 5) & 0xFF;
    }

    public static int len8Dlc(DirectBuffer record, int offset) {
        return record.getByte(offset + 7) & 0xFF;
    }

    /** Where an encoded record's data bytes start. */
    public static int dataOffset(int offset) {
        return offset + HEADER_LENGTH;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(extended() ? String.format("%08X", id()) : error() ? String.format("%08X", canId & ~CAN_EFF_FLAG)
                : String.format("%03X", id()));
        b.append(fd() ? "##" + Integer.toHexString(flags & ~CANFD_FDF & 0x0F).toUpperCase() : "#");
        if (remote()) {
            b.append('R').append(length);
        } else {
            for (int i = 0; i < length; i++) {
                b.append(String.format("%02X", data.getByte(i)));
            }
        }
        if (len8Dlc != 0) {
            b.append('_').append(Integer.toHexString(len8Dlc).toUpperCase());
        }
        return b.toString();
    }
}
