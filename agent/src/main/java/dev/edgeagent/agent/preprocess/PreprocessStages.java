package dev.edgeagent.agent.preprocess;

import dev.edgeagent.agent.decode.LidarAssemblers;
import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.agent.config.Modality;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.decode.DerivedSchema;
import dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas;
import dev.edgeagent.agent.preprocess.window.WindowAggregator;
import dev.edgeagent.agent.signal.SignalExtractor;
import dev.edgeagent.agent.stage.QueueReader;
import dev.edgeagent.agent.stage.StageContext;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.agent.stage.TransformFactory;
import dev.edgeagent.protocols.lidar.SweepAssembler;
import dev.edgeagent.protocols.lidar.SweepListener;
import dev.edgeagent.protocols.source.BadInputListener;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds one {@link PreprocessTransform} per stream with a {@code preprocess:} block, and its derived streams:
 * {@code <id>-quality} (critical), {@code <id>-features}, {@code <id>-decimated}, {@code <id>-preview}
 * (standard), each carrying the source stream's tags.
 */
public final class PreprocessStages implements TransformFactory {

    public static final String CHECKPOINT = "preprocess";

    public static final DerivedSchema QUALITY_SCHEMA = DerivedSchema.json("edgeagent.quality.Event", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Data-quality event","type":"object",
             "properties":{"stream":{"type":"string"},
              "check":{"type":"string","description":"range, rate-of-change, stuck, not-finite, rate, sequence-gap, time-backwards, time-duplicate, time-gap, packet-loss"},
              "signal":{"type":"string","description":"absent for stream checks"},
              "value":{"type":["number","string"],"description":"the offending value (NaN/Infinity as strings)"},
              "limit":{"type":["number","string"],"description":"the limit it broke"},
              "time_ns":{"type":"integer","description":"event time of the value or record"},
              "record_seq":{"type":"integer","description":"capture sequence of the record that raised it"}},
             "required":["stream","check","value","time_ns","record_seq"]}""");

    public static final DerivedSchema FEATURES_SCHEMA = DerivedSchema.json("edgeagent.features.Window", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Windowed signal features","type":"object",
             "properties":{"signal":{"type":"string"},"window":{"type":"string","description":"1s, or 10s@1s for hopping"},
              "start_ns":{"type":"integer"},"end_ns":{"type":"integer","description":"exclusive"},
              "count":{"type":"integer"},"mean":{"type":"number"},
              "std":{"type":"number","description":"population standard deviation"},
              "min":{"type":"number"},"max":{"type":"number"},"first":{"type":"number"},"last":{"type":"number"},
              "quantiles":{"type":"object","additionalProperties":{"type":"number"}},
              "late":{"type":"integer","description":"values for already emitted windows since the previous result"}},
             "required":["signal","window","start_ns","end_ns","count","mean","std","min","max","first","last","late"]}""");

    @Override
    public List<Transform> create(StageContext context) throws IOException {
        List<Transform> out = new ArrayList<>();
        List<StreamConfig> streams = context.config().streams();
        for (int i = 0; i < streams.size(); i++) {
            StreamConfig sc = streams.get(i);
            if (sc.preprocess().isPresent()) {
                out.add(create(context, sc, "agent.streams[" + i + "].preprocess", sc.preprocess().get()));
            }
        }
        return out;
    }

    private static PreprocessTransform create(StageContext context, StreamConfig sc, String key, PreprocessConfig p) {
        String id = sc.id();
        List<String> tags = sc.tags().orElse(List.of());
        PayloadFormat format = context.format(id);
        List<String> problems = new ArrayList<>();
        boolean wantsSignals = p.quality().flatMap(PreprocessConfig.QualityConfig::signals).map(l -> !l.isEmpty()).orElse(false)
                || p.quality().flatMap(PreprocessConfig.QualityConfig::sequenceSignal).isPresent()
                || p.features().map(l -> !l.isEmpty()).orElse(false);
        SignalExtractor extractor = p.quality().isPresent() || wantsSignals ? context.signals(id) : null;
        if (wantsSignals && extractor == null) {
            problems.add(key + " on stream \"" + id + "\" (" + format.messageEncoding() + "): signal checks and features"
                    + " need a stream whose records carry signals (CAN with decode.dbc, IMU, GNSS, gpsd, MQTT JSON)");
        }
        // names are known up front except for JSON payloads (MQTT, gpsd), whose fields appear as they arrive
        if (extractor != null && format != PayloadFormat.MQTT_PAYLOAD && format != PayloadFormat.GPSD_JSON) {
            p.quality().flatMap(PreprocessConfig.QualityConfig::signals).ifPresent(l -> {
                for (int i = 0; i < l.size(); i++) {
                    unknown(problems, key + ".quality.signals[" + i + "].name", l.get(i).name(), extractor);
                }
            });
            p.quality().flatMap(PreprocessConfig.QualityConfig::sequenceSignal)
                    .ifPresent(s -> unknown(problems, key + ".quality.sequence-signal", s, extractor));
            p.features().ifPresent(l -> {
                for (int i = 0; i < l.size(); i++) {
                    for (String s : l.get(i).signals()) {
                        unknown(problems, key + ".features[" + i + "].signals", s, extractor);
                    }
                }
            });
        }
        boolean lidar = sc.modality() == Modality.lidar && format == PayloadFormat.UDP_PAYLOAD;
        boolean stills = format == PayloadFormat.IMAGE;
        if (p.preview().isPresent() && !lidar && !stills) {
            problems.add(key + ".preview on stream \"" + id + "\" (" + sc.modality() + ", " + format.messageEncoding()
                    + "): expected a LiDAR stream or a camera of JPEG/PNG frames (mjpeg, images); H.264 video has no"
                    + " preview (the keyframes channel is its preview)");
        }
        Function<SweepListener, SweepAssembler> sweeps = null;
        if (lidar && (p.preview().isPresent() || p.quality().isPresent())) {
            sweeps = assemblers(key, sc, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("agent.yaml", problems);
        }
        PreprocessTransform.Outputs outputs = new PreprocessTransform.Outputs(
                p.quality().isPresent() ? context.derivedStream(id + "-quality", Modality.event, Tier.critical, tags, QUALITY_SCHEMA) : null,
                p.features().map(l -> !l.isEmpty()).orElse(false)
                        ? context.derivedStream(id + "-features", sc.modality(), Tier.standard, tags, FEATURES_SCHEMA) : null,
                p.decimate().isPresent() ? context.rawDerivedStream(id + "-decimated", sc.modality(), Tier.standard, tags, format) : null,
                p.preview().isPresent() ? context.derivedStream(id + "-preview", sc.modality(), Tier.standard, tags,
                        lidar ? FoxgloveSchemas.POINT_CLOUD : FoxgloveSchemas.COMPRESSED_IMAGE) : null);
        return new PreprocessTransform(id, new QueueReader(context.queue(id), CHECKPOINT), extractor, p, sweeps, stills, outputs);
    }

    private static void unknown(List<String> problems, String key, String name, SignalExtractor extractor) {
        if (extractor.names().find(name) < 0) {
            List<String> known = new ArrayList<>();
            for (int i = 0; i < extractor.names().size() && known.size() < 8; i++) {
                known.add(extractor.names().name(i));
            }
            problems.add(key + " = \"" + name + "\": expected a signal of the stream, such as " + String.join(", ", known));
        }
    }

    private static Function<SweepListener, SweepAssembler> assemblers(String key, StreamConfig sc, List<String> problems) {
        try {
            var make = LidarAssemblers.forStream(key, sc);
            // bad packets are counted by the batcher's decoder already
            return l -> make.apply(l, BadInputListener.IGNORE);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** The window specifications of a features list (validated by {@link PreprocessValidator}). */
    static List<WindowAggregator.Spec> specs(List<PreprocessConfig.FeatureConfig> features) {
        List<WindowAggregator.Spec> specs = new ArrayList<>();
        for (PreprocessConfig.FeatureConfig f : features) {
            long w = f.window().toNanos();
            long h = f.hop().isZero() ? w : f.hop().toNanos();
            double[] q = f.quantiles().orElse(List.of()).stream().mapToDouble(Double::doubleValue).toArray();
            specs.add(new WindowAggregator.Spec(List.copyOf(f.signals()), w, h, f.allowedLateness().toNanos(), q));
        }
        return specs;
    }
}
