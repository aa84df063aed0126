package dev.edgeagent.protocols.mcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Lz4FrameTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 65_536, 1 << 20, Lz4Frame.BLOCK_SIZE + 12_345})
    void compressibleDataRoundTrips(int size) {
        byte[] data = text(size);
        try (Lz4Frame lz4 = new Lz4Frame()) {
            int n = lz4.encode(data, 0, data.length);
            assertTrue(n <= lz4.maxFrameLength(size));
            if (size >= 65_536) {
                assertTrue(n < size / 2, "text compresses: " + n + " of " + size);
            }
            assertArrayEquals(data, decode(Arrays.copyOf(lz4.buffer(), n), size));
        }
    }

    @Test
    void incompressibleBlocksAreStoredAndRoundTrip() {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        try (Lz4Frame lz4 = new Lz4Frame()) {
            int n = lz4.encode(data, 0, data.length);
            assertEquals(7 + 4 + data.length + 4, n, "one stored block: header, size word, bytes, end mark");
            assertTrue(lz4.buffer()[7 + 3] < 0, "the block size word has its 'uncompressed' bit set");
            assertArrayEquals(data, decode(Arrays.copyOf(lz4.buffer(), n), data.length));
        }
    }

    @Test
    void encodesFromAnOffsetAndReusesItsBuffer() {
        byte[] data = text(200_000);
        try (Lz4Frame lz4 = new Lz4Frame()) {
            int n1 = lz4.encode(data, 1000, 150_000);
            byte[] first = Arrays.copyOf(lz4.buffer(), n1);
            byte[] buffer = lz4.buffer();
            int n2 = lz4.encode(data, 0, 100_000);
            assertTrue(buffer == lz4.buffer(), "a smaller frame reuses the buffer");
            assertArrayEquals(Arrays.copyOfRange(data, 1000, 151_000), decode(first, 150_000));
            assertArrayEquals(Arrays.copyOf(data, 100_000), decode(Arrays.copyOf(lz4.buffer(), n2), 100_000));
        }
    }

    /** Frames from the lz4 CLI: linked blocks (lz4-java refuses them), block and content checksums, content size. */
    @ParameterizedTest
    @ValueSource(strings = {"linked.lz4", "independent.lz4"})
    void decodesFramesFromTheLz4CommandLine(String fixture) throws IOException {
        byte[] expected = fixtureText();
        CRC32 crc = new CRC32();
        crc.update(expected);
        assertEquals(3936442054L, crc.getValue(), "the regenerated text is the one the fixture was made from");
        assertArrayEquals(expected, decode(resource(fixture), expected.length));
    }

    @Test
    void linkedBlocksReallyReferenceEarlierBlocks() throws IOException {
        byte[] frame = resource("linked.lz4");
        assertEquals(0, frame[4] & 0x20, "FLG says the blocks are linked");
        // decoding block 2 on its own must fail: its matches reach into block 1
        int p = 4 + 2 + 8 + 1;
        int first = (frame[p] & 0xFF) | (frame[p + 1] & 0xFF) << 8 | (frame[p + 2] & 0xFF) << 16;
        int second = p + 4 + first + 4;
        int n = (frame[second] & 0xFF) | (frame[second + 1] & 0xFF) << 8 | (frame[second + 2] & 0xFF) << 16;
        byte[] out = new byte[1 << 16];
        McapFormatException e = assertThrows(McapFormatException.class, () -> Lz4Frame.decodeLinkedBlock(
                frame, second + 4, n, out, 0, out.length, 0, new Lz4Frame.Cursor(0)));
        assertTrue(e.getMessage().contains("reaches before the frame"), e.getMessage());
    }

    @Test
    void corruptionIsReportedWithTheOffset() throws IOException {
        byte[] expected = fixtureText();
        byte[] frame = resource("linked.lz4");
        frame[20_000] ^= 0x40;
        McapFormatException e = assertThrows(McapFormatException.class,
                () -> Lz4Frame.decode(frame, 0, frame.length, new byte[expected.length], 0, expected.length, 1000));
        assertEquals("Chunk", e.record());
        assertTrue(e.field().startsWith("records/lz4"), e.field());
        assertTrue(e.offset() >= 1000 && e.offset() < 1000 + frame.length, "offset " + e.offset());

        byte[] header = resource("independent.lz4");
        header[5] ^= 0x10; // BD changed, header checksum no longer matches
        e = assertThrows(McapFormatException.class,
                () -> Lz4Frame.decode(header, 0, header.length, new byte[expected.length], 0, expected.length, 0));
        assertEquals("records/lz4 HC", e.field());
    }

    @Test
    void outputLongerThanDeclaredIsRefused() {
        byte[] data = text(100_000);
        try (Lz4Frame lz4 = new Lz4Frame()) {
            int n = lz4.encode(data, 0, data.length);
            assertThrows(McapFormatException.class,
                    () -> Lz4Frame.decode(lz4.buffer(), 0, n, new byte[99_999], 0, 99_999, 0));
        }
    }

    @Test
    void skippableFramesAndConcatenatedFramesAreRead() {
        byte[] a = text(70_000);
        byte[] b = text(30_000);
        try (Lz4Frame lz4 = new Lz4Frame()) {
            int na = lz4.encode(a, 0, a.length); // before buffer(): encoding may replace the buffer
            byte[] fa = Arrays.copyOf(lz4.buffer(), na);
            int nb = lz4.encode(b, 0, b.length);
            byte[] fb = Arrays.copyOf(lz4.buffer(), nb);
            byte[] skip = {0x53, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9};
            byte[] all = new byte[fa.length + skip.length + fb.length];
            System.arraycopy(fa, 0, all, 0, fa.length);
            System.arraycopy(skip, 0, all, fa.length, skip.length);
            System.arraycopy(fb, 0, all, fa.length + skip.length, fb.length);
            byte[] out = decode(all, a.length + b.length);
            assertArrayEquals(a, Arrays.copyOf(out, a.length));
            assertArrayEquals(b, Arrays.copyOfRange(out, a.length, out.length));
        }
    }

    static byte[] decode(byte[] frame, int size) {
        byte[] out = new byte[size];
        assertEquals(size, Lz4Frame.decode(frame, 0, frame.length, out, 0, size, 0));
        return out;
    }

    /** Log-like text: compresses about 3:1 with LZ4. */
    static byte[] text(int size) {
        StringBuilder s = new StringBuilder(size + 100);
        for (int i = 0; s.length() < size; i++) {
            s.append(i).append(",can0,0x").append(Integer.toHexString(0x100 + i % 97)).append(",speed=")
                    .append(i % 120).append('\n');
        }
        return Arrays.copyOf(s.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    private static byte[] fixtureText() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            s.append(String.format("%06d sensor=%d value=%d status=%s\n", i, i % 17, (i * 7919) % 10007,
                    i % 5 != 0 ? "OK" : "WARN"));
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Lz4FrameTest.class.getResourceAsStream("/lz4/" + name)) {
            return in.readAllBytes();
        }
    }
}
