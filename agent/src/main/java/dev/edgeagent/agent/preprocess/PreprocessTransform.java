package dev.edgeagent.agent.preprocess;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.decode.foxglove.FoxgloveEncoder;
import dev.edgeagent.agent.decode.foxglove.PointLayout;
import dev.edgeagent.agent.preprocess.preview.Thumbnailer;
import dev.edgeagent.agent.preprocess.preview.VoxelGrid;
import dev.edgeagent.agent.preprocess.quality.QualityChecker;
import dev.edgeagent.agent.preprocess.window.WindowAggregator;
import dev.edgeagent.agent.signal.SignalExtractor;
import dev.edgeagent.agent.signal.SignalNames;
import dev.edgeagent.agent.signal.SignalSink;
import dev.edgeagent.agent.stage.DerivedStream;
import dev.edgeagent.agent.stage.OutputBacklog;
import dev.edgeagent.agent.stage.QueueReader;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.protocols.lidar.PointBuffer;
import dev.edgeagent.protocols.lidar.SweepAssembler;
import dev.edgeagent.protocols.lidar.SweepInfo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

/**
 * Preprocessing of one captured stream (its {@code preprocess:} block), on the transform thread: reads the
 * stream's capture queue from the checkpoint {@code preprocess}, runs the quality checks and window features on
 * the stream's signals, and writes the quality events, window results, a decimated copy and previews into their
 * derived streams. The captured records themselves are untouched: they are batched and uploaded as always.
 * Outputs refused by a full queue are kept and offered again before more input is read.
 */
public final class PreprocessTransform implements Transform {

