package dev.edgeagent.protocols.source.socketcan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.can.CanFrame;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The struct layouts are written out byte by byte here, as the kernel's can.h defines them. */
class SocketCanFramesTest {

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[CanFrame.MAX_ENCODED_LENGTH + 4]);

    /** struct can_frame / canfd_frame with can_id in {@code order}, filler 0xEE in the unused data bytes. */
    private static UnsafeBuffer raw(int size, ByteOrder order, int canId, int len, int byte5, int byte7, int... data) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[size + 2]);
        b.setMemory(0, size + 2, (byte) 0xEE);
        b.putInt(2, canId, order);
        b.putByte(2 + 4, (byte) len);
        b.putByte(2 + 5, (byte) byte5);
        b.putByte(2 + 6, (byte) 0);
        b.putByte(2 + 7, (byte) byte7);
        for (int i = 0; i < data.length; i++) {
            b.putByte(2 + 8 + i, (byte) data[i]);
        }
        return b;
    }

    private int convert(UnsafeBuffer raw, int size, ByteOrder order) {
        return SocketCanFrames.toRecord(raw, 2, size, order, out, 4);
    }

    private String bytes(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%02X", out.getByte(4 + i)));
        }
        return s.toString();
    }

    @Test
    void classicFramesBecomeTrimmedLittleEndianRecords() {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        assertEquals(11, convert(raw(16, le, 0x123, 3, 0, 0, 0x11, 0x22, 0x33), 16, le));
        // can_id 23 01 00 00, len 3, flags 0, res 0, len8_dlc 0, then the three data bytes only
        assertEquals("2301000003000000112233", bytes(11));
        // the host's byte order is what the socket gives: a big-endian host reads the same record
        assertEquals(11, convert(raw(16, ByteOrder.BIG_ENDIAN, 0x123, 3, 0, 0, 0x11, 0x22, 0x33), 16,
                ByteOrder.BIG_ENDIAN));
        assertEquals("2301000003000000112233", bytes(11));
        // 29-bit id with CAN_EFF_FLAG; raw DLC 12 kept as len8_dlc; __pad garbage dropped
        int eff = 0x1ABCDEF0 | CanFrame.CAN_EFF_FLAG;
        assertEquals(16, convert(raw(16, le, eff, 8, 0x5A, 12, 1, 2, 3, 4, 5, 6, 7, 8), 16, le));
        assertEquals("F0DEBC9A0800000C0102030405060708", bytes(16));
        // a len8_dlc with len below 8 is not a raw DLC: dropped
        assertEquals(9, convert(raw(16, le, 0x7FF, 1, 0, 12, 0x42), 16, le));
        assertEquals("FF0700000100000042", bytes(9));
        // remote frame: the requested length, no data
        assertEquals(8, convert(raw(16, le, 0x123 | CanFrame.CAN_RTR_FLAG, 4, 0, 0), 16, le));
        assertEquals("2301004004000000", bytes(8));
        // error frame: class bits + CAN_ERR_FLAG, 8 data bytes of detail
        assertEquals(16, convert(raw(16, le, CanFrame.CAN_ERR_FLAG | 0x04, 8, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0),
                16, le));
        assertEquals("0400002008000000" + "0004000000000000", bytes(16));
        CanFrame f = new CanFrame().decode(out, 4, 16); // valid in the stored layout
        assertTrue(f.error());
    }

    @Test
    void canFdFramesGetTheFdfFlag() {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        int[] data = new int[12];
        for (int i = 0; i < data.length; i++) {
            data[i] = 0xA0 + i;
        }
        // flags BRS only (an older kernel's frame without FDF): the record says BRS | FDF = 0x05
        assertEquals(20, convert(raw(72, le, 0x321, 12, CanFrame.CANFD_BRS, 0, data), 72, le));
        assertEquals("210300000C050000A0A1A2A3A4A5A6A7A8A9AAAB", bytes(20));
        CanFrame f = new CanFrame().decode(out, 4, 20);
        assertTrue(f.fd());
        assertEquals(12, f.length());
        // 64 bytes, ESI | FDF from the kernel
        assertEquals(72, convert(raw(72, le, 0x321, 64, CanFrame.CANFD_ESI | CanFrame.CANFD_FDF, 0, new int[64]),
                72, le));
        assertEquals(CanFrame.CANFD_ESI | CanFrame.CANFD_FDF, out.getByte(4 + 5));
    }

    @Test
    void badReadsAreTypedResults() {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        assertEquals(SocketCanFrames.BAD_SIZE, convert(raw(16, le, 0x123, 1, 0, 0), 15, le));
        assertEquals(SocketCanFrames.BAD_LENGTH, convert(raw(16, le, 0x123, 9, 0, 0), 16, le));
        assertEquals(SocketCanFrames.BAD_LENGTH, convert(raw(72, le, 0x123, 65, 0, 0), 72, le));
        assertEquals(SocketCanFrames.BAD_ID, convert(raw(16, le, 0x800, 1, 0, 0), 16, le));
        assertEquals(SocketCanFrames.BAD_ID, convert(raw(72, le, 0x123 | CanFrame.CAN_RTR_FLAG, 0, 0, 0), 72, le));
        assertTrue(SocketCanFrames.describe(SocketCanFrames.BAD_SIZE, 15).contains("read of 15 bytes"));
    }

    @Test
    void withoutAnInterfaceTheSourceReportsOnceAndCapturesNothing() {
        List<String> reports = new ArrayList<>();
        List<Integer> appended = new ArrayList<>();
        RecordSink sink = (sensor, wall, mono, key, ko, kl, payload, po, pl) -> appended.add(pl);
        SocketCanSource s = new SocketCanSource(new SocketCanSettings("nosuchcan0", true, true, 16, 0), sink,
                (kind, offset, detail) -> reports.add(kind + ": " + detail));
        for (int i = 0; i < 5; i++) {
            assertEquals(0, s.doWork());
        }
        s.onClose();
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith("interface-unavailable: nosuchcan0: "), reports.get(0));
        assertEquals(List.of(), appended);
        assertEquals(0, s.frames());
        assertEquals("socketcan:nosuchcan0", s.roleName());
    }
}
