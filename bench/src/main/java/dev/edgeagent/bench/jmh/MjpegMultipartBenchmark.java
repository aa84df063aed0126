package dev.edgeagent.bench.jmh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import dev.edgeagent.protocols.camera.MjpegStreamDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link MjpegStreamDecoder} over an in-memory HTTP response as an IP camera sends it: a head, then 100 parts
 * alternating the two bundled 960x540 stills (50 and 59 KB), fed in 16 KiB slices as socket reads would arrive.
 * {@code framing}: {@code LENGTH} parts carry Content-Length (ffmpeg, most cameras), {@code BOUNDARY} parts do not,
 * so every frame byte is scanned for the next delimiter. {@code transfer}: {@code IDENTITY} or {@code CHUNKED}
 * (ffmpeg's server; chunks of 4 KiB, de-chunked in place). Score: stream passes per second; {@code frames} and
 * {@code bytes} (response bytes fed) per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MjpegMultipartBenchmark {

    static final int FRAMES = 100;
    static final int SLICE = 16 * 1024;

    @Param({"LENGTH", "BOUNDARY"})
    public String framing;

    @Param({"IDENTITY", "CHUNKED"})
    public String transfer;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Frames {
        public long frames;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            frames = 0;
            bytes = 0;
        }
    }

    private UnsafeBuffer stream;
    private int length;
    private MjpegStreamDecoder decoder;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        byte[][] jpegs = {
                Files.readAllBytes(BenchData.sample("camera/udacity_solidWhiteCurve.jpg")),
                Files.readAllBytes(BenchData.sample("camera/udacity_solidYellowCurve.jpg")),
        };
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            byte[] j = jpegs[i % 2];
            String headers = "--camboundary\r\nContent-Type: image/jpeg\r\n"
                    + ("LENGTH".equals(framing) ? "Content-Length: " + j.length + "\r\n" : "") + "\r\n";
            body.writeBytes(headers.getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(j);
            body.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        body.writeBytes("--camboundary--\r\n".getBytes(StandardCharsets.ISO_8859_1));
        boolean chunked = "CHUNKED".equals(transfer);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=camboundary\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        byte[] b = body.toByteArray();
        if (chunked) {
            for (int p = 0; p < b.length; p += 4096) {
                int n = Math.min(4096, b.length - p);
                all.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                all.write(b, p, n);
                all.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            all.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            all.writeBytes(b);
        }
        byte[] bytes = all.toByteArray();
        stream = new UnsafeBuffer(bytes);
        length = bytes.length;
        decoder = new MjpegStreamDecoder(8 << 20, null, null);
        if (pass(null) != FRAMES) {
            throw new IllegalStateException("the corpus does not decode to " + FRAMES + " frames");
        }
    }

    private long pass(Frames c) {
        decoder.reset(true);
        long sum = 0;
        int frames = 0;
        for (int p = 0; p < length; p += SLICE) {
            decoder.feed(stream, p, Math.min(SLICE, length - p));
            while (decoder.next() == MjpegStreamDecoder.Event.FRAME) {
                sum += decoder.frameLength();
                frames++;
            }
        }
        if (c != null) {
            c.frames += frames;
            c.bytes += length;
            return sum;
        }
        return frames;
    }

    @Benchmark
    public long decodeStream(Frames c) {
        return pass(c);
    }
}
