package dev.edgeagent.protocols.can;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandumpParserTest {

    /** The independent reading: a regex over the lines of the classic-frame log. */
    private static final Pattern LINE = Pattern.compile("^\\((\\d+)\\.(\\d{6})\\) (\\S+) ([0-9A-F]{3})#([0-9A-F]*)$");

    @TempDir
    Path dir;

    private final CandumpParser parser = new CandumpParser();

    private boolean parse(String line) {
        byte[] b = ("xx" + line).getBytes(StandardCharsets.ISO_8859_1);
        return parser.parse(new UnsafeBuffer(b), 2, b.length - 2, 7, 100);
    }

    private String data() {
        byte[] d = new byte[parser.frame().dataBytes()];
        parser.frame().data().getBytes(0, d);
        return HexFormat.of().withUpperCase().formatHex(d);
    }

    @Test
    void bundledLogMatchesARegexReadingIdByIdAndFrameByFrame() throws IOException {
        Path log = TestData.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log");
        List<String> lines = Files.readAllLines(log, StandardCharsets.US_ASCII);
        Map<Integer, Integer> expectedPerId = new TreeMap<>();
        List<Matcher> matches = new ArrayList<>();
        for (String l : lines) {
            Matcher m = LINE.matcher(l);
            assertTrue(m.matches(), l);
            matches.add(m);
            expectedPerId.merge(Integer.parseInt(m.group(4), 16), 1, Integer::sum);
        }
        assertEquals(28835, matches.size());
        assertEquals(57, expectedPerId.size());

        Map<Integer, Integer> perId = new TreeMap<>();
        int i = 0;
        try (CandumpReader r = CandumpReader.open(log)) {
            while (r.next()) {
                Matcher m = matches.get(i);
                CanFrame f = r.frame();
                perId.merge(f.id(), 1, Integer::sum);
                long ts = new BigDecimal(m.group(1) + "." + m.group(2)).movePointRight(9).longValueExact();
                assertEquals(ts, r.timestampNanos(), "line " + (i + 1));
                assertEquals(i + 1, r.lineNumber());
                assertTrue(r.interfaceEquals("can0".getBytes()));
                assertFalse(f.extended() || f.remote() || f.fd() || f.error());
                byte[] d = new byte[f.length()];
                f.data().getBytes(0, d);
                assertEquals(m.group(5), HexFormat.of().withUpperCase().formatHex(d), "line " + (i + 1));
                i++;
            }
        }
        assertEquals(28835, i);
        assertEquals(expectedPerId, perId);
        // a few frames spelled out (first lines of the file)
        assertEquals("(1674148739.212264) can0 112#FF0015", lines.get(0));
        assertTrue(parse(lines.get(0)));
        assertEquals(0x112, parser.frame().canId());
        assertEquals("FF0015", data());
        assertEquals(1_674_148_739_212_264_000L, parser.timestampNanos());
        assertTrue(parse(lines.get(1)));
        assertEquals(0x14A, parser.frame().id());
        assertEquals(8, parser.frame().length());
        assertEquals("FFF1000007FFF124", data());
    }

    @Test
    void syntaxVariants() {
        assertTrue(parse("(0000000001.5) vcan0 1ABCDEF0#11.22.33"));
        assertEquals(0x1ABCDEF0 | CanFrame.CAN_EFF_FLAG, parser.frame().canId());
        assertEquals("112233", data());
        assertEquals(1_500_000_000L, parser.timestampNanos());
        assertEquals(5, parser.interfaceLength());

        assertTrue(parse("(1.000001) can1 123#R"));
        assertTrue(parser.frame().remote());
        assertEquals(0, parser.frame().length());
        assertTrue(parse("(1.000001) can1 123#R5"));
        assertEquals(5, parser.frame().length());
        assertEquals(0, parser.frame().dataBytes());
        assertTrue(parse("(1.000001) can1 123#R8_E"));
        assertEquals(14, parser.frame().len8Dlc());

        assertTrue(parse("(1.000001) can1 123##3" + "AB".repeat(64)));
        assertTrue(parser.frame().fd());
        assertEquals(CanFrame.CANFD_FDF | CanFrame.CANFD_BRS | CanFrame.CANFD_ESI, parser.frame().flags());
        assertEquals(64, parser.frame().length());
        assertTrue(parse("(1.000001) can1 123##0"));
        assertEquals(0, parser.frame().length());
        assertTrue(parser.frame().fd());

        assertTrue(parse("(1.000001) can1 7FF#0102030405060708_9"));
        assertEquals(9, parser.frame().len8Dlc());

        assertTrue(parse("(1.000001) can1 20000004#0004000000000000"));
        assertTrue(parser.frame().error());
        assertFalse(parser.frame().extended());
        assertEquals(CanFrame.CAN_ERR_FLAG | 4, parser.frame().canId());

        assertTrue(parse("(1.000001) can1 123#abcd T\r"));
        assertEquals("ABCD", data());
        assertTrue(parse("(1.000001)   can1   123#"));
        assertEquals(0, parser.frame().length());
        assertFalse(parse("   "));
        assertFalse(parse(""));
    }

    @Test
    void badLinesNameLineColumnAndExpectation() {
        assertError("1674149059.123456) can0 123#00", 1, "expected '('");
        assertError("(1674149059) can0 123#00", 12, "expected '.'");
        assertError("(1674149059.123456 can0 123#00", 19, "expected ')'");
        assertError("(1.1) can0", 11, "expected a space and then the frame");
        assertError("(1.1) can0 12#00", 12, "3-digit (standard) or 8-digit (extended)");
        assertError("(1.1) can0 800#00", 12, "exceeds 0x7FF");
        assertError("(1.1) can0 123#0", 17, "second hex digit");
        assertError("(1.1) can0 123#0G", 17, "second hex digit of data byte 0, found 'G'");
        assertError("(1.1) can0 123#010203040506070809", 32, "more than 8 data bytes for a classic CAN frame");
        assertError("(1.1) can0 123##X00", 17, "flags nibble");
        assertError("(1.1) can0 123#R9", 17, "requested length 0..8");
        assertError("(1.1) can0 123#0102_9", 20, "only allowed after exactly 8 data bytes");
        assertError("(1.1) can0 123#0102 junk", 21, "expected the end of the line");
        assertError("(1.1) can0 123", 15, "expected '#'");
        assertError("(1.1) can0 1234#00", 12, "found 4 digits");
        assertError("(1.1) can0 12Z#00", 14, "found 'Z'");
    }

    private void assertError(String line, int column, String expectation) {
        CandumpFormatException e = assertThrows(CandumpFormatException.class, () -> parse(line), line);
        assertEquals(7, e.lineNumber());
        assertEquals(column, e.column(), line + " -> " + e.getMessage());
        assertTrue(e.getMessage().contains(expectation), e.getMessage());
        assertTrue(e.getMessage().startsWith("line 7, column " + column + ": "), e.getMessage());
        assertEquals(100, e.byteOffset());
    }

    @Test
    void readerGoesOnAfterBadLinesAndOverlongLines() throws IOException {
        String good = "(1.000001) can0 123#01\n";
        StringBuilder text = new StringBuilder();
        text.append(good).append("garbage here\n").append("\n").append(good);
        text.append("x".repeat(10_000)).append('\n').append(good);
        text.append("y".repeat(100_000)).append('\n'); // longer than the reader's buffer
        text.append("(2.5) can1 456#FF"); // no final newline
        Path file = dir.resolve("mixed.log");
        Files.writeString(file, text.toString());
        List<Long> goodLines = new ArrayList<>();
        List<CandumpFormatException> errors = new ArrayList<>();
        try (CandumpReader r = CandumpReader.open(file)) {
            while (true) {
                try {
                    if (!r.next()) {
                        break;
                    }
                    goodLines.add(r.lineNumber());
                } catch (CandumpFormatException e) {
                    errors.add(e);
                }
            }
        }
        assertEquals(List.of(1L, 4L, 6L, 8L), goodLines);
        assertEquals(3, errors.size());
        assertEquals(7, errors.get(2).lineNumber());
        assertTrue(errors.get(2).getMessage().contains("longer than"), errors.get(2).getMessage());
        assertEquals(2, errors.get(0).lineNumber());
        assertEquals(good.length(), errors.get(0).byteOffset());
        assertEquals(5, errors.get(1).lineNumber());
        assertTrue(errors.get(1).getMessage().contains("longer than"), errors.get(1).getMessage());
    }

    @Test
    void encodingOfAParsedFrameDecodesToTheSameFrame() {
        assertTrue(parse("(1.1) can0 1ABCDEF0##1" + "5A".repeat(12)));
        UnsafeBuffer out = new UnsafeBuffer(new byte[CanFrame.MAX_ENCODED_LENGTH]);
        int n = parser.frame().encode(out, 0);
        assertEquals(20, n);
        CanFrame back = new CanFrame().decode(out, 0, n);
        assertEquals(parser.frame().canId(), back.canId());
        assertEquals(parser.frame().flags(), back.flags());
        byte[] a = new byte[12];
        back.data().getBytes(0, a);
        byte[] expected = new byte[12];
        java.util.Arrays.fill(expected, (byte) 0x5A);
        assertArrayEquals(expected, a);
    }
}
