package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.decode.foxglove.FoxgloveEncoder;
import dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas;
import dev.edgeagent.agent.decode.foxglove.PointLayout;
import dev.edgeagent.protocols.lidar.PointBuffer;
import dev.edgeagent.protocols.lidar.SweepAssembler;
import dev.edgeagent.protocols.lidar.SweepInfo;
import dev.edgeagent.protocols.lidar.TimeBase;
import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.ExpandableArrayBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * LiDAR packets (raw UDP payloads, Velodyne or Ouster) assembled into sweeps: each complete sweep becomes one
 * foxglove.PointCloud on {@code /<stream>/points} (layout {@link PointLayout#XYZ_INTENSITY_RING_TIME}) and one
 * JSON summary on {@code /<stream>/sweeps} (model, frame, packets, lost packets, points, partial), so that lost
 * packets are visible per sweep. The raw packets stay in the batch; a sweep is written into the batch that holds
 * its last packet.
 */
public final class LidarPointCloudDecoder implements RecordDecoder {

    private static final long YEAR_2000_NS = 946_684_800_000_000_000L;
    private static final DerivedSchema SWEEP_SCHEMA = DerivedSchema.json("edgeagent.lidar.Sweep", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"LiDAR sweep summary","type":"object",
             "properties":{"model":{"type":"string"},"sweep":{"type":"integer"},"frame_id":{"type":"integer"},
              "start_ns":{"type":"integer","description":"sensor time of the first point"},
              "end_ns":{"type":"integer"},"time_base":{"type":"string","description":"UTC, SENSOR_HOUR or SENSOR_CLOCK"},
              "packets":{"type":"integer"},"lost_packets":{"type":"integer"},"points":{"type":"integer"},
              "zero_range_skipped":{"type":"integer"},"partial":{"type":"boolean"}}}""");

    private final SweepAssembler assembler;
    private final String frameId;
    private final FoxgloveEncoder encoder = new FoxgloveEncoder();
    private final ExpandableArrayBuffer points = new ExpandableArrayBuffer(64 * 1024);
    private final JsonBytes json = new JsonBytes();
    private DerivedOutput out;
    private RecordView current;
    private long written;

    /**
     * @param assemblers makes the assembler from the sweep listener and a bad-packet listener (Velodyne or Ouster)
     */
    public LidarPointCloudDecoder(String frameId, BadInputListener badPackets,
                                  BiFunction<dev.edgeagent.protocols.lidar.SweepListener, BadInputListener, SweepAssembler> assemblers) {
        this.frameId = frameId;
        this.assembler = assemblers.apply(this::onSweep, badPackets);
    }

    @Override
    public void decode(RecordView r, DerivedOutput output) throws IOException {
        out = output;
        current = r;
        try {
            assembler.accept(r.payload(), 0, r.payload().capacity(), r.timeNs(), SweepAssembler.ANY_PORT);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void onSweep(SweepInfo info, PointBuffer p) {
        try {
            int n = p.size();
            points.checkLimit(n * PointLayout.STRIDE);
            float[] x = p.x();
            float[] y = p.y();
            float[] z = p.z();
            float[] intensity = p.intensity();
            short[] ring = p.ring();
            int[] t = p.timeOffsetNs();
            for (int i = 0, at = 0; i < n; i++, at += PointLayout.STRIDE) {
                points.putFloat(at + PointLayout.X, x[i], ByteOrder.LITTLE_ENDIAN);
                points.putFloat(at + PointLayout.Y, y[i], ByteOrder.LITTLE_ENDIAN);
                points.putFloat(at + PointLayout.Z, z[i], ByteOrder.LITTLE_ENDIAN);
                points.putFloat(at + PointLayout.INTENSITY, intensity[i], ByteOrder.LITTLE_ENDIAN);
                points.putShort(at + PointLayout.RING, ring[i], ByteOrder.LITTLE_ENDIAN);
                points.putShort(at + PointLayout.RING + 2, (short) 0, ByteOrder.LITTLE_ENDIAN);
                points.putInt(at + PointLayout.TIME, t[i], ByteOrder.LITTLE_ENDIAN);
            }
            RecordView r = current;
            long log = r.receiveWallNs();
            // the sweep's own time where it is a real clock; the capture time of its last packet otherwise
            long time = info.timeBase() == TimeBase.UTC
                    || (info.timeBase() == TimeBase.SENSOR_CLOCK && info.startTimeNs() > YEAR_2000_NS)
                    ? info.startTimeNs() : r.timeNs();
            int length = encoder.pointCloud(time, frameId, PointLayout.XYZ_INTENSITY_RING_TIME, points, 0,
                    n * PointLayout.STRIDE);
            long seq = info.sweepIndex();
            out.write(out.channel("points", FoxgloveSchemas.POINT_CLOUD), seq, log, time, encoder.buffer(), 0, length);
            json.begin().string("model", info.model()).integer("sweep", seq).integer("frame_id", info.frameId())
                    .integer("start_ns", info.startTimeNs()).integer("end_ns", info.endTimeNs())
                    .string("time_base", info.timeBase().name()).integer("packets", info.packets())
                    .integer("lost_packets", info.lostPackets()).integer("points", info.points())
                    .integer("zero_range_skipped", info.zeroRangeSkipped()).bool("partial", info.partial()).end();
            out.write(out.channel("sweeps", SWEEP_SCHEMA), seq, log, time, json.buffer, 0, json.length);
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void reset() {
        assembler.reset();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("packets", assembler.packets());
        c.put("bad-packets", assembler.badPackets());
        c.put("sweeps", assembler.sweeps());
        c.put("lost-packets", assembler.lostPackets());
        c.put("points", assembler.pointsEmitted());
        c.put("point-clouds-written", written);
        return c;
    }
}
