package dev.edgeagent.protocols.can.dbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.edgeagent.protocols.can.CanFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Expected values are written out from the frame bytes in each test, never taken from the decoder. */
class DbcDecoderTest {

    private record Value(long raw, double physical, String label, boolean outOfRange) {
    }

    private final DbcDatabase db = TinyDbc.load();
    private final DbcDecoder decoder = new DbcDecoder(db);
    private final Map<String, Value> seen = new LinkedHashMap<>();
    private final SignalVisitor collect = (m, s, raw, physical, label, bad) ->
            seen.put(m.name() + "." + s.name(), new Value(raw, physical, label, bad));

    private DecodeResult decode(int canId, int... bytes) {
        seen.clear();
        byte[] b = new byte[bytes.length + 3];
        for (int i = 0; i < bytes.length; i++) {
            b[i + 3] = (byte) bytes[i];
        }
        return decoder.decode(canId, new UnsafeBuffer(b), 3, bytes.length, collect); // at an offset on purpose
    }

    @Test
    void intelSignalsUnsignedSignedFloatAndValueTable() {
        // F32 = 3.25f = 0x40500000 in bytes 4..7, little-endian
        int[] d = {0xA7, 0x3C, 0x85, 0x02, 0x00, 0x00, 0x50, 0x40};
        assertEquals(DecodeResult.DECODED, decode(100, d));
        assertEquals(List.of("INTEL.U12", "INTEL.S8", "INTEL.GEAR", "INTEL.F32"), List.copyOf(seen.keySet()));
        // U12: bits 4..15 = high nibble of byte 0, then byte 1 above it: 0xA | 0x3C << 4 = 0x3CA = 970
        long u12 = (0xA7 >> 4) | (0x3C << 4);
        assertEquals(970, u12);
        assertEquals(new Value(970, 970 * 0.5 - 10, null, false), seen.get("INTEL.U12"));
        // S8: byte 2 as a signed byte: 0x85 - 256 = -123, below the minimum -100
        assertEquals(new Value(-123, -123, null, true), seen.get("INTEL.S8"));
        // GEAR: byte 3 bits 0..1 = 2 -> "N" from VAL_TABLE_ Gears
        assertEquals(new Value(2, 2, "N", false), seen.get("INTEL.GEAR"));
        // F32: 3.25 * 2 + 1
        int bits = 0x00 | 0x00 << 8 | 0x50 << 16 | 0x40 << 24;
        assertEquals(3.25f, Float.intBitsToFloat(bits));
        assertEquals(new Value(bits, 7.5, null, false), seen.get("INTEL.F32"));
        assertEquals(1, decoder.outOfRange());
        assertEquals(1, decoder.outOfRange(db.message("INTEL").signal("S8")));
        assertEquals(0, decoder.outOfRange(db.message("INTEL").signal("U12")));
    }

