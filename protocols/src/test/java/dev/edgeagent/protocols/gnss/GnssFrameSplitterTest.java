package dev.edgeagent.protocols.gnss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class GnssFrameSplitterTest {

    record Frame(GnssFrameType type, long offset, byte[] bytes) { }

    record Bad(String kind, long offset) { }

    static final class Collector {
        final List<Frame> frames = new ArrayList<>();
        final List<Bad> bad = new ArrayList<>();
        final GnssFrameSplitter splitter = new GnssFrameSplitter((t, o, b, off, len) -> {
            byte[] copy = new byte[len];
            b.getBytes(off, copy);
            frames.add(new Frame(t, o, copy));
        }, (kind, offset, detail) -> bad.add(new Bad(kind, offset)));

        Collector feedInChunks(byte[] data, int chunk) {
            for (int i = 0; i < data.length; i += chunk) {
                int n = Math.min(chunk, data.length - i);
                if (i % 2 == 0) {
                    splitter.feed(data, i, n);
                } else {
                    splitter.feed(new UnsafeBuffer(data), i, n);
                }
            }
            splitter.end();
            return this;
        }
    }

    /** Bytes of a gpsd regression log after its leading '#' lines, found here independently of the main code. */
    static byte[] logBody(String name) throws Exception {
        byte[] all = Files.readAllBytes(TestData.sample("gnss/" + name));
        int off = 0;
        while (off < all.length && all[off] == '#') {
            while (all[off] != '\n') {
                off++;
            }
            off++;
        }
        byte[] body = new byte[all.length - off];
        System.arraycopy(all, off, body, 0, body.length);
        return body;
    }

    static byte[] nmea(String body) {
        int x = 0;
        for (byte b : body.getBytes(StandardCharsets.US_ASCII)) {
            x ^= b;
        }
        return String.format("$%s*%02X\r\n", body, x).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] ubx(int cls, int id, byte[] payload) {
        byte[] f = new byte[8 + payload.length];
        f[0] = (byte) 0xB5;
        f[1] = 0x62;
        f[2] = (byte) cls;
        f[3] = (byte) id;
        f[4] = (byte) payload.length;
        f[5] = (byte) (payload.length >> 8);
        System.arraycopy(payload, 0, f, 6, payload.length);
        int a = 0;
        int b = 0;
        for (int i = 2; i < 6 + payload.length; i++) {
            a = (a + (f[i] & 0xFF)) & 0xFF;
            b = (b + a) & 0xFF;
        }
        f[6 + payload.length] = (byte) a;
        f[7 + payload.length] = (byte) b;
        return f;
    }

    /** CRC-24Q written out bit by bit (not the table of the main code). */
    static int crc24qBitwise(byte[] data, int len) {
        int crc = 0;
        for (int i = 0; i < len; i++) {
            crc ^= (data[i] & 0xFF) << 16;
            for (int bit = 0; bit < 8; bit++) {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) {
                    crc ^= 0x1864CFB;
                }
            }
        }
        return crc & 0xFFFFFF;
    }

    static byte[] rtcm3(byte[] payload) {
        byte[] f = new byte[6 + payload.length];
        f[0] = (byte) 0xD3;
        f[1] = (byte) (payload.length >> 8);
        f[2] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 3, payload.length);
        int crc = crc24qBitwise(f, 3 + payload.length);
        f[3 + payload.length] = (byte) (crc >> 16);
        f[4 + payload.length] = (byte) (crc >> 8);
        f[5 + payload.length] = (byte) crc;
        return f;
    }

    @Test
    void crc24qOfAKnownVector() {
        // "123456789" -> 0xCDE703, the published check value of CRC-24/LTE-A (= CRC-24Q parameters)
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xCDE703, crc24qBitwise(check, check.length));
        assertEquals(0xCDE703, Crc24q.compute(check, 0, check.length));
    }

    @Test
    void mixedStreamSplitsExactlyWhateverTheChunking() throws Exception {
        byte[] gga = nmea("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,");
        byte[] pvtPayload = new byte[92];
        for (int i = 0; i < pvtPayload.length; i++) {
            pvtPayload[i] = (byte) (i * 7 + 0xB5); // includes B5, 62, D3 and '$' bytes inside the payload
        }
        byte[] navPvt = ubx(0x01, 0x07, pvtPayload);
        byte[] rtcmPayload = new byte[19];
        rtcmPayload[0] = 0x3E; // message 1005: 0x3ED in the first 12 bits
        rtcmPayload[1] = (byte) 0xD0;
        for (int i = 2; i < rtcmPayload.length; i++) {
            rtcmPayload[i] = (byte) (i * 31);
        }
        byte[] rtcm = rtcm3(rtcmPayload);
        byte[] garbage1 = {0x00, 0x13, (byte) 0xB5, 0x11, 0x7F}; // a lone B5 not followed by 62
        byte[] badNmea = nmea("GPRMC,1,2,3");
        badNmea[badNmea.length - 3] = (byte) (badNmea[badNmea.length - 3] == '0' ? '1' : '0'); // wrong checksum
        byte[] badUbx = ubx(0x02, 0x15, new byte[16]);
        badUbx[badUbx.length - 1] ^= 0x01;
        byte[] garbage2 = "noise".getBytes(StandardCharsets.US_ASCII);
        byte[] vtg = nmea("GNVTG,,T,,M,0.040,N,0.075,K,D");

        ByteArrayOutputStream s = new ByteArrayOutputStream();
        long[] at = new long[9];
        byte[][] parts = {gga, garbage1, navPvt, rtcm, badNmea, badUbx, garbage2, rtcm, vtg};
        for (int i = 0; i < parts.length; i++) {
            at[i] = s.size();
            s.write(parts[i]);
        }
        byte[] stream = s.toByteArray();

        for (int chunk : new int[] {1, 2, 3, 7, 64, 4096}) {
            Collector c = new Collector().feedInChunks(stream, chunk);
            assertEquals(5, c.frames.size(), "frames with chunk " + chunk);
            assertFrame(c.frames.get(0), GnssFrameType.NMEA, at[0], gga);
            assertFrame(c.frames.get(1), GnssFrameType.UBX, at[2], navPvt);
            assertFrame(c.frames.get(2), GnssFrameType.RTCM3, at[3], rtcm);
            assertFrame(c.frames.get(3), GnssFrameType.RTCM3, at[7], rtcm);
            assertFrame(c.frames.get(4), GnssFrameType.NMEA, at[8], vtg);
            assertEquals(List.of(new Bad("garbage", at[1]), new Bad("nmea-checksum", at[4]),
                    new Bad("ubx-checksum", at[5]), new Bad("garbage", at[6])), c.bad, "chunk " + chunk);
            assertEquals(2, c.splitter.nmeaFrames());
            assertEquals(1, c.splitter.ubxFrames());
            assertEquals(2, c.splitter.rtcm3Frames());
            assertEquals(garbage1.length + badNmea.length + badUbx.length + garbage2.length,
                    c.splitter.skippedBytes());
        }
    }

    @Test
    void truncatedLastFrameAndSentenceCutByANewOne() {
        byte[] full = nmea("GPGGA,1,2");
        byte[] cut = "$GPGSV,4,1,1".getBytes(StandardCharsets.US_ASCII);
        byte[] ubxFrame = ubx(0x01, 0x07, new byte[92]);
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(cut);
        s.writeBytes(full);
        s.write(ubxFrame, 0, 40); // the stream ends inside this frame
        Collector c = new Collector().feedInChunks(s.toByteArray(), 5);
        assertEquals(1, c.frames.size());
        assertFrame(c.frames.get(0), GnssFrameType.NMEA, cut.length, full);
        assertEquals(List.of(new Bad("nmea-truncated", 0), new Bad("truncated-frame", cut.length + full.length)),
                c.bad);
    }

    @Test
    void nmeaOnlyLogSplitsIntoItsSentences() throws Exception {
        byte[] body = logBody("gpsd_ublox-neo-m9n-nmea.log");
        String[] lines = new String(body, StandardCharsets.US_ASCII).split("\n"); // LF line ends
        for (int chunk : new int[] {1, 13, 512, 1 << 16}) {
            Collector c = new Collector().feedInChunks(body, chunk);
            assertEquals(List.of(), c.bad);
            assertEquals(lines.length, c.frames.size());
            long offset = 0;
            for (int i = 0; i < lines.length; i++) {
                assertFrame(c.frames.get(i), GnssFrameType.NMEA, offset,
                        (lines[i] + "\n").getBytes(StandardCharsets.US_ASCII));
                offset += lines[i].length() + 1;
            }
        }
    }

    @Test
    void ubxLogSplitsIntoItsMessages() throws Exception {
        byte[] body = logBody("gpsd_ublox-neo-m8l.log");
        // walk the log here by its length fields: expected frames and offsets
        List<long[]> expected = new ArrayList<>(); // {type 0 nmea / 1 ubx, offset, length}
        int i = 0;
        int navPvt = 0;
        long strayAt = -1;
        while (i < body.length) {
            if (body[i] == '$') {
                int j = i;
                while (body[j] != '\n') {
                    j++;
                }
                expected.add(new long[] {0, i, j + 1 - i});
                i = j + 1;
            } else if ((body[i] & 0xFF) == 0xB5 && i + 5 < body.length && body[i + 1] == 0x62) {
                int len = (body[i + 4] & 0xFF) | (body[i + 5] & 0xFF) << 8;
                if (body[i + 2] == 0x01 && body[i + 3] == 0x07) {
                    navPvt++;
                }
                expected.add(new long[] {1, i, 8 + len});
                i += 8 + len;
            } else {
                strayAt = i;
                i++;
            }
        }
        assertEquals(19, navPvt);
        // per SOURCES.md: 14 NMEA TXT, 612 ESF-MEAS, HNR-PVT/ATT/INS 189 each, 11 message types at 1 Hz (19 each)
        assertEquals(14 + 612 + 3 * 189 + 11 * 19, expected.size());
        assertEquals(body.length - 1, strayAt); // one stray byte at the very end
        assertEquals('\n', body[body.length - 1]);
        Collector c = new Collector().feedInChunks(body, 1000);
        assertEquals(expected.size(), c.frames.size());
        for (int k = 0; k < expected.size(); k++) {
            Frame f = c.frames.get(k);
            assertEquals(expected.get(k)[0] == 0 ? GnssFrameType.NMEA : GnssFrameType.UBX, f.type());
            assertEquals(expected.get(k)[1], f.offset());
            assertEquals(expected.get(k)[2], f.bytes().length);
        }
        assertEquals(List.of(new Bad("garbage", body.length - 1)), c.bad);
    }

    @Test
    void midFileCommentLinesOfAGpsdLogAreReportedAsGarbage() throws Exception {
        byte[] body = logBody("gpsd_nl2008u.log");
        String text = new String(body, StandardCharsets.ISO_8859_1);
        List<Bad> expected = new ArrayList<>();
        int dollarLines = 0;
        int pos = 0;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("#")) {
                expected.add(new Bad("garbage", pos));
            } else if (line.startsWith("$")) {
                dollarLines++;
            }
            pos += line.length() + 1;
        }
        assertEquals(2, expected.size());
        Collector c = new Collector().feedInChunks(body, 100);
        assertEquals(expected, c.bad);
        assertEquals(dollarLines, c.frames.size());
    }

    private static void assertFrame(Frame f, GnssFrameType type, long offset, byte[] bytes) {
        assertEquals(type, f.type());
        assertEquals(offset, f.offset());
        assertArrayEquals(bytes, f.bytes());
    }
}