    private static final System.Logger LOG = System.getLogger(PreprocessTransform.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final int POLL_RECORDS = 4096;
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    /** What the transform writes to; any may be null when its part of the block is absent. */
    public record Outputs(DerivedStream quality, DerivedStream features, DerivedStream decimated,
                          DerivedStream preview) {
    }

    private final String streamId;
    private final QueueReader reader;
    private final SignalExtractor extractor;
    private final SignalNames names;
    private final QualityChecker quality;
    private final WindowAggregator windows;
    private final Decimator decimator;
    private final Thumbnailer thumbnailer;
    private final SweepAssembler sweeps;
    private final VoxelGrid voxels;
    private final PreprocessConfig.PreviewConfig previewConfig;
    private final Outputs out;
    private final QueueReader.RecordHandler handler = this::onRecord;
    private final SignalSink signalSink = this::onSignal;
    private final FoxgloveEncoder encoder = new FoxgloveEncoder();
    private final ExpandableArrayBuffer points = new ExpandableArrayBuffer(64 * 1024);
    private final ByteArrayOutputStream json = new ByteArrayOutputStream(512);
    private final OutputBacklog pending = new OutputBacklog();

    private volatile boolean endOfInput;
    private volatile boolean drained;
    private volatile long records;
    private volatile long previews;
    private volatile long previewErrors;
    private long frames;
    private long currentTimeNs;   // the record being handled, for sweeps without a real clock

    /**
     * @param sweeps the LiDAR sweep assembler when the stream is LiDAR and quality or preview wants sweeps; the
     *               transform's own listener must be the one it was built with ({@link #sweepListener()})
     */
    public PreprocessTransform(String streamId, QueueReader reader, SignalExtractor extractor, PreprocessConfig config,
                        java.util.function.Function<dev.edgeagent.protocols.lidar.SweepListener, SweepAssembler> sweeps,
                        boolean cameraFrames, Outputs out) {
        this.streamId = streamId;
        this.reader = reader;
        this.extractor = extractor;
        this.names = extractor == null ? new SignalNames() : extractor.names();
        this.out = out;
        this.quality = config.quality().map(q -> new QualityChecker(q, names, this::onEvent)).orElse(null);
        this.windows = config.features().filter(f -> !f.isEmpty())
                .map(f -> new WindowAggregator(PreprocessStages.specs(f), names, this::onResult)).orElse(null);
        this.decimator = config.decimate().map(d -> new Decimator(d.keepOneIn().orElse(0), d.maxRate().orElse(0)))
                .orElse(null);
        this.previewConfig = config.preview().orElse(null);
        this.thumbnailer = previewConfig != null && cameraFrames
                ? new Thumbnailer(previewConfig.width(), previewConfig.jpegQuality()) : null;
        this.sweeps = sweeps == null ? null : sweeps.apply(this::onSweep);
        this.voxels = previewConfig != null && sweeps != null ? new VoxelGrid() : null;
    }

    @Override
    public String roleName() {
        return "preprocess-" + streamId;
    }

    @Override
    public int doWork() {
        if (!pending.retry()) {
            return 0;   // an output queue is full: read no more input until it takes what is waiting
        }
        boolean ending = endOfInput;
        int n = reader.poll(handler, POLL_RECORDS);
        if (windows != null) {
            windows.advance();
        }
        if (n > 0) {
            records += n;
            flushAndCommit();
        }
        if (ending && n == 0 && reader.atEnd() && !drained && pending.isEmpty()) {
            // everything the sources captured is read: emit the windows still open
            if (windows != null) {
                windows.flush();
            }
            if (pending.isEmpty()) {
                flushAndCommit();
                drained = true;
            }
        }
        return n;
    }

    /** After a batch of {@link #onRecord} calls: emits the windows the watermark passed and flushes the outputs. */
    public void endOfBatch() {
        if (windows != null) {
            windows.advance();
        }
        pending.retry();
        flushAndCommit();
    }

    private void flushAndCommit() {
        boolean ok = flush(out.quality()) & flush(out.features()) & flush(out.decimated()) & flush(out.preview());
        if (ok) {
            reader.commit();
        }
    }

    private static boolean flush(DerivedStream s) {
        return s == null || s.flush();
    }

    /**
     * What {@link #doWork()} does with each record (public for the benchmarks, which feed records without a
     * checkpoint); follow a batch of records with {@link #endOfBatch()}.
     */
    public void onRecord(RecordView r) {
        long t = r.timeNs();
        if (quality != null) {
            quality.onRecord(t, r.sequence());
        }
        if (extractor != null && (quality != null || windows != null)) {
            extractor.extract(r, signalSink);
        }
        if (sweeps != null) {
            currentTimeNs = t;
            sweeps.accept(r.payload(), 0, r.payload().capacity(), t, SweepAssembler.ANY_PORT);
        }
        if (decimator != null && decimator.keep(t)) {
            append(out.decimated(), t, r.key(), 0, r.key().capacity(), r.payload(), 0, r.payload().capacity());
        }
        if (thumbnailer != null && frames++ % previewConfig.every() == 0) {
            thumbnail(r, t);
        }
    }

    private void onSignal(int id, double value, long timeNs) {
        if (quality != null) {
            quality.onSignal(id, value, timeNs);
        }
        if (windows != null) {
            windows.onValue(id, value, timeNs);
        }
    }

    private void onSweep(SweepInfo info, PointBuffer p) {
        long time = info.startTimeNs() > 946_684_800_000_000_000L ? info.startTimeNs() : currentTimeNs;
        if (quality != null) {
            quality.onSweep(info.lostPackets(), time);
        }
        if (voxels != null && info.sweepIndex() % previewConfig.every() == 0) {
            points.checkLimit(Math.min(p.size(), previewConfig.maxPoints()) * PointLayout.STRIDE);
            int n = voxels.downsample(p, previewConfig.voxel(), previewConfig.maxPoints(), points);
            int length = encoder.pointCloud(time, streamId, PointLayout.XYZ_INTENSITY_RING_TIME, points, 0,
                    n * PointLayout.STRIDE);
            append(out.preview(), time, EMPTY, 0, 0, encoder.buffer(), 0, length);
            previews++;
        }
    }

    private void thumbnail(RecordView r, long t) {
        try {
            int length = thumbnailer.thumbnail(r.payload(), 0, r.payload().capacity());
            byte[] jpeg = thumbnailer.bytes();
            int size = encoder.compressedImage(t, streamId, "jpeg", new UnsafeBuffer(jpeg), 0, length);
            append(out.preview(), t, EMPTY, 0, 0, encoder.buffer(), 0, size);
            previews++;
        } catch (IOException | RuntimeException e) {
            // a frame that does not decode gets no thumbnail; the frame itself is kept in the raw stream
            long n = ++previewErrors;
            if (n <= 10 || n % 1000 == 0) {
                LOG.log(Level.WARNING, "stream " + streamId + ": record " + r.sequence() + ": no preview ("
                        + e.getMessage() + "); " + n + " so far");
            }
        }
    }

    private void onEvent(QualityChecker.Check check, int signal, double value, double limit, long timeNs, long seq) {
        try {
            JsonGenerator g = begin();
            g.writeStringField("stream", streamId);
            g.writeStringField("check", check.label());
            if (signal >= 0) {
                g.writeStringField("signal", names.name(signal));
            }
            g.writeNumberField("value", value);
            g.writeNumberField("limit", limit);
            g.writeNumberField("time_ns", timeNs);
            g.writeNumberField("record_seq", seq);
            appendJson(out.quality(), timeNs, check.label(), g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void onResult(WindowAggregator.Result r) {
        try {
            WindowAggregator.Spec spec = windows.specs().get(r.spec);
            JsonGenerator g = begin();
            g.writeStringField("signal", names.name(r.signal));
            g.writeStringField("window", spec.label());
            g.writeNumberField("start_ns", r.startNs);
            g.writeNumberField("end_ns", r.endNs);
            g.writeNumberField("count", r.count);
            g.writeNumberField("mean", r.mean);
            g.writeNumberField("std", r.std);
            g.writeNumberField("min", r.min);
            g.writeNumberField("max", r.max);
            g.writeNumberField("first", r.first);
            g.writeNumberField("last", r.last);
            if (r.quantiles.length > 0) {
                g.writeObjectFieldStart("quantiles");
                for (int i = 0; i < r.quantiles.length; i++) {
                    g.writeNumberField(Double.toString(spec.quantiles()[i]), r.quantiles[i]);
                }
                g.writeEndObject();
            }
            g.writeNumberField("late", r.late);
            appendJson(out.features(), r.startNs, names.name(r.signal) + "/" + spec.label(), g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonGenerator begin() throws IOException {
        json.reset();
        JsonGenerator g = JSON.createGenerator(json);
        g.writeStartObject();
        return g;
    }

    private void appendJson(DerivedStream stream, long timeNs, String key, JsonGenerator g) throws IOException {
        g.writeEndObject();
        g.close();
        byte[] payload = json.toByteArray();
        pending.append(stream, timeNs, key, payload);
    }

    private void append(DerivedStream stream, long timeNs, DirectBuffer key, int keyOffset, int keyLength,
                        DirectBuffer payload, int offset, int length) {
        pending.append(stream, timeNs, key, keyOffset, keyLength, payload, offset, length);
    }

    @Override
    public void endOfInput() {
        endOfInput = true;
    }

    @Override
    public boolean drained() {
        return drained;
    }

    @Override
    public void onClose() {
        reader.close();
    }

    public String streamId() {
        return streamId;
    }

    public QualityChecker quality() {
        return quality;
    }

    public WindowAggregator windows() {
        return windows;
    }

    public long records() {
        return records;
    }

    public long previews() {
        return previews;
    }

    public long previewErrors() {
        return previewErrors;
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        Tags tags = Tags.of("stream", streamId);
        FunctionCounter.builder("edgeagent.preprocess.records", this, PreprocessTransform::records).tags(tags)
                .description("captured records the preprocessing stage has read").register(registry);
        if (quality != null) {
            for (QualityChecker.Check c : QualityChecker.Check.values()) {
                Tags t = tags.and("check", c.label());
                FunctionCounter.builder("edgeagent.quality.violations", quality, q -> q.violations(c)).tags(t)
                        .description("records or values that failed a data-quality check").register(registry);
                FunctionCounter.builder("edgeagent.quality.events", quality, q -> q.events(c)).tags(t)
                        .description("data-quality events emitted (one per episode or occurrence)").register(registry);
            }
        }
        if (windows != null) {
            FunctionCounter.builder("edgeagent.features.windows", windows, WindowAggregator::results).tags(tags)
                    .description("window results emitted").register(registry);
            FunctionCounter.builder("edgeagent.features.late", windows, WindowAggregator::lateValues).tags(tags)
                    .description("values that arrived after their window was emitted").register(registry);
        }
        if (decimator != null) {
            FunctionCounter.builder("edgeagent.decimate.kept", decimator, Decimator::kept).tags(tags)
                    .description("records kept in the decimated copy").register(registry);
        }
        if (previewConfig != null) {
            FunctionCounter.builder("edgeagent.preview.written", this, PreprocessTransform::previews).tags(tags)
                    .description("previews written (thumbnails, voxel point clouds)").register(registry);
            FunctionCounter.builder("edgeagent.preview.errors", this, PreprocessTransform::previewErrors).tags(tags)
                    .description("frames that did not decode for a preview (the frame itself is kept)").register(registry);
        }
    }
}