    @Test
    void multiplexedSignalsOnlyWithTheirMultiplexorValue() {
        int ext = 0x18FEF1FE | CanFrame.CAN_EFF_FLAG;
        // mux 0: A = bytes 1..2 big-endian as a signed short: 0xFF38 - 65536 = -200 -> -20.0 deg
        assertEquals(DecodeResult.DECODED, decode(ext, 0x00, 0xFF, 0x38, 0, 0, 0, 0, 0x7E));
        assertEquals(List.of("EXT_MUX.MUX", "EXT_MUX.A", "EXT_MUX.TAIL"), List.copyOf(seen.keySet()));
        assertEquals(new Value(0, 0, "angle", false), seen.get("EXT_MUX.MUX"));
        assertEquals(-200, seen.get("EXT_MUX.A").raw());
        assertEquals(-20.0, seen.get("EXT_MUX.A").physical(), 1e-9);
        assertEquals(0x7E, seen.get("EXT_MUX.TAIL").raw()); // TAIL 63|8@0+: byte 7
        // mux 1: B = the same bits unsigned = 65336
        assertEquals(DecodeResult.DECODED, decode(ext, 0x01, 0xFF, 0x38, 0, 0, 0, 0, 0));
        assertEquals(List.of("EXT_MUX.MUX", "EXT_MUX.B", "EXT_MUX.TAIL"), List.copyOf(seen.keySet()));
        assertEquals(new Value(1, 1, "count", false), seen.get("EXT_MUX.MUX"));
        assertEquals(0xFF38, seen.get("EXT_MUX.B").raw());
        // mux 2: neither; no label for 2
        decode(ext, 0x02, 0xFF, 0x38, 0, 0, 0, 0, 0);
        assertEquals(List.of("EXT_MUX.MUX", "EXT_MUX.TAIL"), List.copyOf(seen.keySet()));
        assertNull(seen.get("EXT_MUX.MUX").label());
        // mux 0 with A = 0x0200 = 512 -> 51.2 deg > 50: delivered and flagged
        decode(ext, 0x00, 0x02, 0x00, 0, 0, 0, 0, 0);
        assertTrue(seen.get("EXT_MUX.A").outOfRange());
        assertEquals(51.2, seen.get("EXT_MUX.A").physical(), 1e-9);
        // the same id without the EFF flag is another (unknown) message; so is an id given as standard
        assertEquals(DecodeResult.UNKNOWN_ID, decode(0x18FEF1FE & 0x7FF, 0, 0, 0, 0, 0, 0, 0, 0));
        seen.clear();
        assertEquals(DecodeResult.DECODED, decoder.decode(0x18FEF1FE, true,
                new UnsafeBuffer(new byte[] {1, 0, 5, 0, 0, 0, 0, 0}), 0, 8, collect));
        assertEquals(5, seen.get("EXT_MUX.B").raw());
    }

    @Test
    void canFdSignalsBeyondTheFirstEightBytes() {
        int[] d = new int[64];
        d[0] = 0x11;
        d[7] = 0xA5;
        d[8] = 0x3C;
        // D64 = 1.5 as an IEEE double, little-endian in bytes 16..23: 0x3FF8000000000000
        d[22] = 0xF8;
        d[23] = 0x3F;
        d[61] = 0x12;
        d[62] = 0x34;
        assertEquals(DecodeResult.DECODED, decode(200, d));
        assertEquals(0x11, seen.get("FD.FIRST").raw());
        // X_SPAN 60|12@1+: high nibble of byte 7 (bits 60..63), then byte 8 above it
        assertEquals((0xA5 >> 4) | (0x3C << 4), seen.get("FD.X_SPAN").raw());
        // M_SPAN 59|12@0+: MSB is bit 3 of byte 7; byte 7 bits 3..0 are the top 4 bits, byte 8 the low 8
        assertEquals(((0xA5 & 0x0F) << 8) | 0x3C, seen.get("FD.M_SPAN").raw());
        assertEquals(0x3FF8000000000000L, seen.get("FD.D64").raw());
        assertEquals(1.5, seen.get("FD.D64").physical());
        // M_BE 495|16@0+: MSB is bit 7 of byte 61 -> bytes 61, 62 big-endian
        assertEquals(0x1234, seen.get("FD.M_BE").raw());
    }

