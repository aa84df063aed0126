package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The chunk size each capture queue gets from the config: by rate unless the config sets one. */
class QueueChunkSizeTest {

    @TempDir
    Path dir;

    private long[] chunks(String capture) throws Exception {
        LoadedConfig config = AgentConfigLoader.parse("chunks.yaml", """
                agent:
                  device-id: van-7
                  data-dir: %s/data
                  streams:
                    - id: cam
                      modality: camera
                      source: {type: synthetic, record-bytes: 250000, rate: 120}
                    - id: can
                      modality: can
                      source: {type: synthetic, record-bytes: 16, rate: 2000}
                  %s
                """.formatted(dir, capture), Map.of());
        try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
            return new long[]{pipeline.streams().get(0).queue().chunkBytes(), pipeline.streams().get(1).queue().chunkBytes()};
        }
    }

    @Test
    void aStreamThatStatesItsRateGetsAThirdOfASecondOfItsWriting() throws Exception {
        long[] c = chunks("");
        assertEquals(16L << 20, c[0], "30 MB/s: 10 MB, a power of two up");
        assertEquals(1L << 20, c[1], "a slow stream keeps the default");
    }

    @Test
    void aChunkSizeSetInTheConfigIsKeptButFitsFourRecords() throws Exception {
        long[] c = chunks("capture: {chunk-bytes: 64K}");
        assertEquals(1L << 20, c[0], "four 250 KB records fit, and the rate is not used");
        assertEquals(64L << 10, c[1]);
    }
}
