package dev.edgeagent.agent.pipeline;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@code --once} run did, per stream, and whether everything captured was uploaded; printed as a table
 * and, with {@code --report FILE}, written as JSON for scripts and the benchmark harness.
 */
public record OnceReport(List<Row> rows, long uploadedBatches, long uploadedBytes, String target,
                         Timings timings, Process process, List<String> failures) {

    /**
     * @param recordsThisRun    records captured in this run
     * @param recordsInQueue    records in the stream's queue (this run and before)
     * @param lostBeforeCapture records the source lost before they reached the agent (a sensor buffer overflow)
     * @param latencyNs         capture latency (receive to durable in the queue) at p50, p99, p99.9, p99.99, max
     */
    public record Row(String stream, long recordsThisRun, long recordsInQueue, long payloadBytesThisRun,
                      long lostBeforeCapture, long refused, Map<String, Long> badInput, long batches, long rawBytes,
                      long objectBytes, Map<String, Long> latencyNs) {
    }

    /** Milliseconds from the pipeline's start: sources done, everything sealed, everything uploaded. */
    public record Timings(long sourcesDoneMs, long sealedMs, long uploadedMs) {
    }

    /**
     * The agent process: CPU time (all threads), peak resident set, garbage collection, and the CPU seconds of
     * each of the agent's own threads by role (source:&lt;stream&gt;, batcher-&lt;n&gt;, uploader).
     */
    public record Process(double cpuSeconds, long peakRssBytes, long gcCount, long gcMillis,
                          Map<String, Double> threadCpuSeconds, Map<String, Long> threadAllocatedBytes) {

        static Process now(Map<String, Double> earlierThreads, Map<String, Double> liveThreads,
                           Map<String, Long> earlierAlloc, Map<String, Long> liveAlloc) {
            double cpu = -1;
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                cpu = os.getProcessCpuTime() / 1e9;
            }
            long gcCount = 0;
            long gcMillis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcCount += Math.max(0, gc.getCollectionCount());
                gcMillis += Math.max(0, gc.getCollectionTime());
            }
            Map<String, Double> threads = new TreeMap<>(earlierThreads);
            threads.putAll(liveThreads);
            Map<String, Long> alloc = new TreeMap<>(earlierAlloc);
            alloc.putAll(liveAlloc);
            return new Process(cpu, peakRss(), gcCount, gcMillis, threads, alloc);
        }



        /** VmHWM from /proc/self/status (Linux); -1 where there is none. */
        static long peakRss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return -1;
        }
    }

    static OnceReport of(Pipeline p, Timings timings, Map<String, Double> sourceThreadCpu,
                         Map<String, Long> sourceThreadAlloc, String pipelineFailure) {
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (pipelineFailure != null) {
            failures.add(pipelineFailure);
        }
        for (Pipeline.StreamRuntime s : p.streams()) {
            Map<String, Long> bad = new TreeMap<>();
            s.stats().badInput().forEach((k, v) -> bad.put(k, v.sum()));
            long inQueue = s.stats().lastSequence() + 1;
            Histogram h = s.stats().sampleLatency();
            Map<String, Long> latency = new TreeMap<>();
            latency.put("p50", h.getValueAtPercentile(50));
            latency.put("p99", h.getValueAtPercentile(99));
            latency.put("p99.9", h.getValueAtPercentile(99.9));
            latency.put("p99.99", h.getValueAtPercentile(99.99));
            latency.put("max", h.getMaxValue());
            long lost = s.source() == null ? 0 : s.source().lostBeforeCapture().getAsLong();
            rows.add(new Row(s.id(), s.stats().records(), inQueue, s.stats().bytes(), lost, s.stats().refused(), bad,
                    s.batcher().stats().batchesSealed(), s.batcher().stats().rawBytesSealed(),
                    s.batcher().stats().objectBytesSealed(), latency));
            if (s.source() != null && inQueue == 0) {
                failures.add("stream " + s.id() + ": no record captured from " + s.source().description()
                        + (bad.isEmpty() ? "" : " (bad input skipped: " + bad + ")"));
            }
            if (s.batcher().stats().failures() > 0) {
                failures.add("stream " + s.id() + ": " + s.batcher().stats().failures() + " batch write failures");
            }
        }
        return new OnceReport(rows, p.uploader().stats().batchesUploaded(), p.uploader().stats().bytesUploaded(),
                p.target().describe(), timings, Process.now(sourceThreadCpu, p.threadCpuSeconds(), sourceThreadAlloc,
                p.threadAllocatedBytes()), failures);
    }

    public boolean ok() {
        return failures.isEmpty();
    }

    public int exitCode() {
        return ok() ? 0 : 1;
    }

    /** The summary table printed at the end of a --once run. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-24s %12s %12s %8s %14s %14s %10s  %s%n", "stream", "records", "in queue", "batches",
                "raw bytes", "mcap bytes", "p99 µs", "bad input skipped"));
        for (Row r : rows) {
            long bad = r.badInput().values().stream().mapToLong(Long::longValue).sum();
            out.append(String.format("%-24s %12d %12d %8d %14d %14d %10.1f  %s%n", r.stream(), r.recordsThisRun(),
                    r.recordsInQueue(), r.batches(), r.rawBytes(), r.objectBytes(), r.latencyNs().get("p99") / 1e3,
                    bad == 0 ? "0" : bad + " " + r.badInput()));
            if (r.lostBeforeCapture() > 0) {
                out.append(String.format("%-24s %d records lost by the source before capture%n", "", r.lostBeforeCapture()));
            }
        }
        out.append(String.format("uploaded %d batches, %d bytes (objects and manifests) to %s%n",
                uploadedBatches, uploadedBytes, target));
        if (ok()) {
            out.append("OK: everything captured was sealed and uploaded\n");
        } else {
            for (String f : failures) {
                out.append("FAILED: ").append(f).append('\n');
            }
        }
        return out.toString();
    }
}
