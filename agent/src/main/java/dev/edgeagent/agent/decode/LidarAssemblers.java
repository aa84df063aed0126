package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.protocols.lidar.SweepAssembler;
import dev.edgeagent.protocols.lidar.SweepListener;
import dev.edgeagent.protocols.lidar.ouster.OusterMetadata;
import dev.edgeagent.protocols.lidar.ouster.OusterSweepAssembler;
import dev.edgeagent.protocols.lidar.velodyne.VelodyneSweepAssembler;
import dev.edgeagent.protocols.source.BadInputListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Which sweep assembler a LiDAR packet stream needs: Ouster when the stream names its sensor metadata JSON
 * ({@code decode.sensor-metadata}), Velodyne (model told from the packets) otherwise. The batcher's decoder, the
 * preprocessing previews and the alignment stage (sweeps as reference) each make their own from this.
 */
public final class LidarAssemblers {

    private LidarAssemblers() {
    }

    /**
     * @param key the stream's config key, e.g. agent.streams[2], for the error message
     * @throws ConfigException when the metadata file cannot be read as Ouster metadata
     */
    public static BiFunction<SweepListener, BadInputListener, SweepAssembler> forStream(String key, StreamConfig stream) {
        if (stream.decode().sensorMetadata().isEmpty()) {
            return VelodyneSweepAssembler::new;
        }
        Path file = stream.decode().sensorMetadata().get();
        OusterMetadata meta;
        try {
            meta = OusterMetadata.read(file);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("agent.yaml", List.of(key + ".decode.sensor-metadata = \"" + file
                    + "\": expected an Ouster sensor metadata JSON (" + e.getMessage() + ")"));
        }
        return (sweeps, bad) -> new OusterSweepAssembler(meta, sweeps, bad);
    }
}
