package dev.edgeagent.protocols.gnss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Test;

class GnssStreamReplaySourceTest {

    private static List<CollectingSink.Captured> replay(String name, List<String> bad, CollectingSink sink) {
        GnssStreamReplaySource source = new GnssStreamReplaySource(
                GnssReplaySettings.of(TestData.sample("gnss/" + name)), sink, (k, o, d) -> bad.add(k + "@" + o));
        int guard = 0;
        while (!source.exhausted() && guard++ < 100_000) {
            source.doWork();
        }
        assertTrue(source.exhausted());
        return sink.records();
    }

    @Test
    void nmeaLogBecomesOneRecordPerSentenceStampedWithItsEpoch() throws Exception {
        List<String> bad = new ArrayList<>();
        List<CollectingSink.Captured> records = replay("gpsd_ublox-neo-m9n-nmea.log", bad, new CollectingSink());
        assertEquals(List.of(), bad);
        byte[] body = GnssFrameSplitterTest.logBody("gpsd_ublox-neo-m9n-nmea.log");
        String[] lines = new String(body, StandardCharsets.US_ASCII).split("\n");
        assertEquals(lines.length, records.size());
        long epochNs = RecordSink.NO_SENSOR_TIME;
        long date = LocalDate.of(2020, 7, 11).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        for (int i = 0; i < lines.length; i++) {
            CollectingSink.Captured c = records.get(i);
            assertEquals("nmea", c.keyString());
            assertArrayEquals((lines[i] + "\n").getBytes(StandardCharsets.US_ASCII), c.payload());
            if (lines[i].startsWith("$GNRMC,")) { // each epoch starts with RMC: hhmmss.ss
                String t = lines[i].substring(7, 16);
                epochNs = (date + Integer.parseInt(t.substring(0, 2)) * 3600L + Integer.parseInt(t.substring(2, 4)) * 60L
                        + Integer.parseInt(t.substring(4, 6))) * 1_000_000_000L;
            }
            assertEquals(epochNs, c.sensorTimeNs(), lines[i]);
        }
    }

    @Test
    void ubxLogRecordsAreKeyedByFormatAndStampedFromPvt() throws Exception {
        List<String> bad = new ArrayList<>();
        List<CollectingSink.Captured> records = replay("gpsd_ublox-neo-m8l.log", bad, new CollectingSink());
        byte[] all = java.nio.file.Files.readAllBytes(TestData.sample("gnss/gpsd_ublox-neo-m8l.log"));
        assertEquals(List.of("garbage@" + (all.length - 1)), bad); // file offsets: the stray final newline
        long nmea = records.stream().filter(r -> r.keyString().equals("nmea")).count();
        long ubx = records.stream().filter(r -> r.keyString().equals("ubx")).count();
        assertEquals(14, nmea);
        assertEquals(612 + 3 * 189 + 11 * 19, ubx);
        // frames before the first PVT have no time; the first NAV-PVT or HNR-PVT carries its own
        int firstPvt = -1;
        for (int i = 0; i < records.size() && firstPvt < 0; i++) {
            byte[] p = records.get(i).payload();
            if (records.get(i).keyString().equals("ubx")
                    && ((p[2] == 0x01 && p[3] == 0x07) || (p[2] == 0x28 && p[3] == 0x00))) {
                firstPvt = i;
            }
        }
        assertTrue(firstPvt > 0);
        for (int i = 0; i < firstPvt; i++) {
            assertEquals(RecordSink.NO_SENSOR_TIME, records.get(i).sensorTimeNs());
        }
        // every NAV-PVT and HNR-PVT record carries its own UTC time (the two streams interleave, NAV-PVT output
        // lagging the 10 Hz HNR epochs, so times are not monotonic across them)
        int pvts = 0;
        for (int i = firstPvt; i < records.size(); i++) {
            byte[] f = records.get(i).payload();
            boolean nav = records.get(i).keyString().equals("ubx") && f[2] == 0x01 && f[3] == 0x07;
            boolean hnr = records.get(i).keyString().equals("ubx") && f[2] == 0x28 && f[3] == 0x00;
            if (!nav && !hnr) {
                continue;
            }
            pvts++;
            ByteBuffer bb = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            int nanoAt = nav ? 6 + 16 : 6 + 12;
            long expect = LocalDate.of(bb.getShort(6 + 4), f[6 + 6], f[6 + 7]).atTime(f[6 + 8], f[6 + 9], f[6 + 10])
                    .toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + bb.getInt(nanoAt);
            assertEquals(expect, records.get(i).sensorTimeNs(), "record " + i);
        }
        assertEquals(19 + 189, pvts);
    }
}
