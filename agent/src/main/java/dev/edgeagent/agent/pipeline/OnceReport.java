package dev.edgeagent.agent.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a {@code --once} run did, per stream, and whether everything captured was uploaded. */
public record OnceReport(List<Row> rows, long uploadedBatches, long uploadedBytes, String target,
                         List<String> failures) {

    public record Row(String stream, long recordsThisRun, long recordsInQueue, Map<String, Long> badInput,
                      long batches, long rawBytes, long objectBytes) {
    }

    static OnceReport of(Pipeline p, String pipelineFailure) {
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (pipelineFailure != null) {
            failures.add(pipelineFailure);
        }
        for (Pipeline.StreamRuntime s : p.streams()) {
            Map<String, Long> bad = new TreeMap<>();
            s.stats().badInput().forEach((k, v) -> bad.put(k, v.sum()));
            long inQueue = s.stats().lastSequence() + 1;
            rows.add(new Row(s.id(), s.stats().records(), inQueue, bad, s.batcher().stats().batchesSealed(),
                    s.batcher().stats().rawBytesSealed(), s.batcher().stats().objectBytesSealed()));
            if (s.source() != null && inQueue == 0) {
                failures.add("stream " + s.id() + ": no record captured from " + s.source().description()
                        + (bad.isEmpty() ? "" : " (bad input skipped: " + bad + ")"));
            }
            if (s.batcher().stats().failures() > 0) {
                failures.add("stream " + s.id() + ": " + s.batcher().stats().failures() + " batch write failures");
            }
        }
        return new OnceReport(rows, p.uploader().stats().batchesUploaded(), p.uploader().stats().bytesUploaded(),
                p.target().describe(), failures);
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
        out.append(String.format("%-24s %12s %12s %8s %14s %14s  %s%n", "stream", "records", "in queue", "batches",
                "raw bytes", "mcap bytes", "bad input skipped"));
        for (Row r : rows) {
            long bad = r.badInput().values().stream().mapToLong(Long::longValue).sum();
            out.append(String.format("%-24s %12d %12d %8d %14d %14d  %s%n", r.stream(), r.recordsThisRun(),
                    r.recordsInQueue(), r.batches(), r.rawBytes(), r.objectBytes(),
                    bad == 0 ? "0" : bad + " " + r.badInput()));
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
