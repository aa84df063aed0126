package dev.edgeagent.agent.align;

import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.capture.RecordView;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * A stream's clock as its batcher keeps it: every record's sensor time goes through the stream's
 * {@link ClockModel}, which gives the record's aligned time (the MCAP log time) in the agent's time base.
 * Records without a sensor time keep their receive time and the stream is flagged as such. The model's state
 * is saved under {@code <dataDir>/state/clock/<stream>.json} at each seal and loaded at start, so a restart
 * does not begin from nothing. Batcher thread only, except the gauges of {@link #model()}.
 */
public final class StreamClock {

    private static final System.Logger LOG = System.getLogger(StreamClock.class.getName());

    private final String streamId;
    private final ClockModel model;
    private final AgentTimeBase timeBase;
    private final Path stateFile;
    private boolean sawSensor;
    private long suspectRecords;

    private final boolean fasterThanRealTime;

    public StreamClock(String streamId, ClockModel.Settings settings, AgentTimeBase timeBase, Path dataDir) {
        this(streamId, settings, timeBase, dataDir, false);
    }

    /**
     * @param fasterThanRealTime the stream is a capture replayed as fast as possible (--once): its receive times
     *                           do not follow the sensor's clock, so no model is kept and log times stay receive
     *                           times (a model would see a clock racing ahead and count jump after jump)
     */
    public StreamClock(String streamId, ClockModel.Settings settings, AgentTimeBase timeBase, Path dataDir,
                       boolean fasterThanRealTime) {
        this.streamId = streamId;
        this.model = new ClockModel(streamId, settings, ClockModel.Source.sensor);
        this.timeBase = timeBase;
        this.stateFile = ClockModel.stateFile(dataDir, streamId);
        this.fasterThanRealTime = fasterThanRealTime;
        if (fasterThanRealTime) {
            return;
        }
        String problem = model.load(stateFile);
        if (problem != null) {
            LOG.log(Level.WARNING, "stream " + streamId + ": " + problem);
        }
    }

    public ClockModel model() {
        return model;
    }

    /**
     * The record's aligned time. While the model holds the record's time as suspect (a possible clock jump
     * not yet confirmed) it is the receive time: records are written in order and cannot wait.
     */
    public long alignedTime(RecordView r) {
        long receive = timeBase.fromReceive(r.receiveWallNs());
        if (!r.hasSensorTime() || fasterThanRealTime) {
            return receive;
        }
        sawSensor = true;
        int result = model.observe(r.sensorTimeNs(), receive);
        if (result == ClockModel.SUSPECT) {
            suspectRecords++;
            return receive;
        }
        return model.toAgentTime(r.sensorTimeNs());
    }

    /**
     * The record's aligned time from the mapping published at the model's last bin close: any thread, changes no
     * state (trigger windows use it). A record without a sensor clock has its receive time; a replay faster than
     * real time keeps its own time ({@link RecordView#timeNs()}, as its batches do not model it); while the
     * model knows nothing yet (start, a jump) the receive time stands in, as in {@link #alignedTime}.
     */
    public long alignedTimeSnapshot(RecordView r) {
        if (fasterThanRealTime && r.hasSensorTime()) {
            return r.timeNs();
        }
        ClockModel.Mapping m = r.hasSensorTime() ? model.publishedMapping() : null;
        return m == null ? timeBase.fromReceive(r.receiveWallNs()) : m.toAgentTime(r.sensorTimeNs());
    }

    /** Records whose aligned time fell back to the receive time (suspect clock). */
    public long suspectRecords() {
        return suspectRecords;
    }

    /** The clock state a batch's manifest records (its lineage: how its log times were made). */
    public BatchManifest.Alignment manifestState() {
        if (!sawSensor || fasterThanRealTime) {
            return new BatchManifest.Alignment(ClockModel.Source.receive.name(), timeBase.base().name(), null, null,
                    null, null);
        }
        return new BatchManifest.Alignment(ClockModel.Source.sensor.name(), timeBase.base().name(),
                model.offsetSeconds(), model.driftPpm(), model.converged(), model.jumps());
    }

    /** Saves the model's state; a failure is logged, not fatal (the next start estimates from scratch). */
    public void save() {
        if (!sawSensor) {
            return;
        }
        try {
            model.save(stateFile);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "stream " + streamId + ": cannot save clock state " + stateFile + ": " + e);
        }
    }
}
