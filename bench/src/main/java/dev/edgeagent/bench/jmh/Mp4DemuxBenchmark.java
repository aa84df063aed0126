package dev.edgeagent.bench.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.edgeagent.protocols.camera.H264;
import dev.edgeagent.protocols.camera.Mp4H264Demuxer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The H.264 replay path over the bundled dashcam MP4 (960x540, 221 frames, 2.6 MB; page-cached after the first
 * pass): {@code demuxPass} reads every video sample with a positional read and converts it to Annex B (the
 * replay source's work per record, plus {@link H264#isKeyframe} as the batcher would call it); {@code open} is
 * isoparser parsing the boxes (mdat skipped) and the sample tables being laid out, once per file. Scores: passes
 * and opens per second; {@code frames} and {@code bytes} (Annex B bytes out) per second for the pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Mp4DemuxBenchmark {

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

    private Path file;
    private Mp4H264Demuxer demuxer;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchData.sample("camera/udacity_solidWhiteRight.mp4");
        demuxer = Mp4H264Demuxer.open(file);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        demuxer.close();
    }

    @Benchmark
    public long demuxPass(Frames c) throws IOException {
        demuxer.rewind();
        long keyframes = 0;
        while (demuxer.next()) {
            int n = demuxer.accessUnitLength();
            c.frames++;
            c.bytes += n;
            if (H264.isKeyframe(demuxer.accessUnit(), 0, n)) {
                keyframes++;
            }
        }
        return keyframes;
    }

    @Benchmark
    public int open() throws IOException {
        try (Mp4H264Demuxer d = Mp4H264Demuxer.open(file)) {
            return d.sampleCount();
        }
    }
}
