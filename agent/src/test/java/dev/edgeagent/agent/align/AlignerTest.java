package dev.edgeagent.agent.align;

import dev.edgeagent.agent.align.Aligner.Member;
import dev.edgeagent.agent.align.Aligner.Mode;
import dev.edgeagent.agent.align.ClockSimulation.Sample;
import dev.edgeagent.agent.align.ClockSimulation.StreamSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlignerTest {

    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;

    record Got(int[] status, long[] seq, double[] value) {
    }

    /**
     * A 30 Hz camera as reference, LiDAR (nearest), IMU, CAN and GNSS signals (interpolated), each on its own
     * clock (offsets up to ±5 s, drifts up to ±100 ppm, 1 % loss, the GNSS clock jumps by 1.7 s at 30 s),
     * delivered in receive order with heavy-tailed delays. The sets built from estimated clocks are compared
     * with the sets ground truth gives.
     */
    @Test
    void alignedSetsMatchGroundTruthAndNoMemberIsPresentOutsideItsTolerance() {
        long duration = 60 * S;
        List<StreamSpec> specs = List.of(
                new StreamSpec("camera", 30, 4_700_000_000L, 100, -1, 0, 0.01),
                new StreamSpec("lidar", 10, -5_000_000_000L, -100, -1, 0, 0.01),
                new StreamSpec("imu", 400, 1_234_567_890L, 37.5, -1, 0, 0.01),
                new StreamSpec("can", 100, -2_500_000_000L, -64, -1, 0, 0.01),
                new StreamSpec("gnss", 10, 3_000_000_000L, 80, 30 * S, 1_700_000_000L, 0.01));
        List<Member> members = List.of(
                new Member("lidar", 50 * MS, Mode.nearest, 1),
                new Member("imu", 5 * MS, Mode.interpolate, 1),
                new Member("can", 20 * MS, Mode.interpolate, 1),
                new Member("gnss", 100 * MS, Mode.interpolate, 1));
        List<List<Sample>> streams = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            streams.add(ClockSimulation.generate(i, specs.get(i), duration, 11));
        }
        Map<Long, Got> got = new HashMap<>();
        List<ClockModel> memberClocks = new ArrayList<>();
        for (Member m : members) {
            memberClocks.add(new ClockModel(m.stream(), ClockModel.Settings.defaults(), ClockModel.Source.sensor));
        }
        int[] jumps = new int[1];
        AlignmentGroup group = new AlignmentGroup("front",
                new ClockModel("camera", ClockModel.Settings.defaults(), ClockModel.Source.sensor), members, memberClocks,
                2 * S, set -> got.put(set.refSequence, new Got(set.status.clone(), set.sequence.clone(),
                        new double[]{set.values[0][0], set.values[1][0], set.values[2][0], set.values[3][0]})),
                (input, model, sensor) -> jumps[0]++);
        double[] v = new double[1];
        for (Sample s : ClockSimulation.merge(streams)) {
            v[0] = s.value();
            if (s.stream() == 0) {
                group.reference(s.sensorNs(), true, s.receiveNs(), s.seq());
            } else {
                group.member(s.stream() - 1, s.sensorNs(), true, s.receiveNs(), s.seq(), v);
            }
            group.emitReady(s.receiveNs());
        }
        group.flush();
        assertEquals(1, jumps[0], "the GNSS clock jump is seen once");
        assertEquals(streams.get(0).size(), got.size(), "one set per reference sample");

        long compared = 0;
        long matching = 0;
        long present = 0;
        for (Sample ref : streams.get(0)) {
            if (ref.trueNs() - ClockSimulation.T0 < 10 * S) {
                continue;   // the clocks have 10 s to converge
            }
            Got g = got.get(ref.seq());
            boolean same = true;
            for (int m = 0; m < members.size(); m++) {
                List<Sample> ms = streams.get(m + 1);
                Member spec = members.get(m);
                // no member is ever reported present outside its tolerance (by true time)
                if (g.status()[m] != Aligner.MISSING) {
                    present++;
                    Sample used = bySeq(ms, g.seq()[m]);
                    assertTrue(Math.abs(used.trueNs() - ref.trueNs()) <= spec.toleranceNs(),
                            spec.stream() + " present " + (used.trueNs() - ref.trueNs()) + " ns from reference " + ref.seq());
                }
                Truth t = truth(ms, ref.trueNs(), spec, m + 1);
                if (t.status() != g.status()[m]) {
                    same = false;
                } else if (t.status() == Aligner.NEAREST && spec.mode() == Mode.nearest && t.seq() != g.seq()[m]) {
                    same = false;
                } else if (t.status() != Aligner.MISSING && Math.abs(t.value() - g.value()[m]) > 0.01) {
                    same = false;
                }
            }
            compared++;
            if (same) {
                matching++;
            }
        }
        double share = (double) matching / compared;
        System.out.println("aligned sets matching ground truth: " + matching + " of " + compared + ", members present " + present);
        assertTrue(compared > 1400, compared + " sets compared");
        assertTrue(present > 4 * 1400 * 0.95, present + " members present");
        assertTrue(share >= 0.999, "sets matching ground truth: " + matching + " of " + compared);
    }

    record Truth(int status, long seq, double value) {
    }

    /** The set ground truth gives (true times, the same rules as the aligner). */
    static Truth truth(List<Sample> samples, long t, Member spec, int stream) {
        Sample a = null;
        Sample b = null;
        for (Sample s : samples) {
            if (s.trueNs() <= t && (a == null || s.trueNs() > a.trueNs())) {
                a = s;
            }
            if (s.trueNs() > t && (b == null || s.trueNs() < b.trueNs())) {
                b = s;
            }
        }
        long da = a == null ? Long.MAX_VALUE : t - a.trueNs();
        long db = b == null ? Long.MAX_VALUE : b.trueNs() - t;
        if (spec.mode() == Mode.interpolate && da <= spec.toleranceNs() && db <= spec.toleranceNs()) {
            double w = (double) da / (da + db);
            return new Truth(Aligner.INTERPOLATED, a.seq(), a.value() + (b.value() - a.value()) * w);
        }
        Sample near = da <= db ? a : b;
        if (near == null || Math.min(da, db) > spec.toleranceNs()) {
            return new Truth(Aligner.MISSING, -1, Double.NaN);
        }
        return new Truth(Aligner.NEAREST, near.seq(), near.value());
    }

    static Sample bySeq(List<Sample> samples, long seq) {
        for (Sample s : samples) {
            if (s.seq() == seq) {
                return s;
            }
        }
        throw new AssertionError("no sample " + seq);
    }

    @Test
    void aMemberWithNothingInToleranceIsMissingNeverStale() {
        List<String> out = new ArrayList<>();
        Aligner a = new Aligner(List.of(new Member("imu", 5 * MS, Mode.interpolate, 1),
                new Member("lidar", 50 * MS, Mode.nearest, 0)), S,
                set -> out.add(set.refSequence + ":" + set.status[0] + "," + set.status[1] + ":" + set.missingMask()
                        + ":" + set.values[0][0]));
        double[] v = {1.0};
        a.member(0, 100 * MS, 0, 0, true, v, 0);
        v[0] = 3.0;
        a.member(0, 104 * MS, 0, 1, true, v, 0);
        a.member(1, 90 * MS, 0, 0, true, v, 0);
        a.reference(102 * MS, 0, 0, true);   // between the two IMU samples: interpolated to 2.0
        a.reference(300 * MS, 0, 1, true);   // IMU last seen 196 ms before: missing, not its last value
        assertEquals(0, a.emitReady(110 * MS), "waits: LiDAR has not passed 102 + 50 ms");
        a.member(1, 400 * MS, 0, 1, true, v, 0);
        a.memberWatermark(0, 400 * MS);
        assertEquals(2, a.emitReady(410 * MS));
        assertEquals(List.of("0:2,1:0:2.0", "1:0,0:3:NaN"), out);
    }

    @Test
    void aQuietMemberDoesNotHoldSetsBackPastMaxWait() {
        List<Long> masks = new ArrayList<>();
        Aligner a = new Aligner(List.of(new Member("gnss", 100 * MS, Mode.nearest, 0)), S,
                set -> masks.add(set.missingMask()));
        a.reference(0, 0, 0, true);
        assertEquals(0, a.emitReady(1_000 * MS));
        assertEquals(1, a.emitReady(1_101 * MS), "tolerance + max-wait passed");
        assertEquals(List.of(1L), masks);
    }
}
