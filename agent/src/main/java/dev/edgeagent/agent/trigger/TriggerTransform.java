package dev.edgeagent.agent.trigger;

import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.control.CriticalNotices;
import dev.edgeagent.agent.signal.SignalExtractor;
import dev.edgeagent.agent.stage.QueueReader;
import dev.edgeagent.agent.stage.StageContext;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.agent.upload.UploadState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agrona.concurrent.EpochNanoClock;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trigger windows. Reads every configured stream's queue (checkpoint "trigger"): the streams rules watch through
 * their signal extractors, all of them to know how far each has got in time. A rule or a remote command fires a
 * trigger at t (persisted at once, {@link TriggerStore}); once every stream has passed t + post (a record timed
 * after it, or the stream idle for {@code settle} once t + post is past on the wall clock) or {@code post + max-wait}
 * has gone by since it fired, the window [t - pre, t + post] of every stream is cut into one critical MCAP
 * ({@link TriggerExtractor}). When the input ends (--once, shutdown, reload) windows that are over are cut at once;
 * one still open stays pending on disk and is cut after the next start.
 */
public final class TriggerTransform implements Transform {

    private static final System.Logger LOG = System.getLogger(TriggerTransform.class.getName());
    private static final int RECORDS_PER_STREAM = 4096;

    private final AgentConfig config;
    private final EpochNanoClock clock;
    private final AuditLog audit;
    private final TriggerStore store;
    private final TriggerExtractor extractor;
    private final String streamId;
    private final List<Input> inputs = new ArrayList<>();
    private final List<TriggerRequest> pending = new ArrayList<>();
    private final ConcurrentLinkedQueue<TriggerRequest> incoming = new ConcurrentLinkedQueue<>();
    private final long settleNs;
    private final long maxWaitNs;
    private final long defaultPreNs;
    private final long defaultPostNs;
    private final AtomicLong fired = new AtomicLong();
    private final AtomicLong sealed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile int pendingCount;
    private volatile boolean endOfInput;
    private volatile boolean drained;
    private long nextRetryNs;

    /** One configured stream as the transform reads it. */
    private final class Input implements QueueReader.RecordHandler {
        final String id;
        final QueueReader reader;
        final SignalExtractor signals;
        final List<TriggerRule> rules = new ArrayList<>();
        long maxTimeNs = Long.MIN_VALUE;
        long lastRecordMonoNs = System.nanoTime();
        long recordTimeNs;

        /** The record's time on the agent's time base: windows are cut across streams on one clock. */
        final java.util.function.ToLongFunction<RecordView> aligned;
        /** aligned - own time of the record being read: moves its signals' times onto the agent's time base */
        long toAligned;

        Input(String id, QueueReader reader, SignalExtractor signals, java.util.function.ToLongFunction<RecordView> aligned) {
            this.id = id;
            this.reader = reader;
            this.signals = signals;
            this.aligned = aligned;
        }

        @Override
        public void onRecord(RecordView r) {
            long t = aligned.applyAsLong(r);
            if (t > maxTimeNs) {
                maxTimeNs = t;
            }
            if (signals != null && !rules.isEmpty()) {
                recordTimeNs = t;
                toAligned = t - r.timeNs();
                signals.extract(r, this::onSignal);
            }
        }

        private void onSignal(int signal, double value, long ownTimeNs) {
            long timeNs = ownTimeNs + toAligned;
            for (TriggerRule rule : rules) {
                if (!rule.resolved()) {
                    // names register on first sight (MQTT JSON fields): the value being passed is already named
                    rule.resolve(signals.names());
                }
                double v = rule.offer(signal, value, timeNs);
                if (!Double.isNaN(v)) {
                    try {
                        TriggerRequest t = store.fire(rule.id, id, rule.signal, v, rule.threshold, timeNs, rule.preNs,
                                rule.postNs, null, rule.keepFirings());
                        rule.fired(timeNs);
                        pending.add(t);
                        fired.incrementAndGet();
                        LOG.log(Level.INFO, "trigger " + t.seq() + ": rule " + rule.id + " fired on " + id + " "
                                + rule.signal + " = " + v + " at " + timeNs);
                    } catch (IOException e) {
                        // not persisted: not fired; the condition is seen again when it next starts to hold
                        failures.incrementAndGet();
                        LOG.log(Level.ERROR, "trigger rule " + rule.id + " fired but could not be persisted: " + e);
                    }
                }
            }
        }
    }

