package dev.edgeagent.protocols.gnss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** NMEA and UBX decoding on the bundled gpsd logs; expected values are worked out here from the log bytes. */
class GnssDecodeTest {

    private static List<GnssFix> assemble(byte[] body, List<String> badKinds, boolean includeHnr) {
        List<GnssFix> fixes = new ArrayList<>();
        GnssEpochAssembler assembler = new GnssEpochAssembler(f -> {
            GnssFix copy = new GnssFix();
            copy.copyFrom(f);
            fixes.add(copy);
        }, (kind, offset, detail) -> badKinds.add(kind), includeHnr);
        GnssFrameSplitter splitter = new GnssFrameSplitter(assembler, (kind, offset, detail) -> badKinds.add(kind));
        splitter.feed(body, 0, body.length);
        splitter.end();
        assembler.flush();
        return fixes;
    }

    /** ddmm.mmmm (or dddmm.mmmm) and hemisphere, by hand. */
    private static double angle(String value, String hemisphere, int degreeDigits) {
        double degrees = Integer.parseInt(value.substring(0, degreeDigits));
        double minutes = Double.parseDouble(value.substring(degreeDigits));
        double v = degrees + minutes / 60.0;
        return hemisphere.equals("S") || hemisphere.equals("W") ? -v : v;
    }

    private static long utcNs(String ddmmyy, String hhmmss) {
        int day = Integer.parseInt(ddmmyy.substring(0, 2));
        int month = Integer.parseInt(ddmmyy.substring(2, 4));
        int year = 2000 + Integer.parseInt(ddmmyy.substring(4, 6));
        long seconds = LocalDate.of(year, month, day).atStartOfDay().toEpochSecond(ZoneOffset.UTC)
                + Integer.parseInt(hhmmss.substring(0, 2)) * 3600L + Integer.parseInt(hhmmss.substring(2, 4)) * 60L
                + Integer.parseInt(hhmmss.substring(4, 6));
        long centis = Integer.parseInt(hhmmss.substring(7, 9)); // hhmmss.ss
        return seconds * 1_000_000_000L + centis * 10_000_000L;
    }

