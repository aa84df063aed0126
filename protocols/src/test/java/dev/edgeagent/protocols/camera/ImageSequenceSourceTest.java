package dev.edgeagent.protocols.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.replay.ReplayPacing;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image sequence source over the EuRoC cam0 subset (CSV index) and over a directory with bad files mixed in. */
class ImageSequenceSourceTest {

    private record Bad(String kind, long offset, String detail) {
    }

    /** The test's own reading of the EuRoC index: {ts, name} rows after the '#' header. */
    private static List<String[]> eurocRows(Path csv) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (!line.startsWith("#") && !line.isBlank()) {
                rows.add(line.strip().split(","));
            }
        }
        return rows;
    }

    private static void drain(ImageSequenceSource s) {
        for (int i = 0; i < 1000 && !s.exhausted(); i++) {
            s.doWork();
        }
        assertTrue(s.exhausted());
    }

    @Test
    void eurocIndexGivesOrderSensorTimesAndBytes() throws IOException {
        Path csv = TestData.sample("euroc/cam0/data.csv");
        List<String[]> rows = eurocRows(csv);
        assertEquals(5, rows.size());
        CollectingSink sink = new CollectingSink();
        List<Bad> bad = new ArrayList<>();
        ImageSequenceSource s = new ImageSequenceSource(ImageSequenceSettings.ofEurocCsv(csv, "cam0"), sink,
                (k, o, d) -> bad.add(new Bad(k, o, d)));
        drain(s);
        assertTrue(bad.isEmpty(), bad.toString());
        assertEquals(5, sink.size());
        for (int i = 0; i < 5; i++) {
            CollectingSink.Captured r = sink.records().get(i);
            assertEquals(Long.parseLong(rows.get(i)[0]), r.sensorTimeNs());
            assertArrayEquals(Files.readAllBytes(csv.getParent().resolve("data").resolve(rows.get(i)[1])), r.payload());
            assertEquals("cam0", r.keyString());
        }
        assertEquals(752, s.lastHeader().width());
        assertEquals(480, s.lastHeader().height());
        assertEquals(5, s.recordsAppended());
    }

    @Test
    void originalTimingReleasesEachImageAtItsSensorTime() throws IOException {
        Path csv = TestData.sample("euroc/cam0/data.csv");
        List<String[]> rows = eurocRows(csv);
        AtomicLong mono = new AtomicLong(1_000_000_000L);
        CollectingSink sink = new CollectingSink();
        ImageSequenceSource s = new ImageSequenceSource(
                ImageSequenceSettings.ofEurocCsv(csv, "cam0").withPacing(ReplayPacing.originalTiming(1.0)), sink,
                null, () -> 42L, mono::get);
        s.doWork();
        assertEquals(1, sink.size()); // the first image anchors the timeline
        for (int i = 1; i < rows.size(); i++) {
            long gap = Long.parseLong(rows.get(i)[0]) - Long.parseLong(rows.get(i - 1)[0]);
            mono.addAndGet(gap - 1);
            s.doWork();
            assertEquals(i, sink.size(), "image " + i + " is not due 1 ns early");
            mono.addAndGet(1);
            s.doWork();
            assertEquals(i + 1, sink.size(), "image " + i + " is due at its sensor time");
        }
        assertEquals(42L, sink.records().get(0).receiveWallNs());
    }

    @Test
    void directoryByNameSkipsAndReportsBadFiles(@TempDir Path dir) throws IOException {
        byte[] jpgA = Files.readAllBytes(TestData.sample("camera/udacity_solidWhiteCurve.jpg"));
        byte[] jpgB = Files.readAllBytes(TestData.sample("camera/udacity_solidYellowCurve.jpg"));
        byte[] png = Files.readAllBytes(TestData.sample("euroc/cam0/data/1403715273262142976.png"));
        Files.write(dir.resolve("b_frame.JPG"), jpgB);
        Files.write(dir.resolve("a_frame.jpg"), jpgA);
        Files.write(dir.resolve("c_frame.png"), png);
        Files.write(dir.resolve("d_garbage.jpg"), "not an image".getBytes());
        Files.write(dir.resolve("e_truncated.jpeg"), Arrays.copyOf(jpgA, 100)); // cut before the SOF
        Files.createDirectory(dir.resolve("f_dir.png"));
        Files.write(dir.resolve("g_big.jpg"), Arrays.copyOf(jpgA, png.length + 1)); // valid header, one byte too many
        Files.write(dir.resolve("notes.txt"), "ignored".getBytes());
        CollectingSink sink = new CollectingSink();
        List<Bad> bad = new ArrayList<>();
        ImageSequenceSource s = new ImageSequenceSource(ImageSequenceSettings.ofDirectory(dir, "")
                .withMaxFrameBytes(png.length), sink, (k, o, d) -> bad.add(new Bad(k, o, d)));
        drain(s);
        List<byte[]> payloads = sink.records().stream().map(CollectingSink.Captured::payload).toList();
        // sorted by name: a_frame, b_frame, c_frame, then the bad ones; notes.txt is not an image name
        assertEquals(3, payloads.size(), bad.toString());
        assertArrayEquals(jpgA, payloads.get(0));
        assertArrayEquals(jpgB, payloads.get(1));
        assertArrayEquals(png, payloads.get(2));
        for (CollectingSink.Captured r : sink.records()) {
            assertEquals(RecordSink.NO_SENSOR_TIME, r.sensorTimeNs());
            assertEquals(0, r.key().length);
        }
        assertEquals(List.of("not-an-image", "truncated-image", "unreadable-file", "oversized-frame"),
                bad.stream().map(Bad::kind).toList());
        assertEquals(0, bad.get(0).offset());
        // the segment whose length runs past byte 100 starts where the test's own walk says
        int p = 2;
        while (p + 4 + (((jpgA[p + 2] & 0xFF) << 8) | (jpgA[p + 3] & 0xFF)) <= 100) {
            p += 2 + (((jpgA[p + 2] & 0xFF) << 8) | (jpgA[p + 3] & 0xFF));
        }
        assertEquals(p, bad.get(1).offset(), bad.get(1).toString());
        assertTrue(bad.get(2).detail().contains("f_dir.png"));
        assertTrue(bad.get(3).detail().contains("g_big.jpg"));
        assertEquals(4, s.badInputs());
    }

    @Test
    void badIndexLinesAreReportedByLineNumber(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.copy(TestData.sample("camera/udacity_solidWhiteCurve.jpg"), data.resolve("1.jpg"));
        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "#timestamp [ns],filename\r\n100,1.jpg\r\nnot-a-number,1.jpg\r\n\r\n300,missing.jpg\r\n400,1.jpg\r\n");
        CollectingSink sink = new CollectingSink();
        List<Bad> bad = new ArrayList<>();
        ImageSequenceSource s = new ImageSequenceSource(ImageSequenceSettings.ofEurocCsv(csv, "c").withLoop(true),
                sink, (k, o, d) -> bad.add(new Bad(k, o, d)));
        for (int i = 0; i < 3; i++) {
            s.doWork();
        }
        // the bad line is reported once per pass; looping plays 100, 400, 100, 400, ...
        assertTrue(sink.size() >= 4, "records " + sink.size());
        assertEquals(List.of(100L, 400L, 100L, 400L), sink.records().subList(0, 4).stream()
                .map(CollectingSink.Captured::sensorTimeNs).toList());
        assertEquals("bad-line", bad.get(0).kind());
        assertEquals(3, bad.get(0).offset());
        assertEquals("unreadable-file", bad.get(1).kind());
        assertTrue(bad.get(1).detail().contains("missing.jpg"));
    }
}
