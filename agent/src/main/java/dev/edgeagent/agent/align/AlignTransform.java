package dev.edgeagent.agent.align;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.Modality;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.decode.DerivedSchema;
import dev.edgeagent.agent.signal.SignalExtractor;
import dev.edgeagent.agent.signal.SignalSink;
import dev.edgeagent.agent.stage.DerivedStream;
import dev.edgeagent.agent.stage.OutputBacklog;
import dev.edgeagent.agent.stage.QueueReader;
import dev.edgeagent.agent.stage.StageContext;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.agent.stage.TransformFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.concurrent.UnsafeBuffer;
import dev.edgeagent.protocols.lidar.SweepAssembler;
import dev.edgeagent.protocols.lidar.SweepListener;
import dev.edgeagent.protocols.lidar.velodyne.VelodyneSweepAssembler;
import dev.edgeagent.protocols.source.BadInputListener;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One alignment group as a pipeline stage: reads the reference and member capture queues (own checkpoints),
 * feeds the streams' clock models and the {@link Aligner}, and writes every aligned set as JSON to the derived
 * stream {@code align-<group>} (standard tier) and data-quality events (skew over the threshold, a member
 * missing longer than allowed, clock jumps) to {@code align-<group>-events} (critical tier).
 *
 * <p>Per member it publishes the skew (|member time - reference time|) quantiles from an HdrHistogram, sets
 * where it was missing, and the group's sets and events. Checkpoints are committed after the outputs are
 * flushed; references still waiting for their members at a crash (at most max-wait + tolerance of them) are not
 * emitted again after the restart (known limitation; a graceful stop emits them).
 */
public final class AlignTransform implements Transform {

    private static final System.Logger LOG = System.getLogger(AlignTransform.class.getName());
    private static final int RECORDS_PER_POLL = 256;
    private static final int MEMBER_POLLS_PER_CYCLE = 64;
    private static final double[] NO_VALUES = new double[0];
    static final double[] QUANTILES = {0.5, 0.99, 0.999, 1.0};

    static final DerivedSchema SET_SCHEMA = DerivedSchema.json("edgeagent.align.Set", """
            {"type":"object","title":"An aligned set: one reference sample and each member's sample (or interpolated \
            values) within tolerance; times are ns in the agent's time base","properties":{
            "group":{"type":"string"},
            "ref":{"type":"object","properties":{"stream":{"type":"string"},"seq":{"type":"integer"},\
            "time":{"type":"integer"},"sensorTime":{"type":"integer"},"clock":{"type":"string","enum":["sensor","receive"]}}},
            "missing":{"type":"integer","description":"bit i set: member i has nothing within tolerance"},
            "members":{"type":"array","items":{"type":"object","properties":{"stream":{"type":"string"},
            "status":{"type":"string","enum":["nearest","interpolated","missing"]},"seq":{"type":"integer"},
            "seq2":{"type":"integer"},"time":{"type":"integer"},"sensorTime":{"type":"integer"},"skewNs":{"type":"integer"},
            "values":{"type":"object","additionalProperties":{"type":["number","null"]}}}}}}}""");

    static final DerivedSchema EVENT_SCHEMA = DerivedSchema.json("edgeagent.align.QualityEvent", """
            {"type":"object","title":"A data-quality event of an alignment group","properties":{
            "type":{"type":"string","enum":["skew","missing","recovered","clock-jump"]},"group":{"type":"string"},
            "stream":{"type":"string"},"time":{"type":"integer"},"skewNs":{"type":"integer"},"thresholdNs":{"type":"integer"},
            "missingForNs":{"type":"integer"},"refSeq":{"type":"integer"},"offsetSeconds":{"type":"number"}}}""");

    private final AgentConfig.AlignGroupConfig config;
    private final String groupId;
    private final String referenceId;
    private final List<AgentConfig.AlignMemberConfig> memberConfigs;
    private final StageContext context;
    private final AuditLog audit;
    private final ClockModel.Settings clockSettings;
    private final AgentTimeBase timeBase;
    private final DerivedStream sets;
    private final DerivedStream events;

