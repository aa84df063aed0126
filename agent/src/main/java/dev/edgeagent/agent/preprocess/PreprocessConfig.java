package dev.edgeagent.agent.preprocess;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A stream's {@code preprocess:} block (config/README.md, "Edge preprocessing"): what the device derives from
 * the stream's capture queue before upload. The raw records are never changed or dropped by it.
 */
public interface PreprocessConfig {

    /** Data-quality checks; their events go to {@code <stream>-quality} on the critical tier. */
    Optional<QualityConfig> quality();

    /** Windowed features per signal; results go to {@code <stream>-features} on the standard tier. */
    Optional<List<FeatureConfig>> features();

    /** A thinned copy of the stream for the standard tier: {@code <stream>-decimated}. */
    Optional<DecimateConfig> decimate();

    /** Camera thumbnails or LiDAR voxel previews: {@code <stream>-preview}. */
    Optional<PreviewConfig> preview();

    interface QualityConfig {
        /** Records per second the stream should deliver; absent: no rate check. */
        OptionalDouble expectedRate();

        /** Accepted relative deviation from expected-rate, e.g. 0.2 = ±20 %. */
        @WithDefault("0.2")
        double rateTolerance();

        /** The event-time window over which the rate is measured. */
        @WithDefault("1s")
        @WithConverter(DurationConverter.class)
        Duration rateWindow();

        /** A longer silence between two records is a gap (camera frame drops from timing); 0 = no check. */
        @WithDefault("0s")
        @WithConverter(DurationConverter.class)
        Duration maxGap();

        /** A signal that counts records (a CAN message counter, a sequence field): a jump is a sequence gap. */
        Optional<String> sequenceSignal();

        /** The counter wraps at this value (4 for a 2-bit CAN counter); 0 = it never wraps. */
        @WithDefault("0")
        long sequenceModulo();

        /** Report records whose time equals the previous record's (off for CAN: frames share timestamps). */
        @WithDefault("true")
        boolean duplicateTimestamps();

        /** Per signal limits; NaN / infinity is checked for every signal of the stream. */
        Optional<List<SignalCheckConfig>> signals();
    }

    interface SignalCheckConfig {
        /** The signal's name as the stream's signal extractor gives it, e.g. ENGINE_DATA.XMISSION_SPEED, accel.x. */
        String name();

        OptionalDouble min();

        OptionalDouble max();

        /** Largest accepted |Δvalue / Δt|, in units per second. */
        OptionalDouble maxRateOfChange();

        /** Unchanged for longer than this is stuck; 0 = no check. */
        @WithDefault("0s")
        @WithConverter(DurationConverter.class)
        Duration stuckAfter();
    }

    interface FeatureConfig {
        List<String> signals();

        @WithConverter(DurationConverter.class)
        Duration window();

        /** How far consecutive windows start apart; absent or equal to window: tumbling windows. */
        @WithDefault("0s")
        @WithConverter(DurationConverter.class)
        Duration hop();

        /** A window is emitted once event time has passed its end by this much; later records count as late. */
        @WithDefault("0s")
        @WithConverter(DurationConverter.class)
        Duration allowedLateness();

        /** Quantiles to estimate per window (t-digest), each in [0, 1]. */
        Optional<List<Double>> quantiles();
    }

    interface DecimateConfig {
        /** Keep every N-th record. */
        OptionalInt keepOneIn();

        /** Keep at most this many records per second of event time. */
        OptionalDouble maxRate();
    }

    interface PreviewConfig {
        /** Preview 1 in N frames (camera) or sweeps (LiDAR). */
        @WithDefault("1")
        int every();

        /** Camera: thumbnail width in pixels (height keeps the aspect ratio). */
        @WithDefault("320")
        int width();

        /** Camera: JPEG quality of thumbnails, 0..1. */
        @WithDefault("0.8")
        double jpegQuality();

        /** LiDAR: voxel edge in metres; one point (the centroid) per occupied voxel. */
        @WithDefault("0.5")
        double voxel();

        /** LiDAR: at most this many points per preview (the voxel grows until the sweep fits). */
        @WithDefault("20000")
        int maxPoints();
    }
}
