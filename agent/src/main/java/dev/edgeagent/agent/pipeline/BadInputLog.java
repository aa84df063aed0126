package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.protocols.source.BadInputListener;

import java.lang.System.Logger.Level;

/**
 * Counts every piece of skipped input in the stream's metrics and logs it: the first ten of a stream in
 * full, then one line per thousand, so a garbage file cannot flood the log but is never silent.
 */
final class BadInputLog implements BadInputListener {

    private static final System.Logger LOG = System.getLogger(BadInputLog.class.getName());

    private final StreamStats stats;
    private final String what;
    private long seen;

    BadInputLog(StreamStats stats, String what) {
        this.stats = stats;
        this.what = what;
    }

    @Override
    public void onBadInput(String kind, long offset, String detail) {
        stats.onBadInput(kind);
        seen++;
        if (seen <= 10 || seen % 1000 == 0) {
            // the detail names the file and the offset; add them only where it does not
            String where = detail.contains(what) ? "" : " in " + what + (offset >= 0 ? " at offset " + offset : "");
            LOG.log(Level.WARNING, "stream " + stats.streamId() + ": skipped bad input (" + kind + ")" + where + ": "
                    + detail + " [" + seen + " so far" + (seen == 10 ? "; from now on one line per 1000" : "") + "]");
        }
    }
}
