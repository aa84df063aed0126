package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.batch.BatchSettings;
import dev.edgeagent.agent.batch.BatchStream;
import dev.edgeagent.agent.batch.StreamBatcher;
import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.QueueFileGrower;
import dev.edgeagent.agent.capture.QueueSync;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.config.Modality;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.decode.DerivedSchema;
import dev.edgeagent.agent.decode.PrimaryEncoding;
import dev.edgeagent.agent.signal.SignalExtractor;
import dev.edgeagent.agent.signal.SignalExtractors;
import dev.edgeagent.agent.stage.DerivedStream;
import dev.edgeagent.agent.stage.StageContext;
import dev.edgeagent.agent.stage.Stages;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.agent.stage.TransformFactory;
import dev.edgeagent.agent.upload.UploadTarget;
import dev.edgeagent.agent.upload.Uploader;
import dev.edgeagent.agent.batch.OutboxClaims;
import dev.edgeagent.agent.storage.StorageGovernor;
import dev.edgeagent.agent.upload.LinkMonitor;
import dev.edgeagent.agent.upload.UploadPolicy;
import io.quarkus.runtime.configuration.MemorySize;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's pipeline, sources → capture → batch → upload, built from one configuration. Each source runs
 * on its own thread (Agrona agent + idle strategy: it sleeps when idle, never spins a core); the batchers
 * of all streams share {@code batching.threads} threads; the uploader has one.
 */