    TriggerTransform(StageContext context, List<AgentConfig.TriggerRuleConfig> rules) throws IOException {
        this.config = context.config();
        this.clock = context.clock();
        this.audit = context.audit();
        AgentConfig.TriggersConfig t = config.triggers();
        this.streamId = t.stream();
        this.settleNs = t.settle().toNanos();
        this.maxWaitNs = t.maxWait().toNanos();
        this.defaultPreNs = t.window().pre().toNanos();
        this.defaultPostNs = t.window().post().toNanos();
        this.store = new TriggerStore(context.dataDir(), UploadState.lastUploadedSeq(context.dataDir(), streamId));
        List<TriggerExtractor.Source> sources = new ArrayList<>();
        for (String id : context.streamIds()) {
            boolean watched = rules.stream().anyMatch(r -> r.stream().equals(id));
            Input in = new Input(id, new QueueReader(context.queue(id), "trigger"), watched ? context.signals(id) : null,
                    context.alignedTime(id));
            for (AgentConfig.TriggerRuleConfig r : rules) {
                if (r.stream().equals(id)) {
                    if (in.signals == null) {
                        throw new dev.edgeagent.agent.config.ConfigException("agent.yaml", List.of("agent.triggers.rules["
                                + rules.indexOf(r) + "].stream = \"" + id + "\": expected a stream whose records carry"
                                + " numeric signals (CAN with a DBC, IMU, GNSS, gpsd, MQTT JSON)"));
                    }
                    in.rules.add(new TriggerRule(r, defaultPreNs, defaultPostNs, store.firings(r.id())));
                }
            }
            inputs.add(in);
            sources.add(new TriggerExtractor.Source(id, context.modality(id).name(), context.format(id), context.queue(id),
                    context.alignedTime(id)));
        }
        this.extractor = new TriggerExtractor(context.dataDir(), streamId, config.deviceId(), context.agentVersion(),
                context.configHash(), sources);
        pending.addAll(store.pending());
        pendingCount = pending.size();
    }

    @Override
    public String roleName() {
        return "trigger";
    }

    /**
     * A remote trigger (any thread): persisted before this returns, extracted like a rule's.
     *
     * @param timeNs t, or null for now (the agent's clock)
     * @param preNs  null for the configured window
     */
    public TriggerRequest request(Long timeNs, Long preNs, Long postNs, String reason) throws IOException {
        long t = timeNs != null ? timeNs : clock.nanoTime();
        TriggerRequest r = store.fire("command", null, null, null, null, t, preNs != null ? preNs : defaultPreNs,
                postNs != null ? postNs : defaultPostNs, reason, 0);
        fired.incrementAndGet();
        incoming.add(r);
        pendingCount++;
        return r;
    }

    /** The configured default window. */
    public long defaultPreNs() {
        return defaultPreNs;
    }

    public long defaultPostNs() {
        return defaultPostNs;
    }

    /** The key the trigger's MCAP will have (without the date, which is known once it is cut). */
    public String streamId() {
        return streamId;
    }