    @Test
    void m9nNmeaLogGivesSixtyOneEpochsWithTheLogsValues() throws Exception {
        byte[] body = GnssFrameSplitterTest.logBody("gpsd_ublox-neo-m9n-nmea.log");
        List<String> bad = new ArrayList<>();
        List<GnssFix> fixes = assemble(body, bad, false);
        assertEquals(List.of(), bad);

        List<String[]> rmc = new ArrayList<>();
        List<String[]> gga = new ArrayList<>();
        List<String[]> gst = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.US_ASCII).split("\n")) {
            String[] f = line.substring(1, line.indexOf('*')).split(",", -1);
            switch (f[0].substring(2)) {
                case "RMC" -> rmc.add(f);
                case "GGA" -> gga.add(f);
                case "GST" -> gst.add(f);
                default -> { }
            }
        }
        assertEquals(61, rmc.size());
        assertEquals(61, fixes.size());
        for (int i = 0; i < 61; i++) {
            GnssFix fix = fixes.get(i);
            String[] r = rmc.get(i);
            String[] g = gga.get(i);
            assertEquals(utcNs(r[9], r[1]), fix.utcTimeNs(), "epoch " + i);
            assertEquals(angle(r[3], r[4], 2), fix.latitudeDeg, 1e-12, "epoch " + i);
            assertEquals(angle(r[5], r[6], 3), fix.longitudeDeg, 1e-12, "epoch " + i);
            assertEquals(Double.parseDouble(g[9]), fix.altitudeMslM, 1e-12);
            assertEquals(Double.parseDouble(g[11]), fix.geoidSeparationM, 1e-12);
            assertEquals(Integer.parseInt(g[7]), fix.satellitesUsed);
            String[] s = gst.get(i);
            double latSd = Double.parseDouble(s[6]);
            double lonSd = Double.parseDouble(s[7]);
            assertEquals(Math.sqrt(latSd * latSd + lonSd * lonSd), fix.horizontalAccuracyM, 1e-12);
            assertEquals(Double.parseDouble(s[8]), fix.verticalAccuracyM, 1e-12);
        }
        // 1 Hz: consecutive epochs one second apart
        for (int i = 1; i < 61; i++) {
            assertEquals(1_000_000_000L, fixes.get(i).utcTimeNs() - fixes.get(i - 1).utcTimeNs());
        }

        // the first epoch in full, from the log text:
        // $GNRMC,223745.00,A,3806.62964,N,12237.61382,W,0.040,,110720,,,D,V
        // $GNVTG,,T,,M,0.040,N,0.075,K,D
        // $GNGGA,223745.00,3806.62964,N,12237.61382,W,2,12,0.54,83.1,M,-29.5,M,,0000
        // $GNGSA,A,3,...,0.99,0.54,0.83,1   $GNGST,223745.00,228650,2.5,2.4,126,0.98,1.0,3.1
        GnssFix first = fixes.get(0);
        long expectedSeconds = ((2020 - 1970) * 365L + 12 /* leap days 1972..2016 */
                + 31 + 29 + 31 + 30 + 31 + 30 + 10) * 86_400L + 22 * 3600 + 37 * 60 + 45;
        assertEquals(expectedSeconds * 1_000_000_000L, first.utcTimeNs());
        assertEquals(38 + 6.62964 / 60, first.latitudeDeg, 1e-12);
        assertEquals(-(122 + 37.61382 / 60), first.longitudeDeg, 1e-12);
        assertEquals(0.075 / 3.6, first.speedMps, 1e-12); // VTG km/h, after RMC's knots
        assertTrue(Double.isNaN(first.courseDeg));
        assertEquals(2, first.fixQuality);
        assertEquals(GnssFix.FIX_3D, first.fixType);
        assertEquals(0.99, first.pdop, 1e-12);
        assertEquals(0.54, first.hdop, 1e-12);
        assertEquals(0.83, first.vdop, 1e-12);
        assertEquals(83.1 - 29.5, first.altitudeEllipsoidM(), 1e-9);
        int all = GnssFix.SRC_RMC | GnssFix.SRC_VTG | GnssFix.SRC_GGA | GnssFix.SRC_GSA | GnssFix.SRC_GLL
                | GnssFix.SRC_GST | GnssFix.SRC_ZDA;
        assertEquals(all, first.sources);
    }

    @Test
    void m8lUbxLogGivesNineteenNavPvtEpochs() throws Exception {
        byte[] body = GnssFrameSplitterTest.logBody("gpsd_ublox-neo-m8l.log");
        List<String> bad = new ArrayList<>();
        List<GnssFix> fixes = assemble(body, bad, false);
        assertEquals(List.of("garbage"), bad); // the stray final newline

        // find the NAV-PVT payloads here
        List<Integer> pvt = new ArrayList<>();
        List<Integer> hnr = new ArrayList<>();
        for (int i = 0; i + 8 <= body.length; ) {
            if ((body[i] & 0xFF) == 0xB5 && body[i + 1] == 0x62) {
                int len = (body[i + 4] & 0xFF) | (body[i + 5] & 0xFF) << 8;
                if (body[i + 2] == 0x01 && body[i + 3] == 0x07) {
                    pvt.add(i + 6);
                } else if (body[i + 2] == 0x28 && body[i + 3] == 0x00) {
                    hnr.add(i + 6);
                }
                i += 8 + len;
            } else if (body[i] == '$') {
                while (body[i] != '\n') {
                    i++;
                }
                i++;
            } else {
                i++;
            }
        }
        assertEquals(19, pvt.size());
        assertEquals(19, fixes.size());
        ByteBuffer bb = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 19; k++) {
            int p = pvt.get(k);
            GnssFix fix = fixes.get(k);
            int year = bb.getShort(p + 4);
            int month = body[p + 6];
            int day = body[p + 7];
            int hour = body[p + 8];
            int min = body[p + 9];
            int sec = body[p + 10];
            int nano = bb.getInt(p + 16);
            long expect = LocalDate.of(year, month, day).atTime(hour, min, sec).toEpochSecond(ZoneOffset.UTC)
                    * 1_000_000_000L + nano;
            assertEquals(expect, fix.utcTimeNs(), "NAV-PVT " + k);
            assertEquals(bb.getInt(p + 28) / 1e7, fix.latitudeDeg, 1e-12);
            assertEquals(bb.getInt(p + 24) / 1e7, fix.longitudeDeg, 1e-12);
            assertEquals(bb.getInt(p + 36) / 1000.0, fix.altitudeMslM, 1e-9);
            assertEquals((bb.getInt(p + 32) - bb.getInt(p + 36)) / 1000.0, fix.geoidSeparationM, 1e-9);
            assertEquals(bb.getInt(p + 40) / 1000.0, fix.horizontalAccuracyM, 1e-9);
            assertEquals(bb.getInt(p + 44) / 1000.0, fix.verticalAccuracyM, 1e-9);
            assertEquals(bb.getInt(p + 60) / 1000.0, fix.speedMps, 1e-9);
            assertEquals(bb.getInt(p + 64) / 1e5, fix.courseDeg, 1e-9);
            assertEquals(body[p + 23] & 0xFF, fix.satellitesUsed);
            assertEquals((bb.getShort(p + 76) & 0xFFFF) / 100.0, fix.pdop, 1e-9);
            if (k > 0) {
                long itowStep = bb.getInt(p) - (long) bb.getInt(pvt.get(k - 1));
                assertEquals(itowStep * 1_000_000L + bb.getInt(p + 16) - bb.getInt(pvt.get(k - 1) + 16),
                        fix.utcTimeNs() - fixes.get(k - 1).utcTimeNs());
            }
        }
        // the first fix spelled out: a 3D fix in Esslingen (48.7 N, 9.3 E) on 2024-01-30
        GnssFix first = fixes.get(0);
        assertEquals(LocalDate.of(2024, 1, 30).toEpochDay(), first.epochDay);
        assertTrue(Math.abs(first.latitudeDeg - 48.7) < 0.2 && Math.abs(first.longitudeDeg - 9.3) < 0.2,
                first.toString());

        // with HNR-PVT as epochs too: at least the 189 HNR epochs; the first HNR-PVT decoded alone
        List<GnssFix> withHnr = assemble(body, new ArrayList<>(), true);
        assertTrue(withHnr.size() >= 189, "epochs with HNR: " + withHnr.size());
        GnssFix h = new GnssFix();
        int p = hnr.get(0);
        assertEquals(UbxDecoder.HNR_PVT, UbxDecoder.decode(new UnsafeBuffer(body), p - 6, 8 + 72, h));
        assertEquals(bb.getInt(p + 24) / 1e7, h.latitudeDeg, 1e-12);
        assertEquals(bb.getInt(p + 20) / 1e7, h.longitudeDeg, 1e-12);
        assertEquals(bb.getInt(p + 36) / 1000.0, h.speedMps, 1e-9);
        assertEquals(bb.getInt(p + 52) / 1000.0, h.horizontalAccuracyM, 1e-9);
    }

    @Test
    void badNmeaFieldsAndChecksumsThrowTypedErrors() {
        NmeaDecoder d = new NmeaDecoder();
        GnssFix fix = new GnssFix();
        byte[] badLat = GnssFrameSplitterTest.nmea("GPGGA,123519,48x7.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,");
        GnssFormatException e = assertThrows(GnssFormatException.class,
                () -> d.decode(new UnsafeBuffer(badLat), 0, badLat.length, fix));
        assertEquals("nmea-field", e.code());
        assertEquals("$GPGGA,123519,".length(), e.offset());
        byte[] badSum = "$GPGGA,1*00\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("nmea-checksum", assertThrows(GnssFormatException.class,
                () -> d.decode(new UnsafeBuffer(badSum), 0, badSum.length, fix)).code());
        // southern / western hemispheres and a GGA-only epoch (no date)
        byte[] gga = GnssFrameSplitterTest.nmea("GPGGA,000001.5,3351.000,S,15112.600,W,1,05,1.5,10.0,M,,M,,");
        assertEquals(NmeaDecoder.GGA, d.decode(new UnsafeBuffer(gga), 0, gga.length, fix));
        assertEquals(-(33 + 51.0 / 60), fix.latitudeDeg, 1e-12);
        assertEquals(-(151 + 12.6 / 60), fix.longitudeDeg, 1e-12);
        assertEquals(1_500_000_000L, fix.timeOfDayNs);
        assertEquals(GnssFix.NO_TIME, fix.utcTimeNs());
    }
}
