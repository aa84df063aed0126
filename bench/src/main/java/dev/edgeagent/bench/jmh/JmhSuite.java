package dev.edgeagent.bench.jmh;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs the JMH benchmarks of this package with fixed settings and returns one {@link Result} per benchmark,
 * parameter set and reported figure: the primary score (records/s, messages/s, ...), the byte and item rates the
 * benchmarks count ({@code ...:bytes} in MB/s, {@code ...:packets} in packets/s, ...), and the heap allocated per
 * operation ({@code ...:alloc}, B/op, from JMH's GC profiler, which counts the whole iteration: for
 * {@link RecordAppendBenchmark}, which opens a fresh queue per iteration, that includes opening it), plus the LZ4
 * ratio of each chunk corpus.
 *
 * <p>One fork per benchmark and parameter set (forks need the Chronicle module flags: pass them as
 * {@code jvmArgs}, or start this JVM with them, which forks inherit). {@code quick}: 10 forks of 0.25 s of warm-up
 * and 0.75 s of measurement, about 35 s; full: 32 forks of 1.2 s warm-up and 3 s measurement, under 4 minutes on 2 cores.
 *
 * <p>Standalone: {@code java <chronicle flags> -cp "bench/target/bench.jar:bench/target/lib/*"
 * dev.edgeagent.bench.jmh.JmhSuite [--quick] [--only <substring of benchmark names>]}.
 */
public final class JmhSuite {

    /**
     * @param benchmark {@code Class.method}, with {@code :figure} for a secondary figure
     * @param error     half-width of the 99.9% confidence interval; NaN when JMH had too few iterations
     */
    public record Result(String benchmark, Map<String, String> params, double score, double error, String unit) {
    }

    /** One JMH run: the benchmarks a pattern selects and the values of their parameters. */
    record Spec(Class<?> type, String methods, Map<String, String[]> params) {
        String include() {
            return "^" + Pattern.quote(type.getName()) + "\\.(" + methods + ")$";
        }
    }

    /** What one operation of each benchmark is, for the primary score's unit. */
    private static final Map<String, String> OPERATION = Map.ofEntries(
            Map.entry("RecordAppendBenchmark.sinkFlushEach", "records"),
            Map.entry("RecordAppendBenchmark.sinkBatch64", "records"),
            Map.entry("RecordAppendBenchmark.chronicleExcerptEach", "records"),
            Map.entry("McapWriteBenchmark.writeMessage", "messages"),
            Map.entry("Lz4Benchmark.compress", "MiB chunks"),
            Map.entry("Lz4Benchmark.decompress", "MiB chunks"),
            Map.entry("PcapDecodeBenchmark.readAndExtract", "file passes"),
            Map.entry("PcapDecodeBenchmark.extractOnly", "file passes"),
            Map.entry("VelodyneDecodeBenchmark.decode", "capture passes"),
            Map.entry("OusterDecodeBenchmark.decode", "capture passes"),
            Map.entry("CandumpBenchmark.parseLines", "lines"),
            Map.entry("CandumpBenchmark.readFile", "file passes"),
            Map.entry("DbcDecodeBenchmark.decodeRecords", "frames"),
            Map.entry("McapReadBenchmark.readAll", "files"),
            Map.entry("NmeaDecodeBenchmark.decode", "sentences"),
            Map.entry("UbxDecodeBenchmark.decode", "messages"),
            Map.entry("GnssSplitBenchmark.split", "stream passes"),
            Map.entry("ImuCsvBenchmark.parseRows", "rows"),
            Map.entry("RecordViewBenchmark.readAll", "queue passes"),
            Map.entry("JpegHeaderBenchmark.parse", "headers"),
            Map.entry("MjpegMultipartBenchmark.decodeStream", "stream passes"),
            Map.entry("Mp4DemuxBenchmark.demuxPass", "file passes"),
            Map.entry("Mp4DemuxBenchmark.open", "file opens"),
            Map.entry("PreprocessBenchmark.canPass", "log passes"),
            Map.entry("PreprocessBenchmark.thumbnail", "frames"),
            Map.entry("PreprocessBenchmark.voxel", "sweeps"),
            Map.entry("AlignBenchmark.clockObserve", "records"),
            Map.entry("AlignBenchmark.alignImu", "records"));

    private static final String[] LZ4_CORPORA = {"CAN", "LIDAR", "JSON", "CAMERA"};

    private JmhSuite() {
    }

