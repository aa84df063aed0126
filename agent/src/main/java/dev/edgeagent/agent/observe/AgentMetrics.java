package dev.edgeagent.agent.observe;

import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.pipeline.Pipeline.StreamRuntime;
import dev.edgeagent.agent.upload.UploaderStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishes the pipeline's counters through Micrometer (Prometheus at /q/metrics). Meters read the
 * counters the stages keep anyway; nothing here runs on the capture path.
 *
 * <p>Per stream (tags stream, modality, tier): records and bytes captured, records refused by the queue
 * (kept by the source and retried, not lost), input errors by kind (skipped bad input: the only data the
 * agent drops today), capture latency quantiles, newest sequence, records not yet in a sealed batch,
 * batches sealed. Uploads: batches, bytes, failures, backlog, time of the last success.
 */
public final class AgentMetrics {

    private final MeterRegistry registry;
    private final Pipeline pipeline;
    private final List<LatencySampler> samplers = new ArrayList<>();
    private final Set<String> errorKindsRegistered = new HashSet<>();

    public AgentMetrics(MeterRegistry registry, Pipeline pipeline) {
        this.registry = registry;
        this.pipeline = pipeline;
        for (StreamRuntime s : pipeline.streams()) {
            bindStream(s);
        }
        bindUploads(pipeline.uploader().stats());
        for (var t : pipeline.transforms()) {
            t.bindMetrics(registry);
        }
        bindTiers(pipeline);
        if (pipeline.queueSync() != null) {
            FunctionCounter.builder("edgeagent.capture.sync", pipeline.queueSync(), x -> x.syncs())
                    .description("queue files written to disk (every agent.capture.sync-bytes)").register(registry);
            FunctionCounter.builder("edgeagent.capture.sync.failures", pipeline.queueSync(), x -> x.failures())
                    .description("queue file syncs that failed (logged)").register(registry);
        }
        if (pipeline.queueGrower() != null) {
            FunctionCounter.builder("edgeagent.capture.grow", pipeline.queueGrower(), x -> x.grows())
                    .description("queue files extended ahead of their writer (agent.capture.grow-ahead)").register(registry);
            FunctionCounter.builder("edgeagent.capture.grow.late", pipeline.queueGrower(), x -> x.late())
                    .description("times a capture thread had extended its queue file itself first: grow-ahead too short")
                    .register(registry);
            FunctionCounter.builder("edgeagent.capture.preallocated.released", pipeline.queueGrower(), x -> x.releasedBytes())
                    .baseUnit("bytes").description("preallocated tails of finished queue files given back")
                    .register(registry);
            FunctionCounter.builder("edgeagent.capture.grow.failures", pipeline.queueGrower(), x -> x.failures())
                    .description("queue file extensions that failed (logged)").register(registry);
        }
        Gauge.builder("edgeagent.agent.errors", pipeline, Pipeline::agentErrors)
                .description("unexpected exceptions caught in agent threads (each is logged)").register(registry);
    }

    /** What the stream's decoder derived and could not decode: edgeagent_decode_total{stream,counter}. */
    private void bindDecoder(StreamRuntime s) {
        var decoder = s.batcher().decoder();
        if (decoder == null) {
            return;
        }
        for (String name : decoder.counters().keySet()) {
            FunctionCounter.builder("edgeagent.decode", decoder, d -> d.counters().getOrDefault(name, 0L))
                    .tags(Tags.of("stream", s.id(), "counter", name))
                    .description("decoding stage counts per stream (sweeps, lost packets, decoded frames, unknown ids, ...)")
                    .register(registry);
        }
    }

