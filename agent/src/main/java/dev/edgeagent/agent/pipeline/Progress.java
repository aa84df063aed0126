package dev.edgeagent.agent.pipeline;

import java.lang.System.Logger.Level;

/** Long work shows progress: every 5 s a line with per-stream records and rates, and upload progress. */
final class Progress {

    private static final System.Logger LOG = System.getLogger(Progress.class.getName());
    private static final long EVERY_NS = 5_000_000_000L;

    private final Pipeline pipeline;
    private long lastNs = System.nanoTime();
    private final long[] lastRecords;

    Progress(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.lastRecords = new long[pipeline.streams().size()];
    }

    void maybeLog() {
        long now = System.nanoTime();
        if (now - lastNs < EVERY_NS) {
            return;
        }
        double seconds = (now - lastNs) / 1e9;
        lastNs = now;
        StringBuilder line = new StringBuilder("progress:");
        for (int i = 0; i < pipeline.streams().size(); i++) {
            Pipeline.StreamRuntime s = pipeline.streams().get(i);
            long records = s.stats().records();
            line.append(' ').append(s.id()).append(' ').append(records).append(" rec (")
                    .append(Math.round((records - lastRecords[i]) / seconds)).append("/s, ")
                    .append(s.source() == null ? "not started" : s.source().state().get()).append(");");
            lastRecords[i] = records;
        }
        line.append(" uploaded ").append(pipeline.uploader().stats().batchesUploaded()).append(" batches");
        LOG.log(Level.INFO, line.toString());
    }
}
