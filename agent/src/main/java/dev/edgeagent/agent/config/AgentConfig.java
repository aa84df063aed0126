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

    /** Disk quotas and eviction for capture queues and the outbox (see config/README.md). */
    StorageConfig storage();

    MqttBrokerConfig mqtt();

    ObservabilityConfig observability();

    /** Trigger windows: rules over decoded signals that cut one critical MCAP of every stream around an event. */
    TriggersConfig triggers();

    /** The link to the fleet's MQTT broker: critical notices, health, remote commands; off without mqtt.uri. */
    CloudConfig cloud();
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

        /** Edge preprocessing of the stream: quality checks, window features, decimation, previews. */
        Optional<dev.edgeagent.agent.preprocess.PreprocessConfig> preprocess();
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
         * Queue files are mapped in chunks of this size (always raised to four of a stream's largest records):
         * written pages stay in memory while their chunk is mapped, so this bounds the agent's resident memory per
         * stream. Absent: 1M, raised for a stream that states its byte rate to a third of a second of its writing
         * (see {@link dev.edgeagent.agent.capture.CaptureQueue#chunkBytesFor(long, long, double)}); set, it is kept.
         */
        @WithConverter(MemorySizeConverter.class)
        Optional<MemorySize> chunkBytes();

        /**
         * Capture first: the batchers, transforms and uploader run at this nice value (Linux, per thread), so a
         * saturated CPU goes to the sources before the work that only drains queues. 0 keeps one priority.
         */
        @WithDefault("10")
        int backgroundNice();

        /**
         * Write a queue file's pages to disk each time this many bytes were appended to it (fdatasync, on a
         * background thread), instead of letting the kernel write gigabytes back at once. 0 leaves it to the kernel.
         */
        @WithDefault("32M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize syncBytes();

        /**
         * A background thread keeps each queue file this much of the stream's writing longer than written, so
         * the capture thread never extends the file itself (an ftruncate that waits for writeback). 0s: off.
         * The extension is sparse, and quotas count what files hold on disk, so it costs no quota.
         */
        @WithDefault("1s")
        @WithConverter(DurationConverter.class)
        Duration growAhead();

        /**
         * With grow-ahead, allocate the blocks of the margin (fallocate) instead of leaving a hole: a write fault
         * in a hole reserves a block under the inode's data lock, which writeback of the same file holds. Off by
         * default: pages the kernel reads ahead into a preallocated range count as data until it is given back,
         * which a small quota with a short roll cycle notices.
         */
        @WithDefault("false")
        boolean preallocate();
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

        /** Overall uplink budget in bytes per second (e.g. 2M/s); 0 = unlimited. */
        @WithDefault("0")
        @WithConverter(ByteRate.Converter.class)
        ByteRate linkBudget();

        /** Where the agent learns whether the link is metered (for tiers with when: unmetered). */
        LinkMonitorConfig linkMonitor();

        /** Per-tier budgets, promotion age and conditions. */
        UploadTiersConfig tiers();

        /** How often new audit log entries are uploaded (ahead of every tier); 0 = never upload the audit log. */
        @WithDefault("10s")
        @WithConverter(DurationConverter.class)
        Duration auditInterval();
    }

    interface LinkMonitorConfig {
        /** A file holding "metered" or "unmetered" (written by the modem manager, a script, ...). */
        Optional<Path> file();

        /** A command whose first output line is "metered" or "unmetered". */
        Optional<String> command();

        @WithDefault("10s")
        @WithConverter(DurationConverter.class)
        Duration poll();
    }

    interface UploadTiersConfig {
        TierUploadConfig critical();

        TierUploadConfig standard();

        TierUploadConfig bulk();
    }

    interface TierUploadConfig {
        /** This tier's own budget in bytes per second; 0 = only the link budget applies. */
        @WithDefault("0")
        @WithConverter(ByteRate.Converter.class)
        ByteRate bandwidth();

        /** A batch waiting longer than this is promoted to the tier above; default 1m / 1h / 24h. */
        @WithConverter(DurationConverter.class)
        Optional<Duration> maxAge();

        /** always, or unmetered: only while the link monitor says the link is unmetered (or inside a window). */
        @WithDefault("always")
        UploadWhen when();

        /** Local time windows HH:MM-HH:MM in which the tier goes regardless of when (e.g. 01:00-05:00). */
        Optional<List<String>> windows();
    }

    enum UploadWhen { always, unmetered }

    interface StorageConfig {
        QuotasConfig quotas();

        /** Tiers evicted when the disk runs low or the total quota is reached, first to last; critical only after these. */
        @WithDefault("bulk,standard")
        List<Tier> evictionOrder();

        /** Total bytes of capture queues and outbox over all tiers; 0 = no total quota. */
        @WithDefault("0")
        @WithConverter(MemorySizeConverter.class)
        MemorySize maxBytes();

        /** Keep at least this much free on the data directory's filesystem, evicting by eviction-order. */
        @WithDefault("64M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize minFree();

        /** How often usage is measured and quotas enforced. */
        @WithDefault("1s")
        @WithConverter(DurationConverter.class)
        Duration monitorInterval();
    }

    interface QuotasConfig {
        TierQuotaConfig critical();

        TierQuotaConfig standard();

        TierQuotaConfig bulk();
    }

    interface TierQuotaConfig {
        /** Bytes the tier's capture queues and outbox batches may hold; absent = no quota. */
        @WithConverter(MemorySizeConverter.class)
        Optional<MemorySize> bytes();

        /** Outbox batches of the tier older than this are evicted; absent = no age limit. */
        @WithConverter(DurationConverter.class)
        Optional<Duration> age();

        @WithDefault("drop-oldest")
        QuotaPolicy policy();
    }

    enum QuotaPolicy { DROP_OLDEST, REJECT_NEW }

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

    interface TriggersConfig {
        /** The window cut around a trigger at time t: [t - pre, t + post], for every configured stream. */
        TriggerWindowConfig window();

        /** Rules over signals (see config/README.md); the remote {@code trigger} command works without any. */
        Optional<List<TriggerRuleConfig>> rules();

        /** The critical-tier pseudo-stream trigger MCAPs are sealed under (outbox directory, object keys). */
        @WithDefault("trigger")
        String stream();

        /**
         * How long after t + post the extraction waits at most for slow streams (records timed after the window's
         * end prove a stream has passed it; an idle stream counts as passed after settle).
         */
        @WithDefault("10s")
        @WithConverter(DurationConverter.class)
        Duration maxWait();

        /** A stream that got no record for this long is taken to have nothing more inside a window. */
        @WithDefault("1s")
        @WithConverter(DurationConverter.class)
        Duration settle();
    }

    interface TriggerWindowConfig {
        @WithDefault("30s")
        @WithConverter(DurationConverter.class)
        Duration pre();

        @WithDefault("10s")
        @WithConverter(DurationConverter.class)
        Duration post();
    }

    interface TriggerRuleConfig {
        /** Names the rule in the trigger's metadata and manifest tags. */
        String id();

        /** The configured stream whose signals the rule watches. */
        String stream();

        /** A signal name (see config/README.md); NAME.norm is the magnitude of NAME.x, NAME.y, NAME.z. */
        String signal();

        /** Fires when the value goes below this (exactly one of below/above). */
        Optional<Double> below();

        /** Fires when the value goes above this. */
        Optional<Double> above();

        /** Least time between two firings of this rule (record time). */
        @WithDefault("2s")
        @WithConverter(DurationConverter.class)
        Duration debounce();

        /** At most N firings per s, m, h or d, e.g. 6/h; unlimited when absent. */
        Optional<String> maxRate();

        /** Overrides triggers.window.pre for this rule. */
        Optional<@WithConverter(DurationConverter.class) Duration> pre();

        /** Overrides triggers.window.post for this rule. */
        Optional<@WithConverter(DurationConverter.class) Duration> post();
    }

    interface CloudConfig {
        CloudMqttConfig mqtt();

        /** True when the cloud link is configured (agent.cloud.mqtt.uri is set). */
        default boolean enabled() {
            return mqtt().uri().isPresent();
        }

        /** How often health is published on PREFIX/DEVICE/health; 0 turns it off. */
        @WithDefault("30s")
        @WithConverter(DurationConverter.class)
        Duration healthInterval();

        /** Publish a notice per sealed critical batch on PREFIX/DEVICE/notice (QoS 1, store and forward). */
        @WithDefault("true")
        boolean notices();

        /** Accept remote commands on PREFIX/DEVICE/cmd/NAME. */
        @WithDefault("true")
        boolean commands();

        /**
         * Take the link's state from PREFIX/DEVICE/link (payload metered or unmetered, e.g. retained by the fleet's
         * connectivity service): the MQTT variant of agent.upload.link-monitor, deciding when bulk may go.
         */
        @WithDefault("false")
        boolean linkStatus();
    }

    interface CloudMqttConfig {
        /** ssl://HOST:PORT (client certificates) or tcp://HOST:PORT; the cloud link is off without it. */
        Optional<String> uri();

        /** The MQTT client id; DEVICE-control when absent. */
        Optional<String> clientId();

        /** PEM file of the CA that signed the broker's certificate (ssl://). */
        Optional<Path> ca();

        /** PEM client certificate (ssl://): the broker takes the agent's identity from it. */
        Optional<Path> cert();

        /** PEM PKCS#8 private key of the client certificate (unencrypted). */
        Optional<Path> key();

        @WithDefault("fleet")
        String topicPrefix();

        Optional<String> username();

        Optional<String> password();

        @WithDefault("30s")
        @WithConverter(DurationConverter.class)
        Duration keepAlive();
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
