package dev.edgeagent.protocols.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The MJPEG decoder over streams built in the test from the real sample JPEGs, fed in random slices (so every
 * boundary, header and chunk-size line gets split somewhere): the frames out must be the JPEG files byte for byte,
 * with the right sensor times, and every defect must be reported with its kind and body offset.
 */
class MjpegStreamDecoderTest {

    private static final byte[] A = read("camera/udacity_solidWhiteCurve.jpg");
    private static final byte[] B = read("camera/udacity_solidYellowCurve.jpg");

    private static byte[] read(String name) {
        try {
            return Files.readAllBytes(TestData.sample(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private record Bad(String kind, long offset, String detail) {
    }

    private record Out(List<byte[]> frames, List<Long> times, List<Bad> bad, MjpegStreamDecoder.Event last) {
    }

    /** Feeds {@code stream} in random slices of 1..maxSlice bytes, collecting frames until END or the data runs out. */
    private static Out run(byte[] stream, boolean httpHead, String boundary, int maxFrame, long seed, int maxSlice) {
        List<Bad> bad = new ArrayList<>();
        MjpegStreamDecoder d = new MjpegStreamDecoder(maxFrame, boundary, (k, o, det) -> bad.add(new Bad(k, o, det)));
        d.reset(httpHead);
        List<byte[]> frames = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        Random rnd = new Random(seed);
        UnsafeBuffer src = new UnsafeBuffer(stream);
        int pos = 0;
        MjpegStreamDecoder.Event ev;
        while (true) {
            ev = d.next();
            if (ev == MjpegStreamDecoder.Event.FRAME) {
                byte[] f = new byte[d.frameLength()];
                d.frameBuffer().getBytes(d.frameOffset(), f);
                frames.add(f);
                times.add(d.frameSensorTimeNs());
                continue;
            }
            if (ev != MjpegStreamDecoder.Event.NEED_MORE || pos == stream.length) {
                break;
            }
            int n = Math.min(stream.length - pos, 1 + rnd.nextInt(maxSlice));
            d.feed(src, pos, n);
            pos += n;
        }
        if (ev == MjpegStreamDecoder.Event.NEED_MORE) {
            d.endOfStream();
        }
        return new Out(frames, times, bad, ev);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] part(String delimiter, byte[] jpeg, boolean length, String extraHeaders) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(ascii(delimiter + "\r\nContent-Type: image/jpeg\r\n"));
        if (length) {
            o.writeBytes(ascii("Content-Length: " + jpeg.length + "\r\n"));
        }
        o.writeBytes(ascii(extraHeaders + "\r\n"));
        o.writeBytes(jpeg);
        o.writeBytes(ascii("\r\n"));
        return o.toByteArray();
    }

    private static byte[] chunked(byte[] body, Random rnd) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int p = 0;
        while (p < body.length) {
            int n = Math.min(body.length - p, 1 + rnd.nextInt(9000));
            o.writeBytes(ascii(Integer.toHexString(n) + (rnd.nextBoolean() ? ";ext=1" : "") + "\r\n"));
            o.write(body, p, n);
            o.writeBytes(ascii("\r\n"));
            p += n;
        }
        o.writeBytes(ascii("0\r\n\r\n"));
        return o.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void framesComeOutByteForByteInEveryVariant() {
        for (long seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            boolean withLength = seed % 2 == 0;
            boolean chunked = seed % 4 < 2;
            // boundary declared with and without leading dashes, lines with "--" or bare
            String declared = seed % 3 == 0 ? "--myboundary" : "myboundary";
            String line = seed % 5 == 0 ? "myboundary" : "--myboundary";
            byte[] body = concat(ascii("preamble text\r\n"), part(line, A, withLength, "X-Timestamp: 1700000000.5\r\n"),
                    part(line, B, withLength, ""), part(line, A, withLength, "x-timestamp: 1700000001\r\n"),
                    ascii(line + "--\r\n"));
            byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=\"" + declared
                    + "\"\r\n" + (chunked ? "Transfer-Encoding: chunked\r\n" : "") + "\r\n");
            byte[] stream = concat(head, chunked ? chunked(body, rnd) : body);
            Out out = run(stream, true, null, 1 << 20, seed, seed % 7 == 0 ? 3 : 5000);
            String what = "seed " + seed + " length " + withLength + " chunked " + chunked + " " + declared + "/" + line;
            assertEquals(3, out.frames().size(), what + " " + out.bad());
            assertArrayEquals(A, out.frames().get(0), what);
            assertArrayEquals(B, out.frames().get(1), what);
            assertArrayEquals(A, out.frames().get(2), what);
            assertEquals(List.of(1_700_000_000_500_000_000L, RecordSink.NO_SENSOR_TIME, 1_700_000_001_000_000_000L),
                    out.times(), what);
            // the preamble is not a boundary line: reported once, at body offset 0
            assertEquals(List.of(new Bad("unexpected-data", 0, out.bad().get(0).detail())), out.bad(), what);
            assertEquals(MjpegStreamDecoder.Event.END, out.last(), what);
        }
    }

    @Test
    void boundaryIsLearntFromTheBodyWhenTheHeadHasNone() {
        // what ffmpeg's HTTP server sends: Content-Type application/octet-stream
        byte[] body = concat(part("--ffmpeg", A, true, ""), part("--ffmpeg", B, true, ""));
        byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n");
        Out out = run(concat(head, body), true, null, 1 << 20, 7, 999);
        assertEquals(2, out.frames().size());
        assertArrayEquals(B, out.frames().get(1));
        assertTrue(out.bad().isEmpty(), out.bad().toString());
    }

    @Test
    void oversizedFramesAreSkippedWithAndWithoutLength() {
        int max = Math.min(A.length, B.length) - 1; // both samples are larger than this
        for (boolean withLength : new boolean[] {true, false}) {
            byte[] p1 = part("--b", A, withLength, "");
            byte[] body = concat(p1, part("--b", B, withLength, ""), ascii("--b--\r\n"));
            Out out = run(body, false, "b", Math.max(1024, max), 3, 4000);
            assertEquals(0, out.frames().size(), "with length " + withLength);
            assertEquals(2, out.bad().size(), out.bad().toString());
            for (Bad b : out.bad()) {
                assertEquals("oversized-frame", b.kind());
            }
            // the first frame's data starts after its delimiter and headers
            int headers = withLength ? ("--b\r\nContent-Type: image/jpeg\r\nContent-Length: " + A.length + "\r\n\r\n").length()
                    : "--b\r\nContent-Type: image/jpeg\r\n\r\n".length();
            assertEquals(headers, out.bad().get(0).offset(), "with length " + withLength);
            assertEquals(MjpegStreamDecoder.Event.END, out.last());
        }
        // a limit between the two sizes keeps exactly the smaller frame
        int between = Math.max(A.length, B.length) - 1;
        byte[] smaller = A.length < B.length ? A : B;
        byte[] body = concat(part("--b", A, false, ""), part("--b", B, true, ""), ascii("--b--\r\n"));
        Out out = run(body, false, "b", between, 5, 3000);
        assertEquals(1, out.frames().size());
        assertArrayEquals(smaller, out.frames().get(0));
        assertEquals(1, out.bad().size());
    }

    @Test
    void defectsAreReportedWithKindAndOffset() {
        byte[] notJpeg = ascii("this is not an image at all");
        byte[] p1 = part("--b", notJpeg, true, "");
        byte[] p2 = part("--b", A, true, "Content-Type: text/plain\r\n"); // second Content-Type wins: skipped
        byte[] p3 = part("--b", A, true, "X-Timestamp: yesterday\r\n");
        byte[] wrongLength = ascii("--b\r\nContent-Type: image/jpeg\r\nContent-Length: 10\r\n\r\n");
        byte[] p5 = part("--b", B, false, "");
        byte[] body = concat(p1, p2, p3, wrongLength, A, ascii("\r\n"), p5, ascii("--b--\r\n"));
        Out out = run(body, false, "b", 1 << 20, 11, 2500);
        // frames: p3 (bad timestamp, frame kept without sensor time) and p5; p4 yields 10 bytes that are no JPEG
        assertEquals(2, out.frames().size(), out.bad().toString());
        assertArrayEquals(A, out.frames().get(0));
        assertArrayEquals(B, out.frames().get(1));
        assertEquals(RecordSink.NO_SENSOR_TIME, out.times().get(0));
        List<String> kinds = out.bad().stream().map(Bad::kind).toList();
        assertEquals(List.of("not-an-image", "unexpected-content-type", "bad-timestamp", "truncated-image",
                "unexpected-data"), kinds, out.bad().toString());
        int p1Data = p1.length - notJpeg.length - 2;
        assertEquals(p1Data, out.bad().get(0).offset());
        // the 10-byte "frame" of the wrong-length part starts right after its headers
        int p4Data = p1.length + p2.length + p3.length + wrongLength.length;
        assertTrue(out.bad().get(3).offset() >= p4Data && out.bad().get(3).offset() <= p4Data + 10,
                out.bad().get(3).toString());
        // the rest of that JPEG is unexpected data between parts, reported where it starts
        assertEquals(p4Data + 10, out.bad().get(4).offset());
        assertEquals(MjpegStreamDecoder.Event.END, out.last());
    }

    @Test
    void badResponsesFail() {
        List<Bad> bad = new ArrayList<>();
        MjpegStreamDecoder d = new MjpegStreamDecoder(1 << 20, null, (k, o, det) -> bad.add(new Bad(k, o, det)));
        d.reset(true);
        byte[] r = ascii("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\n\r\n");
        d.feed(new UnsafeBuffer(r), 0, r.length);
        assertEquals(MjpegStreamDecoder.Event.FAILED, d.next());
        assertEquals(401, d.httpStatus());
        assertEquals("http-status", bad.get(0).kind());

        d.reset(true);
        bad.clear();
        r = ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        d.feed(new UnsafeBuffer(r), 0, r.length);
        assertEquals(MjpegStreamDecoder.Event.FAILED, d.next());
        assertEquals("bad-http", bad.get(0).kind());

        d.reset(true);
        bad.clear();
        r = ascii("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        d.feed(new UnsafeBuffer(r), 0, r.length);
        assertEquals(MjpegStreamDecoder.Event.FAILED, d.next());
        assertEquals("bad-http", bad.get(0).kind());
    }

    @Test
    void truncatedStreamReportsTheCutFrame() {
        byte[] body = concat(part("--b", A, true, ""), java.util.Arrays.copyOf(part("--b", B, true, ""), 500));
        Out out = run(body, false, "b", 1 << 20, 13, 700);
        assertEquals(1, out.frames().size());
        assertEquals("truncated-frame", out.bad().get(0).kind());
        int p2Data = part("--b", A, true, "").length
                + ("--b\r\nContent-Type: image/jpeg\r\nContent-Length: " + B.length + "\r\n\r\n").length();
        assertEquals(p2Data, out.bad().get(0).offset());
    }

    @Test
    void bufferStopsGrowingOnceWarm() {
        MjpegStreamDecoder d = new MjpegStreamDecoder(1 << 20, "b", null);
        d.reset(false);
        byte[] p = part("--b", A, false, "");
        UnsafeBuffer src = new UnsafeBuffer(p);
        int frames = 0;
        int capacityAfterWarmUp = -1;
        for (int i = 0; i < 300; i++) {
            for (int off = 0; off < p.length; off += 1400) {
                d.feed(src, off, Math.min(1400, p.length - off));
                while (d.next() == MjpegStreamDecoder.Event.FRAME) {
                    frames++;
                }
            }
            if (i == 10) {
                capacityAfterWarmUp = d.capacity();
            }
        }
        assertEquals(299, frames); // the last frame waits for the next delimiter
        assertEquals(capacityAfterWarmUp, d.capacity());
        assertTrue(d.capacity() <= 4 * p.length + (64 << 10), "capacity " + d.capacity());
    }
}
