package dev.edgeagent.agent.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The agent's configuration: the {@code agent:} tree of one YAML file, environment variables overriding
 * it as in Quarkus ({@code AGENT_DEVICE_ID}, {@code AGENT_STREAMS_0__SOURCE_FILE}, ...).
 * {@link AgentConfigLoader} loads and checks it; config/README.md is the reference users read.
 */
public interface AgentConfig {

    String PREFIX = "agent";

    /** Identifies this device in object keys, manifests and MQTT client ids. */
    String deviceId();

    /** Capture queues, outbox and state live here. */
    @WithDefault("var/data")
    Path dataDir();

    List<StreamConfig> streams();

    CaptureConfig capture();

    BatchingConfig batching();

    UploadConfig upload();

    MqttBrokerConfig mqtt();

    ObservabilityConfig observability();

    /** Clock models per stream and aligned sets across modalities (see config/README.md, "Alignment"). */
    AlignmentConfig alignment();

    interface StreamConfig {
        /** Letters, digits, '.', '_' and '-': it is a directory name and part of object keys. */
        String id();

        Modality modality();

        /** Upload priority; by default derived from the modality (see {@link Modality#defaultTier()}). */
        Optional<Tier> tier();

        /** Classification tags copied into every manifest, e.g. pii, biometric. */
        Optional<List<String>> tags();

        SourceConfig source();

        DecodeConfig decode();
    }

    /** What the batcher derives from the stream's raw records and writes beside them (see config/README.md). */
    interface DecodeConfig {
        /** Derive point clouds, signals, fixes, IMU samples where the stream's format allows; raw is always kept. */
        @WithDefault("true")
        boolean enabled();

        /** CAN streams: the DBC file that names the signals; without it frames stay raw. */
        Optional<Path> dbc();

        /** LiDAR streams: the sensor's metadata JSON (Ouster needs it: beam angles, packet profile). */
        Optional<Path> sensorMetadata();
    }

    interface SourceConfig {
        SourceType type();

        // ---- replay
        /** Capture file to play (replay). */
        Optional<Path> file();

        /** pcap (pcap and pcapng), candump, mp4, gnss (NMEA/UBX/RTCM3 bytes) or csv (IMU); detected when absent. */
        Optional<ReplayFormat> format();

        /** UDP destination ports to keep from a pcap; all UDP when absent. */
        Optional<List<Integer>> ports();

        /** CAN interfaces to keep from a candump log; all when absent. */
        Optional<List<String>> interfaces();

        /** original: at the capture's own timing (scaled by speed); max: as fast as possible. */
        @WithDefault("original")
        ReplayTiming timing();

        @WithDefault("1.0")
        double speed();

        /** Start the file again once it is done (live-like demo); never in --once mode. */
        @WithDefault("false")
        boolean loop();

        /** csv (IMU) replay: the column layout, xio (x-io: s, deg/s, g, µT) or euroc (ns, rad/s, m/s²). */
        @WithDefault("xio")
        ImuCsvLayout columns();

        // ---- live sensors
        /**
         * udp: the address to bind, HOST:PORT (0.0.0.0:2368 for a Velodyne); gpsd: HOST:PORT of gpsd
         * (127.0.0.1:2947 when absent); mjpeg: the camera's http:// URL.
         */
        Optional<String> endpoint();

        /** socketcan: the CAN interface (can0). */
        Optional<String> device();

        /** images: the directory of JPEG/PNG frames (an EuRoC camera folder with data.csv gives their times). */
        Optional<Path> directory();

        /** udp: the socket receive buffer asked of the OS; bursts of a LiDAR wait here while the agent writes. */
        @WithDefault("8M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize receiveBuffer();

        // ---- mqtt
        /** MQTT topic filters (wildcards allowed). */
        Optional<List<String>> topics();

        @WithDefault("1")
        int qos();

        // ---- synthetic
        /** Payload size of each synthetic record. */
        @WithDefault("256")
        int recordBytes();

        /** Records per second; 0 = as fast as possible. */
        @WithDefault("100")
        double rate();

        /** Records to produce; 0 = forever (not allowed with --once). */
        @WithDefault("0")
        long count();

        /** Size jitter in percent of record-bytes (deterministic). */
        @WithDefault("0")
        int sizeJitterPercent();

        /** Like a sensor with a finite buffer: records later than this are dropped and counted; 0 = never. */
        @WithDefault("0s")
        @WithConverter(DurationConverter.class)
        Duration maxLag();

        /** random: every byte derived from the sequence (verifiable); prefilled: only the header changes. */
        @WithDefault("random")
        SyntheticPayload payload();
    }

    enum SyntheticPayload { random, prefilled }

    interface CaptureConfig {
        /** Keep capture queue files this long after they are batched (trigger windows read them). */
        @WithDefault("1h")
        @WithConverter(DurationConverter.class)
        Duration retention();

        /** Chronicle Queue roll cycle: how often a new queue file starts. */
        @WithDefault("FAST_HOURLY")
        String rollCycle();

        /**
         * Queue files are mapped in chunks of this size (raised for streams with larger records): written pages
         * stay in memory while their chunk is mapped, so this bounds the agent's resident memory per stream.
         */
        @WithDefault("1M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize chunkBytes();
    }

    interface BatchingConfig {
        /** Seal a batch once its first record is this old. */
        @WithDefault("60s")
        @WithConverter(DurationConverter.class)
        Duration maxDuration();

