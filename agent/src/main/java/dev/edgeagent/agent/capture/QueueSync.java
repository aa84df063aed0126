package dev.edgeagent.agent.capture;

import org.agrona.concurrent.Agent;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes each capture queue's new pages to disk every {@code syncBytes} appended (fdatasync of the file being
 * written), as RocksDB's bytes_per_sync does. Left to itself the kernel lets gigabytes of queue pages pile up
 * (a tenth of the memory) and then writes them back in one go; while it does, unmapping a queue chunk waits for
 * the file and every page fault in the process waits for the unmap: capture stalled for up to 1.6 s on the
 * build machine, longer than sensors buffer. Written back a few megabytes at a time, each such wait stays short.
 * It also bounds what a power cut takes from records already in the queue. Runs on a background thread.
 */
public final class QueueSync implements Agent {

    private static final System.Logger LOG = System.getLogger(QueueSync.class.getName());

    private final CaptureQueue[] queues;
    private final long syncBytes;
    private final long[] syncedAtBytes;
    private final File[] files;
    private final FileChannel[] channels;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private long lastFailureLogNs;

    /** @param syncBytes sync a queue's file once this many payload bytes were appended since its last sync */
    public QueueSync(List<CaptureQueue> queues, long syncBytes) {
        this.queues = queues.toArray(new CaptureQueue[0]);
        this.syncBytes = syncBytes;
        this.syncedAtBytes = new long[this.queues.length];
        this.files = new File[this.queues.length];
        this.channels = new FileChannel[this.queues.length];
        for (int i = 0; i < this.queues.length; i++) {
            syncedAtBytes[i] = this.queues[i].stats().bytes();
        }
    }

    @Override
    public int doWork() {
        int work = 0;
        for (int i = 0; i < queues.length; i++) {
            long bytes = queues[i].stats().bytes();
            if (bytes - syncedAtBytes[i] >= syncBytes) {
                syncedAtBytes[i] = bytes;
                sync(i);
                work++;
            }
        }
        return work;
    }

    private void sync(int i) {
        List<CaptureQueue.CycleFile> cycles = queues[i].cycleFiles();
        if (cycles.isEmpty()) {
            return;
        }
        File current = cycles.get(cycles.size() - 1).file();
        try {
            if (!current.equals(files[i])) {
                closeChannel(i);
                channels[i] = FileChannel.open(current.toPath(), StandardOpenOption.WRITE);
                files[i] = current;
            }
            channels[i].force(false);
            syncs.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            closeChannel(i);
            long now = System.nanoTime();
            if (now - lastFailureLogNs > 60_000_000_000L) {
                lastFailureLogNs = now;
                LOG.log(Level.WARNING, "stream " + queues[i].streamId() + ": could not write queue file " + current
                        + " to disk: " + e + " (the kernel still writes it back in its own time)");
            }
        }
    }

    private void closeChannel(int i) {
        if (channels[i] != null) {
            try {
                channels[i].close();
            } catch (IOException ignored) {
                // only a descriptor to give back
            }
            channels[i] = null;
            files[i] = null;
        }
    }

    /** Queue files synced so far. */
    public long syncs() {
        return syncs.get();
    }

    /** Syncs that failed (logged at most once a minute). */
    public long failures() {
        return failures.get();
    }

    @Override
    public void onClose() {
        for (int i = 0; i < channels.length; i++) {
            closeChannel(i);
        }
    }

    @Override
    public String roleName() {
        return "queue-sync";
    }
}