public final class Pipeline implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());

    private final LoadedConfig loaded;
    private final AgentConfig config;
    private final boolean once;
    private final List<StreamRuntime> streams = new ArrayList<>();
    private final Uploader uploader;
    private final UploadTarget target;
    private final List<AgentRunner> sourceRunners = new ArrayList<>();
    private final List<AgentRunner> batcherRunners = new ArrayList<>();
    private final List<Transform> transforms = new ArrayList<>();
    private final List<AgentRunner> transformRunners = new ArrayList<>();
    private AuditLog audit;
    private AgentRunner uploaderRunner;
    private QueueSync queueSync;
    private QueueFileGrower queueGrower;
    private AgentRunner queueFilesRunner;
    private final LinkMonitor link;
    private StorageGovernor storage;

    /** The agent's threads by what they do: source:&lt;stream&gt;, batcher-&lt;n&gt;, uploader. */
    private final Map<String, Thread> threads = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong agentErrors = new AtomicLong();
    private volatile boolean started;
    private long startedNs;

    /**
     * A stream as it runs: its queue and counters, its source (absent when not started, and for a derived
     * stream, which a transform writes) and batcher.
     *
     * @param config the stream's configuration; null for a derived stream
     */
    public record StreamRuntime(String id, String modality, String tier, PayloadFormat format, StreamConfig config,
                                StreamStats stats, CaptureQueue queue, SourceHandle source, StreamBatcher batcher) {
        /** True for a stream a transform writes (quality events, features, aligned sets, previews). */
        public boolean derived() {
            return config == null;
        }
    }

    private Pipeline(LoadedConfig loaded, String agentVersion, boolean once) throws IOException {
        this.loaded = loaded;
        this.config = loaded.agent();
        this.once = once;
        EpochNanoClock clock = new OffsetEpochNanoClock();
        SourceFactory sources = new SourceFactory(config, clock, once);
        AgentConfig.BatchingConfig b = config.batching();
        BatchSettings batchSettings = new BatchSettings(b.maxDuration().toNanos(), b.maxBytes().asLongValue(),
                (int) b.chunkBytes().asLongValue(), b.compression() == AgentConfig.Compression.lz4,
                config.capture().retention().toMillis());
        Files.createDirectories(config.dataDir());
        this.target = UploadTargets.create(config);
        AgentConfig.LinkMonitorConfig lm = config.upload().linkMonitor();
        this.link = new LinkMonitor(lm.file().orElse(null), lm.command().orElse(null), lm.poll());
        OutboxClaims claims = new OutboxClaims();
        this.uploader = new Uploader(config.dataDir(), target, config.upload().initialBackoff(),
                config.upload().maxBackoff(), UploadPolicy.from(config.upload(), link), claims);
        try {
            for (StreamConfig sc : config.streams()) {
                String tier = sc.tier().orElse(sc.modality().defaultTier()).name();
                StreamStats stats = new StreamStats(sc.id());
                long maxRecord = switch (sc.source().type()) {
                    case synthetic -> (long) sc.source().recordBytes() * (100 + sc.source().sizeJitterPercent()) / 100;
                    case replay -> ReplaySources.format(sc.source()) == AgentConfig.ReplayFormat.mp4
                            ? 4 << 20                // a video access unit
                            : 1 << 16;               // a UDP datagram, a CAN frame, a GNSS frame, a CSV row
                    case udp, gpsd, socketcan -> 1 << 16;
                    case mjpeg, images -> 4 << 20;   // a camera frame
                    case mqtt -> 256 << 10;          // larger MQTT payloads straddle chunks: slower, still kept
                };
                // only a synthetic source states its byte rate; a live stream's chunk follows its largest record,
                // and a chunk size set in the config is kept (a small disk, a memory limit)
                double bytesPerSecond = sc.source().type() == AgentConfig.SourceType.synthetic
                        && config.capture().chunkBytes().isEmpty() ? sc.source().rate() * sc.source().recordBytes() : 0;
                CaptureQueue queue = new CaptureQueue(config.dataDir(), sc.id(), config.capture().rollCycle(),
                        CaptureQueue.chunkBytesFor(maxRecord, captureChunkBytes(), bytesPerSecond), stats);
                // with --once, live sources (MQTT) run alongside until the finite ones are done
                SourceHandle source = sources.create(sc, queue.newSink(), stats, queue.nextSequence());
                PayloadFormat format = SourceFactory.payloadFormat(sc.source());
                BatchStream bs = new BatchStream(sc.id(), sc.modality().name(), tier,
                        sc.tags().orElse(List.of()), format, config.deviceId(), agentVersion, loaded.configHash(),
                        Decoders.primary(format), Decoders.decoder("agent.streams[" + streams.size() + "]", sc, format, stats));
                StreamBatcher batcher = new StreamBatcher(bs, queue, config.dataDir(), batchSettings, uploader::wakeUp);
                // the stream's clock model: MCAP log times in the agent's time base (see align.StreamClock)
                batcher.clock(new dev.edgeagent.agent.align.StreamClock(sc.id(),
                        dev.edgeagent.agent.align.AlignTransform.clockSettings(config),
                        new dev.edgeagent.agent.align.AgentTimeBase(config.alignment().timeBase(), clock), config.dataDir(),
                        (sc.source().type() == AgentConfig.SourceType.replay || sc.source().type() == AgentConfig.SourceType.images)
                                && (once || sc.source().timing() == AgentConfig.ReplayTiming.max)));
                streams.add(new StreamRuntime(sc.id(), sc.modality().name(), tier, format, sc, stats, queue, source,
                        batcher.source(lineage(sc.source()))));
            }
            this.audit = AuditLog.open(config.dataDir());
            StageBuilder stages = new StageBuilder(batchSettings, agentVersion, clock);
            for (TransformFactory f : Stages.all()) {
                transforms.addAll(f.create(stages));
            }
            uploader.audit(audit, config.deviceId());
            List<StorageGovernor.Stream> governed = new ArrayList<>();
            for (StreamRuntime s : streams) {
                governed.add(new StorageGovernor.Stream(s.id(), Tier.valueOf(s.tier()), s.queue(), s.batcher()));
            }
            this.storage = new StorageGovernor(config.dataDir(), config.storage(), governed, audit, claims, uploader::wakeUp);
            List<CaptureQueue> queues = new ArrayList<>();
            for (StreamRuntime s : streams) {
                queues.add(s.queue());
            }
            long syncBytes = config.capture().syncBytes().asLongValue();
            if (syncBytes > 0) {
                this.queueSync = new QueueSync(queues, syncBytes);
            }
            if (!config.capture().growAhead().isZero()) {
                this.queueGrower = new QueueFileGrower(queues, config.capture().growAhead(),
                        config.capture().preallocate());
            }
        } catch (RuntimeException | IOException e) {
            closeQueues();
            target.close();
            if (audit != null) {
                audit.close();
            }
            throw e;
        }
    }

    /** What transform factories see while the pipeline is built; derived streams join {@link #streams}. */
    private final class StageBuilder implements StageContext {
        private final BatchSettings batchSettings;
        private final String agentVersion;
        private final EpochNanoClock clock;

        StageBuilder(BatchSettings batchSettings, String agentVersion, EpochNanoClock clock) {
            this.batchSettings = batchSettings;
            this.agentVersion = agentVersion;
            this.clock = clock;
        }

        private StreamRuntime configured(String id) {
            for (StreamRuntime s : streams) {
                if (s.id().equals(id) && !s.derived()) {
                    return s;
                }
            }
            throw new IllegalArgumentException("no configured stream " + id);
        }

        @Override public AgentConfig config() { return config; }
        @Override public java.nio.file.Path dataDir() { return config.dataDir(); }
        @Override public EpochNanoClock clock() { return clock; }
        @Override public AuditLog audit() { return audit; }
        @Override public String agentVersion() { return agentVersion; }
        @Override public String configHash() { return loaded.configHash(); }
        @Override public CaptureQueue queue(String id) { return configured(id).queue(); }
        @Override public StreamStats stats(String id) { return configured(id).stats(); }
        @Override public PayloadFormat format(String id) { return configured(id).format(); }
        @Override public Modality modality(String id) { return configured(id).config().modality(); }
        @Override public Tier tier(String id) { return Tier.valueOf(configured(id).tier()); }

        @Override
        public List<String> streamIds() {
            List<String> ids = new ArrayList<>();
            for (StreamRuntime s : streams) {
                if (!s.derived()) {
                    ids.add(s.id());
                }
            }
            return ids;
        }

        @Override
        public java.util.function.ToLongFunction<dev.edgeagent.agent.capture.RecordView> alignedTime(String id) {
            dev.edgeagent.agent.align.StreamClock c = configured(id).batcher().clock();
            return c == null ? dev.edgeagent.agent.capture.RecordView::timeNs : c::alignedTimeSnapshot;
        }

        @Override
        public SignalExtractor signals(String id) {
            StreamRuntime s = configured(id);
            return SignalExtractors.create(s.config(), s.format(), s.stats());
        }

        @Override
        public DerivedStream derivedStream(String id, Modality modality, Tier tier, List<String> tags, DerivedSchema schema) {
            return derived(id, modality, tier, tags, PayloadFormat.DERIVED, PrimaryEncoding.passThrough(schema));
        }

        @Override
        public DerivedStream rawDerivedStream(String id, Modality modality, Tier tier, List<String> tags, PayloadFormat format) {
            return derived(id, modality, tier, tags, format, Decoders.primary(format));
        }

        private DerivedStream derived(String id, Modality modality, Tier tier, List<String> tags, PayloadFormat format,
                                      PrimaryEncoding primary) {
            for (StreamRuntime s : streams) {
                if (s.id().equals(id)) {
                    throw new ConfigException(loaded.source(), List.of("derived stream \"" + id
                            + "\" has the id of another stream: expected a unique id"));
                }
            }
            StreamStats stats = new StreamStats(id);
            CaptureQueue queue = new CaptureQueue(config.dataDir(), id, config.capture().rollCycle(),
                    CaptureQueue.chunkBytesFor(4 << 20, captureChunkBytes()), stats);
            BatchStream bs = new BatchStream(id, modality.name(), tier.name(), tags, format,
                    config.deviceId(), agentVersion, loaded.configHash(), primary, null);
            streams.add(new StreamRuntime(id, modality.name(), tier.name(), format, null, stats, queue, null,
                    new StreamBatcher(bs, queue, config.dataDir(), batchSettings, uploader::wakeUp)
                            .source(new dev.edgeagent.agent.batch.BatchManifest.Source("derived",
                                    "transform output (" + (primary != null ? primary.schema().name() : format.name()) + ")"))));
            return new DerivedStream(id, tier.name(), queue.newSink(), stats);
        }
    }

    /** What a manifest says about where a stream's records come from; never secrets (no credentials in it). */
    static dev.edgeagent.agent.batch.BatchManifest.Source lineage(AgentConfig.SourceConfig s) {
        List<String> parts = new ArrayList<>();
        s.file().ifPresent(f -> parts.add("file " + f.getFileName()));
        s.format().ifPresent(f -> parts.add("format " + f));
        s.endpoint().ifPresent(e -> parts.add("endpoint " + e.replaceAll("//[^@/]*@", "//")));
        s.device().ifPresent(d -> parts.add("device " + d));
        s.directory().ifPresent(d -> parts.add("directory " + d.getFileName()));
        s.topics().ifPresent(t -> parts.add("topics " + t));
        s.ports().ifPresent(p -> parts.add("ports " + p));
        s.interfaces().ifPresent(i -> parts.add("interfaces " + i));
        if (s.type() == AgentConfig.SourceType.synthetic) {
            parts.add(s.recordBytes() + " B records at " + (s.rate() == 0 ? "max" : s.rate() + "/s"));
        }
        return new dev.edgeagent.agent.batch.BatchManifest.Source(s.type().name(), String.join(", ", parts));
    }

    /** Builds the pipeline; nothing runs until {@link #start()}. */
    public static Pipeline create(LoadedConfig loaded, String agentVersion, boolean once) throws IOException {
        if (once) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < loaded.agent().streams().size(); i++) {
                AgentConfig.SourceConfig s = loaded.agent().streams().get(i).source();
                if (s.type() == AgentConfig.SourceType.synthetic && s.count() == 0) {
                    problems.add("agent.streams[" + i + "].source.count = \"0\": expected a positive count with"
                            + " --once (a synthetic source with count 0 never ends)");
                }
                if (s.loop()) {
                    problems.add("agent.streams[" + i + "].source.loop = \"true\": expected false with --once"
                            + " (a looping replay never ends)");
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(loaded.source(), problems);
            }
        }
        return new Pipeline(loaded, agentVersion, once);
    }

    /** The capture chunk size set in the config, else the default (which a stated rate may raise). */
    private long captureChunkBytes() {
        return config.capture().chunkBytes().map(MemorySize::asLongValue).orElse(CaptureQueue.DEFAULT_CHUNK_BYTES);
    }

    /**
     * Collects once before the sources start: what start-up built (config, queues, stages, client libraries) is
     * moved to the old generation now, while no sensor waits. Left to the first young collections, it was copied
     * under capture: a 98 ms pause 1.5 s into a 4x run on the build machine, longer than a sensor buffers.
     */
    private static void settleHeap() {
        long t = System.nanoTime();
        System.gc();
        LOG.log(Level.DEBUG, () -> String.format("heap settled before capture in %.1f ms", (System.nanoTime() - t) / 1e6));
    }

    public void start() {
        ErrorHandler errors = this::onAgentError;
        int nice = config.capture().backgroundNice();
        // batchers and uploader first, so that a source's first records find everything running
        int threads = Math.min(config.batching().threads(), Math.max(1, streams.size()));
        List<List<Agent>> groups = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < streams.size(); i++) {
            groups.get(i % threads).add(streams.get(i).batcher());
            // critical batches are announced over MQTT (agent.cloud); the spool is written before the uploader looks
            streams.get(i).batcher().sealListener(m -> dev.edgeagent.agent.control.CriticalNotices.onSealed(config, m));
        }
        for (int i = 0; i < threads; i++) {
            if (!groups.get(i).isEmpty()) {
                Agent agent = groups.get(i).size() == 1 ? groups.get(i).get(0) : new CompositeAgent(groups.get(i));
                batcherRunners.add(startOnThread(new SleepingMillisIdleStrategy(5), errors,
                        BackgroundPriority.wrap(agent, nice), "batcher-" + i));
                track("batcher-" + i, batcherRunners.get(batcherRunners.size() - 1));
            }
        }
        if (!transforms.isEmpty()) {
            // one thread for all transforms: they are light next to capture and batching
            Agent agent = transforms.size() == 1 ? transforms.get(0) : new CompositeAgent(new ArrayList<Agent>(transforms));
            transformRunners.add(startOnThread(new SleepingMillisIdleStrategy(2), errors,
                    BackgroundPriority.wrap(agent, nice), "transform-0"));
            track("transform-0", transformRunners.get(0));
        }
        uploaderRunner = startOnThread(new SleepingMillisIdleStrategy(20), errors,
                BackgroundPriority.wrap(uploader, nice), "uploader");
        track("uploader", uploaderRunner);
        List<Agent> queueFiles = new ArrayList<>();
        if (queueGrower != null) {
            queueFiles.add(queueGrower);   // first: an extension is short, a sync may wait for the disk
        }
        if (queueSync != null) {
            queueFiles.add(queueSync);
        }
        if (!queueFiles.isEmpty()) {
            Agent agent = queueFiles.size() == 1 ? queueFiles.get(0) : new CompositeAgent(queueFiles);
            queueFilesRunner = startOnThread(new SleepingMillisIdleStrategy(20), errors,
                    BackgroundPriority.wrap(agent, nice), "queue-files");
            track("queue-files", queueFilesRunner);
        }
        link.start();
        storage.start();
        settleHeap();
        for (StreamRuntime s : streams) {
            if (s.source() != null) {
                // a paced source sleeps until its next record is due; others are polled every millisecond
                IdleStrategy idle = new SourceIdleStrategy(s.source().source(), s.source().nanosUntilDue(),
                        TimeUnit.MILLISECONDS.toNanos(1));
                sourceRunners.add(startOnThread(idle, errors, s.source().source(), "source-" + s.id()));
                track("source:" + s.id(), sourceRunners.get(sourceRunners.size() - 1));
            }
        }
        started = true;
        startedNs = System.nanoTime();
        LOG.log(Level.INFO, "edge agent started: device " + config.deviceId() + ", " + streams.size()
                + " streams, uploading to " + target.describe() + (once ? " (--once)" : ""));
    }

    /** Writes queue files to disk every agent.capture.sync-bytes; null when that is off. */
    public QueueSync queueSync() {
        return queueSync;
    }

    /** Extends queue files ahead of their writers (agent.capture.grow-ahead); null when that is off. */
    public QueueFileGrower queueGrower() {
        return queueGrower;
    }

    private static AgentRunner startOnThread(IdleStrategy idle, ErrorHandler errors, Agent agent, String name) {
        AgentRunner runner = new AgentRunner(idle, errors, null, agent);
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, "edge-" + name);
            t.setDaemon(true);
            return t;
        });
        return runner;
    }

    private void track(String role, AgentRunner runner) {
        // the runner starts its thread asynchronously; wait for it so its CPU time can be read
        for (int i = 0; i < 1000 && runner.thread() == null; i++) {
            Thread.onSpinWait();
            Thread.yield();
        }
        if (runner.thread() != null) {
            threads.put(role, runner.thread());
        }
    }

    /** Bytes allocated so far by each of the agent's live threads, by role. */
    public Map<String, Long> threadAllocatedBytes() {
        Map<String, Long> out = new java.util.TreeMap<>();
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx) {
            threads.forEach((role, t) -> {
                long bytes = t.isAlive() ? mx.getThreadAllocatedBytes(t.getId()) : -1;
                if (bytes >= 0) {
                    out.put(role, bytes);
                }
            });
        }
        return out;
    }

    /** CPU seconds of each of the agent's live threads, by role (source:&lt;stream&gt;, batcher-&lt;n&gt;, uploader). */
    public Map<String, Double> threadCpuSeconds() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Double> out = new java.util.TreeMap<>();
        threads.forEach((role, t) -> {
            long ns = t.isAlive() ? mx.getThreadCpuTime(t.getId()) : -1;
            if (ns >= 0) {
                out.put(role, ns / 1e9);
            }
        });
        return out;
    }

    private void onAgentError(Throwable t) {
        long n = agentErrors.incrementAndGet();
        if (n <= 20 || n % 1000 == 0) {
            LOG.log(Level.ERROR, "unexpected error in " + Thread.currentThread().getName() + " (" + n + " so far)", t);
        }
    }

    public boolean started() {
        return started;
    }

    public List<StreamRuntime> streams() {
        return streams;
    }

    public Uploader uploader() {
        return uploader;
    }

    public AgentConfig config() {
        return config;
    }

    public UploadTarget target() {
        return target;
    }

    /** Unexpected exceptions caught in agent threads (each logged); 0 in a healthy agent. */
    public long agentErrors() {
        return agentErrors.get();
    }

    /** True while every agent thread is alive (a thread that died would stop its stage). */
    public boolean threadsAlive() {
        for (AgentRunner r : allRunners()) {
            Thread t = r.thread();
            if (t == null || !t.isAlive()) {
                if (!r.isClosed()) {
                    return false;
                }
            }
        }
        return true;
    }

    private List<AgentRunner> allRunners() {
        List<AgentRunner> all = new ArrayList<>(sourceRunners);
        all.addAll(transformRunners);
        all.addAll(batcherRunners);
        if (queueFilesRunner != null) {
            all.add(queueFilesRunner);
        }
        if (uploaderRunner != null) {
            all.add(uploaderRunner);
        }
        return all;
    }

    /**
     * The one-shot run: waits for every finite source to finish (showing progress), seals everything
     * captured, uploads it and reports. Call after {@link #start()}.
     */
    public OnceReport runOnce(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Progress progress = new Progress(this);
        while (!sourcesDone()) {
            if (System.nanoTime() > deadline) {
                return OnceReport.of(this, timings(-1, -1, -1), Map.of(), Map.of(),
                        "sources still running after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(5);
            progress.maybeLog();
        }
        long sourcesDone = System.nanoTime();
        Map<String, Double> sourceThreadCpu = threadCpuSeconds();   // before the source threads end
        Map<String, Long> sourceThreadAlloc = threadAllocatedBytes();
        stopSources();
        String failure = null;
        long sealed = -1;
        long uploaded = -1;
        if (!drainTransforms(deadline)) {
            failure = "transforms not drained within " + timeout.toSeconds() + " s";
        } else if (!flush(deadline)) {
            failure = "batches not sealed within " + timeout.toSeconds() + " s";
        } else {
            sealed = System.nanoTime();
            failure = drainUploads(deadline, timeout);
            uploaded = failure == null ? System.nanoTime() : -1;
        }
        return OnceReport.of(this, timings(sourcesDone, sealed, uploaded), sourceThreadCpu, sourceThreadAlloc, failure);
    }

    private OnceReport.Timings timings(long sourcesDone, long sealed, long uploaded) {
        return new OnceReport.Timings(sinceStartMs(sourcesDone), sinceStartMs(sealed), sinceStartMs(uploaded));
    }

    private long sinceStartMs(long ns) {
        return ns < 0 ? -1 : (ns - startedNs) / 1_000_000;
    }

    /**
     * Seals every record captured so far and waits until all sealed batches are uploaded; sources may go on
     * running. Returns null when done, else what did not finish in time.
     */
    public String sealAndUpload(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!flush(deadline)) {
            return "batches not sealed within " + timeout.toSeconds() + " s";
        }
        return drainUploads(deadline, timeout);
    }

    private String drainUploads(long deadlineNs, Duration timeout) throws InterruptedException {
        if (!uploader.drain(Duration.ofNanos(Math.max(0, deadlineNs - System.nanoTime())))) {
            return "uploads not finished within " + timeout.toSeconds() + " s: "
                    + uploader.stats().backlogBatches() + " batches still in the outbox"
                    + (uploader.stats().lastError() == null ? "" : "; last error: " + uploader.stats().lastError());
        }
        return null;
    }

    private boolean sourcesDone() {
        for (StreamRuntime s : streams) {
            if (s.source() != null && s.source().finite() && !s.source().source().exhausted()) {
                return false;
            }
        }
        return true;
    }

    private void stopSources() {
        for (AgentRunner r : sourceRunners) {
            r.close();
        }
        sourceRunners.clear();
    }

    /** Tells every transform that input has ended and waits until each has emitted and flushed all it holds. */
    private boolean drainTransforms(long deadlineNs) throws InterruptedException {
        for (Transform t : transforms) {
            t.endOfInput();
        }
        for (Transform t : transforms) {
            while (!t.drained()) {
                if (System.nanoTime() > deadlineNs || transformRunners.isEmpty()) {
                    return false;
                }
                Thread.sleep(5);
            }
        }
        return true;
    }

    /** The pipeline's transforms (quality checks, features, alignment, triggers, ...). */
    public List<Transform> transforms() {
        return transforms;
    }

    public AuditLog audit() {
        return audit;
    }

    /** Disk quotas and eviction: usage per tier, evictions per stream. */
    public StorageGovernor storage() {
        return storage;
    }

    /** The link's metered/unmetered state; {@link LinkMonitor#report} feeds it from elsewhere (MQTT). */
    public LinkMonitor link() {
        return link;
    }

    /** Asks every batcher to seal what is captured so far, and waits until they have or the deadline. */
    private boolean flush(long deadlineNs) throws InterruptedException {
        long[] targets = new long[streams.size()];
        for (int i = 0; i < streams.size(); i++) {
            targets[i] = streams.get(i).stats().lastSequence();
            streams.get(i).batcher().requestFlush(targets[i]);
        }
        for (int i = 0; i < streams.size(); i++) {
            while (!streams.get(i).batcher().flushedTo(targets[i])) {
                if (System.nanoTime() > deadlineNs) {
                    return false;
                }
                Thread.sleep(5);
            }
        }
        return true;
    }

    /**
     * Graceful stop (SIGTERM): sources stop first, then what they captured is sealed and checkpointed,
     * within about 8 s in all; uploads still pending stay in the outbox for the next start.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        stopSources();
        if (storage != null) {
            storage.close();   // before the batchers stop: it may be waiting on one
        }
        link.close();
        try {
            if (started && !transformRunners.isEmpty() && !drainTransforms(System.nanoTime() + TimeUnit.SECONDS.toNanos(2))) {
                LOG.log(Level.WARNING, "shutdown: transforms not drained in time; they continue from their checkpoints"
                        + " at the next start");
            }
            for (AgentRunner r : transformRunners) {
                r.close();
            }
            transformRunners.clear();
            if (started && !flush(deadline)) {
                LOG.log(Level.WARNING, "shutdown: not every batch sealed in time; the records stay in their"
                        + " queues and are batched at the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AgentRunner r : batcherRunners) {
            r.close();
        }
        batcherRunners.clear();
        if (queueFilesRunner != null) {
            queueFilesRunner.close();
            queueFilesRunner = null;
        }
        if (uploaderRunner != null) {
            uploaderRunner.close();
            uploaderRunner = null;
        }
        try {
            target.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing upload target: " + e);
        }
        closeQueues();
        if (audit != null) {
            try {
                audit.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing audit log: " + e);
            }
        }
        started = false;
    }

    private void closeQueues() {
        for (StreamRuntime s : streams) {
            s.queue().close();
        }
    }
}