    // built on the transform's thread (Chronicle tailers belong to it)
    private QueueReader refReader;
    private QueueReader[] memberReaders;
    private final AlignmentGroup group;
    private final SignalExtractor[] extractors;
    private final String[][] signalNames;
    private final int[][] slotOf;
    private final double[][] values;
    private final boolean[] gotValue;
    private final boolean[] everMatched;
    private final long[] unmatched;
    static final int UNMATCHED_WARNING = 100;
    private final SignalSink[] sinks;
    private final QueueReader.RecordHandler refHandler;
    private final QueueReader.RecordHandler[] memberHandlers;

    private final QualityMonitor quality;

    // metrics: written by the transform thread, read by scrapes
    private final AtomicLong setCount = new AtomicLong();
    private final AtomicLong eventCount = new AtomicLong();
    private final AtomicLongArray missingCount;
    private final Recorder[] skew;
    private final SkewSampler[] skewSamplers;

    // JSON output, reused
    private final StringBuilder json = new StringBuilder(1024);
    private byte[] bytes = new byte[4096];
    private final UnsafeBuffer payload = new UnsafeBuffer(bytes);
    private final UnsafeBuffer noKey = new UnsafeBuffer(new byte[0]);
    private final String groupJson;
    private final String refStreamJson;
    private final String[] memberStreamJson;
    private final String[][] signalJson;

    private volatile boolean endOfInput;
    private volatile boolean drained;
    private boolean pendingFlush;

    /** ClockModel settings from agent.alignment.clock. */
    public static ClockModel.Settings clockSettings(AgentConfig config) {
        AgentConfig.ClockConfig c = config.alignment().clock();
        return ClockModel.Settings.defaults().withWindow(c.window().toNanos()).withJumpThreshold(c.jumpThreshold().toNanos());
    }

    /** One transform per configured alignment group. */
    public static final TransformFactory FACTORY = context -> {
        List<Transform> out = new ArrayList<>();
        for (AgentConfig.AlignGroupConfig g : context.config().alignment().groups().orElse(List.of())) {
            out.add(new AlignTransform(context, g));
        }
        return out;
    };