    private void bindStream(StreamRuntime s) {
        bindDecoder(s);
        bindClock(s);
        Tags tags = Tags.of("stream", s.id(), "modality", s.modality(), "tier", s.tier());
        var stats = s.stats();
        FunctionCounter.builder("edgeagent.capture.records", stats, x -> x.records()).tags(tags)
                .description("records durably appended to the stream's capture queue").register(registry);
        FunctionCounter.builder("edgeagent.capture.bytes", stats, x -> x.bytes()).tags(tags).baseUnit("bytes")
                .description("payload bytes appended to the capture queue").register(registry);
        FunctionCounter.builder("edgeagent.capture.write.lost", stats, x -> x.lostOnWriteFailure()).tags(tags)
                .description("records accepted into a block whose write failed (full disk mid-block): not captured")
                .register(registry);
        FunctionCounter.builder("edgeagent.capture.refused", stats, x -> x.refused()).tags(tags)
                .description("appends the queue refused (the source keeps and retries them)").register(registry);
        Gauge.builder("edgeagent.capture.last.sequence", stats, x -> x.lastSequence()).tags(tags)
                .description("sequence number of the newest record in the capture queue").register(registry);
        LatencySampler sampler = new LatencySampler(stats);
        samplers.add(sampler);
        for (int i = 0; i < LatencySampler.QUANTILES.length; i++) {
            final int q = i;
            Gauge.builder("edgeagent.capture.latency", sampler, x -> x.quantile(q))
                    .tags(tags.and("quantile", Double.toString(LatencySampler.QUANTILES[i]))).baseUnit("seconds")
                    .description("receive to durable in the queue, since start").register(registry);
        }
        Gauge.builder("edgeagent.capture.latency.max", sampler, LatencySampler::max).tags(tags).baseUnit("seconds")
                .register(registry);
        var batcher = s.batcher().stats();
        Gauge.builder("edgeagent.batch.backlog.records", s,
                        x -> Math.max(0, x.stats().lastSequence() - x.batcher().stats().lastSealedSeq()))
                .tags(tags).description("records captured but not yet in a sealed batch").register(registry);
        FunctionCounter.builder("edgeagent.batch.sealed", batcher, x -> x.batchesSealed()).tags(tags)
                .description("MCAP batches sealed into the outbox").register(registry);
        FunctionCounter.builder("edgeagent.batch.object.bytes", batcher, x -> x.objectBytesSealed()).tags(tags)
                .baseUnit("bytes").description("bytes of sealed MCAP objects (compressed)").register(registry);
        FunctionCounter.builder("edgeagent.batch.raw.bytes", batcher, x -> x.rawBytesSealed()).tags(tags)
                .baseUnit("bytes").description("payload bytes in sealed batches (before compression)").register(registry);
        FunctionCounter.builder("edgeagent.batch.failures", batcher, x -> x.failures()).tags(tags)
                .description("batches that failed to seal and were rebuilt from the queue").register(registry);
    }

    private void bindUploads(UploaderStats u) {
        FunctionCounter.builder("edgeagent.upload.batches", u, UploaderStats::batchesUploaded)
                .description("batches uploaded and confirmed").register(registry);
        FunctionCounter.builder("edgeagent.upload.bytes", u, UploaderStats::bytesUploaded).baseUnit("bytes")
                .description("bytes uploaded and confirmed (objects and manifests)").register(registry);
        FunctionCounter.builder("edgeagent.upload.failures", u, UploaderStats::failures)
                .description("failed upload attempts (each retried with backoff)").register(registry);
        Gauge.builder("edgeagent.upload.backlog.batches", u, UploaderStats::backlogBatches)
                .description("sealed batches waiting in the outbox").register(registry);
        Gauge.builder("edgeagent.upload.backlog.bytes", u, UploaderStats::backlogBytes).baseUnit("bytes")
                .description("bytes of sealed batches waiting in the outbox").register(registry);
        Gauge.builder("edgeagent.upload.last.success", u, x -> x.lastSuccessEpochMs() / 1000.0).baseUnit("seconds")
                .description("Unix time of the last confirmed upload, 0 when none yet").register(registry);
    }

