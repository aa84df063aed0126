package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.agent.config.Modality;
import dev.edgeagent.agent.decode.GnssFixDecoder;
import dev.edgeagent.agent.decode.ImuSampleDecoder;
import dev.edgeagent.agent.decode.LidarAssemblers;
import dev.edgeagent.agent.decode.LidarPointCloudDecoder;
import dev.edgeagent.agent.decode.VideoKeyframeDecoder;
import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.agent.decode.CameraEncodings;
import dev.edgeagent.agent.decode.CanSignalDecoder;
import dev.edgeagent.agent.decode.PrimaryEncoding;
import dev.edgeagent.agent.decode.RecordDecoder;
import dev.edgeagent.protocols.can.dbc.DbcDatabase;
import dev.edgeagent.protocols.can.dbc.DbcFormatException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;

/** Chooses, per stream, how the batcher writes its records and what it derives from them. */
final class Decoders {

    private static final System.Logger LOG = System.getLogger(Decoders.class.getName());

    private Decoders() {
    }

    /** Camera formats get a viewer's schema for their own records; everything else is written raw. */
    static PrimaryEncoding primary(PayloadFormat format) {
        return switch (format) {
            case IMAGE -> CameraEncodings.COMPRESSED_IMAGE;
            case H264 -> CameraEncodings.COMPRESSED_VIDEO_H264;
            default -> null;
        };
    }

    /** The stream's decoder, or null when its format has none or decoding is off. */
    static RecordDecoder decoder(String key, StreamConfig stream, PayloadFormat format, StreamStats stats) {
        if (!stream.decode().enabled()) {
            return null;
        }
        return switch (format) {
            case SOCKETCAN_FRAME -> stream.decode().dbc().map(dbc -> can(key, stream, dbc)).orElse(null);
            case UDP_PAYLOAD -> stream.modality() == Modality.lidar ? lidar(key, stream, stats) : null;
            case GNSS_FRAME -> new GnssFixDecoder(stream.id(), false, new BadInputLog(stats, "GNSS frames of stream " + stream.id()));
            case GPSD_JSON -> new GnssFixDecoder(stream.id(), true, BadInputListener.IGNORE);
            case IMU_SAMPLE -> new ImuSampleDecoder();
            case H264 -> new VideoKeyframeDecoder();
            default -> null;
        };
    }

    /** Ouster when the stream names its metadata JSON, Velodyne (model told from the packets) otherwise. */
    private static RecordDecoder lidar(String key, StreamConfig stream, StreamStats stats) {
        BadInputListener bad = new BadInputLog(stats, "LiDAR packets of stream " + stream.id());
        return new LidarPointCloudDecoder(stream.id(), bad, LidarAssemblers.forStream(key, stream));
    }

    private static RecordDecoder can(String key, StreamConfig stream, Path dbc) {
        try {
            DbcDatabase db = DbcDatabase.load(dbc, (DbcFormatException e) -> LOG.log(Level.WARNING,
                    "stream " + stream.id() + ": " + dbc + ": statement skipped: " + e.getMessage()));
            for (DbcFormatException w : db.warnings()) {
                LOG.log(Level.INFO, "stream " + stream.id() + ": " + dbc + ": " + w.getMessage());
            }
            return new CanSignalDecoder(db);
        } catch (IOException e) {
            throw new ConfigException("agent.yaml", List.of(key + ".decode.dbc = \"" + dbc + "\": expected a readable DBC file ("
                    + e.getMessage() + ")"));
        }
    }
}
