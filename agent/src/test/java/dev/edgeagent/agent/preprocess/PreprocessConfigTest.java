package dev.edgeagent.agent.preprocess;

import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.preprocess.quality.QualityChecker;
import dev.edgeagent.agent.preprocess.window.WindowAggregator;
import dev.edgeagent.agent.signal.SignalNames;
import dev.edgeagent.agent.testing.IndependentCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Bad preprocess settings are refused naming key and value; the per-value paths do not allocate. */
class PreprocessConfigTest {

    @TempDir
    Path dir;

    private String yaml(String stream) {
        return """
                agent:
                  device-id: d1
                  data-dir: %s/data
                  upload: {target: "file:%s/upload"}
                  streams:
                %s""".formatted(dir, dir, stream.indent(4));
    }

    @Test
    void badSettingsAreRefusedNamingKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.parse("agent.yaml", yaml("""
                - id: imu
                  modality: imu
                  source: {type: synthetic}
                  preprocess:
                    quality:
                      rate-tolerance: 1.5
                      signals:
                        - {name: accel.x, min: 5, max: 1}
                    features:
                      - {signals: [accel.x], window: 1s, hop: 2s, quantiles: [1.5]}
                    decimate: {keep-one-in: 10, max-rate: 5}
                    preview: {width: 2}
                """), Map.of()));
        String m = e.getMessage();
        for (String expected : List.of(
                "agent.streams[0].preprocess.quality.rate-tolerance = \"1.5\"",
                "agent.streams[0].preprocess.quality.signals[0].min = \"5.0\": expected at most max (1.0)",
                "agent.streams[0].preprocess.features[0].hop = \"PT2S\"",
                "agent.streams[0].preprocess.features[0].quantiles = \"1.5\"",
                "agent.streams[0].preprocess.decimate: expected exactly one of keep-one-in or max-rate",
                "agent.streams[0].preprocess.preview.width = \"2\"")) {
            assertTrue(m.contains(expected), "missing <" + expected + "> in:\n" + m);
        }
    }

    @Test
    void unknownSignalsAndPreviewsWithoutFramesAreRefusedAtStart() throws Exception {
        Path can = IndependentCaptures.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log");
        Path dbc = IndependentCaptures.sample("../config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc");
        LoadedConfig config = AgentConfigLoader.parse("agent.yaml", yaml("""
                - id: can
                  modality: can
                  source: {type: replay, file: %s, timing: max}
                  decode: {dbc: %s}
                  preprocess:
                    features:
                      - {signals: [ENGINE_DATA.SPEED_TYPO], window: 1s}
                    preview: {every: 10}
                """.formatted(can, dbc)), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> Pipeline.create(config, "test", true).close());
        assertTrue(e.getMessage().contains("agent.streams[0].preprocess.features[0].signals = \"ENGINE_DATA.SPEED_TYPO\":"
                + " expected a signal of the stream"), e.getMessage());
        assertTrue(e.getMessage().contains("agent.streams[0].preprocess.preview on stream \"can\""), e.getMessage());
    }

    @Test
    void qualityChecksAndWindowsDoNotAllocatePerValue() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SignalNames names = new SignalNames();
        int speed = names.id("speed", "");
        int rpm = names.id("rpm", "");
        List<QualityChecker.Check> events = new ArrayList<>();
        var quality = new QualityChecker(AgentConfigLoader.parse("agent.yaml", yaml("""
                - id: s
                  modality: can
                  source: {type: synthetic}
                  preprocess:
                    quality:
                      expected-rate: 100
                      signals:
                        - {name: speed, min: 0, max: 250, max-rate-of-change: 1000, stuck-after: 1s}
                """), Map.of()).agent().streams().get(0).preprocess().get().quality().get(), names,
                (check, signal, value, limit, t, seq) -> events.add(check));
        long[] results = new long[1];
        var windows = new WindowAggregator(List.of(
                new WindowAggregator.Spec(List.of("speed", "rpm"), 1_000_000_000L, 1_000_000_000L, 200_000_000L, new double[0]),
                new WindowAggregator.Spec(List.of("speed"), 10_000_000_000L, 1_000_000_000L, 0, new double[0])),
                names, r -> results[0]++);
        long t0 = 1_700_000_000_000_000_000L;
        long before = 0;
        for (int i = 0; i < 400_000; i++) {
            if (i == 100_000) {
                before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());   // after warm-up
            }
            long t = t0 + i * 10_000_000L;
            double v = 100 + 50 * Math.sin(i * 0.01);
            quality.onRecord(t, i);
            quality.onSignal(speed, v, t);
            quality.onSignal(rpm, v * 30, t);
            windows.onValue(speed, v, t);
            windows.onValue(rpm, v * 30, t);
            if (i % 1000 == 999) {
                windows.advance();
            }
        }
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(results[0] > 3 * 3000, "windows emitted: " + results[0]);
        assertTrue(events.isEmpty(), events.toString());
        // 300 000 records, 600 000 values: anything per value would be megabytes
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated");
    }
}