    @Test
    void shortMessagesWideSignalsAndTheFrameErrors() {
        // SHORT3: 3 bytes, X = 0|24@1+
        assertEquals(DecodeResult.DECODED, decode(300, 0x01, 0x02, 0x03));
        assertEquals(0x030201, seen.get("SHORT3.X").raw());
        // longer than the DLC: still decoded
        assertEquals(DecodeResult.DECODED, decode(300, 0x01, 0x02, 0x03, 0xFF));
        assertEquals(0x030201, seen.get("SHORT3.X").raw());
        assertEquals(DecodeResult.TOO_SHORT, decode(300, 0x01, 0x02));
        assertTrue(seen.isEmpty());
        assertEquals(1, decoder.tooShortFrames());
        assertEquals(1, decoder.tooShortFrames(db.message("SHORT3")));
        assertEquals(2, decoder.decodedFrames(db.message("SHORT3")));
        // WIDE64: all 64 bits, unsigned, top bit set
        assertEquals(DecodeResult.DECODED, decode(301, 0x01, 0, 0, 0, 0, 0, 0, 0x80));
        assertEquals(0x8000000000000001L, seen.get("WIDE64.ALL").raw());
        assertEquals(9.223372036854775808E18, seen.get("WIDE64.ALL").physical(), 1e4);
        // remote and error frames carry no signals
        assertEquals(DecodeResult.NOT_DATA_FRAME, decode(100 | CanFrame.CAN_RTR_FLAG));
        assertEquals(DecodeResult.NOT_DATA_FRAME, decode(CanFrame.CAN_ERR_FLAG | 4, 0, 0, 0, 0, 0, 0, 0, 0));
        assertEquals(2, decoder.notDataFrames());
        // unknown ids are counted per id, standard and extended apart
        decode(0x7FF, 1);
        decode(0x7FF, 1);
        decode(0x7FF | CanFrame.CAN_EFF_FLAG, 1);
        assertEquals(2, decoder.unknownFrames(0x7FF));
        assertEquals(1, decoder.unknownFrames(0x7FF | CanFrame.CAN_EFF_FLAG));
        assertEquals(0, decoder.unknownFrames(0x123));
        assertEquals(2, decoder.unknownIds());
        assertEquals(3, decoder.unknownFrames());
        Map<Long, Long> perId = new HashMap<>();
        decoder.forEachUnknownId(perId::put);
        assertEquals(Map.of(0x7FFL, 2L, 0x800007FFL, 1L), perId);
        assertEquals(3 + 1 + 2 + 3, decoder.frames());
    }

    @Test
    void storedRecordsInTheCanFrameLayout() {
        CanFrame f = new CanFrame().set(100, 8, 0, 0, new UnsafeBuffer(new byte[] {0x10, 0, 0, 3, 0, 0, 0, 0}), 0);
        UnsafeBuffer record = new UnsafeBuffer(new byte[40]);
        int n = f.encode(record, 5);
        assertEquals(16, n);
        seen.clear();
        assertEquals(DecodeResult.DECODED, decoder.decodeRecord(record, 5, n, collect));
        assertEquals(1, seen.get("INTEL.U12").raw()); // 0x10 >> 4
        assertEquals("D", seen.get("INTEL.GEAR").label());
        assertEquals(DecodeResult.BAD_RECORD, decoder.decodeRecord(record, 5, n - 1, collect));
        assertEquals(DecodeResult.BAD_RECORD, decoder.decodeRecord(record, 5, 7, collect));
        assertEquals(2, decoder.badRecords());
        seen.clear();
        assertEquals(DecodeResult.DECODED, decoder.decode(f, collect));
        assertEquals(4, seen.size());
    }

    @Test
    void decodingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        UnsafeBuffer fd = new UnsafeBuffer(new byte[64]);
        UnsafeBuffer classic = new UnsafeBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        long[] sink = new long[1];
        SignalVisitor v = (m, s, raw, physical, label, bad) -> sink[0] += raw + (long) physical + (bad ? 1 : 0);
        int ext = 0x18FEF1FE | CanFrame.CAN_EFF_FLAG;
        decoder.decode(0x7FF, classic, 0, 8, v); // the unknown id's counter slot exists from here on
        for (int round = 0; round < 3; round++) { // warm-up rounds, then measure the last
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 20_000; i++) {
                decoder.decode(100, classic, 0, 8, v);
                decoder.decode(ext, classic, 0, 8, v);
                decoder.decode(200, fd, 0, 64, v);
                decoder.decode(300, classic, 0, 3, v);
                decoder.decode(300, classic, 0, 2, v);
                decoder.decode(0x7FF, classic, 0, 8, v);
            }
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 2) {
                // a few bytes of JIT/MXBean noise at most: one allocation per frame would be >= 1.9 MB
                assertTrue(allocated < 1_000, allocated + " bytes allocated over 120 000 decodes");
            }
        }
        assertFalse(sink[0] == 0);
    }

    @Test
    void visitorSeesTheDatabaseObjects() {
        List<DbcSignal> signals = new ArrayList<>();
        decoder.decode(100, new UnsafeBuffer(new byte[8]), 0, 8, (m, s, raw, physical, label, bad) -> signals.add(s));
        assertEquals(db.message("INTEL").signals(), signals);
    }
}
