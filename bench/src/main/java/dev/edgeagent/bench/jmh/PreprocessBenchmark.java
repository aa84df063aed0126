package dev.edgeagent.bench.jmh;

import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.ChronicleRecordSink;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.preprocess.PreprocessTransform;
import dev.edgeagent.agent.preprocess.preview.Thumbnailer;
import dev.edgeagent.agent.preprocess.preview.VoxelGrid;
import dev.edgeagent.agent.signal.SignalExtractors;
import dev.edgeagent.agent.stage.DerivedStream;
import dev.edgeagent.agent.stage.QueueReader;
import dev.edgeagent.protocols.lidar.PointBuffer;
import dev.edgeagent.protocols.lidar.velodyne.VelodyneSweepAssembler;
import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The edge preprocessing stage (agent/preprocess) on real data. {@code canPass}: every frame of the bundled
 * Civic log, read back from a capture queue with {@link RecordView} as the transform does, through the whole
 * per-record path of {@link PreprocessTransform} (DBC signal extraction, quality checks on 3 signals plus the
 * stream checks, 1 s windows on 4 signals (with p50/p95 when {@code quantiles}) and 10 s@1 s hopping windows on 2, keep-one-in-10
 * decimation into a real derived queue); score = log passes/s, {@code records} = frames/s.
 * {@code thumbnail}: one 960x540 dashcam JPEG to a 320-pixel JPEG (Thumbnailator, subsampled decode); score =
 * frames/s. {@code voxel}: one VLP-16 sweep (about 29 000 points) to a 0.5 m voxel preview; score = sweeps/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PreprocessBenchmark {

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Records {
        public long records;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
        }
    }

    /** With p50/p95 per 1 s window (a t-digest per window) or without quantiles. */
    @org.openjdk.jmh.annotations.Param({"true", "false"})
    public boolean quantiles;

    private java.nio.file.Path dir;
    private CaptureQueue input;
    private CaptureQueue decimated;
    private ExcerptTailer tailer;
    private final RecordView view = new RecordView();
    private PreprocessTransform transform;
    private long frames;
    private Thumbnailer thumbnailer;
    private UnsafeBuffer jpeg;
    private final VoxelGrid grid = new VoxelGrid();
    private final ExpandableArrayBuffer points = new ExpandableArrayBuffer(1 << 20);
    private PointBuffer sweep;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchData.tempDir("bench-preprocess");
        BenchData.Corpus can = BenchData.can();
        input = new CaptureQueue(dir, "can", "FAST_HOURLY", new StreamStats("can"));
        ChronicleRecordSink sink = input.newSink();
        UnsafeBuffer data = new UnsafeBuffer(can.data());
        UnsafeBuffer key = new UnsafeBuffer("can0".getBytes());
        for (int i = 0; i < can.count(); i++) {
            long t = can.times()[i];
            sink.append(t, t, t, key, 0, 4, data, can.offsets()[i], can.lengths()[i]);
            if (i % 64 == 63) {
                sink.flush();
            }
        }
        sink.flush();
        frames = can.count();
        tailer = input.chronicle().createTailer();

        java.nio.file.Path root = BenchData.samples().getParent();
        AgentConfig config = AgentConfigLoader.parse("bench.yaml", """
                agent:
                  device-id: bench
                  streams:
                    - id: can
                      modality: can
                      source: {type: synthetic}
                      decode: {dbc: %s}
                      preprocess:
                        quality:
                          expected-rate: 3000
                          duplicate-timestamps: false
                          sequence-signal: ENGINE_DATA.COUNTER
                          sequence-modulo: 4
                          signals:
                            - {name: ENGINE_DATA.XMISSION_SPEED, min: 0, max: 300, max-rate-of-change: 50, stuck-after: 30s}
                            - {name: POWERTRAIN_DATA.ENGINE_RPM, min: 0, max: 9000, stuck-after: 30s}
                            - {name: POWERTRAIN_DATA.PEDAL_GAS, min: 0, max: 255}
                        features:
                          - {signals: [ENGINE_DATA.XMISSION_SPEED, POWERTRAIN_DATA.ENGINE_RPM, POWERTRAIN_DATA.PEDAL_GAS, ENGINE_DATA.ODOMETER], window: 1s%s}
                          - {signals: [ENGINE_DATA.XMISSION_SPEED, POWERTRAIN_DATA.ENGINE_RPM], window: 10s, hop: 1s, allowed-lateness: 1s}
                        decimate: {keep-one-in: 10}
                """.formatted(root.resolve("config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc"),
                quantiles ? ", quantiles: [0.5, 0.95]" : ""), Map.of()).agent();
        AgentConfig.StreamConfig sc = config.streams().get(0);
        decimated = new CaptureQueue(dir, "can-decimated", "FAST_HOURLY", new StreamStats("can-decimated"));
        CaptureQueue quality = new CaptureQueue(dir, "can-quality", "FAST_HOURLY", new StreamStats("q"));
        CaptureQueue features = new CaptureQueue(dir, "can-features", "FAST_HOURLY", new StreamStats("f"));
        transform = new PreprocessTransform("can", new QueueReader(input, "unused"),
                SignalExtractors.create(sc, PayloadFormat.SOCKETCAN_FRAME, new StreamStats("can")), sc.preprocess().get(),
                null, false, new PreprocessTransform.Outputs(
                new DerivedStream("can-quality", "critical", quality.newSink(), new StreamStats("q")),
                new DerivedStream("can-features", "standard", features.newSink(), new StreamStats("f")),
                new DerivedStream("can-decimated", "standard", decimated.newSink(), new StreamStats("d")), null));

        thumbnailer = new Thumbnailer(320, 0.8);
        jpeg = new UnsafeBuffer(Files.readAllBytes(BenchData.sample("camera/udacity_solidWhiteCurve.jpg")));

        List<PointBuffer> sweeps = new ArrayList<>();
        VelodyneSweepAssembler assembler = new VelodyneSweepAssembler((info, p) -> {
            PointBuffer copy = new PointBuffer(p.size());
            for (int i = 0; i < p.size(); i++) {
                copy.add(p.x()[i], p.y()[i], p.z()[i], p.intensity()[i], p.ring()[i], p.timeOffsetNs()[i], 0);
            }
            sweeps.add(copy);
        }, null);
        BenchData.Corpus vlp = BenchData.pcapPayloads(BenchData.VELODYNE_VLP16_PCAP);
        UnsafeBuffer vlpData = new UnsafeBuffer(vlp.data());
        for (int i = 0; i < vlp.count(); i++) {
            assembler.accept(vlpData, vlp.offsets()[i], vlp.lengths()[i], vlp.times()[i], -1);
        }
        assembler.finish();
        sweep = sweeps.stream().max(java.util.Comparator.comparingInt(PointBuffer::size)).orElseThrow();
    }

    @TearDown(Level.Trial)
    public void delete() {
        tailer.close();
        input.close();
        decimated.close();
        BenchData.deleteTree(dir);
    }

    @Benchmark
    public long canPass(Records c) {
        long n = 0;
        tailer.toStart();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                view.block(dc.wire().bytes());
                while (view.next()) {
                    transform.onRecord(view);
                    n++;
                }
            }
            transform.endOfBatch();
        }
        if (n != frames) {
            throw new IllegalStateException("read " + n + " of " + frames + " frames");
        }
        c.records += n;
        return n;
    }

    @Benchmark
    public int thumbnail() throws IOException {
        return thumbnailer.thumbnail(jpeg, 0, jpeg.capacity());
    }

    @Benchmark
    public int voxel() {
        return grid.downsample(sweep, 0.5, 20_000, points);
    }
}
