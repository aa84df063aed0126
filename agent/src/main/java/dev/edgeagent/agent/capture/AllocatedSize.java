package dev.edgeagent.agent.capture;

import net.openhft.posix.PosixAPI;

import java.io.File;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bytes a file holds on disk, not its apparent length. Queue files are sparse: Chronicle extends a file a
 * chunk ahead of its writer, and {@code capture.grow-ahead} further still, so a file's length overstates its
 * use by up to that tail, and a finished file keeps its tail. Quotas count what is on disk.
 *
 * <p>Measured as the sum of the file's data extents, walked with {@code lseek(SEEK_DATA/SEEK_HOLE)} through
 * Chronicle's own POSIX binding (Java has no {@code st_blocks}). Pages written through a mapping and not yet
 * written back count as data (ext4 reports delayed allocations). Where the call is not available (another OS,
 * a filesystem without hole reporting: then the whole file is one extent anyway), it is the file's length.
 */
public final class AllocatedSize {

    private static final System.Logger LOG = System.getLogger(AllocatedSize.class.getName());
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;   // SEEK_DATA past the last data: no more extents
    private static final AtomicBoolean UNAVAILABLE = new AtomicBoolean(!isLinux());

    private AllocatedSize() {
    }

    /** Bytes of {@code file} on disk (its data extents); its length where that cannot be measured; 0 if absent. */
    public static long of(File file) {
        long length = file.length();
        if (length == 0 || UNAVAILABLE.get()) {
            return length;
        }
        try {
            long extents = dataExtents(file.getPath(), length);
            return extents >= 0 ? Math.min(extents, length) : length;
        } catch (LinkageError | RuntimeException e) {
            if (UNAVAILABLE.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "cannot measure the bytes queue files hold on disk (" + e
                        + "); quotas count their length, which includes their unwritten tails");
            }
            return length;
        }
    }

    /** Sum of the data extents, or -1 if the file cannot be opened or walked (gone, or no hole reporting). */
    private static long dataExtents(String path, long length) {
        PosixAPI posix = PosixAPI.posix();
        int fd = posix.open(path, O_RDONLY, 0);
        if (fd < 0) {
            return -1;
        }
        try {
            long total = 0;
            long pos = 0;
            while (pos < length) {
                long data = posix.lseek(fd, pos, SEEK_DATA);
                if (data < 0) {
                    return posix.lastError() == ENXIO ? total : -1;
                }
                long hole = posix.lseek(fd, data, SEEK_HOLE);
                if (hole < 0) {
                    return -1;
                }
                total += hole - data;
                pos = hole;
            }
            return total;
        } finally {
            posix.close(fd);
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    }
}