        /** Seal a batch once its records hold this many payload bytes. */
        @WithDefault("64M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize maxBytes();

        /** Target uncompressed size of an MCAP chunk. */
        @WithDefault("1M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize chunkBytes();

        @WithDefault("lz4")
        Compression compression();

        /** Threads the batchers of all streams share. */
        @WithDefault("1")
        int threads();
    }

    interface UploadConfig {
        /** file:DIRECTORY (the default: a local directory laid out like the bucket) or s3://BUCKET[/PREFIX]. */
        @WithDefault("file:var/upload")
        String target();

        S3Config s3();

        /** First retry delay after a failed upload; doubles up to max-backoff, with full jitter. */
        @WithDefault("1s")
        @WithConverter(DurationConverter.class)
        Duration initialBackoff();

        @WithDefault("5m")
        @WithConverter(DurationConverter.class)
        Duration maxBackoff();
    }

    interface S3Config {
        /** Endpoint URL for S3-compatible stores (MinIO, Ceph, ...); AWS when absent. */
        Optional<String> endpoint();

        @WithDefault("us-east-1")
        String region();

        /** Path-style addressing (bucket in the path), as MinIO and Ceph need. */
        @WithDefault("false")
        boolean pathStyle();

        /** Static credentials; the AWS default chain (env, profile, instance role) when absent. */
        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        @WithDefault("8M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize multipartThreshold();

        @WithDefault("8M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize partSize();

        /** Check the stored object's ETag against the MD5s sent; false for SSE-KMS/SSE-C buckets (no MD5 ETags). */
        @WithDefault("true")
        boolean verifyEtag();
    }

    interface MqttBrokerConfig {
        @WithDefault("tcp://localhost:1883")
        String uri();

        /** Client ids are PREFIX-STREAM; the device id when absent. */
        Optional<String> clientIdPrefix();

        Optional<String> username();

        Optional<String> password();

        /** How long the broker keeps the session (and queued QoS 1 messages) while the agent is away. */
        @WithDefault("1h")
        @WithConverter(DurationConverter.class)
        Duration sessionExpiry();

        @WithDefault("30s")
        @WithConverter(DurationConverter.class)
        Duration keepAlive();
    }

    interface ObservabilityConfig {
        /** How often one log line with per-stream rates and backlog is written; 0 turns it off. */
        @WithDefault("1m")
        @WithConverter(DurationConverter.class)
        Duration statusLogInterval();
    }

    enum SourceType { mqtt, replay, synthetic, udp, gpsd, mjpeg, images, socketcan }

    enum ReplayFormat { pcap, candump, mp4, gnss, csv }

    enum ImuCsvLayout { xio, euroc }

    enum ReplayTiming { original, max }

    enum Compression { lz4, none }

    interface AlignmentConfig {
        /**
         * The agent's time base that aligned times are in: monotonic (the agent's monotonic clock anchored to
         * wall-clock time at start, what receive times use) or system (follow the OS wall clock, for a device
         * whose clock chrony/PTP/GNSS disciplines).
         */
        @WithDefault("monotonic")
        TimeBase timeBase();

        ClockConfig clock();

        /** Alignment groups: a reference stream and members aligned to each of its samples. */
        Optional<List<AlignGroupConfig>> groups();
    }

    interface ClockConfig {
        /** Sensor time the lower envelope of (sensor, receive) pairs spans. */
        @WithDefault("30s")
        @WithConverter(DurationConverter.class)
        Duration window();

        /** A sample further than this from the clock estimate is suspect; such samples in a row are a jump. */
        @WithDefault("50ms")
        @WithConverter(DurationConverter.class)
        Duration jumpThreshold();
    }

    interface AlignGroupConfig {
        /** Letters, digits, '.', '_' and '-': names the derived streams align-ID and align-ID-events. */
        String id();

        /** The stream whose samples get a set each (a camera, a LiDAR). */
        String reference();

        List<AlignMemberConfig> members();

        /** A present member further than this from the reference is a data-quality event. */
        @WithDefault("20ms")
        @WithConverter(DurationConverter.class)
        Duration skewThreshold();

        /** A member missing from the sets for longer than this is a data-quality event. */
        @WithDefault("1s")
        @WithConverter(DurationConverter.class)
        Duration maxMissing();

        /**
         * model: map each stream's sensor time into the agent's time base through its clock model; sensor: take
         * sensor times as they are (streams on one hardware-synchronized clock, or captures replayed with --once,
         * whose receive times do not follow the sensors' clocks).
         */
        @WithDefault("model")
        GroupClock clock();

        /** How long past its tolerance a reference waits for a member that has gone quiet. */
        @WithDefault("2s")
        @WithConverter(DurationConverter.class)
        Duration maxWait();
    }

    interface AlignMemberConfig {
        String stream();

        /** How far from the reference time a sample may be and still count. */
        @WithConverter(DurationConverter.class)
        Duration tolerance();

        /** nearest: the nearest sample; interpolate: the signals interpolated at the reference time. */
        @WithDefault("nearest")
        AlignMode mode();

        /** Signal names (see config/README.md, signals) carried in the set; needed for interpolate. */
        Optional<List<String>> signals();
    }

    enum TimeBase { monotonic, system }

    enum AlignMode { nearest, interpolate }

    enum GroupClock { model, sensor }

}