    static List<Spec> specs(boolean quick) {
        List<Spec> s = new ArrayList<>();
        if (quick) {
            // one of each hot piece, so that --quick stays under two minutes in all
            s.add(new Spec(RecordAppendBenchmark.class, "sinkBatch64|chronicleExcerptEach",
                    Map.of("payloadSize", new String[] {"64"})));
            s.add(new Spec(McapWriteBenchmark.class, "writeMessage",
                    Map.of("shape", new String[] {"CAN"}, "compression", new String[] {"LZ4"})));
            s.add(new Spec(Lz4Benchmark.class, "compress", Map.of("corpus", new String[] {"JSON"})));
            s.add(new Spec(PcapDecodeBenchmark.class, "readAndExtract", Map.of()));
        } else {
            s.add(new Spec(RecordAppendBenchmark.class, "sinkFlushEach|chronicleExcerptEach",
                    Map.of("payloadSize", new String[] {"16", "64", "1024", "262144"})));
            // 64 records of 256 KiB would each commit on their own anyway: the batch only matters for small ones
            s.add(new Spec(RecordAppendBenchmark.class, "sinkBatch64",
                    Map.of("payloadSize", new String[] {"16", "64", "1024"})));
            s.add(new Spec(McapWriteBenchmark.class, "writeMessage",
                    Map.of("shape", new String[] {"CAN", "JSON", "CAMERA"}, "compression", new String[] {"LZ4", "NONE"})));
            s.add(new Spec(Lz4Benchmark.class, "compress", Map.of("corpus", LZ4_CORPORA)));
            // a stored (incompressible) block decodes as a copy: CAMERA says nothing about the decoder
            s.add(new Spec(Lz4Benchmark.class, "decompress", Map.of("corpus", new String[] {"CAN", "LIDAR", "JSON"})));
            s.add(new Spec(PcapDecodeBenchmark.class, "readAndExtract|extractOnly", Map.of()));
            s.add(new Spec(VelodyneDecodeBenchmark.class, "decode", Map.of("capture", new String[] {"VLP16", "HDL32E"})));
            s.add(new Spec(OusterDecodeBenchmark.class, "decode", Map.of()));
            s.add(new Spec(CandumpBenchmark.class, "parseLines|readFile", Map.of()));
            s.add(new Spec(DbcDecodeBenchmark.class, "decodeRecords", Map.of()));
            s.add(new Spec(NmeaDecodeBenchmark.class, "decode", Map.of()));
            s.add(new Spec(UbxDecodeBenchmark.class, "decode", Map.of()));
            s.add(new Spec(GnssSplitBenchmark.class, "split", Map.of()));
            s.add(new Spec(ImuCsvBenchmark.class, "parseRows", Map.of()));
            s.add(new Spec(McapReadBenchmark.class, "readAll", Map.of("compression", new String[] {"LZ4", "NONE"})));
            s.add(new Spec(RecordViewBenchmark.class, "readAll", Map.of("payloadSize", new String[] {"16", "1024"})));
            s.add(new Spec(JpegHeaderBenchmark.class, "parse",
                    Map.of("image", new String[] {"BASELINE", "PROGRESSIVE", "PNG"})));
            s.add(new Spec(MjpegMultipartBenchmark.class, "decodeStream",
                    Map.of("framing", new String[] {"LENGTH", "BOUNDARY"}, "transfer", new String[] {"IDENTITY", "CHUNKED"})));
            s.add(new Spec(Mp4DemuxBenchmark.class, "demuxPass|open", Map.of()));
            s.add(new Spec(PreprocessBenchmark.class, "canPass|thumbnail|voxel", Map.of()));
            s.add(new Spec(AlignBenchmark.class, "clockObserve|alignImu", Map.of()));
        }
        return s;
    }

    /** Runs the suite with JMH's own output off. */
    public static List<Result> run(boolean quick, List<String> jvmArgs) throws RunnerException {
        return run(quick, jvmArgs, null, VerboseMode.SILENT);
    }

