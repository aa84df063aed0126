package dev.edgeagent.agent.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local bucket directory: linked on the same file system, copied elsewhere, never partial or damaged. */
class FileUploadTargetTest {

    @TempDir
    Path dir;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha(Path file) throws Exception {
        return Checksums.sha256Hex(file, Files.size(file));
    }

    private static long inode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    private static boolean leftovers(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
    }

    @Test
    void onTheSameFileSystemTheObjectIsLinkedNotWrittenAgainAndOutlivesTheOutbox() throws Exception {
        Path outbox = Files.createDirectories(dir.resolve("data/outbox/cam0"));
        Path object = outbox.resolve("0-9.mcap");
        byte[] content = bytes(3 << 20, 1);
        Files.write(object, content);
        Path bucket = dir.resolve("upload");
        FileUploadTarget target = new FileUploadTarget(bucket);

        target.put("device=d/cam0/0-9.mcap", object, content.length, sha(object), "application/x-mcap");

        Path published = bucket.resolve("device=d/cam0/0-9.mcap");
        assertEquals(inode(object), inode(published), "same inode: no second copy of the bytes");
        Files.delete(object);   // the uploader empties the outbox
        assertArrayEquals(content, Files.readAllBytes(published));
        assertFalse(leftovers(bucket));

        // a crash between upload and outbox cleanup repeats the same key: the object is replaced, not doubled
        Files.write(object, content);
        target.put("device=d/cam0/0-9.mcap", object, content.length, sha(object), "application/x-mcap");
        try (Stream<Path> s = Files.list(published.getParent())) {
            assertEquals(1, s.count());
        }
        assertArrayEquals(content, Files.readAllBytes(published));
    }

    @Test
    void aDamagedObjectIsNeverPublishedWhetherLinkedOrCopied() throws Exception {
        Path object = dir.resolve("data/outbox/can0/0-1.mcap");
        Files.createDirectories(object.getParent());
        byte[] content = bytes(100_000, 2);
        Files.write(object, content);
        String manifestSha = sha(object);
        content[4242] ^= 1;   // bit rot after the manifest was written
        Files.write(object, content);
        Path bucket = dir.resolve("upload");
        UploadException e = assertThrows(UploadException.class, () ->
                new FileUploadTarget(bucket).put("device=d/can0/0-1.mcap", object, content.length, manifestSha, "x"));
        assertTrue(e.corruptSource(), e.getMessage());
        assertTrue(e.getMessage().contains(manifestSha), e.getMessage());
        assertFalse(Files.exists(bucket.resolve("device=d/can0/0-1.mcap")));
        assertFalse(leftovers(bucket));
    }

    @Test
    void onAnotherFileSystemTheObjectIsCopied() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm to stand for another file system");
        assumeTrue(!Files.getFileStore(shm).equals(Files.getFileStore(dir)), "/dev/shm is on the same file system");
        Path bucket = Files.createTempDirectory(shm, "bucket");
        try {
            Path object = dir.resolve("0-1.mcap");
            byte[] content = bytes(1 << 20, 3);
            Files.write(object, content);
            new FileUploadTarget(bucket).put("k/0-1.mcap", object, content.length, sha(object), "x");
            Path published = bucket.resolve("k/0-1.mcap");
            assertArrayEquals(content, Files.readAllBytes(published));
            Files.delete(object);
            assertArrayEquals(content, Files.readAllBytes(published));
            assertFalse(leftovers(bucket));
        } finally {
            try (Stream<Path> s = Files.walk(bucket)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
