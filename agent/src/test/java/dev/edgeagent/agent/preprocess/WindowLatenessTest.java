package dev.edgeagent.agent.preprocess;

import dev.edgeagent.agent.preprocess.window.WindowAggregator;
import dev.edgeagent.agent.signal.SignalNames;
import dev.edgeagent.agent.testing.IndependentCaptures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 7 acceptance 1, lateness: x-io IMU values delivered out of order. A value late by less than the allowed
 * lateness is counted in its window; one later than that is counted as late (in the metric and in the next result).
 */
class WindowLatenessTest {

    record Value(long t, double v) {
    }

    @Test
    void lateValuesWithinTheAllowedLatenessCountAndLaterOnesAreCountedLate() throws Exception {
        List<String> rows = Files.readAllLines(IndependentCaptures.sample("imu/xio_fusion_sensor_data.csv"));
        List<Value> values = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            String[] f = rows.get(i).split(",");
            values.add(new Value(Math.round(Double.parseDouble(f[0]) * 1e9), Double.parseDouble(f[4])));
        }
        // move two values: one 0.4 s later than its time (allowed lateness 0.5 s), one 1.3 s later
        int slightlyLate = indexAt(values, 2_300_000_000L);
        int veryLate = indexAt(values, 3_950_000_000L);
        List<Value> order = new ArrayList<>(values);
        Value a = order.remove(slightlyLate);
        order.add(indexAt(order, 2_700_000_000L), a);
        Value b = order.remove(order.indexOf(values.get(veryLate)));
        int reinsertAt = indexAt(order, 5_250_000_000L);
        order.add(reinsertAt, b);

        SignalNames names = new SignalNames();
        int id = names.id("accel.x", "g");
        Map<Long, long[]> counts = new TreeMap<>();
        Map<Long, Long> lateInResult = new TreeMap<>();
        WindowAggregator agg = new WindowAggregator(List.of(new WindowAggregator.Spec(List.of("accel.x"),
                1_000_000_000L, 1_000_000_000L, 500_000_000L, new double[0])), names, r -> {
            counts.put(r.startNs, new long[]{r.count});
            lateInResult.put(r.startNs, r.late);
        });
        for (Value v : order) {
            agg.onValue(id, v.v(), v.t());
        }
        agg.flush();

        Map<Long, Long> expected = new TreeMap<>();
        for (Value v : values) {
            expected.merge(Math.floorDiv(v.t(), 1_000_000_000L) * 1_000_000_000L, 1L, Long::sum);
        }
        assertEquals(expected.keySet(), counts.keySet());
        // window [2 s, 3 s) has every value, the slightly late one included
        assertEquals(expected.get(2_000_000_000L), counts.get(2_000_000_000L)[0]);
        // window [3 s, 4 s) was emitted before the very late value came: it lacks it, and it is counted late
        assertEquals(expected.get(3_000_000_000L) - 1, counts.get(3_000_000_000L)[0]);
        assertEquals(1, agg.lateValues());
        // the late value is reported in the next result emitted after it arrived: window [4 s, 5 s)
        assertEquals(1L, lateInResult.get(4_000_000_000L));
        assertEquals(1L, lateInResult.values().stream().mapToLong(Long::longValue).sum());
        for (long start : expected.keySet()) {
            if (start != 3_000_000_000L) {
                assertEquals(expected.get(start), counts.get(start)[0], "window " + start);
            }
        }
    }

    private static int indexAt(List<Value> values, long t) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).t() >= t) {
                return i;
            }
        }
        throw new IllegalArgumentException("no value at " + t);
    }
}
