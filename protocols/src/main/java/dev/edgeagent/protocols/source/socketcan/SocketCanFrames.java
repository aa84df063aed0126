package dev.edgeagent.protocols.source.socketcan;

import java.nio.ByteOrder;

import dev.edgeagent.protocols.can.CanFrame;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns what a raw SocketCAN socket hands out ({@code struct can_frame}, 16 bytes, or {@code struct canfd_frame},
 * 72 bytes, in the host's byte order) into the stored {@link CanFrame} record (little-endian, data trimmed to its
 * length). Pure and allocation-free, so it is tested without a socket.
 *
 * <p>{@code struct can_frame}: can_id u32, len u8, __pad u8, __res0 u8, len8_dlc u8, data[8].
 * {@code struct canfd_frame}: can_id u32, len u8, flags u8, __res0 u8, __res1 u8, data[64].
 */
public final class SocketCanFrames {

    /** sizeof(struct can_frame): CAN_MTU. */
    public static final int CAN_MTU = 16;
    /** sizeof(struct canfd_frame): CANFD_MTU. */
    public static final int CANFD_MTU = 72;

    /** Returned by {@link #toRecord} for a read of neither 16 nor 72 bytes. */
    public static final int BAD_SIZE = -1;
    /** Returned by {@link #toRecord} for a length above 8 (classic) or 64 (FD). */
    public static final int BAD_LENGTH = -2;
    /** Returned by {@link #toRecord} for an 11-bit id above 0x7FF, or an FD remote frame. */
    public static final int BAD_ID = -3;

    private SocketCanFrames() {
    }

    /**
     * @param raw       the bytes read from the socket, {@code size} of them, in {@code order} (the host's)
     * @param out       where the record goes: at least {@link CanFrame#MAX_ENCODED_LENGTH} bytes from {@code outOffset}
     * @return the record's length, or {@link #BAD_SIZE} / {@link #BAD_LENGTH} / {@link #BAD_ID}
     */
    public static int toRecord(DirectBuffer raw, int offset, int size, ByteOrder order,
                               MutableDirectBuffer out, int outOffset) {
        final boolean fd;
        if (size == CAN_MTU) {
            fd = false;
        } else if (size == CANFD_MTU) {
            fd = true;
        } else {
            return BAD_SIZE;
        }
        final int canId = raw.getInt(offset, order);
        final int len = raw.getByte(offset + 4) & 0xFF;
        if (len > (fd ? CanFrame.FD_MAX_LEN : CanFrame.CLASSIC_MAX_LEN)) {
            return BAD_LENGTH;
        }
        final boolean remote = (canId & CanFrame.CAN_RTR_FLAG) != 0;
        if ((canId & (CanFrame.CAN_EFF_FLAG | CanFrame.CAN_ERR_FLAG)) == 0 && (canId & CanFrame.CAN_EFF_MASK) > CanFrame.CAN_SFF_MASK
                || fd && remote) {
            return BAD_ID;
        }
        final int flags;
        int len8Dlc = 0;
        if (fd) {
            // older kernels leave CANFD_FDF unset in frames from a CAN FD socket: the size says it
            flags = (raw.getByte(offset + 5) & (CanFrame.CANFD_BRS | CanFrame.CANFD_ESI)) | CanFrame.CANFD_FDF;
        } else {
            flags = 0;
            final int dlc = raw.getByte(offset + 7) & 0xFF;
            if (len == CanFrame.CLASSIC_MAX_LEN && dlc >= 9 && dlc <= 15) {
                len8Dlc = dlc; // CAN_CTRLMODE_CC_LEN8_DLC
            }
        }
        out.putInt(outOffset, canId, ByteOrder.LITTLE_ENDIAN);
        out.putByte(outOffset + 4, (byte) len);
        out.putByte(outOffset + 5, (byte) flags);
        out.putByte(outOffset + 6, (byte) 0);
        out.putByte(outOffset + 7, (byte) len8Dlc);
        final int dataBytes = remote ? 0 : len;
        if (dataBytes > 0) {
            out.putBytes(outOffset + CanFrame.HEADER_LENGTH, raw, offset + 8, dataBytes);
        }
        return CanFrame.HEADER_LENGTH + dataBytes;
    }

    /** One readable sentence for a negative {@link #toRecord} result. */
    public static String describe(int result, int size) {
        return switch (result) {
            case BAD_SIZE -> "read of " + size + " bytes: expected " + CAN_MTU + " (can_frame) or " + CANFD_MTU
                    + " (canfd_frame)";
            case BAD_LENGTH -> "frame length above 8 (classic) or 64 (CAN FD)";
            case BAD_ID -> "standard id above 0x7FF, or a CAN FD remote frame";
            default -> "frame not convertible (" + result + ")";
        };
    }
}
