package dev.edgeagent.agent.observe;

import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.pipeline.Pipeline.StreamRuntime;
import dev.edgeagent.agent.upload.UploaderStats;

import java.lang.System.Logger.Level;

/** The one log line a minute: per stream rate, backlog and errors; upload progress and backlog. */
public final class StatusLog {

    private static final System.Logger LOG = System.getLogger("dev.edgeagent.status");

    private final Pipeline pipeline;
    private final long[] lastRecords;
    private final long[] lastBytes;
    private long lastNs = System.nanoTime();
    private long lastUploadedBytes;

    public StatusLog(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.lastRecords = new long[pipeline.streams().size()];
        this.lastBytes = new long[pipeline.streams().size()];
    }

    public String line() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNs) / 1e9);
        lastNs = now;
        StringBuilder b = new StringBuilder("status:");
        for (int i = 0; i < pipeline.streams().size(); i++) {
            StreamRuntime s = pipeline.streams().get(i);
            long records = s.stats().records();
            long bytes = s.stats().bytes();
            long backlog = Math.max(0, s.stats().lastSequence() - s.batcher().stats().lastSealedSeq());
            b.append(String.format(" %s %.1f rec/s %.1f KB/s, unbatched %d", s.id(),
                    (records - lastRecords[i]) / seconds, (bytes - lastBytes[i]) / seconds / 1e3, backlog));
            long bad = s.stats().badInputTotal();
            if (bad > 0) {
                b.append(", bad input ").append(bad);
            }
            if (s.stats().refused() > 0) {
                b.append(", refused ").append(s.stats().refused());
            }
            if (s.source() != null) {
                b.append(" [").append(s.source().state().get()).append(']');
            }
            b.append(';');
            lastRecords[i] = records;
            lastBytes[i] = bytes;
        }
        UploaderStats u = pipeline.uploader().stats();
        b.append(String.format(" upload %.1f KB/s, backlog %d batches %d bytes", (u.bytesUploaded() - lastUploadedBytes)
                / seconds / 1e3, u.backlogBatches(), u.backlogBytes()));
        // per tier: what waits, and what is on disk (a quota or a full disk shows here before it costs data)
        var storage = pipeline.storage() == null ? null : pipeline.storage().stats();
        b.append(" (");
        for (dev.edgeagent.agent.config.Tier t : dev.edgeagent.agent.config.Tier.values()) {
            b.append(t.ordinal() == 0 ? "" : ", ").append(t).append(' ').append(u.backlogBatches(t));
            if (storage != null) {
                b.append(String.format(" / %.1f MB on disk", storage.usedBytes(t) / 1e6));
                if (storage.rejectingStreams(t) > 0) {
                    b.append(" REJECTING");
                }
            }
        }
        b.append(')');
        lastUploadedBytes = u.bytesUploaded();
        if (u.lastError() != null && u.failures() > 0) {
            b.append(", last error: ").append(u.lastError());
        }
        return b.toString();
    }

    public void log() {
        LOG.log(Level.INFO, line());
    }
}
