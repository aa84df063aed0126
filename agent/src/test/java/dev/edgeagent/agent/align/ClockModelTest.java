package dev.edgeagent.agent.align;

import dev.edgeagent.agent.align.ClockSimulation.Sample;
import dev.edgeagent.agent.align.ClockSimulation.StreamSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClockModelTest {

    static final long S = 1_000_000_000L;
    static final long DURATION = 60 * S;
    static final long JUMP_AT = 30 * S;

    /** Realistic rates with offsets up to ±5 s, drifts up to ±100 ppm, 1 % loss; one stream's clock jumps. */
    static List<StreamSpec> streams(long jumpNs) {
        return List.of(
                new StreamSpec("camera", 30, 4_700_000_000L, 100, -1, 0, 0.01),
                new StreamSpec("lidar", 10, -5_000_000_000L, -100, -1, 0, 0.01),
                new StreamSpec("imu", 400, 1_234_567_890L, 37.5, -1, 0, 0.01),
                new StreamSpec("can", 100, -2_500_000_000L, -64, -1, 0, 0.01),
                new StreamSpec("gnss", 10, 3_000_000_000L, 80, JUMP_AT, jumpNs, 0.01));
    }

    @Test
    void recoversEveryStreamsMappingWithin100MicrosecondsAfter10sAndAgainAfterAJump() {
        for (long jump : new long[]{1_700_000_000L, -800_000_000L}) {   // forward and backward
            List<StreamSpec> specs = streams(jump);
            for (int i = 0; i < specs.size(); i++) {
                StreamSpec spec = specs.get(i);
                ClockModel model = new ClockModel(spec.id(), ClockModel.Settings.defaults(), ClockModel.Source.sensor);
                long worst = 0;
                long checked = 0;
                long worstAt = 0;
                for (Sample s : ClockSimulation.generate(i, spec, DURATION, 42)) {
                    int r = model.observe(s.sensorNs(), s.receiveNs());
                    long since = s.trueNs() - ClockSimulation.T0;
                    boolean settled = since >= 10 * S && (spec.jumpAtNs() < 0 || since < spec.jumpAtNs()
                            || since >= spec.jumpAtNs() + 10 * S);
                    if (settled) {
                        assertTrue(r == ClockModel.OK, spec.id() + ": no suspicion once settled, got " + r + " at " + since);
                        long error = Math.abs(model.toAgentTime(s.sensorNs()) - s.trueNs());
                        if (error > worst) { worst = error; worstAt = since; }
                        checked++;
                    }
                }
                assertTrue(checked > 300, spec.id() + ": " + checked + " samples checked");
                assertTrue(worst < 100_000, spec.id() + " (jump " + jump + "): worst mapping error " + worst + " ns at " + worstAt);
                assertEquals(spec.jumpAtNs() < 0 ? 0 : 1, model.jumps(), spec.id() + ": jumps detected");
                assertTrue(model.converged(), spec.id());
                assertEquals(-spec.driftPpm(), model.driftPpm(), 2.0, spec.id() + ": drift ppm");
            }
        }
    }

    @Test
    void aDelayBurstIsNotAJumpAndItsSamplesStillMapCorrectly() {
        StreamSpec spec = new StreamSpec("imu", 400, 2_000_000_000L, 50, -1, 0, 0);
        ClockModel model = new ClockModel("imu", ClockModel.Settings.defaults(), ClockModel.Source.sensor);
        int suspects = 0;
        for (Sample s : ClockSimulation.generate(0, spec, 20 * S, 7)) {
            long since = s.trueNs() - ClockSimulation.T0;
            // 300 ms of samples arriving 200 ms late (a stalled link), then normal again
            long receive = since >= 12 * S && since < 12 * S + 300_000_000L ? s.receiveNs() + 200_000_000L : s.receiveNs();
            int r = model.observe(s.sensorNs(), receive);
            if (r == ClockModel.SUSPECT) {
                suspects++;
            }
            if (since > 10 * S) {
                assertTrue(Math.abs(model.toAgentTime(s.sensorNs()) - s.trueNs()) < 100_000);
            }
        }
        assertTrue(suspects > 100, "the late samples were held as suspect: " + suspects);
        assertEquals(0, model.jumps());
    }

    @Test
    void aLateFirstSampleIsNoJumpAndAQuietSuspicionIsDecided() {
        ClockModel model = new ClockModel("cam", ClockModel.Settings.defaults(), ClockModel.Source.sensor);
        long t = ClockSimulation.T0;
        // the first frame arrives 300 ms late (a starting source), the next ones on time
        assertEquals(ClockModel.OK, model.observe(t, t + 300_000_000L));
        for (int i = 1; i < 5; i++) {
            assertEquals(ClockModel.OK, model.observe(t + i * 50_000_000L, t + i * 50_000_000L + 100_000));
        }
        assertEquals(0, model.jumps());
        assertTrue(Math.abs(model.toAgentTime(t + 200_000_000L) - (t + 200_000_000L)) < 200_000);
        // later, two frames 2 s early (the clock stepped), then the stream goes quiet: decided as a jump
        for (int i = 5; i < 60; i++) {
            model.observe(t + i * 50_000_000L, t + i * 50_000_000L + 100_000);
        }
        assertEquals(ClockModel.SUSPECT, model.observe(t + 60 * 50_000_000L + 2 * S, t + 60 * 50_000_000L));
        assertEquals(ClockModel.SUSPECT, model.observe(t + 61 * 50_000_000L + 2 * S, t + 61 * 50_000_000L));
        assertEquals(ClockModel.JUMP, model.decideSuspect());
        assertEquals(1, model.jumps());
        assertTrue(Math.abs(model.toAgentTime(t + 61 * 50_000_000L + 2 * S) - (t + 61 * 50_000_000L)) < 1_000_000);
        // points above the estimate that nothing settles are late, not a jump
        assertEquals(ClockModel.SUSPECT, model.observe(t + 62 * 50_000_000L + 2 * S, t + 62 * 50_000_000L + 400_000_000L));
        assertEquals(ClockModel.RESOLVED, model.decideSuspect());
        assertEquals(1, model.jumps());
    }

    @Test
    void stateSurvivesARestart(@TempDir Path dir) {
        StreamSpec spec = new StreamSpec("lidar", 10, -3_000_000_000L, 90, -1, 0, 0.01);
        List<Sample> samples = ClockSimulation.generate(0, spec, 40 * S, 3);
        ClockModel before = new ClockModel("lidar", ClockModel.Settings.defaults(), ClockModel.Source.sensor);
        int half = samples.size() / 2;
        for (int i = 0; i < half; i++) {
            before.observe(samples.get(i).sensorNs(), samples.get(i).receiveNs());
        }
        Path file = ClockModel.stateFile(dir, "lidar");
        assertDoesNotThrow(() -> before.save(file));
        ClockModel after = new ClockModel("lidar", ClockModel.Settings.defaults(), ClockModel.Source.sensor);
        assertNull(after.load(file));
        assertTrue(after.converged(), "a restored model maps from its first sample");
        // the first sample after the restart already maps within 100 µs
        Sample next = samples.get(half);
        assertEquals(ClockModel.OK, after.observe(next.sensorNs(), next.receiveNs()));
        assertTrue(Math.abs(after.toAgentTime(next.sensorNs()) - next.trueNs()) < 100_000,
                "error " + (after.toAgentTime(next.sensorNs()) - next.trueNs()));
        // a damaged file is reported, not fatal
        assertDoesNotThrow(() -> java.nio.file.Files.writeString(file, "{not json"));
        String problem = new ClockModel("lidar", ClockModel.Settings.defaults(), ClockModel.Source.sensor).load(file);
        assertTrue(problem != null && problem.contains("unreadable clock state"), problem);
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(e);
    }
}
