package dev.edgeagent.agent.capture;

import net.openhft.posix.PosixAPI;

import java.io.File;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Disk space of queue files, through Chronicle's own POSIX binding (Java has neither {@code st_blocks},
 * {@code SEEK_DATA} nor {@code fallocate}). Where the binding or a call is not available (another OS, a file system
 * without it) every method falls back to what plain Java can do, and says so in its result.
 *
 * <p>Queue files are sparse: Chronicle extends a file a chunk ahead of its writer, and {@code capture.grow-ahead}
 * further still, so a file's length overstates its data by up to that tail, and a finished file keeps it.
 */
public final class FileSpace {

    private static final System.Logger LOG = System.getLogger(FileSpace.class.getName());
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;
    private static final int ENXIO = 6;   // SEEK_DATA past the last data: no more extents
    private static final AtomicBoolean UNAVAILABLE = new AtomicBoolean(!isLinux());

    private FileSpace() {
    }

    /**
     * Bytes of {@code file} that hold data (its data extents; pages written through a mapping and not yet written
     * back count, as ext4 reports delayed allocations), not its length; preallocated blocks not yet written do not
     * count. Its length where that cannot be measured; 0 if absent.
     */
    public static long onDisk(File file) {
        return measured(file, 0);
    }

    /** Where the file's last data ends (0 if it holds none); its length where that cannot be measured. */
    static long dataEnd(File file) {
        return measured(file, 1);
    }

    /** {@link #dataExtents} field {@code which}, capped at the length; the length where it cannot be measured. */
    private static long measured(File file, int which) {
        long length = file.length();
        if (length == 0 || UNAVAILABLE.get()) {
            return length;
        }
        try {
            long[] extents = dataExtents(file.getPath(), length);
            return extents != null ? Math.min(extents[which], length) : length;
        } catch (LinkageError | RuntimeException e) {
            unavailable(e);
            return length;
        }
    }

    /** {total data bytes, end of the last data}, or null if the file cannot be opened or walked. */
    private static long[] dataExtents(String path, long length) {
        PosixAPI posix = PosixAPI.posix();
        int fd = posix.open(path, O_RDONLY, 0);
        if (fd < 0) {
            return null;
        }
        try {
            long total = 0;
            long end = 0;
            long pos = 0;
            while (pos < length) {
                long data = posix.lseek(fd, pos, SEEK_DATA);
                if (data < 0) {
                    return posix.lastError() == ENXIO ? new long[] {total, end} : null;
                }
                long hole = posix.lseek(fd, data, SEEK_HOLE);
                if (hole < 0) {
                    return null;
                }
                total += hole - data;
                end = hole;
                pos = hole;
            }
            return new long[] {total, end};
        } finally {
            posix.close(fd);
        }
    }

    /**
     * Allocates blocks for {@code [from, to)} of an open file and extends its length to {@code to}
     * ({@code fallocate}, mode 0), so that writing there through a mapping allocates nothing. Returns 0, or the
     * errno (for instance EOPNOTSUPP where the file system cannot preallocate); -1 where the binding is missing.
     */
    static int preallocate(int fd, long from, long to) {
        if (UNAVAILABLE.get() || fd < 0) {
            return -1;
        }
        try {
            PosixAPI posix = PosixAPI.posix();
            return posix.fallocate(fd, 0, from, to - from) == 0 ? 0 : Math.max(1, posix.lastError());
        } catch (LinkageError | RuntimeException e) {
            unavailable(e);
            return -1;
        }
    }

    /** Opens a file for {@link #preallocate}: a descriptor, or -1. */
    static int openForWriting(File file) {
        if (UNAVAILABLE.get()) {
            return -1;
        }
        try {
            return PosixAPI.posix().open(file.getPath(), O_RDWR, 0);
        } catch (LinkageError | RuntimeException e) {
            unavailable(e);
            return -1;
        }
    }

    static void close(int fd) {
        if (fd >= 0) {
            PosixAPI.posix().close(fd);
        }
    }

    /**
     * Gives back the blocks of {@code file} from {@code from} to its end (a hole punched, its length kept: a
     * reader that mapped the file reads zeros there, never past the end). Returns the bytes the range spanned,
     * 0 if there was nothing to give back or it could not be done.
     */
    static long punchFrom(File file, long from) {
        long length = file.length();
        if (from >= length || UNAVAILABLE.get()) {
            return 0;
        }
        try {
            PosixAPI posix = PosixAPI.posix();
            int fd = posix.open(file.getPath(), O_RDWR, 0);
            if (fd < 0) {
                return 0;
            }
            try {
                return posix.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, from, length - from) == 0
                        ? length - from : 0;
            } finally {
                posix.close(fd);
            }
        } catch (LinkageError | RuntimeException e) {
            unavailable(e);
            return 0;
        }
    }

    private static void unavailable(Throwable e) {
        if (UNAVAILABLE.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "no POSIX file calls (" + e + "): quotas count queue files by their length,"
                    + " which includes their unwritten tails, and queue files are not preallocated");
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    }
}
