package dev.edgeagent.protocols.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.FfmpegMjpegServer;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The MJPEG source against a real ffmpeg serving the bundled dashcam video (H.264 960x540, 25 fps, 221 frames) as
 * MJPEG over loopback HTTP. Every record must be one complete JPEG (SOI..EOI) of 960x540, read by the test's own
 * segment walk, and the number of records must equal ffmpeg's own count of frames written.
 */
class MjpegHttpSourceTest {

    private static final Path VIDEO = TestData.sample("camera/udacity_solidWhiteRight.mp4");

    private record Bad(String kind, long offset, String detail) {
    }

    private static MjpegHttpSettings settings(int port) {
        return MjpegHttpSettings.of(URI.create("http://127.0.0.1:" + port + "/cam.mjpg"), "front")
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    /** Runs the duty cycle on this thread until {@code done} or a generous deadline (a hang guard, not a timing check). */
    private static void runUntil(MjpegHttpSource source, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up waiting; frames " + source.framesAppended() + ", last error "
                        + source.lastError());
            }
            if (source.doWork() == 0) {
                Thread.sleep(1);
            }
        }
    }

    private static void assertDashcamFrames(List<CollectingSink.Captured> records) {
        for (CollectingSink.Captured r : records) {
            assertTrue(JpegFacts.soiToEoi(r.payload()), "a record is not SOI..EOI");
            assertArrayEquals(new int[] {960, 540}, JpegFacts.size(r.payload()));
            assertEquals("front", r.keyString());
            assertEquals(RecordSink.NO_SENSOR_TIME, r.sensorTimeNs()); // ffmpeg sends no timestamp header
        }
    }

    @Test
    void everyFrameOfTheVideoArrivesAsOneCompleteJpeg() throws Exception {
        int port = FfmpegMjpegServer.freePort();
        CollectingSink sink = new CollectingSink();
        List<Bad> bad = new CopyOnWriteArrayList<>();
        MjpegHttpSource source = new MjpegHttpSource(settings(port), sink, (k, o, d) -> bad.add(new Bad(k, o, d)));
        // the head says application/octet-stream: the boundary is learnt from the body
        try (FfmpegMjpegServer ffmpeg = FfmpegMjpegServer.start(VIDEO, port, false, 0, false)) {
            runUntil(source, () -> !ffmpeg.alive() && source.connections() > 0 && !source.streaming());
            assertEquals(0, ffmpeg.await(10, TimeUnit.SECONDS), ffmpeg.output());
            int written = ffmpeg.framesWritten();
            assertEquals(221, written, "ffmpeg encodes every frame of the 8.84 s, 25 fps video");
            assertEquals(written, sink.size(), "records vs frames ffmpeg wrote; bad input " + bad);
            assertDashcamFrames(sink.records());
            assertTrue(bad.isEmpty(), bad.toString());
            assertEquals(1, source.connections());
            assertEquals(sink.records().stream().mapToLong(r -> r.payload().length).sum(), source.payloadBytes());
            // receive times are in arrival order
            List<CollectingSink.Captured> r = sink.records();
            for (int i = 1; i < r.size(); i++) {
                assertTrue(r.get(i).receiveMonoNs() >= r.get(i - 1).receiveMonoNs());
            }
        } finally {
            source.onClose();
        }
    }

    @Test
    void reconnectsWhenTheServerComesBack() throws Exception {
        int port = FfmpegMjpegServer.freePort();
        CollectingSink sink = new CollectingSink();
        MjpegHttpSource source = new MjpegHttpSource(settings(port), sink, null);
        try {
            // nothing listens yet: attempts fail and are retried
            runUntil(source, () -> source.connectFailures() >= 2);
            assertFalse(source.streaming());
            assertTrue(source.lastError().contains("127.0.0.1:" + port), source.lastError());
            int first;
            // first server: 2 s of video in real time, with a multipart Content-Type head
            try (FfmpegMjpegServer ffmpeg = FfmpegMjpegServer.start(VIDEO, port, true, 2.0, true)) {
                runUntil(source, () -> !ffmpeg.alive() && !source.streaming() && source.connections() > 0);
                ffmpeg.await(10, TimeUnit.SECONDS);
                first = ffmpeg.framesWritten();
            }
            assertEquals(50, first, "2 s at 25 fps");
            assertEquals(first, sink.size());
            // the server is gone: the source keeps trying; a new server on the same port is found again
            long failuresBefore = source.connectFailures();
            runUntil(source, () -> source.connectFailures() > failuresBefore);
            int second;
            try (FfmpegMjpegServer ffmpeg = FfmpegMjpegServer.start(VIDEO, port, false, 1.0, false)) {
                runUntil(source, () -> !ffmpeg.alive() && !source.streaming() && source.connections() > 1);
                ffmpeg.await(10, TimeUnit.SECONDS);
                second = ffmpeg.framesWritten();
            }
            assertEquals(25, second, "1 s at 25 fps");
            assertEquals(first + second, sink.size());
            assertEquals(2, source.connections());
            assertDashcamFrames(sink.records());
            assertEquals(0, source.badInputs());
        } finally {
            source.onClose();
        }
    }

    @Test
    void refusedFramesAreOfferedAgainNotLost() throws Exception {
        int port = FfmpegMjpegServer.freePort();
        CollectingSink sink = new CollectingSink();
        // refuse every third append, and throw once: each refused frame must come again, in order, before any
        // later one; the sink's exception reaches the caller with its frame still pending
        sink.hook(call -> {
            if (call == 10) {
                throw new IllegalStateException("sink failure");
            }
            return call % 3 != 2;
        });
        MjpegHttpSource source = new MjpegHttpSource(settings(port), sink, null);
        try (FfmpegMjpegServer ffmpeg = FfmpegMjpegServer.start(VIDEO, port, false, 2.0, true)) {
            int thrown = 0;
            while (thrown == 0) {
                try {
                    runUntil(source, () -> !ffmpeg.alive() && source.connections() > 0 && !source.streaming());
                    break;
                } catch (IllegalStateException e) {
                    assertEquals("sink failure", e.getMessage());
                    thrown++;
                }
            }
            assertEquals(1, thrown);
            runUntil(source, () -> !ffmpeg.alive() && source.connections() > 0 && !source.streaming());
            ffmpeg.await(10, TimeUnit.SECONDS);
            assertEquals(ffmpeg.framesWritten(), sink.size());
            assertEquals(1, source.connections()); // the sink's exception was not taken for a network problem
            assertTrue(sink.refusals() > 10);
            assertEquals(sink.refusals(), source.appendsRefused());
            assertDashcamFrames(sink.records());
        } finally {
            source.onClose();
        }
    }

    @Test
    void oversizedFramesAreReportedAndSkipped() throws Exception {
        int port = FfmpegMjpegServer.freePort();
        CollectingSink sink = new CollectingSink();
        List<Bad> bad = new CopyOnWriteArrayList<>();
        // q:v 5 frames of this video are 25..45 KB: a 1 KiB limit skips them all
        MjpegHttpSource source = new MjpegHttpSource(settings(port).withMaxFrameBytes(1024), sink,
                (k, o, d) -> bad.add(new Bad(k, o, d)));
        try (FfmpegMjpegServer ffmpeg = FfmpegMjpegServer.start(VIDEO, port, false, 0.4, true)) {
            runUntil(source, () -> !ffmpeg.alive() && source.connections() > 0 && !source.streaming());
            ffmpeg.await(10, TimeUnit.SECONDS);
            assertEquals(0, sink.size());
            assertEquals(ffmpeg.framesWritten(), bad.size(), bad.toString());
            for (Bad b : bad) {
                assertEquals("oversized-frame", b.kind());
                assertTrue(b.detail().contains("127.0.0.1:" + port), b.detail());
            }
            // offsets strictly increase through the body
            for (int i = 1; i < bad.size(); i++) {
                assertTrue(bad.get(i).offset() > bad.get(i - 1).offset());
            }
        } finally {
            source.onClose();
        }
    }

    @Test
    void errorStatusAndStalledStreamsAreRetried() throws Exception {
        // the JDK's own HTTP server: /missing answers 404, /stall sends a multipart head and then nothing
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicInteger stalls = new java.util.concurrent.atomic.AtomicInteger();
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/stall", ex -> {
            stalls.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "multipart/x-mixed-replace; boundary=x");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().flush();
            // never writes a part; the exchange is left open until the client gives up
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        int port = server.getAddress().getPort();
        try {
            List<Bad> bad = new CopyOnWriteArrayList<>();
            MjpegHttpSource missing = new MjpegHttpSource(MjpegHttpSettings.of(
                    URI.create("http://127.0.0.1:" + port + "/missing"), "cam").withBackoff(Duration.ofMillis(10),
                    Duration.ofMillis(40)), new CollectingSink(), (k, o, d) -> bad.add(new Bad(k, o, d)));
            runUntil(missing, () -> missing.connections() >= 3);
            missing.onClose();
            assertTrue(bad.size() >= 2, bad.toString());
            assertEquals("http-status", bad.get(0).kind());
            assertTrue(bad.get(0).detail().contains("404"), bad.get(0).detail());

            MjpegHttpSource stalled = new MjpegHttpSource(MjpegHttpSettings.of(
                    URI.create("http://127.0.0.1:" + port + "/stall"), "cam").withBackoff(Duration.ofMillis(10),
                    Duration.ofMillis(40)).withIdleTimeout(Duration.ofMillis(200)), new CollectingSink(), null);
            runUntil(stalled, () -> stalled.connections() >= 2);
            stalled.onClose();
            assertTrue(stalled.lastError().contains("no data for 200 ms"), stalled.lastError());
            assertEquals(0, stalled.framesAppended());
            assertTrue(stalls.get() >= 1);
        } finally {
            server.stop(0);
        }
    }
}