    /** Per tier: upload backlog and progress, disk use; per stream: evictions and rejections (storage governor). */
    private void bindTiers(Pipeline p) {
        UploaderStats u = p.uploader().stats();
        var storage = p.storage().stats();
        for (dev.edgeagent.agent.config.Tier t : dev.edgeagent.agent.config.Tier.values()) {
            Tags tier = Tags.of("tier", t.name());
            Gauge.builder("edgeagent.upload.tier.backlog.batches", u, x -> x.backlogBatches(t)).tags(tier)
                    .description("sealed batches of the tier waiting in the outbox").register(registry);
            Gauge.builder("edgeagent.upload.tier.backlog.bytes", u, x -> x.backlogBytes(t)).tags(tier).baseUnit("bytes")
                    .description("bytes of sealed batches of the tier waiting in the outbox").register(registry);
            FunctionCounter.builder("edgeagent.upload.tier.batches", u, x -> x.batchesUploaded(t)).tags(tier)
                    .description("batches of the tier uploaded and confirmed").register(registry);
            Gauge.builder("edgeagent.upload.tier.last.success", u, x -> x.lastSuccessEpochMs(t) / 1000.0).tags(tier)
                    .baseUnit("seconds").description("Unix time of the tier's last confirmed upload, 0 when none yet")
                    .register(registry);
            Gauge.builder("edgeagent.storage.used.bytes", storage, x -> x.queueBytes(t)).tags(tier.and("store", "queue"))
                    .baseUnit("bytes").description("disk used by the tier's capture queues and outbox").register(registry);
            Gauge.builder("edgeagent.storage.used.bytes", storage, x -> x.outboxBytes(t)).tags(tier.and("store", "outbox"))
                    .baseUnit("bytes").description("disk used by the tier's capture queues and outbox").register(registry);
            Gauge.builder("edgeagent.storage.rejecting.streams", storage, x -> x.rejectingStreams(t)).tags(tier)
                    .description("streams of the tier refusing new records (reject-new quota or full disk)").register(registry);
        }
        Gauge.builder("edgeagent.storage.free.bytes", storage, x -> x.freeBytes()).baseUnit("bytes")
                .description("usable bytes on the data directory's filesystem").register(registry);
        Gauge.builder("edgeagent.upload.link.unmetered", p.link(), l -> l.state() == null ? -1 : l.unmetered() ? 1 : 0)
                .description("the link monitor's view: 1 unmetered, 0 metered, -1 unknown (counts as metered)")
                .register(registry);
        FunctionCounter.builder("edgeagent.upload.audit.entries", u, UploaderStats::auditEntriesUploaded)
                .description("audit log entries uploaded").register(registry);
        for (StreamRuntime s : p.streams()) {
            var c = p.storage().counters().get(s.id());
            var admission = s.queue().admission();
            Tags tags = Tags.of("stream", s.id(), "tier", s.tier());
            FunctionCounter.builder("edgeagent.storage.evicted.batches", c, x -> x.evictedBatches()).tags(tags)
                    .description("sealed batches evicted from the outbox before upload (lost)").register(registry);
            FunctionCounter.builder("edgeagent.storage.evicted.bytes", c, x -> x.evictedBatchBytes())
                    .tags(tags.and("store", "outbox")).baseUnit("bytes").description("bytes evicted").register(registry);
            FunctionCounter.builder("edgeagent.storage.evicted.bytes", c, x -> x.evictedQueueBytes())
                    .tags(tags.and("store", "queue")).baseUnit("bytes").description("bytes evicted").register(registry);
            FunctionCounter.builder("edgeagent.storage.evicted.files", c, x -> x.evictedQueueFiles()).tags(tags)
                    .description("capture queue files evicted").register(registry);
            FunctionCounter.builder("edgeagent.storage.lost.records", c, x -> x.evictedBatchRecords())
                    .tags(tags.and("store", "outbox")).description("records lost to eviction").register(registry);
            FunctionCounter.builder("edgeagent.storage.lost.records", c, x -> x.lostQueueRecords())
                    .tags(tags.and("store", "queue")).description("records lost to eviction").register(registry);
            FunctionCounter.builder("edgeagent.storage.rejected", admission, x -> x.rejected()).tags(tags)
                    .description("appends refused by a reject-new quota or a full disk (the source keeps and retries"
                            + " what it can)").register(registry);
        }
    }

    /** Called on a timer: folds latency histograms and registers input-error kinds seen for the first time. */
    public void sample() {
        for (LatencySampler s : samplers) {
            s.sample();
        }
        for (StreamRuntime s : pipeline.streams()) {
            for (var e : s.stats().badInput().entrySet()) {
                if (errorKindsRegistered.add(s.id() + "\0" + e.getKey())) {
                    LongAdder adder = e.getValue();
                    FunctionCounter.builder("edgeagent.input.errors", adder, LongAdder::sum)
                            .tags("stream", s.id(), "modality", s.modality(), "tier", s.tier(),
                                    "kind", e.getKey())
                            .description("bad input skipped (counted, logged; the rest of the stream goes on)")
                            .register(registry);
                }
            }
        }
    }

    /** The stream's clock model as its batcher keeps it (align.StreamClock): offset, drift, jitter, jumps. */
    private void bindClock(StreamRuntime s) {
        var clock = s.batcher().clock();
        if (clock == null) {
            return;
        }
        var model = clock.model();
        Tags tags = Tags.of("stream", s.id(), "modality", s.modality(), "tier", s.tier());
        Gauge.builder("edgeagent.clock.offset", model, m -> m.offsetSeconds()).tags(tags).baseUnit("seconds")
                .description("agent time minus the sensor's own time (0 for a stream without a sensor clock)")
                .register(registry);
        Gauge.builder("edgeagent.clock.drift.ppm", model, m -> m.driftPpm()).tags(tags)
                .description("how much faster the agent's clock runs than the sensor's, ppm").register(registry);
        Gauge.builder("edgeagent.clock.jitter", model, m -> m.jitterSeconds()).tags(tags).baseUnit("seconds")
                .description("smoothed transport delay above the clock estimate's lower envelope").register(registry);
        Gauge.builder("edgeagent.clock.converged", model, m -> m.publishedConverged() ? 1 : 0).tags(tags)
                .description("1 once the clock's drift is fitted over enough data").register(registry);
        FunctionCounter.builder("edgeagent.clock.jumps", model, m -> m.publishedJumps()).tags(tags)
                .description("sensor clock jumps detected (reboots, GNSS time corrections)").register(registry);
    }
}
