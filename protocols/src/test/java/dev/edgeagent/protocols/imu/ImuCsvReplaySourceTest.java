package dev.edgeagent.protocols.imu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImuCsvReplaySourceTest {

    @TempDir
    Path tmp;

    private static List<CollectingSink.Captured> replay(Path csv, ImuCsvMapping mapping, List<String> bad) {
        CollectingSink sink = new CollectingSink();
        ImuCsvReplaySource source = new ImuCsvReplaySource(ImuCsvReplaySettings.of(csv, mapping), sink,
                (k, o, d) -> bad.add(k + "@" + o));
        int guard = 0;
        while (!source.exhausted() && guard++ < 1_000_000) {
            source.doWork();
        }
        assertEquals(bad.size(), source.badInputs());
        return sink.records();
    }

    private static ImuSample decode(CollectingSink.Captured c) {
        ImuSample s = new ImuSample();
        ImuRecord.decode(new UnsafeBuffer(c.payload()), 0, c.payload().length, s);
        return s;
    }

    @Test
    void xioPresetConvertsDegreesAndG() throws Exception {
        Path csv = TestData.sample("imu/xio_fusion_sensor_data.csv");
        List<String> bad = new ArrayList<>();
        List<CollectingSink.Captured> records = replay(csv, ImuCsvMapping.XIO, bad);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.US_ASCII);
        assertEquals(List.of(), bad);
        assertEquals(13514, lines.size() - 1);
        assertEquals(13514, records.size());
        // first row: 0,0.01644619,-0.1517251,0.1080897,0.001015204,-0.02045836,0.9970807,15.3017,0.4328527,-41.06483
        ImuSample first = decode(records.get(0));
        assertEquals(0, first.timeNs);
        assertEquals(0.01644619 * Math.PI / 180, first.gyroX, 1e-15);
        assertEquals(-0.1517251 * Math.PI / 180, first.gyroY, 1e-15);
        assertEquals(0.1080897 * Math.PI / 180, first.gyroZ, 1e-15);
        assertEquals(0.001015204 * 9.80665, first.accelX, 1e-15);
        assertEquals(-0.02045836 * 9.80665, first.accelY, 1e-15);
        assertEquals(0.9970807 * 9.80665, first.accelZ, 1e-14);
        assertTrue(first.hasMagneticField);
        assertFalse(first.hasOrientation);
        assertEquals(15.3017, first.magX, 1e-12);
        assertEquals(-41.06483, first.magZ, 1e-12);
        assertEquals(0, records.get(0).key().length);
        // second row's time 0.010078907 s, exactly 10 078 907 ns
        assertEquals(10_078_907L, records.get(1).sensorTimeNs());
        // every row's time from the text: seconds to ns by hand (integer and fraction digits)
        for (int i = 0; i < records.size(); i++) {
            String t = lines.get(i + 1).split(",")[0];
            long ns;
            if (t.contains("E") || t.contains("e")) {
                ns = Math.round(Double.parseDouble(t) * 1e9);
            } else {
                String[] p = t.split("\\.");
                String frac = p.length > 1 ? (p[1] + "000000000").substring(0, 9) : "0";
                ns = Long.parseLong(p[0]) * 1_000_000_000L + Long.parseLong(frac);
            }
            assertEquals(ns, records.get(i).sensorTimeNs(), "row " + (i + 1));
        }
        // 135.326642 s, ≈100 Hz
        long last = records.get(records.size() - 1).sensorTimeNs();
        assertEquals(135_326_642_000L, last);
        double rate = (records.size() - 1) / (last / 1e9);
        assertTrue(rate > 99 && rate < 101, "rate " + rate);
        // a row with "5.40E-05" in accel x (row 13513): E notation read
        ImuSample penultimate = decode(records.get(13512));
        assertEquals(5.40E-05 * 9.80665, penultimate.accelX, 1e-15);
    }

    @Test
    void eurocPresetKeepsNanosecondStampsAndSiUnits() throws Exception {
        Path csv = TestData.sample("euroc/imu0/data.csv");
        List<String> bad = new ArrayList<>();
        List<CollectingSink.Captured> records = replay(csv, ImuCsvMapping.EUROC, bad);
        assertEquals(List.of(), bad);
        assertEquals(2000, records.size());
        assertEquals(1403715273262142976L, records.get(0).sensorTimeNs());
        ImuSample first = decode(records.get(0));
        assertEquals(1403715273262142976L, first.timeNs);
        assertEquals(-0.0020943951023931952, first.gyroX, 0);
        assertEquals(9.0874956666666655, first.accelX, 1e-15);
        assertFalse(first.hasMagneticField);
        // 200 Hz: 1999 intervals of ~5 ms
        long span = records.get(1999).sensorTimeNs() - records.get(0).sensorTimeNs();
        assertEquals(1403715283257143040L - 1403715273262142976L, span);
        assertEquals(5e6, span / 1999.0, 1e4);
    }

    @Test
    void badRowsAreReportedWithLineNumbersAndSkipped() throws Exception {
        Path csv = tmp.resolve("custom.csv");
        Files.writeString(csv, String.join("\n",
                "t_ms;ax;ay;az;gx;gy;gz",
                "1000.5;0;0;1;90;0;0",
                "1001.5;0;0;x;90;0;0",     // line 3: bad accel z
                "",                         // blank: skipped silently
                "1002.5;0;0;1",            // line 5: too few columns
                "1003.5;0.5;0;1;0;-180;0") + "\n");
        ImuCsvMapping custom = new ImuCsvMapping(1, ';', 0, ImuUnits.Time.MS, 1_700_000_000_000_000_000L,
                new int[] {4, 5, 6}, ImuUnits.AngularVelocity.DEG_S, new int[] {1, 2, 3}, ImuUnits.Acceleration.G,
                null, null, ImuUnits.MagneticField.UT);
        List<String> bad = new ArrayList<>();
        List<CollectingSink.Captured> records = replay(csv, custom, bad);
        assertEquals(List.of("bad-row@3", "bad-row@5"), bad);
        assertEquals(2, records.size());
        assertEquals(1_700_000_000_000_000_000L + 1_000_500_000L, records.get(0).sensorTimeNs());
        ImuSample a = decode(records.get(0));
        assertEquals(Math.PI / 2, a.gyroX, 1e-15);
        assertEquals(9.80665, a.accelZ, 1e-15);
        ImuSample b = decode(records.get(1));
        assertEquals(-Math.PI, b.gyroY, 1e-15);
        assertEquals(0.5 * 9.80665, b.accelX, 1e-15);
    }
}
