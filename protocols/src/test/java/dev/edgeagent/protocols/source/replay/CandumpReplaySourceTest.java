package dev.edgeagent.protocols.source.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.edgeagent.protocols.can.CanFrame;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.CollectingSink.Captured;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandumpReplaySourceTest {

    static final Path LOG = TestData.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log");
    private static final Pattern LINE = Pattern.compile("^\\((\\d+)\\.(\\d{6})\\) (\\S+) ([0-9A-F]{3})#([0-9A-F]*)$");

    @TempDir
    Path dir;

    final List<String> bad = new ArrayList<>();
    final AtomicLong mono = new AtomicLong(0);

    CandumpReplaySource source(CandumpReplaySettings settings, CollectingSink sink) {
        return new CandumpReplaySource(settings, sink, (kind, offset, detail) -> bad.add(kind + "@" + offset + " " + detail),
                () -> 42L, mono::get);
    }

    /** The expected record of one log line, computed with a regex and hand-built bytes, not the production codec. */
    static byte[] expectedPayload(Matcher m) {
        byte[] data = HexFormat.of().parseHex(m.group(5));
        int id = Integer.parseInt(m.group(4), 16);
        byte[] out = new byte[8 + data.length];
        out[0] = (byte) id;
        out[1] = (byte) (id >>> 8);
        out[4] = (byte) data.length;
        System.arraycopy(data, 0, out, 8, data.length);
        return out;
    }

    static long expectedTime(Matcher m) {
        return new BigDecimal(m.group(1) + "." + m.group(2)).movePointRight(9).longValueExact();
    }

    static List<Matcher> regexLines(List<String> lines) {
        List<Matcher> out = new ArrayList<>();
        for (String l : lines) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void wholeLogByteForByteWithKeysAndTimes() throws IOException {
        List<Matcher> expected = regexLines(Files.readAllLines(LOG, StandardCharsets.US_ASCII));
        assertEquals(28835, expected.size());
        CollectingSink sink = new CollectingSink();
        CandumpReplaySource s = source(CandumpReplaySettings.of(LOG), sink);
        PcapReplaySourceTest.drain(s);
        List<Captured> got = sink.records();
        assertEquals(28835, got.size());
        long bytes = 0;
        for (int i = 0; i < got.size(); i++) {
            Matcher m = expected.get(i);
            assertArrayEquals(expectedPayload(m), got.get(i).payload(), "line " + (i + 1));
            assertEquals(expectedTime(m), got.get(i).sensorTimeNs(), "line " + (i + 1));
            assertEquals("can0", got.get(i).keyString());
            assertEquals(42L, got.get(i).receiveWallNs());
            bytes += got.get(i).payload().length;
        }
        assertEquals(28835, s.recordsAppended());
        assertEquals(bytes, s.payloadBytes());
        assertEquals(0, s.badInputs());
        assertEquals(0, s.filteredOut());
        // the payload decodes with the codec too
        CanFrame f = new CanFrame().decode(new org.agrona.concurrent.UnsafeBuffer(got.get(1).payload()), 0,
                got.get(1).payload().length);
        assertEquals(0x14A, f.id());
        assertEquals(8, f.length());
    }

    @Test
    void interfaceFilter() throws IOException {
        Path mixed = dir.resolve("mixed.log");
        Files.writeString(mixed, "(1.000001) can0 123#01\n(1.000002) vcan1 456#0203\n(1.000003) can0 1FFFFFFF#R\n"
                + "(1.000004) can1 7FF##10102\n");
        CollectingSink sink = new CollectingSink();
        CandumpReplaySource s = source(CandumpReplaySettings.of(mixed, "can0", "can1"), sink);
        PcapReplaySourceTest.drain(s);
        assertEquals(3, sink.size());
        assertEquals(List.of("can0", "can0", "can1"), sink.records().stream().map(Captured::keyString).toList());
        assertEquals(1, s.filteredOut());
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xDF, 0, 0, 0, 0},
                sink.records().get(1).payload(), "extended remote frame: EFF|RTR|id, no data");
        assertArrayEquals(new byte[] {(byte) 0xFF, 0x07, 0, 0, 2, 0x05, 0, 0, 0x01, 0x02},
                sink.records().get(2).payload(), "FD frame: BRS|FDF");

        CollectingSink none = new CollectingSink();
        CandumpReplaySource other = source(CandumpReplaySettings.of(LOG, "can1"), none);
        PcapReplaySourceTest.drain(other);
        assertEquals(0, none.size());
        assertEquals(28835, other.filteredOut());
    }

    @Test
    void brokenLinesInTheMiddleAreReportedWithLineNumbersAndEveryGoodFrameIsPlayed() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(LOG, StandardCharsets.US_ASCII).subList(0, 1000));
        List<Matcher> expected = regexLines(lines);
        lines.add(100, "(1674148740.000000) can0 12G#00");            // line 101
        lines.add(500, "\u0000\u0001binary junk");                     // line 501
        lines.add(700, "(1674148741.1) can0 123#0102030405060708090A"); // line 701
        lines.add(900, "(1674148742.5) can0 123#01"
                .substring(0, 20));                                   // line 901, cut short
        Path file = dir.resolve("broken.log");
        Files.write(file, lines, StandardCharsets.ISO_8859_1);
        CollectingSink sink = new CollectingSink();
        CandumpReplaySource s = source(CandumpReplaySettings.of(file), sink);
        PcapReplaySourceTest.drain(s);
        assertEquals(1000, sink.size());
        for (int i = 0; i < 1000; i++) {
            assertArrayEquals(expectedPayload(expected.get(i)), sink.records().get(i).payload());
        }
        assertEquals(4, s.badInputs());
        assertEquals(4, bad.size());
        assertTrue(bad.get(0).startsWith("bad-line@101 "), bad.get(0));
        assertTrue(bad.get(0).contains("line 101, column 28: expected a hex digit of the CAN id or '#', found 'G'"),
                bad.get(0));
        assertTrue(bad.get(1).startsWith("bad-line@501 "), bad.get(1));
        assertTrue(bad.get(2).startsWith("bad-line@701 "), bad.get(2));
        assertTrue(bad.get(2).contains("more than 8 data bytes"), bad.get(2));
        assertTrue(bad.get(3).startsWith("bad-line@901 "), bad.get(3));
    }

    @Test
    void missingFileReportedOnce() {
        CollectingSink sink = new CollectingSink();
        CandumpReplaySource s = source(CandumpReplaySettings.of(dir.resolve("none.log")), sink);
        for (int i = 0; i < 3; i++) {
            s.doWork();
        }
        assertTrue(s.exhausted());
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("unreadable-file@-1 "), bad.get(0));
    }

    @Test
    void resumeRefusalsAndPacing() throws IOException {
        Path file = dir.resolve("head.log");
        Files.write(file, Files.readAllLines(LOG, StandardCharsets.US_ASCII).subList(0, 600));
        CollectingSink full = new CollectingSink();
        PcapReplaySourceTest.drain(source(CandumpReplaySettings.of(file), full));

        CollectingSink tail = new CollectingSink();
        tail.hook(call -> call % 2 == 0); // refuse every other append
        CandumpReplaySource resumed = source(CandumpReplaySettings.of(file), tail);
        resumed.skipRecords(450);
        PcapReplaySourceTest.drain(resumed);
        assertEquals(150, tail.size());
        for (int i = 0; i < 150; i++) {
            assertArrayEquals(full.records().get(450 + i).payload(), tail.records().get(i).payload());
            assertEquals(full.records().get(450 + i).sensorTimeNs(), tail.records().get(i).sensorTimeNs());
        }
        assertEquals(149, resumed.appendsRefused(), "calls 1, 3, ... 297 were refused");
        assertEquals(tail.refusals(), resumed.appendsRefused());

        // original timing at 10x: after the first frame, nothing more until the clock reaches the next due time
        CollectingSink paced = new CollectingSink();
        CandumpReplaySource p = source(CandumpReplaySettings.of(file).withPacing(ReplayPacing.originalTiming(10)), paced);
        mono.set(1_000_000);
        p.doWork();
        long t0 = full.records().get(0).sensorTimeNs();
        int firstBatch = paced.size();
        assertTrue(firstBatch >= 1);
        long nextDue = 1_000_000 + (full.records().get(firstBatch).sensorTimeNs() - t0) / 10;
        assertTrue(nextDue > 1_000_000);
        mono.set(nextDue - 1);
        assertEquals(0, p.doWork());
        assertEquals(firstBatch, paced.size());
        mono.set(nextDue);
        assertTrue(p.doWork() > 0);
        assertTrue(paced.size() > firstBatch);
        // jump to the end of the log's time span: everything is due, delivered in bounded batches
        mono.set(Long.MAX_VALUE / 2);
        PcapReplaySourceTest.drain(p);
        assertEquals(600, paced.size());
        assertFalse(bad.size() > 0, bad.toString());
    }
}
