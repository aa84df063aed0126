package dev.edgeagent.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgeagent.protocols.testing.MosquittoBroker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load harness: baselines and agent workloads in one run on the same disk, every agent figure next to its
 * baseline, zero loss checked record by record. Prints a table, writes {@code bench-results/<timestamp>.json},
 * and returns 1 when a workload that must be lossless lost a record.
 */
public final class Harness {

    /**
     * Command-line options.
     *
     * @param seconds how long each reference-vehicle run lasts; 0 for the default (15 s, 4 s with --quick)
     */
    public record Options(boolean quick, boolean skipJmh, String only, Path work, Path out, int[] factors,
                          double seconds) {
        public static Options parse(String[] args) {
            boolean quick = false;
            boolean skipJmh = false;
            String only = null;
            Path work = Path.of("var/bench");
            Path out = Path.of("bench-results");
            int[] factors = null;
            double seconds = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--skip-jmh" -> skipJmh = true;
                    case "--only" -> only = args[++i];
                    case "--work" -> work = Path.of(args[++i]);
                    case "--out" -> out = Path.of(args[++i]);
                    case "--factors" -> factors = java.util.Arrays.stream(args[++i].split(","))
                            .mapToInt(Integer::parseInt).toArray();
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; usage: bench/run [--quick] [--skip-jmh] [--only NAME] [--work DIR] [--out DIR]"
                            + " [--factors 1,4] [--seconds 60]");
                }
            }
            return new Options(quick, skipJmh, only, work.toAbsolutePath(), out.toAbsolutePath(), factors, seconds);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final double MIB = 1 << 20;

    private final Options options;
    private final Path repo;
    private final Path app;
    private final List<String> jvmFlags;
    private final long started = System.nanoTime();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<Table.Row> table = new ArrayList<>();
    private final List<String> losses = new ArrayList<>();

    public Harness(Options options) throws Exception {
        this.options = options;
        this.repo = Machine.repoRoot();
        this.app = repo.resolve("agent/target/quarkus-app");
        if (!Files.exists(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app + " has no packaged agent: bench/run builds it first");
        }
        this.jvmFlags = List.of(Files.readString(app.resolve("jvm.options")).trim().split("\\s+"));
    }

    private void progress(String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, what);
        System.out.flush();
    }

    private boolean selected(String name) {
        return options.only() == null || name.startsWith(options.only());
    }

    public int run() throws Exception {
        Files.createDirectories(options.work());
        boolean quick = options.quick();
        results.put("machine", Machine.describe(options.work()));
        results.put("mode", quick ? "quick" : "full");

        // ---------------------------------------------------------------- baselines
        Map<String, Object> baselines = new LinkedHashMap<>();
        results.put("baselines", baselines);
        progress("baseline: sequential disk write (" + (quick ? "256 MiB" : "2 GiB") + ", 1 MiB blocks, fsync)");
        Map<String, Object> disk = Baselines.disk(options.work().resolve("disk"), (quick ? 256L : 2048L) << 20);
        baselines.put("disk", disk);
        double diskMBps = (double) disk.get("mbPerSecond");
        Map<Integer, Map<String, Object>> chronicle = new LinkedHashMap<>();
        for (int size : new int[]{16, 64}) {
            progress("baseline: raw Chronicle Queue append, " + size + " B excerpts");
            chronicle.put(size, Baselines.chronicle(options.work(), size, quick ? 1_000_000 : 5_000_000));
        }
        baselines.put("chronicle", chronicle);
        progress("baseline: lz4 -1 and the agent's chunk compressor on the same bytes");
        Path corpus = Baselines.lz4Corpus(options.work(), repo.resolve("samples"), (quick ? 16L : 128L) << 20);
        Map<String, Object> lz4 = Baselines.lz4(corpus, quick ? 1 : 3);
        Files.deleteIfExists(corpus);
        baselines.put("lz4", lz4);
        table.add(Table.row("baseline", "disk sequential write", Table.mbps(diskMBps), "", "", "", "", "", "",
                (String) disk.get("tool")));
        for (var e : chronicle.entrySet()) {
            table.add(Table.row("baseline", "Chronicle append " + e.getKey() + " B",
                    Table.rate((double) e.getValue().get("recordsPerSecond")), "", "", "", "", "", "",
                    (String) e.getValue().get("method")));
        }
        table.add(Table.row("baseline", "lz4 -1 (CLI), one core", Table.mbps(lz4.get("cliMbPerSecond")), "", "", "", "",
                "", "", ""));
        table.add(Table.row("agent", "LZ4 chunk compression, one core", Table.mbps(lz4.get("agentMbPerSecond")),
                Table.ratio(lz4.get("agentToCli")) + " of lz4 -1", "", "", "", "", "",
                String.format("ratio %.2f", (double) lz4.get("agentRatio"))));

        // ---------------------------------------------------------------- agent workloads
        Machine.lowerOwnCompilerPriority();
        Map<String, Object> workloads = new LinkedHashMap<>();
        results.put("workloads", workloads);
        // the agent's JVM as a device runs it; BENCH_AGENT_JVM replaces these options to compare settings
        String override = System.getenv("BENCH_AGENT_JVM");
        List<String> daemonJvm = override != null && !override.isBlank() ? List.of(override.trim().split("\\s+"))
                : List.of("-XX:+UseSerialGC", "-Xmx128m", "-Xss512k");   // as native/edge-agent.service
        results.put("agentJvmOptions", daemonJvm);
        long largeTotal = (quick ? 256L : 2048L) << 20;
        for (int kib : new int[]{256, 1024, 4096}) {
            String name = "large-" + (kib < 1024 ? kib + "KiB" : kib / 1024 + "MiB");
            if (!selected(name)) {
                continue;
            }
            int bytes = kib << 10;
            progress("workload " + name + ": " + largeTotal / bytes + " frames as fast as the agent takes them");
            AgentRun.Spec spec = new AgentRun.Spec(name, List.of(new AgentRun.Stream("frames", "camera", bytes, 0, 0,
                    largeTotal / bytes, 0)), null, "64M", "60s", daemonJvm, 600);
            Map<String, Object> w = workload(AgentRun.run(spec, options.work(), app, null), true);
            w.put("toDiskBaseline", (double) w.get("captureMBps") / diskMBps);
            w.put("fullPathToDiskBaselineOverThreeWrites", (double) w.get("endToEndMBps") / (diskMBps / 3));
            workloads.put(name, w);
            addRow(name, w, Table.ratio(w.get("toDiskBaseline")) + " of disk");
        }
        for (int size : new int[]{16, 64}) {
            String name = "small-" + size + "B";
            if (!selected(name)) {
                continue;
            }
            long count = quick ? 2_000_000 : 20_000_000;
            progress("workload " + name + ": " + count + " records as fast as the agent takes them");
            AgentRun.Spec spec = new AgentRun.Spec(name, List.of(new AgentRun.Stream("records", "can", size, 0, 0,
                    count, 0)), null, "64M", "60s", daemonJvm, 900);
            Map<String, Object> w = workload(AgentRun.run(spec, options.work(), app, null), true);
            double raw = (double) chronicle.get(size).get("recordsPerSecond");
            // both per core: the baseline is one thread appending flat out on an otherwise idle core
            w.put("toChronicleBaseline", (double) w.get("captureRecordsPerCoreSecond") / raw);
            workloads.put(name, w);
            addRow(name, w, Table.ratio(w.get("toChronicleBaseline")) + " of Chronicle, "
                    + Table.rate((double) w.get("captureRecordsPerCoreSecond")) + " per core");
        }

        // ------------------------------------ the reference vehicle, then with edge preprocessing on every sensor stream
        Map<String, Object> vehicle = new LinkedHashMap<>();
        results.put("referenceVehicle", vehicle);
        if (selected("vehicle")) {
            vehicleLadder(false, daemonJvm, vehicle, null);
        }
        Map<String, Object> preprocessed = new LinkedHashMap<>();
        results.put("referenceVehiclePreprocess", preprocessed);
        if (selected("vehicle-preprocess")) {
            vehicleLadder(true, daemonJvm, preprocessed, vehicle);
        }

        // ---------------------------------------------------------------- JMH
        if (!options.skipJmh() && options.only() == null) {
            progress("JMH: the hot pieces (record append, MCAP chunk write, LZ4, decoders)");
            results.put("jmh", Jmh.run(quick, jvmFlags));
        }

        results.put("targets", Targets.check(results));
        results.put("losses", losses);
        results.put("seconds", (System.nanoTime() - started) / 1e9);
        Files.createDirectories(options.out());
        Path file = options.out().resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        JSON.writeValue(file.toFile(), results);

        System.out.println();
        System.out.println(Table.render(table));
        System.out.println(Targets.render(results));
        if (results.get("jmh") != null) {
            System.out.println(Jmh.render(results.get("jmh")));
        }
        System.out.println("results: " + file);
        if (!losses.isEmpty()) {
            System.out.println("LOSS: " + String.join("; ", losses));
            return 1;
        }
        System.out.println("zero loss: every record of every lossless workload was read back from the upload target");
        return 0;
    }

    /**
     * The reference vehicle at rising factors until the first loss, into {@code out}; with {@code preprocess},
     * every sensor stream has quality checks and a keep-1-in-10 copy and the cores are compared with
     * {@code without} (the plain ladder of the same run).
     */
    private void vehicleLadder(boolean preprocess, List<String> daemonJvm, Map<String, Object> out,
                               Map<String, Object> without) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.started()) {
            int[] factors = options.factors() != null ? options.factors()
                    : options.quick() ? new int[]{1, 4} : new int[]{1, 2, 4, 8};
            // 15 s shows start-up and the first seconds; --seconds 60 also the steady state with the kernel writing
            // dirty pages back (it starts once about a tenth of the memory is dirty: some 10 s in at 4x here)
            double seconds = options.seconds() > 0 ? options.seconds() : options.quick() ? 4 : 15;
            Integer firstLoss = null;
            for (int f : factors) {
                String name = (preprocess ? "vehicle-preprocess-" : "vehicle-") + f + "x";
                progress("workload " + name + ": " + (preprocess
                        ? "the reference vehicle at " + f + "x, every sensor stream with quality checks and a keep-1-in-10 copy"
                        : "6 cameras, LiDAR, 4 CAN, IMU, GNSS, MQTT at " + f + "x") + ", for " + seconds + " s");
                AgentRun.Outcome o = AgentRun.run(ReferenceVehicle.spec(f, seconds, daemonJvm, preprocess),
                        options.work(), app, broker.uri());
                Map<String, Object> w = workload(o, f <= 4);
                w.put("steadyCores", ReferenceVehicle.steadyCores(o, seconds));
                w.put("offeredMBps", ReferenceVehicle.offeredMBps(f));
                Object plain = without == null ? null : without.get("vehicle-" + f + "x");
                if (plain instanceof Map<?, ?> p && p.get("steadyCores") instanceof Double c && c > 0) {
                    w.put("coresVersusWithout", (double) w.get("steadyCores") / c);
                }
                out.put(name, w);
                addRow(name, w, String.format("%.2f cores", (double) w.get("steadyCores"))
                        + (w.get("preprocessCapacityVehicleFactor") instanceof Double c
                        ? String.format(", stage %.0fx on a core", c) : ""));
                if ((long) w.get("lost") > 0 && firstLoss == null) {
                    firstLoss = f;
                    progress("first loss at " + f + "x: stopping the ladder");
                    break;
                }
            }
            out.put("firstLossAt", firstLoss == null ? "none up to " + factors[factors.length - 1] + "x" : firstLoss + "x");
        }
    }

    private void addRow(String name, Map<String, Object> w, String ratio) {
        if (w.get("captureRecordsPerSecond") == null) {
            table.add(Table.row("agent", name, "FAILED", "", "", "", "", "", "", "no report: see the log above"));
            return;
        }
        table.add(Table.row("agent", name, Table.rate((double) w.get("captureRecordsPerSecond")) + " / "
                        + Table.mbps(w.get("captureMBps")), ratio, Table.mbps(w.get("endToEndMBps")),
                Table.micros(w, "p50"), Table.micros(w, "p99"), Table.micros(w, "p99.9") + " / " + Table.micros(w, "p99.99"),
                String.format("%.1f s/GB, %.0f MiB", (double) w.get("cpuSecondsPerGB"), (long) w.get("peakRssBytes") / MIB),
                "lost " + w.get("lost")));
    }

    /** The figures of one agent run, and its loss (expected minus distinct records read back). */
    private Map<String, Object> workload(AgentRun.Outcome o, boolean mustBeLossless) {
        Map<String, Object> w = new LinkedHashMap<>();
        JsonNode r = o.report();
        w.put("exitCode", o.exitCode());
        if (r == null) {
            losses.add(o.spec().name() + ": the agent wrote no report (exit " + o.exitCode() + ")");
            progress("  " + o.spec().name() + " FAILED (exit " + o.exitCode() + "):\n" + o.logTail());
            w.put("lost", -1L);
            return w;
        }
        long records = 0;
        long preprocessed = 0;   // records of the streams with a preprocess block (the synthetic sensors)
        long bytes = 0;
        long lost = 0;
        long duplicates = 0;
        Map<String, Object> streams = new LinkedHashMap<>();
        Map<String, Long> worst = new LinkedHashMap<>();
        for (JsonNode row : r.get("rows")) {
            String id = row.get("stream").asText();
            if (!o.expected().containsKey(id) && o.spec().preprocess()) {
                // a derived stream (quality events, decimated copy): not sensor records the harness sent
                w.merge("derivedRecords", row.get("recordsThisRun").asLong(), (a, b) -> (long) a + (long) b);
                continue;
            }
            records += row.get("recordsThisRun").asLong();
            if (o.spec().preprocess() && o.spec().streams().stream().anyMatch(x -> x.id().equals(id))) {
                preprocessed += row.get("recordsThisRun").asLong();
            }
            bytes += row.get("payloadBytesThisRun").asLong();
            long expected = o.expected().getOrDefault(id, 0L);
            Verifier.StreamCount got = o.uploaded().stream(id);
            long streamLost = Math.max(0, expected - got.distinct());
            lost += streamLost;
            duplicates += got.duplicates() + got.brokenBatches();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("expected", expected);
            s.put("uploaded", got.distinct());
            s.put("lost", streamLost);
            s.put("lostBeforeCapture", row.get("lostBeforeCapture").asLong());
            s.put("duplicates", got.duplicates());
            if (!got.lossSeconds().isEmpty()) {
                s.put("lostBySecond", got.lossSeconds());
            }
            s.put("latencyNs", JSON.convertValue(row.get("latencyNs"), Map.class));
            streams.put(id, s);
            row.get("latencyNs").fields().forEachRemaining(e -> worst.merge(e.getKey(), e.getValue().asLong(), Math::max));
        }
        JsonNode t = r.get("timings");
        double captureS = Math.max(1e-3, t.get("sourcesDoneMs").asLong() / 1e3);
        double e2eS = t.get("uploadedMs").asLong() < 0 ? Double.NaN : t.get("uploadedMs").asLong() / 1e3;
        double pipelineCpu = o.cpuSecondsAtEnd() - Math.max(0, o.startupCpuSeconds());
        w.put("records", records);
        w.put("payloadBytes", bytes);
        w.put("captureSeconds", captureS);
        w.put("endToEndSeconds", e2eS);
        w.put("captureRecordsPerSecond", records / captureS);
        // the capture path's own cost: records per CPU second of the source threads (one core's worth of work)
        double sourceCpu = 0;
        var threads = r.get("process").get("threadCpuSeconds");
        if (threads != null) {
            for (var it = threads.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().startsWith("source:")) {
                    sourceCpu += e.getValue().asDouble();
                }
            }
            w.put("threadCpuSeconds", JSON.convertValue(threads, Map.class));
            w.put("threadAllocatedBytes", JSON.convertValue(r.get("process").get("threadAllocatedBytes"), Map.class));
        }
        w.put("captureThreadCpuSeconds", sourceCpu);
        w.put("captureRecordsPerCoreSecond", sourceCpu > 0 ? records / sourceCpu : null);
        if (o.spec().preprocess() && threads != null && threads.get("transform-0") != null
                && threads.get("transform-0").asDouble() > 0) {
            // the preprocessing stage's own capacity: sensor records it handles per CPU second of its thread, as a
            // multiple of what the reference vehicle's sensors send at 1x (it runs at background priority, so it
            // lags rather than takes the CPU from capture; this says how far it can keep up on one core)
            double perCore = preprocessed / threads.get("transform-0").asDouble();
            w.put("preprocessRecordsPerCoreSecond", perCore);
            w.put("preprocessCapacityVehicleFactor", perCore / ReferenceVehicle.sensorRecordsPerSecond());
        }
        w.put("captureMBps", bytes / captureS / 1e6);
        w.put("endToEndMBps", bytes / e2eS / 1e6);
        w.put("latencyNsWorstStream", worst);
        w.put("cpuSecondsTotal", r.get("process").get("cpuSeconds").asDouble());
        w.put("cpuSecondsStartup", o.startupCpuSeconds());
        w.put("cpuSecondsPerGB", pipelineCpu / Math.max(1e-9, bytes / 1e9));
        w.put("peakRssBytes", r.get("process").get("peakRssBytes").asLong());
        w.put("peakMemorySampledBytes", o.peakMemoryBytes());
        w.put("gcCount", r.get("process").get("gcCount").asLong());
        w.put("gcMillis", r.get("process").get("gcMillis").asLong());
        w.put("uploadedObjects", o.uploaded().objects());
        w.put("lost", lost);
        w.put("duplicates", duplicates);
        w.put("streams", streams);
        w.put("wallSeconds", o.wallSeconds());
        if (o.spec().mqtt() != null) {
            w.put("mqttPublishSeconds", o.publishSeconds());
            w.put("mqttLeftInBroker", o.leftInBroker());
        }
        if ((lost > 0 || duplicates > 0 || o.exitCode() != 0) && mustBeLossless) {
            losses.add(o.spec().name() + ": " + lost + " records lost, " + duplicates + " duplicates, exit "
                    + o.exitCode());
        }
        progress(String.format("  %s: %d records, capture %.0f MB/s, end-to-end %.0f MB/s, lost %d, p99 %s µs",
                o.spec().name(), records, bytes / captureS / 1e6, bytes / e2eS / 1e6, lost,
                Table.micros(w, "p99")));
        if (o.spec().mqtt() != null) {
            progress(String.format("  MQTT: published in %.1f s; %d messages still queued for the agent in the broker"
                    + " when it ended", o.publishSeconds(), o.leftInBroker()));
        }
        if (lost > 0 || o.exitCode() != 0) {
            progress("  kept " + options.work().resolve(o.spec().name()) + " for inspection");
        } else {
            Cli.deleteTree(options.work().resolve(o.spec().name()));
        }
        return w;
    }
}
