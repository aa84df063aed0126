package dev.edgeagent.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The targets of the benchmark issue, each checked against this run's figures. */
final class Targets {

    record Target(String target, String measured, Boolean met) {
    }

    private Targets() {
    }

    @SuppressWarnings("unchecked")
    static List<Target> check(Map<String, Object> results) {
        List<Target> t = new ArrayList<>();
        Map<String, Object> workloads = (Map<String, Object>) results.getOrDefault("workloads", Map.of());
        Map<String, Object> baselines = (Map<String, Object>) results.get("baselines");
        for (String name : List.of("large-256KiB", "large-1MiB", "large-4MiB")) {
            Map<String, Object> w = (Map<String, Object>) workloads.get(name);
            if (w != null && w.get("toDiskBaseline") != null) {
                double r = (double) w.get("toDiskBaseline");
                t.add(new Target(name + ": capture >= 0.9 x raw sequential disk write",
                        String.format("%.2f x (%.0f MB/s)", r, (double) w.get("captureMBps")), r >= 0.9));
            }
        }
        for (String name : List.of("small-16B", "small-64B")) {
            Map<String, Object> w = (Map<String, Object>) workloads.get(name);
            if (w != null && w.get("toChronicleBaseline") != null) {
                double r = (double) w.get("toChronicleBaseline");
                double perCore = (double) w.get("captureRecordsPerCoreSecond");
                double wall = (double) w.get("captureRecordsPerSecond");
                t.add(new Target(name + ": >= 0.8 x raw Chronicle append (per core)", String.format("%.2f x", r), r >= 0.8));
                t.add(new Target(name + ": >= 5 M records/s on one core",
                        String.format("%.2f M per capture-thread CPU second (%.2f M/s wall, all stages on 2 cores)",
                                perCore / 1e6, wall / 1e6), perCore >= 5e6));
            }
        }
        Map<String, Object> lz4 = (Map<String, Object>) baselines.get("lz4");
        if (lz4.get("agentToCli") != null) {
            double r = (double) lz4.get("agentToCli");
            t.add(new Target("LZ4 batch compression >= 0.9 x lz4 -1, one core", String.format("%.2f x", r), r >= 0.9));
        }
        Map<String, Object> vehicle = (Map<String, Object>) results.getOrDefault("referenceVehicle", Map.of());
        Map<String, Object> v4 = (Map<String, Object>) vehicle.get("vehicle-4x");
        if (v4 != null) {
            long lost = (long) v4.get("lost");
            t.add(new Target("reference vehicle: sustain 4x with zero loss on 2 cores", "lost " + lost + " at 4x", lost == 0));
        }
        Map<String, Object> v1 = (Map<String, Object>) vehicle.get("vehicle-1x");
        if (v1 != null) {
            Map<String, Long> lat = (Map<String, Long>) v1.get("latencyNsWorstStream");
            t.add(new Target("1x: p99 capture latency <= 200 µs (worst stream)",
                    String.format("%.0f µs", lat.get("p99") / 1e3), lat.get("p99") <= 200_000));
            t.add(new Target("1x: p99.99 capture latency <= 2 ms (worst stream)",
                    String.format("%.2f ms", lat.get("p99.99") / 1e6), lat.get("p99.99") <= 2_000_000));
            double cores = (double) v1.get("steadyCores");
            t.add(new Target("1x: <= 0.5 core", String.format("%.2f cores", cores), cores >= 0 && cores <= 0.5));
            long rss = (long) v1.get("peakRssBytes");
            t.add(new Target("1x: RSS <= 256 MiB", String.format("%.0f MiB peak", rss / 1048576.0), rss <= 256L << 20));
        }
        Map<String, Object> pre = (Map<String, Object>) results.getOrDefault("referenceVehiclePreprocess", Map.of());
        Map<String, Object> p4 = (Map<String, Object>) pre.get("vehicle-preprocess-4x");
        if (p4 != null) {
            long lost = (long) p4.get("lost");
            t.add(new Target("preprocessing: the vehicle still sustains 4x with zero loss", "lost " + lost
                    + " at 4x with preprocessing" + (v4 != null ? ", " + v4.get("lost") + " without" : ""), lost == 0));
        }
        Map<String, Object> pLast = null;
        for (Object w : pre.values()) {
            if (w instanceof Map<?, ?> m && m.get("preprocessCapacityVehicleFactor") != null) {
                pLast = (Map<String, Object>) m;   // the highest factor run: the most records, the least start-up share
            }
        }
        if (pLast != null) {
            double f = (double) pLast.get("preprocessCapacityVehicleFactor");
            t.add(new Target("preprocessing stage alone keeps up with >= 4x the vehicle on one core",
                    String.format("%.1f x (%.0f k records per CPU second)", f,
                            (double) pLast.get("preprocessRecordsPerCoreSecond") / 1e3), f >= 4));
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> results) {
        StringBuilder b = new StringBuilder("Targets\n");
        for (Target t : (List<Target>) results.get("targets")) {
            b.append(String.format("  [%s] %-62s %s%n", t.met() == null ? " ? " : t.met() ? "met" : "MISSED",
                    t.target(), t.measured()));
        }
        Object firstLoss = ((Map<String, Object>) results.getOrDefault("referenceVehicle", new LinkedHashMap<>()))
                .get("firstLossAt");
        if (firstLoss != null) {
            b.append("  reference vehicle: first loss at ").append(firstLoss).append('\n');
        }
        return b.toString();
    }
}
