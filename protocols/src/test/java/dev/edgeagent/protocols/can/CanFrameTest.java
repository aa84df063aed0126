package dev.edgeagent.protocols.can;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CanFrameTest {

    @Test
    void encodesTheSocketCanLayoutLittleEndianTrimmedToLength() {
        CanFrame f = new CanFrame().set(0x123, 3, 0, 0, new UnsafeBuffer(new byte[] {(byte) 0xDE, (byte) 0xAD, 0x01}), 0);
        UnsafeBuffer out = new UnsafeBuffer(new byte[80]);
        assertEquals(11, f.encode(out, 2));
        byte[] bytes = new byte[11];
        out.getBytes(2, bytes);
        assertArrayEquals(new byte[] {0x23, 0x01, 0, 0, 3, 0, 0, 0, (byte) 0xDE, (byte) 0xAD, 0x01}, bytes);

        CanFrame ext = new CanFrame().set(0x18DAF110 | CanFrame.CAN_EFF_FLAG, 8, 0, 0xC,
                new UnsafeBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 0);
        assertEquals(16, ext.encode(out, 0));
        assertEquals(0x98DAF110, out.getInt(0, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x10, out.getByte(0));
        assertEquals(0xC, CanFrame.len8Dlc(out, 0));

        CanFrame back = new CanFrame().decode(out, 0, 16);
        assertEquals(0x18DAF110, back.id());
        assertTrue(back.extended());
        assertEquals("18DAF110#0102030405060708_C", back.toString());
    }

    @Test
    void fdRemoteAndErrorFramesRoundTrip() {
        byte[] data = new byte[64];
        for (int i = 0; i < 64; i++) {
            data[i] = (byte) i;
        }
        UnsafeBuffer out = new UnsafeBuffer(new byte[80]);
        CanFrame fd = new CanFrame().set(0x7FF, 64, CanFrame.CANFD_FDF | CanFrame.CANFD_BRS, 0, new UnsafeBuffer(data), 0);
        assertEquals(72, fd.encode(out, 0));
        CanFrame back = new CanFrame().decode(out, 0, 72);
        assertTrue(back.fd());
        assertEquals(CanFrame.CANFD_FDF | CanFrame.CANFD_BRS, back.flags());
        byte[] got = new byte[64];
        back.data().getBytes(0, got);
        assertArrayEquals(data, got);

        CanFrame rtr = new CanFrame().set(0x100 | CanFrame.CAN_RTR_FLAG, 5, 0, 0, null, 0);
        assertEquals(8, rtr.encode(out, 0), "a remote frame stores no data bytes");
        assertEquals(5, new CanFrame().decode(out, 0, 8).length());
        assertTrue(new CanFrame().decode(out, 0, 8).remote());

        CanFrame err = new CanFrame().set(CanFrame.CAN_ERR_FLAG | 0x4, 8, 0, 0, new UnsafeBuffer(new byte[8]), 0);
        assertEquals(16, err.encode(out, 0));
        assertTrue(new CanFrame().decode(out, 0, 16).error());
    }

    @Test
    void badRecordsNameTheField() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[80]);
        b.putByte(4, (byte) 9); // classic frame with len 9
        CanFormatException e = assertThrows(CanFormatException.class, () -> new CanFrame().decode(b, 0, 17));
        assertEquals(4, e.offset());
        assertThrows(CanFormatException.class, () -> new CanFrame().decode(b, 0, 7));
        b.putByte(4, (byte) 2);
        e = assertThrows(CanFormatException.class, () -> new CanFrame().decode(b, 0, 12));
        assertTrue(e.getMessage().contains("expected 10 bytes"), e.getMessage());
        b.putByte(5, (byte) 0x01); // BRS without FDF
        e = assertThrows(CanFormatException.class, () -> new CanFrame().decode(b, 0, 10));
        assertEquals(5, e.offset());
        assertThrows(IllegalArgumentException.class, () -> new CanFrame().set(0x800, 0, 0, 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new CanFrame().set(0x1, 7, 0, 9, new UnsafeBuffer(new byte[8]), 0));
    }
}