    @Override
    public int doWork() {
        int work = 0;
        boolean allAtEnd = true;
        for (Input in : inputs) {
            int n = in.reader.poll(in, RECORDS_PER_STREAM);
            if (n > 0) {
                in.lastRecordMonoNs = System.nanoTime();
                in.reader.commit();   // fired triggers are persisted synchronously: nothing to wait for
                work += n;
            }
            allAtEnd &= in.reader.atEnd();
        }
        TriggerRequest r;
        while ((r = incoming.poll()) != null) {
            pending.add(r);
        }
        if (!pending.isEmpty() && System.nanoTime() >= nextRetryNs) {
            boolean ended = endOfInput && allAtEnd;
            for (int i = 0; i < pending.size(); i++) {
                TriggerRequest p = pending.get(i);
                if (ready(p) || (ended && windowOver(p))) {
                    if (seal(p)) {
                        pending.remove(i--);
                        work++;
                    } else {
                        break;
                    }
                }
            }
        }
        pendingCount = pending.size();
        // at shutdown a window still open stays pending (persisted) and is cut after the next start
        if (endOfInput && allAtEnd && incoming.isEmpty() && pending.stream().noneMatch(this::windowOver)) {
            drained = true;
        }
        return work;
    }

    /** The input has ended: the window is over once its end is past on the agent's clock or in every stream. */
    private boolean windowOver(TriggerRequest p) {
        if (clock.nanoTime() >= p.toNs()) {
            return true;
        }
        for (Input in : inputs) {
            if (in.maxTimeNs <= p.toNs()) {
                return false;
            }
        }
        return true;
    }

    private boolean ready(TriggerRequest p) {
        long sinceFiredNs = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - p.firedAtMs());
        if (sinceFiredNs >= (p.toNs() - p.timeNs()) + maxWaitNs) {
            return true;   // a stream that lags this much is not waited for longer
        }
        long wallNow = clock.nanoTime();
        long now = System.nanoTime();
        for (Input in : inputs) {
            boolean passed = in.maxTimeNs > p.toNs()
                    || (now - in.lastRecordMonoNs >= settleNs && wallNow >= p.toNs() + settleNs && in.reader.atEnd());
            if (!passed) {
                return false;
            }
        }
        return true;
    }

    private boolean seal(TriggerRequest p) {
        try {
            long uploaded = UploadState.lastUploadedSeq(config.dataDir(), streamId);
            if (!extractor.sealed(p, uploaded)) {
                BatchManifest m = extractor.extract(p);
                CriticalNotices.onSealed(config, m);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("seq", p.seq());
                entry.put("rule", p.rule());
                entry.put("key", m.key());
                entry.put("records", m.recordCount());
                entry.put("fromNs", p.fromNs());
                entry.put("toNs", p.toNs());
                entry.put("sha256", m.sha256());
                audit.record("trigger", entry);
                LOG.log(Level.INFO, "trigger " + p.seq() + " (" + p.rule() + "): " + m.recordCount() + " records sealed as "
                        + m.key());
            }
            store.done(p.seq());
            sealed.incrementAndGet();
            return true;
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            nextRetryNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            LOG.log(Level.WARNING, "trigger " + p.seq() + ": cutting its window failed, retrying in 5 s: " + e, e);
            return false;
        }
    }

    @Override
    public void endOfInput() {
        endOfInput = true;
    }

    @Override
    public boolean drained() {
        return drained;
    }

    /** Triggers fired and not yet sealed. Any thread. */
    public int pendingTriggers() {
        return pendingCount;
    }

    public long firedTriggers() {
        return fired.get();
    }

    public long sealedTriggers() {
        return sealed.get();
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        FunctionCounter.builder("edgeagent.trigger.fired", fired, AtomicLong::get)
                .description("triggers fired by rules and commands").register(registry);
        FunctionCounter.builder("edgeagent.trigger.sealed", sealed, AtomicLong::get)
                .description("trigger windows cut into critical MCAPs").register(registry);
        FunctionCounter.builder("edgeagent.trigger.failures", failures, AtomicLong::get)
                .description("trigger extractions or persistences that failed (retried)").register(registry);
        Gauge.builder("edgeagent.trigger.pending", this, TriggerTransform::pendingTriggers)
                .description("triggers waiting for their window to pass").register(registry);
    }

    @Override
    public void onClose() {
        for (Input in : inputs) {
            in.reader.close();
        }
    }
}
