package dev.edgeagent.agent.align;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QualityMonitorTest {

    static final long MS = 1_000_000L;

    @Test
    void oneEventPerEpisodeOfSkewAndOfMissing() {
        List<String> events = new ArrayList<>();
        QualityMonitor q = new QualityMonitor(2, 20 * MS, 100 * MS,
                (kind, member, time, value, ref) -> events.add(kind + " m" + member + " @" + time / MS + " " + value / MS + " #" + ref));
        Aligner a = new Aligner(List.of(new Aligner.Member("imu", 50 * MS, Aligner.Mode.nearest, 0),
                new Aligner.Member("gnss", 50 * MS, Aligner.Mode.nearest, 0)), 1_000 * MS, q::onSet);
        // imu: on time, then 30 ms late for two references (one skew episode), then on time again
        long[] imuSkew = {0, 30, 30, 0, 0, 0};
        for (int i = 0; i < 6; i++) {
            a.member(0, i * 100 * MS + imuSkew[i] * MS, 0, i, true, null, 0);
        }
        // gnss: present at 0, gone for 300 ms, back at 400
        a.member(1, 0, 0, 0, true, null, 0);
        a.member(1, 400 * MS, 0, 1, true, null, 0);
        for (int i = 0; i < 6; i++) {
            a.reference(i * 100 * MS, 0, i, true);
        }
        a.flush();
        assertEquals(List.of(
                "skew m0 @100 30 #1",
                "missing m1 @300 200 #3",
                "recovered m1 @400 300 #4"), events);
    }
}