    /**
     * @param only      runs only the benchmarks whose {@code Class.method} contains it; null for all
     * @param verbosity JMH's console output
     * @throws RunnerException if no benchmark produced a result (a failed one is otherwise reported on stderr
     *                         and left out, so that one broken fork costs only its own figures)
     */
    public static List<Result> run(boolean quick, List<String> jvmArgs, String only, VerboseMode verbosity)
            throws RunnerException {
        List<Result> results = new ArrayList<>();
        RunnerException firstFailure = null;
        int runs = 0;
        for (Spec spec : specs(quick)) {
            if (only != null && !matches(spec, only)) {
                continue;
            }
            runs++;
            ChainedOptionsBuilder o = new OptionsBuilder()
                    .include(spec.include())
                    .forks(1)
                    .threads(1)
                    .shouldFailOnError(true)
                    .verbosity(verbosity)
                    .addProfiler(GCProfiler.class)
                    .jvmArgsAppend(jvmArgs.toArray(String[]::new));
            if (quick) {
                o.warmupIterations(1).warmupTime(TimeValue.milliseconds(250))
                        .measurementIterations(3).measurementTime(TimeValue.milliseconds(250));
            } else {
                o.warmupIterations(2).warmupTime(TimeValue.milliseconds(600))
                        .measurementIterations(3).measurementTime(TimeValue.seconds(1));
            }
            spec.params().forEach(o::param);
            try {
                for (RunResult r : new Runner(o.build()).run()) {
                    collect(r, results);
                }
            } catch (RunnerException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
                System.err.println("JMH run " + spec.include() + " failed: " + e + (e.getCause() != null
                        ? " (" + e.getCause() + ")" : ""));
            }
        }
        if (results.isEmpty() && firstFailure != null) {
            throw firstFailure;
        }
        if (only == null || "Lz4Benchmark.ratio".contains(only) || only.contains("Lz4")) {
            for (String corpus : quick ? new String[] {"JSON"} : LZ4_CORPORA) {
                results.add(new Result("Lz4Benchmark.ratio", Map.of("corpus", corpus), Lz4Benchmark.ratio(corpus),
                        Double.NaN, "compressed/raw"));
            }
        }
        if (runs == 0) {
            System.err.println("no benchmark matches " + only);
        }
        return results;
    }

    private static boolean matches(Spec spec, String only) {
        for (String m : spec.methods().split("\\|")) {
            if ((spec.type().getSimpleName() + "." + m).contains(only)) {
                return true;
            }
        }
        return false;
    }

    private static void collect(RunResult r, List<Result> into) {
        String full = r.getParams().getBenchmark();
        String[] parts = full.split("\\.");
        String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new LinkedHashMap<>();
        for (String k : r.getParams().getParamsKeys()) {
            params.put(k, r.getParams().getParam(k));
        }
        var primary = r.getPrimaryResult();
        String unit = primary.getScoreUnit();
        String op = OPERATION.get(name);
        if (op != null && unit.equals("ops/s")) {
            unit = op + "/s";
        }
        into.add(new Result(name, params, primary.getScore(), primary.getScoreError(), unit));
        r.getSecondaryResults().forEach((label, s) -> {
            if (label.equals("bytes")) {
                into.add(new Result(name + ":bytes", params, s.getScore() / 1e6, s.getScoreError() / 1e6, "MB/s"));
            } else if (label.equals("·gc.alloc.rate.norm") || label.equals("gc.alloc.rate.norm")) {
                into.add(new Result(name + ":alloc", params, s.getScore(), s.getScoreError(), "B/op"));
            } else if (!label.contains("gc.")) {
                into.add(new Result(name + ":" + label, params, s.getScore(), s.getScoreError(), label + "/s"));
            }
        });
    }

    /** The results as an aligned text table. */
    public static String table(List<Result> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"benchmark", "params", "score", "± error", "unit"});
        for (Result r : results) {
            StringBuilder p = new StringBuilder();
            r.params().forEach((k, v) -> p.append(p.length() == 0 ? "" : " ").append(k).append('=').append(v));
            rows.add(new String[] {r.benchmark(), p.toString(), format(r.score()), format(r.error()), r.unit()});
        }
        int[] w = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < 5; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            sb.append(String.format(Locale.ROOT, "%-" + w[0] + "s  %-" + w[1] + "s  %" + w[2] + "s  %" + w[3]
                    + "s  %s%n", row[0], row[1], row[2], row[3], row[4]));
        }
        return sb.toString();
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    public static void main(String[] args) throws RunnerException {
        boolean quick = false;
        boolean verbose = false;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick": quick = true; break;
                case "--verbose": verbose = true; break;
                case "--only": only = args[++i]; break;
                default:
                    System.err.println("usage: JmhSuite [--quick] [--only <substring of Class.method>] [--verbose]");
                    System.exit(2);
            }
        }
        long start = System.nanoTime();
        // forks inherit this JVM's flags (the Chronicle module flags it was started with): nothing to append
        List<Result> results = run(quick, List.of(), only, verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
        System.out.print(table(results));
        System.out.printf(Locale.ROOT, "%d figures in %.0f s%n", results.size(), (System.nanoTime() - start) / 1e9);
    }
}
