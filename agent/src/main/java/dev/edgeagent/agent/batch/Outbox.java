package dev.edgeagent.agent.batch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where sealed batches wait for upload, and how they are named:
 * <pre>
 * &lt;dataDir&gt;/outbox/&lt;stream&gt;/&lt;first&gt;-&lt;last&gt;.mcap            the object
 * &lt;dataDir&gt;/outbox/&lt;stream&gt;/&lt;first&gt;-&lt;last&gt;.manifest.json   written last: its presence seals the batch
 * &lt;dataDir&gt;/outbox/.tmp/&lt;stream&gt;/                         files being written (never uploaded)
 * </pre>
 * first/last are the batch's first and last sequence numbers, zero-padded to 20 digits so that names sort
 * by sequence. Object keys are Hive-style and deterministic, so a retried upload never makes a second object.
 */
public final class Outbox {

    public static final String MCAP_SUFFIX = ".mcap";
    public static final String MANIFEST_SUFFIX = ".manifest.json";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private Outbox() {
    }

    public static Path root(Path dataDir) {
        return dataDir.resolve("outbox");
    }

    public static Path tmpDir(Path dataDir) {
        return root(dataDir).resolve(".tmp");
    }

    public static Path streamDir(Path dataDir, String streamId) {
        return root(dataDir).resolve(streamId);
    }

    public static String batchName(long firstSeq, long lastSeq) {
        return String.format("%020d-%020d", firstSeq, lastSeq);
    }

    /** device=D/stream=S/date=YYYY-MM-DD/FIRST-LAST.mcap; the date is the UTC day of the first record. */
    public static String objectKey(String deviceId, String streamId, long firstReceiveWallNs, long firstSeq, long lastSeq) {
        String date = DATE.format(Instant.ofEpochSecond(0, firstReceiveWallNs));
        return "device=" + deviceId + "/stream=" + streamId + "/date=" + date + "/" + batchName(firstSeq, lastSeq) + MCAP_SUFFIX;
    }

    /** Makes a rename inside the directory durable (the rename itself is atomic, not durable). */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Writes bytes to a temp file, fsyncs, renames atomically into place and fsyncs the directory. */
    public static void writeAtomically(Path tmp, Path target, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(target.getParent());
    }
}
