package dev.edgeagent.protocols.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.FfmpegMjpegServer;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The camera paths allocate nothing per frame once warm: the JVM's per-thread allocation counter over a thousand or
 * more frames must stay below one byte per frame (a single allocation per frame would be 16+ bytes each), as in
 * ReplayAllocationTest.
 */
class CameraAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final EpochNanoClock WALL = () -> System.currentTimeMillis() * 1_000_000L;

    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Counts and checksums, allocates nothing. */
    static final class CountingSink implements RecordSink {
        volatile long records;
        long sum;

        @Override
        public boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs, DirectBuffer key, int keyOffset,
                              int keyLength, DirectBuffer payload, int payloadOffset, int payloadLength) {
            records++;
            sum += payload.getByte(payloadOffset + payloadLength - 1) + keyLength;
            return true;
        }
    }

    @Test
    void mjpegDecoderAllocatesNothingPerFrame() throws Exception {
        byte[] jpeg = Files.readAllBytes(TestData.sample("camera/udacity_solidWhiteCurve.jpg"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            // half with Content-Length, half delimited by the boundary only
            body.writeBytes(("--b\r\nContent-Type: image/jpeg\r\n" + (i % 2 == 0 ? "Content-Length: " + jpeg.length
                    + "\r\n" : "") + "X-Timestamp: 1700000000." + (100 + i) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(jpeg);
            body.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        body.writeBytes("--b--\r\n".getBytes(StandardCharsets.ISO_8859_1));
        UnsafeBuffer stream = new UnsafeBuffer(body.toByteArray());
        java.util.List<String> bad = new java.util.ArrayList<>();
        MjpegStreamDecoder d = new MjpegStreamDecoder(1 << 20, "b", (k, o, det) -> bad.add(k + "@" + o + ": " + det));
        long frames = 0;
        long before = 0;
        for (int pass = 0; pass < 60; pass++) {
            if (pass == 40) { // 40 passes of warm-up: the JIT is slow on the shared build machines
                before = allocatedBytes();
                frames = 0;
            }
            d.reset(false);
            for (int p = 0; p < stream.capacity(); p += 4096) {
                d.feed(stream, p, Math.min(4096, stream.capacity() - p));
                while (d.next() == MjpegStreamDecoder.Event.FRAME) {
                    frames++;
                }
            }
        }
        long bytes = allocatedBytes() - before;
        assertEquals(2000, frames);
        assertTrue(bad.isEmpty(), bad.size() + " bad inputs, first " + (bad.isEmpty() ? "" : bad.get(0)));
        assertTrue(bytes < 2000, "allocated " + bytes + " bytes over 2000 frames");
    }

    @Test
    void mp4ReplayAllocatesNothingPerAccessUnit() {
        CountingSink sink = new CountingSink();
        Mp4H264ReplaySource s = new Mp4H264ReplaySource(new Mp4ReplaySettings(
                TestData.sample("camera/udacity_solidWhiteRight.mp4"), "h264", 0,
                dev.edgeagent.protocols.source.replay.ReplayPacing.asFastAsPossible(), true, 1), sink,
                BadInputListener.IGNORE, WALL, System::nanoTime);
        while (sink.records < 500) {
            s.doWork();
        }
        long before = allocatedBytes();
        while (sink.records < 2500) {
            s.doWork();
        }
        long bytes = allocatedBytes() - before;
        assertTrue(bytes < 2000, "allocated " + bytes + " bytes over 2000 access units");
        s.onClose();
    }

    @Test
    void mjpegHttpSourceAllocatesNothingPerFrame() throws Exception {
        int port = FfmpegMjpegServer.freePort();
        CountingSink sink = new CountingSink();
        MjpegHttpSource s = new MjpegHttpSource(MjpegHttpSettings.of(URI.create("http://127.0.0.1:" + port + "/cam.mjpg"),
                "front").withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)), sink, BadInputListener.IGNORE, WALL);
        try (FfmpegMjpegServer ffmpeg = FfmpegMjpegServer.startLooping(TestData.sample("camera/udacity_solidWhiteRight.mp4"),
                port)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // a hang guard only
            while (sink.records < 300 && System.nanoTime() - deadline < 0) {
                if (s.doWork() == 0) {
                    Thread.onSpinWait();
                }
            }
            long before = allocatedBytes();
            while (sink.records < 1300 && System.nanoTime() - deadline < 0) {
                if (s.doWork() == 0) {
                    Thread.onSpinWait();
                }
            }
            long bytes = allocatedBytes() - before;
            assertTrue(sink.records >= 1300, "frames " + sink.records + ", last error " + s.lastError());
            assertEquals(1, s.connections());
            assertTrue(bytes < 1000, "allocated " + bytes + " bytes over 1000 frames from the network");
        } finally {
            s.onClose();
        }
    }
}
