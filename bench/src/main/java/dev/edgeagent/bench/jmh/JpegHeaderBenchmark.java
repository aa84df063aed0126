package dev.edgeagent.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import dev.edgeagent.protocols.camera.ImageHeader;
import org.agrona.concurrent.UnsafeBuffer;
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
 * {@link ImageHeader#parse} on the bundled stills, held in direct memory as a frame in a capture buffer would be:
 * {@code BASELINE} (Udacity solidWhiteCurve, SOF0 after JFIF and Exif segments), {@code PROGRESSIVE}
 * (solidYellowCurve, SOF2) and {@code PNG} (EuRoC cam0, IHDR with its CRC checked). The score is headers per second;
 * only headers are read, so no byte rate is given.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JpegHeaderBenchmark {

    @Param({"BASELINE", "PROGRESSIVE", "PNG"})
    public String image;

    private final ImageHeader header = new ImageHeader();
    private UnsafeBuffer frame;
    private int length;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String file = switch (image) {
            case "BASELINE" -> "camera/udacity_solidWhiteCurve.jpg";
            case "PROGRESSIVE" -> "camera/udacity_solidYellowCurve.jpg";
            default -> "euroc/cam0/data/1403715273262142976.png";
        };
        byte[] bytes = Files.readAllBytes(BenchData.sample(file));
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).flip();
        frame = new UnsafeBuffer(direct);
        length = bytes.length;
    }

    @Benchmark
    public int parse() {
        ImageHeader h = header.parse(frame, 0, length);
        return h.width() + h.height() + h.components();
    }
}
