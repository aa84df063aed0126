package dev.edgeagent.agent.align;

import dev.edgeagent.agent.align.Aligner.Member;
import dev.edgeagent.agent.align.Aligner.Mode;
import dev.edgeagent.agent.testing.AgentProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance 2 on the shared EuRoC data (camera and IMU on one clock): the IMU's clock is given an offset and a
 * drift; the offset recovered from receive times is within 0.5 ms, and the aligned camera/IMU sets are the same
 * as with the untouched IMU.
 */
class EurocAlignmentTest {

    static final long INJECTED_OFFSET_NS = 2_345_678_901L;
    static final double INJECTED_DRIFT_PPM = 73;

    record Row(long timeNs, double[] values) {
    }

    static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            double[] v = new double[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                v[i - 1] = f[i].endsWith(".png") ? 0 : Double.parseDouble(f[i]);
            }
            rows.add(new Row(Long.parseLong(f[0].trim()), v));
        }
        return rows;
    }

    record Event(boolean camera, long seq, long sensorNs, long receiveNs, double[] values) {
    }

    record Result(List<String> sets, ClockModel imuClock) {
    }

    /** Camera and IMU received with heavy-tailed delays (the same for both runs); the IMU clock optionally skewed. */
    static Result align(List<Row> cam, List<Row> imu, boolean inject) {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Event> events = new ArrayList<>();
        long t0 = imu.get(0).timeNs();
        for (int i = 0; i < cam.size(); i++) {
            long t = cam.get(i).timeNs();
            events.add(new Event(true, i, t, t + delay(rnd), null));
        }
        for (int i = 0; i < imu.size(); i++) {
            long t = imu.get(i).timeNs();
            long s = inject ? t + INJECTED_OFFSET_NS + Math.round((t - t0) * INJECTED_DRIFT_PPM * 1e-6) : t;
            events.add(new Event(false, i, s, t + delay(rnd), imu.get(i).values()));
        }
        events.sort((a, b) -> Long.compare(a.receiveNs(), b.receiveNs()));
        List<Member> members = List.of(new Member("imu-nearest", 2_500_000, Mode.nearest, 0),
                new Member("imu", 5_000_000, Mode.interpolate, 6));
        ClockModel imuClock = new ClockModel("imu", ClockModel.Settings.defaults(), ClockModel.Source.sensor);
        ClockModel imuClock2 = new ClockModel("imu", ClockModel.Settings.defaults(), ClockModel.Source.sensor);
        List<String> sets = new ArrayList<>();
        AlignmentGroup g = new AlignmentGroup("euroc",
                new ClockModel("cam0", ClockModel.Settings.defaults(), ClockModel.Source.sensor),
                members, List.of(imuClock, imuClock2), 1_000_000_000L,
                set -> sets.add(set.refSequence + " imu#" + set.sequence[0] + " " + set.status[1] + " "
                        + Arrays.toString(Arrays.stream(set.values[1]).map(v -> Math.round(v * 1e3) / 1e3).toArray())),
                null);
        for (Event e : events) {
            if (e.camera()) {
                g.reference(e.sensorNs(), true, e.receiveNs(), e.seq());
            } else {
                g.member(0, e.sensorNs(), true, e.receiveNs(), e.seq(), e.values());
                g.member(1, e.sensorNs(), true, e.receiveNs(), e.seq(), e.values());
            }
            g.emitReady(e.receiveNs());
        }
        g.flush();
        return new Result(sets, imuClock);
    }

    static long delay(SplittableRandom rnd) {
        return Math.round(Math.min(2_000_000, 200_000 * (Math.pow(1 - rnd.nextDouble(), -1 / 1.5) - 1)));
    }

    @Test
    void recoversAnInjectedImuOffsetAndDriftAndKeepsTheSetsOfTheUntouchedData() throws IOException {
        Path euroc = AgentProcess.repoRoot().resolve("samples/euroc");
        List<Row> cam = read(euroc.resolve("cam0/data.csv"));
        List<Row> imu = read(euroc.resolve("imu0/data.csv"));
        assertTrue(cam.size() >= 5 && imu.size() >= 2000, cam.size() + " frames, " + imu.size() + " IMU rows");

        Result untouched = align(cam, imu, false);
        Result skewed = align(cam, imu, true);

        // the recovered mapping of the skewed IMU clock puts every IMU sample within 0.5 ms of its true time
        long t0 = imu.get(0).timeNs();
        long worst = 0;
        for (Row r : imu) {
            long s = r.timeNs() + INJECTED_OFFSET_NS + Math.round((r.timeNs() - t0) * INJECTED_DRIFT_PPM * 1e-6);
            worst = Math.max(worst, Math.abs(skewed.imuClock().toAgentTime(s) - r.timeNs()));
        }
        assertTrue(worst < 500_000, "worst IMU mapping error " + worst + " ns");
        double recoveredOffset = -skewed.imuClock().offsetSeconds();
        double trueOffset = (INJECTED_OFFSET_NS + (imu.get(imu.size() - 1).timeNs() - t0) * INJECTED_DRIFT_PPM * 1e-6) / 1e9;
        assertEquals(trueOffset, recoveredOffset, 0.0005, "IMU clock offset at the last sample, s");
        assertEquals(-INJECTED_DRIFT_PPM, skewed.imuClock().driftPpm(), 5, "drift, ppm");
        System.out.println("EuRoC: worst IMU mapping error " + worst + " ns, offset error "
                + Math.round((recoveredOffset - trueOffset) * 1e9) + " ns, drift " + skewed.imuClock().driftPpm() + " ppm");

        assertEquals(cam.size(), untouched.sets().size());
        assertEquals(untouched.sets(), skewed.sets());
        // and the untouched sets pair each frame with the IMU sample taken at the same instant
        for (String set : untouched.sets()) {
            assertTrue(set.matches("\\d+ imu#\\d+ 2 \\[.*"), set);
        }
    }
}