    AlignTransform(StageContext context, AgentConfig.AlignGroupConfig config) {
        this.context = context;
        this.config = config;
        this.groupId = config.id();
        this.referenceId = config.reference();
        this.memberConfigs = List.copyOf(config.members());
        this.audit = context.audit();
        this.clockSettings = clockSettings(context.config());
        this.timeBase = new AgentTimeBase(context.config().alignment().timeBase(), context.clock());
        this.sweeps = sweepAssembler(context, referenceId, (info, points) -> sweepDone = true);
        int n = memberConfigs.size();
        this.quality = new QualityMonitor(n, config.skewThreshold().toNanos(), config.maxMissing().toNanos(), this::onQuality);
        this.missingCount = new AtomicLongArray(n);
        this.skew = new Recorder[n];
        this.skewSamplers = new SkewSampler[n];
        this.extractors = new SignalExtractor[n];
        this.signalNames = new String[n][];
        this.slotOf = new int[n][];
        this.values = new double[n][];
        this.gotValue = new boolean[n];
        this.everMatched = new boolean[n];
        this.unmatched = new long[n];
        this.sinks = new SignalSink[n];
        this.memberHandlers = new QueueReader.RecordHandler[n];
        this.memberStreamJson = new String[n];
        this.signalJson = new String[n][];
        this.groupJson = quote(groupId);
        this.refStreamJson = quote(referenceId);
        List<Aligner.Member> members = new ArrayList<>();
        List<ClockModel> memberClocks = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            AgentConfig.AlignMemberConfig mc = memberConfigs.get(m);
            List<String> names = mc.signals().orElse(List.of());
            signalNames[m] = names.toArray(new String[0]);
            signalJson[m] = new String[names.size()];
            for (int i = 0; i < names.size(); i++) {
                signalJson[m][i] = quote(names.get(i));
            }
            memberStreamJson[m] = quote(mc.stream());
            values[m] = new double[names.size()];
            slotOf[m] = new int[0];
            if (!names.isEmpty()) {
                extractors[m] = context.signals(mc.stream());
                if (extractors[m] == null) {
                    throw new dev.edgeagent.agent.config.ConfigException("agent.yaml", List.of("agent.alignment.groups["
                            + "id=" + groupId + "].members[" + m + "].signals = \"" + names + "\": expected no signals:"
                            + " stream " + mc.stream() + " (" + context.format(mc.stream()) + ") carries no numeric"
                            + " signals (they come from CAN with a DBC, IMU, GNSS and MQTT JSON); use mode nearest"));
                }
            }
            final int member = m;
            sinks[m] = (signal, value, timeNs) -> onSignal(member, signal, value);
            memberHandlers[m] = r -> onMember(member, r);
            skew[m] = new Recorder(1, 3_600_000_000_000L, 3);
            skewSamplers[m] = new SkewSampler(skew[m]);
            members.add(new Aligner.Member(mc.stream(), mc.tolerance().toNanos(),
                    mc.mode() == AgentConfig.AlignMode.interpolate ? Aligner.Mode.interpolate : Aligner.Mode.nearest,
                    names.size()));
            memberClocks.add(loadedClock(mc.stream()));
        }
        this.refHandler = this::onReference;
        this.group = new AlignmentGroup(groupId, loadedClock(referenceId), members, memberClocks,
                config.maxWait().toNanos(), this::onSet, this::onJump)
                .sensorTimeAsIs(config.clock() == AgentConfig.GroupClock.sensor);
        this.sets = context.derivedStream("align-" + groupId, Modality.telemetry, Tier.standard,
                List.of("aligned"), SET_SCHEMA);
        this.events = context.derivedStream("align-" + groupId + "-events", Modality.event, Tier.critical,
                List.of("data-quality"), EVENT_SCHEMA);
    }

    /** A clock model that starts from the state the stream's batcher saved, if any. */
    private ClockModel loadedClock(String streamId) {
        ClockModel model = new ClockModel(streamId, clockSettings, ClockModel.Source.sensor);
        String problem = model.load(ClockModel.stateFile(context.dataDir(), streamId));
        if (problem != null) {
            LOG.log(Level.WARNING, "alignment group " + groupId + ": " + problem);
        }
        return model;
    }

    private static String quote(String s) {
        // non-ASCII escaped too, so that the JSON text is its own UTF-8 bytes
        StringBuilder b = new StringBuilder("\"");
        for (char c : JsonStringEncoder.getInstance().quoteAsString(s)) {
            if (c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @Override
    public String roleName() {
        return "align-" + groupId;
    }

    @Override
    public void onStart() {
        refReader = new QueueReader(context.queue(referenceId), "align-" + groupId + "-ref");
        memberReaders = new QueueReader[memberConfigs.size()];
        for (int m = 0; m < memberReaders.length; m++) {
            memberReaders[m] = new QueueReader(context.queue(memberConfigs.get(m).stream()), "align-" + groupId + "-m" + m);
        }
    }

    @Override
    public int doWork() {
        if (drained) {
            return 0;
        }
        if (!refused.retry()) {
            return 0;   // backpressure: an output queue refuses (quota); nothing more is read until it takes
        }
        boolean ending = endOfInput;   // read first: what is read after this is all there is
        int work = 0;
        boolean allAtEnd = true;
        work += refReader.poll(refHandler, RECORDS_PER_POLL);
        allAtEnd &= refReader.atEnd();
        // members are read just past the newest reference (plus tolerance), not further: what is buffered stays
        // bounded however far one queue is behind another (a restart's backlog, a faster replay)
        Aligner aligner = group.aligner();
        long front = aligner.newestReference();
        for (int m = 0; m < memberReaders.length; m++) {
            QueueReader reader = memberReaders[m];
            long tolerance = aligner.members().get(m).toleranceNs();
            boolean polled = false;
            for (int i = 0; i < MEMBER_POLLS_PER_CYCLE; i++) {
                if (!ending && (front == Long.MIN_VALUE || aligner.watermark(m) > front + tolerance)) {
                    break;
                }
                polled = true;
                int n = reader.poll(memberHandlers[m], RECORDS_PER_POLL);
                work += n;
                if (n == 0) {
                    break;
                }
            }
            // a member not read this cycle is ahead of every reference: nothing waits for it
            boolean caughtUp = !polled || reader.atEnd();
            allAtEnd &= polled && reader.atEnd();
            group.memberCaughtUp(m, caughtUp);
        }
        // max-wait counts on the agent's clock from each reference's receive time
        int emitted = group.emitReady(timeBase.now());
        if (ending && allAtEnd) {
            emitted += group.flush();
        }
        if (work > 0 || emitted > 0) {
            pendingFlush = true;
        }
        if (pendingFlush && flushAndCommit()) {
            pendingFlush = false;
        }
        if (ending && allAtEnd && !pendingFlush) {
            drained = true;
        }
        return work + emitted;
    }

    private boolean flushAndCommit() {
        if (!refused.isEmpty() || !sets.flush() || !events.flush()) {
            return false;
        }
        refReader.commit();
        for (QueueReader r : memberReaders) {
            r.commit();
        }
        return true;
    }

    private void onReference(RecordView r) {
        if (sweeps == null) {
            group.reference(r.sensorTimeNs(), r.hasSensorTime(), timeBase.fromReceive(r.receiveWallNs()), r.sequence());
            return;
        }
        // a LiDAR reference is the sweep, not the packet: one set per sweep, at the time of its first packet
        if (sweepFirstSeq < 0) {
            startSweep(r);
        }
        sweepDone = false;
        sweeps.accept(r.payload(), 0, r.payload().capacity(), r.timeNs(), SweepAssembler.ANY_PORT);
        if (sweepDone) {
            group.reference(sweepFirstSensor, sweepFirstHasSensor, sweepFirstReceive, sweepFirstSeq);
            if (sweeps instanceof VelodyneSweepAssembler) {
                startSweep(r);   // the packet across the azimuth wrap holds the next sweep's first firings too
            } else {
                sweepFirstSeq = -1;   // Ouster: the frame's last packet completed it; the next packet starts the next
            }
        }
    }

    private void startSweep(RecordView r) {
        sweepFirstSensor = r.sensorTimeNs();
        sweepFirstHasSensor = r.hasSensorTime();
        sweepFirstReceive = timeBase.fromReceive(r.receiveWallNs());
        sweepFirstSeq = r.sequence();
    }

    /** LiDAR packet streams as reference: the sweep assembler of the stream's sensor (as its decoder makes it). */
    private static SweepAssembler sweepAssembler(StageContext context, String streamId, SweepListener listener) {
        if (context.modality(streamId) != dev.edgeagent.agent.config.Modality.lidar
                || context.format(streamId) != dev.edgeagent.agent.batch.PayloadFormat.UDP_PAYLOAD) {
            return null;
        }
        for (AgentConfig.StreamConfig sc : context.config().streams()) {
            if (sc.id().equals(streamId)) {
                return dev.edgeagent.agent.decode.LidarAssemblers.forStream("stream " + streamId, sc)
                        .apply(listener, BadInputListener.IGNORE);
            }
        }
        return null;
    }

    private final SweepAssembler sweeps;
    private boolean sweepDone;
    private long sweepFirstSensor;
    private boolean sweepFirstHasSensor;
    private long sweepFirstReceive;
    private long sweepFirstSeq = -1;

    private void onMember(int m, RecordView r) {
        double[] v = NO_VALUES;
        if (extractors[m] != null) {
            Arrays.fill(values[m], Double.NaN);
            gotValue[m] = false;
            int yielded = extractors[m].extract(r, sinks[m]);
            if (!gotValue[m]) {
                if (yielded > 0 && !everMatched[m] && ++unmatched[m] == UNMATCHED_WARNING) {
                    warnUnmatched(m);
                }
                return;   // none of the member's signals in this record: not a sample of it
            }
            everMatched[m] = true;
            v = values[m];
        }
        group.member(m, r.sensorTimeNs(), r.hasSensorTime(), timeBase.fromReceive(r.receiveWallNs()), r.sequence(), v);
    }

    /**
     * A member whose configured signals never show up (a misspelt name) would be missing from every set
     * without a word: after {@value #UNMATCHED_WARNING} records that yielded other signals, say so and count it.
     */
    private void warnUnmatched(int m) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < extractors[m].names().size(); i++) {
            seen.add(extractors[m].names().name(i));
        }
        String stream = memberConfigs.get(m).stream();
        LOG.log(Level.WARNING, "agent.alignment.groups[" + groupId + "].members[" + m + "].signals = "
                + Arrays.toString(signalNames[m]) + ": none of them in " + UNMATCHED_WARNING + " records of stream "
                + stream + ", which yields " + seen + "; the member is missing from every set");
        context.stats(stream).onBadInput("align-unknown-signals");
    }

    private void onSignal(int m, int signal, double value) {
        int[] slots = slotOf[m];
        if (signal >= slots.length) {
            // a signal id seen for the first time: resolve its name once
            int[] grown = Arrays.copyOf(slots, Math.max(signal + 1, slots.length * 2));
            Arrays.fill(grown, slots.length, grown.length, -2);
            slotOf[m] = slots = grown;
        }
        if (slots[signal] == -2) {
            String name = extractors[m].names().name(signal);
            slots[signal] = Arrays.asList(signalNames[m]).indexOf(name);
        }
        int slot = slots[signal];
        if (slot >= 0) {
            values[m][slot] = value;
            gotValue[m] = true;
        }
    }

    private void onSet(Aligner.AlignedSet set) {
        setCount.incrementAndGet();
        StringBuilder b = json;
        b.setLength(0);
        b.append("{\"group\":").append(groupJson).append(",\"ref\":{\"stream\":").append(refStreamJson)
                .append(",\"seq\":").append(set.refSequence).append(",\"time\":").append(set.refAgentNs);
        if (set.refSensorClock) {
            b.append(",\"sensorTime\":").append(set.refSensorNs);
        }
        b.append(",\"clock\":\"").append(set.refSensorClock ? "sensor" : "receive").append("\"},\"missing\":")
                .append(set.missingMask()).append(",\"members\":[");
        for (int m = 0; m < set.status.length; m++) {
            if (m > 0) {
                b.append(',');
            }
            b.append("{\"stream\":").append(memberStreamJson[m]).append(",\"status\":\"");
            int status = set.status[m];
            if (status == Aligner.MISSING) {
                b.append("missing\"}");
                missingCount.incrementAndGet(m);
                continue;
            }
            b.append(status == Aligner.NEAREST ? "nearest" : "interpolated").append("\",\"seq\":").append(set.sequence[m]);
            if (set.sequence2[m] >= 0) {
                b.append(",\"seq2\":").append(set.sequence2[m]);
            }
            b.append(",\"time\":").append(set.agentNs[m]);
            if (set.sensorClock[m]) {
                b.append(",\"sensorTime\":").append(set.sensorNs[m]);
            }
            b.append(",\"skewNs\":").append(set.skewNs[m]);
            double[] v = set.values[m];
            if (v.length > 0) {
                b.append(",\"values\":{");
                for (int i = 0; i < v.length; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append(signalJson[m][i]).append(':');
                    if (Double.isFinite(v[i])) {
                        b.append(v[i]);
                    } else {
                        b.append("null");
                    }
                }
                b.append('}');
            }
            b.append('}');
            skew[m].recordValue(Math.min(Math.abs(set.skewNs[m]), 3_600_000_000_000L));
        }
        b.append("]}");
        write(sets, set.refAgentNs);
        quality.onSet(set);   // after the set: its events follow it
    }

    private void onQuality(QualityMonitor.Kind kind, int m, long timeNs, long value, long refSeq) {
        event(kind.name(), memberConfigs.get(m).stream(), timeNs,
                kind == QualityMonitor.Kind.skew ? "skewNs" : "missingForNs", value, refSeq);
    }

    private void onJump(int input, ClockModel model, long sensorNs) {
        String stream = input == 0 ? referenceId : memberConfigs.get(input - 1).stream();
        StringBuilder saved = new StringBuilder(json);   // a jump can come while a set is being written: rare
        json.setLength(0);
        json.append("{\"type\":\"clock-jump\",\"group\":").append(groupJson).append(",\"stream\":").append(quote(stream))
                .append(",\"time\":").append(model.toAgentTime(sensorNs)).append(",\"offsetSeconds\":")
                .append(model.offsetNsAt(sensorNs) / 1e9).append('}');
        eventCount.incrementAndGet();
        write(events, model.toAgentTime(sensorNs));
        json.setLength(0);
        json.append(saved);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("group", groupId);
        fields.put("stream", stream);
        fields.put("offsetSeconds", model.offsetNsAt(sensorNs) / 1e9);
        fields.put("jumps", model.jumps());
        audit.record("clock-jump", fields);
        LOG.log(Level.WARNING, "alignment group " + groupId + ": the clock of stream " + stream
                + " jumped; offset now " + model.offsetNsAt(sensorNs) / 1e9 + " s");
    }

    private void event(String type, String stream, long timeNs, String field, long value, long refSeq) {
        StringBuilder saved = new StringBuilder(json);   // events are rare: keep the set being written
        json.setLength(0);
        json.append("{\"type\":\"").append(type).append("\",\"group\":").append(groupJson).append(",\"stream\":")
                .append(quote(stream)).append(",\"time\":").append(timeNs).append(",\"").append(field).append("\":")
                .append(value).append(",\"refSeq\":").append(refSeq);
        if (type.equals("skew")) {
            json.append(",\"thresholdNs\":").append(quality.skewThresholdNs());
        } else if (type.equals("missing")) {
            json.append(",\"thresholdNs\":").append(quality.maxMissingNs());
        }
        json.append('}');
        eventCount.incrementAndGet();
        write(events, timeNs);
        json.setLength(0);
        json.append(saved);
    }

    /** Writes the JSON text in {@link #json} (ASCII: non-ASCII is escaped) to {@code out}. */
    private void write(DerivedStream out, long timeNs) {
        int n = json.length();
        if (bytes.length < n) {
            bytes = new byte[Math.max(n, bytes.length * 2)];
            payload.wrap(bytes);
        }
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) json.charAt(i);
        }
        // a queue over its disk quota (reject-new) refuses: keep the set, in order, and read no more input until
        // it is taken (the refusal is counted by the queue); checkpoints do not move past sets not yet written
        refused.append(out, timeNs, noKey, 0, 0, payload, 0, n);
    }

    private final OutputBacklog refused = new OutputBacklog();

    @Override
    public void endOfInput() {
        endOfInput = true;
    }

    @Override
    public boolean drained() {
        return drained;
    }

    @Override
    public void onClose() {
        if (refReader != null) {
            refReader.close();
            for (QueueReader r : memberReaders) {
                r.close();
            }
        }
    }

    /**
     * The group's quality for the health report (any thread): sets so far, and per member the sets it was missing
     * from and its skew at p50/p99 in seconds (the same numbers as the metrics).
     */
    public java.util.Map<String, Object> qualitySummary() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("reference", referenceId);
        out.put("sets", setCount.get());
        java.util.Map<String, Object> members = new java.util.LinkedHashMap<>();
        for (int m = 0; m < memberConfigs.size(); m++) {
            java.util.Map<String, Object> member = new java.util.LinkedHashMap<>();
            member.put("missing", missingCount.get(m));
            member.put("skewP50S", skewSamplers[m].quantileSeconds(0.5));
            member.put("skewP99S", skewSamplers[m].quantileSeconds(0.99));
            members.put(memberConfigs.get(m).stream(), member);
        }
        out.put("members", members);
        return out;
    }

    public String groupId() {
        return groupId;
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        Tags g = Tags.of("group", groupId);
        FunctionCounter.builder("edgeagent.align.sets", setCount, AtomicLong::get).tags(g)
                .description("aligned sets emitted (one per reference sample)").register(registry);
        FunctionCounter.builder("edgeagent.align.quality.events", eventCount, AtomicLong::get).tags(g)
                .description("data-quality events: skew over the threshold, a member missing too long, clock jumps")
                .register(registry);
        for (int m = 0; m < memberConfigs.size(); m++) {
            final int member = m;
            Tags t = g.and("member", memberConfigs.get(m).stream(), "reference", referenceId);
            FunctionCounter.builder("edgeagent.align.missing", missingCount, a -> a.get(member)).tags(t)
                    .description("aligned sets in which the member had nothing within its tolerance").register(registry);
            for (int i = 0; i < QUANTILES.length; i++) {
                final int q = i;
                Gauge.builder("edgeagent.align.skew", skewSamplers[m], s -> s.quantileSeconds(QUANTILES[q]))
                        .tags(t.and("quantile", Double.toString(QUANTILES[i]))).baseUnit("seconds")
                        .description("|member time - reference time| of present members, since start").register(registry);
            }
        }
    }

    /** Folds a skew recorder into a cumulative histogram when a scrape reads it (never on the transform thread). */
    static final class SkewSampler {
        private final Recorder recorder;
        private final Histogram cumulative = new Histogram(1, 3_600_000_000_000L, 3);
        private Histogram interval;

        SkewSampler(Recorder recorder) {
            this.recorder = recorder;
        }

        synchronized double quantileSeconds(double q) {
            interval = recorder.getIntervalHistogram(interval);
            cumulative.add(interval);
            return cumulative.getTotalCount() == 0 ? 0 : cumulative.getValueAtPercentile(q * 100) / 1e9;
        }
    }
}
