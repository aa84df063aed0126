package dev.edgeagent.protocols.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The candump frame variants the replay must carry, each parsed and then stored as a record and read back: the
 * record bytes are written out by hand from the SocketCAN layout.
 */
class CandumpVariantsTest {

    private final CandumpParser parser = new CandumpParser();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[CanFrame.MAX_ENCODED_LENGTH]);

    private String record(String line) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        assertTrue(parser.parse(new UnsafeBuffer(b), 0, b.length, 1, 0));
        int n = parser.frame().encode(out, 0);
        CanFrame back = new CanFrame().decode(out, 0, n); // the stored layout's own checks
        assertEquals(parser.frame().canId(), back.canId());
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%02X", out.getByte(i)));
        }
        return s.toString();
    }

    @Test
    void eachVariantAsAStoredRecord() {
        // 11-bit: id 0x123 LE, len 2, flags 0, res 0, len8_dlc 0, data
        assertEquals("230100000200000011AA", record("(1.000000) can0 123#11AA"));
        // 29-bit: id | CAN_EFF_FLAG 0x80000000
        assertEquals("F0DEBC9A0100000055", record("(1.000000) can0 1ABCDEF0#55"));
        // remote frames, standard and extended: CAN_RTR_FLAG 0x40000000, requested length, no data
        assertEquals("2301004000000000", record("(1.000000) can0 123#R"));
        assertEquals("2301004005000000", record("(1.000000) can0 123#R5"));
        assertEquals("F0DEBCDA03000000", record("(1.000000) can0 1ABCDEF0#R3"));
        // CAN FD: flags nibble 1 (BRS) | FDF 0x04 = 0x05; extended id too
        assertEquals("F0DEBC9A0C050000" + "000102030405060708090A0B",
                record("(1.000000) can0 1ABCDEF0##1000102030405060708090A0B"));
        assertEquals("2301000000040000", record("(1.000000) can0 123##0"));
        // error frame: CAN_ERR_FLAG 0x20000000 | class 0x04 (controller), 8 data bytes
        assertEquals("0400002008000000" + "0004000000000000", record("(1.000000) can0 20000004#0004000000000000"));
    }
}
