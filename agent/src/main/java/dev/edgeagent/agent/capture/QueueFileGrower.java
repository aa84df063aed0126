package dev.edgeagent.agent.capture;

import org.agrona.concurrent.Agent;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps each queue file longer than its writer needs, so the capture thread never extends the file itself.
 * Chronicle extends a queue file (ftruncate) each time its writer maps a new chunk; on ext4 that waits for the
 * inode's data lock, which writeback holds while it allocates blocks for the same file: a camera's source thread
 * waited 229 ms in one such ftruncate on the build machine, longer than its sensor buffers. Here a background
 * thread extends the file {@code growAhead} of the stream's writing ahead (sparse: no blocks are allocated until
 * written), and Chronicle, finding the file long enough, maps the next chunk without touching its length. Best
 * effort: where this thread falls behind, the writer extends the file itself, as before (counted as late).
 *
 * <p>Extending and Chronicle's own extension exclude each other: both hold the monitor of the file's interned
 * canonical path (the token Chronicle's mapped file synchronizes on while it resizes) and only ever lengthen the
 * file, so neither can shorten what the other mapped.
 *
 * <p>With {@code preallocate} the extension allocates its blocks ({@code fallocate}) rather than leaving a hole.
 * On ext4 a write fault in a hole reserves a delayed block under the inode's data lock, for every block, and waits
 * there while writeback allocates blocks for the same file (93 ms seen on a camera's source thread); in a
 * preallocated range the fault finds its block mapped and takes no lock. On a nearly full file system (less than
 * 64 MB besides four margins free) the margin is left sparse. What a finished file's writer did not
 * reach is given back (a hole punched past its data, its length kept) once the writer is in the next file, and
 * for older files when the agent starts.
 *
 * <p>The apparent length of a file is ahead of its data by up to two {@code growAhead}s of the stream's writing;
 * quotas count the data ({@link FileSpace#onDisk}), so the margin costs no quota, though preallocated blocks do
 * lower the file system's free space by that margin while a file is written.
 */
public final class QueueFileGrower implements Agent {

    private static final System.Logger LOG = System.getLogger(QueueFileGrower.class.getName());
    private static final long RATE_INTERVAL_NS = 200_000_000L;
    private static final int EOPNOTSUPP = 95;
    private static final int ENOSPC = 28;
    /** Preallocate only while the file system has this much free besides four margins: a margin never fills a disk. */
    private static final long PREALLOCATE_MIN_FREE = 64L << 20;
    /** A finished file's tail is given back from this far past its data: room for an end-of-file marker. */
    private static final long TAIL_SLACK = 64 * 1024;

    private final CaptureQueue[] queues;
    private final long aheadNanos;
    private final LongClock clock;
    private final RandomAccessFile[] files;
    private final File[] paths;
    private final int[] fds;
    private final boolean[] tailsChecked;
    private boolean preallocate;
    private final String[] tokens;
    private final int[] fileCycleBits;
    private final long[] grownTo;
    private final boolean[] grownOnce;
    private final long[] ratePosition;
    private final long[] rateAtNs;
    private final double[] bytesPerSecond;
    private final AtomicLong grows = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong releasedBytes = new AtomicLong();
    private long lastFailureLogNs;

    /** A monotonic clock in nanoseconds (System::nanoTime; tests step it). */
    public interface LongClock {
        long nanoTime();
    }

    /** @param growAhead how much of a stream's writing (at its recent peak rate) the file is kept longer by */
    public QueueFileGrower(List<CaptureQueue> queues, Duration growAhead, boolean preallocate) {
        this(queues, growAhead, preallocate, System::nanoTime);
    }

    QueueFileGrower(List<CaptureQueue> queues, Duration growAhead, boolean preallocate, LongClock clock) {
        this.queues = queues.toArray(new CaptureQueue[0]);
        this.preallocate = preallocate;
        this.aheadNanos = growAhead.toNanos();
        this.clock = clock;
        int n = this.queues.length;
        this.files = new RandomAccessFile[n];
        this.paths = new File[n];
        this.fds = new int[n];
        this.tailsChecked = new boolean[n];
        java.util.Arrays.fill(fds, -1);
        this.tokens = new String[n];
        this.fileCycleBits = new int[n];
        this.grownTo = new long[n];
        this.grownOnce = new boolean[n];
        this.ratePosition = new long[n];
        this.rateAtNs = new long[n];
        this.bytesPerSecond = new double[n];
        java.util.Arrays.fill(fileCycleBits, -1);
    }

    @Override
    public int doWork() {
        int work = 0;
        long now = clock.nanoTime();
        for (int i = 0; i < queues.length; i++) {
            long w = queues[i].writePosition();
            if (w < 0) {
                continue;   // nothing written yet
            }
            int cycleBits = CaptureQueue.writtenCycleBits(w);
            long position = w & CaptureQueue.POSITION_MASK;
            if (cycleBits != fileCycleBits[i] && !open(i, cycleBits, position, now)) {
                continue;
            }
            measureRate(i, position, now);
            long ahead = growAhead(i);
            if (position + ahead > grownTo[i]) {
                grow(i, position, ahead);
                work++;
            }
        }
        return work;
    }

    private void measureRate(int i, long position, long now) {
        long elapsed = now - rateAtNs[i];
        if (elapsed >= RATE_INTERVAL_NS) {
            if (position >= ratePosition[i]) {
                double rate = (position - ratePosition[i]) * 1e9 / elapsed;
                // a decaying peak: a burst raises it at once, a lull lowers it over a few seconds
                bytesPerSecond[i] = Math.max(rate, bytesPerSecond[i] * 0.9);
            }
            ratePosition[i] = position;
            rateAtNs[i] = now;
        }
    }

    /** At least four chunks, and {@code growAhead} of writing at the stream's recent peak rate. */
    private long growAhead(int i) {
        long chunk = queues[i].chunkBytes();
        long byRate = (long) (bytesPerSecond[i] * aheadNanos / 1e9);
        return Math.max(4 * chunk, (byRate + chunk - 1) / chunk * chunk);
    }

    private boolean open(int i, int cycleBits, long position, long now) {
        File finished = paths[i];
        close(i);
        if (preallocate && finished != null) {
            releaseTail(finished);   // the writer has moved on to the next file: what it did not reach goes back
        }
        List<CaptureQueue.CycleFile> cycleFiles = queues[i].cycleFiles();
        for (CaptureQueue.CycleFile f : cycleFiles) {
            if (CaptureQueue.cycleBits(f.cycle()) == cycleBits) {
                if (preallocate && !tailsChecked[i]) {
                    tailsChecked[i] = true;   // files finished before this start, by an earlier run
                    for (CaptureQueue.CycleFile older : cycleFiles) {
                        if (older.cycle() < f.cycle()) {
                            releaseTail(older.file());
                        }
                    }
                }
                try {
                    files[i] = new RandomAccessFile(f.file(), "rw");
                    paths[i] = f.file();
                    if (preallocate) {
                        fds[i] = FileSpace.openForWriting(f.file());
                    }
                    tokens[i] = f.file().getCanonicalPath().intern();   // as Chronicle's MappedFile does
                    fileCycleBits[i] = cycleBits;
                    grownTo[i] = files[i].length();
                    grownOnce[i] = false;
                    ratePosition[i] = position;
                    rateAtNs[i] = now;
                    return true;
                } catch (IOException | RuntimeException e) {
                    failed(i, f.file(), e);
                    return false;
                }
            }
        }
        return false;   // the writer's new file is not listed yet: next time
    }

    private void grow(int i, long position, long ahead) {
        long chunk = queues[i].chunkBytes();
        // twice the margin, so a file is extended about once per margin's worth of writing, not per record
        long target = (position + 2 * ahead + chunk - 1) / chunk * chunk;
        try {
            synchronized (tokens[i]) {
                long size = files[i].length();
                if (size > grownTo[i] && grownOnce[i]) {
                    late.incrementAndGet();   // the writer had to extend the file itself since this thread did
                }
                if (size < target) {
                    extend(i, size, target);
                    size = target;
                    grows.incrementAndGet();
                }
                grownTo[i] = size;
                grownOnce[i] = true;
            }
        } catch (IOException | RuntimeException e) {
            failed(i, null, e);
        }
    }

    private void extend(int i, long size, long target) throws IOException {
        if (preallocate && fds[i] >= 0 && paths[i].getUsableSpace() >= PREALLOCATE_MIN_FREE + 4 * (target - size)) {
            int errno = FileSpace.preallocate(fds[i], size, target);
            if (errno == 0) {
                return;
            }
            if (errno != ENOSPC) {
                if (errno != EOPNOTSUPP && errno != -1) {
                    throw new IOException("fallocate failed, errno " + errno);
                }
                preallocate = false;
                LOG.log(Level.WARNING, "this file system cannot preallocate queue files (errno " + errno
                        + "): they are extended sparse ahead of their writers");
            }
        }
        // sparse: where preallocation is off or not possible, and on a nearly full disk
        files[i].setLength(target);
    }

    /** Punches a hole from just past a finished file's data to its end, if its tail holds much. */
    private void releaseTail(File file) {
        long length = file.length();
        long from = (FileSpace.dataEnd(file) + TAIL_SLACK + 4095) / 4096 * 4096;
        if (length - from >= TAIL_SLACK) {
            releasedBytes.addAndGet(FileSpace.punchFrom(file, from));
        }
    }

    private void failed(int i, File file, Exception e) {
        failures.incrementAndGet();
        close(i);
        long now = System.nanoTime();
        if (now - lastFailureLogNs > 60_000_000_000L) {
            lastFailureLogNs = now;
            LOG.log(Level.WARNING, "stream " + queues[i].streamId() + ": could not extend queue file"
                    + (file != null ? " " + file : "") + " ahead of its writer: " + e
                    + " (the writer extends it itself, as Chronicle does)");
        }
    }

    private void close(int i) {
        if (files[i] != null) {
            try {
                files[i].close();
            } catch (IOException ignored) {
                // only a descriptor to give back
            }
        }
        FileSpace.close(fds[i]);
        fds[i] = -1;
        files[i] = null;
        paths[i] = null;
        tokens[i] = null;
        fileCycleBits[i] = -1;
    }

    /** Times a queue file was extended ahead of its writer. */
    public long grows() {
        return grows.get();
    }

    /** Times the writer had extended its file itself before this thread did: the margin was too small. */
    public long late() {
        return late.get();
    }

    /** Bytes of finished files' preallocated tails given back. */
    public long releasedBytes() {
        return releasedBytes.get();
    }

    /** Extensions that failed (logged at most once a minute). */
    public long failures() {
        return failures.get();
    }

    @Override
    public void onClose() {
        for (int i = 0; i < queues.length; i++) {
            close(i);
        }
    }

    @Override
    public String roleName() {
        return "queue-file-grower";
    }
}
