package dev.edgeagent.agent.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class UploaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3ProxyServer s3;

    @TempDir
    Path dataDir;
    @TempDir
    Path uploadDir;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.started();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    /** Puts a sealed batch of random bytes into the outbox, as the batcher would. */
    static BatchManifest seal(Path dataDir, String stream, String tier, long first, long last, int bytes, long sealedAt)
            throws Exception {
        byte[] object = new byte[bytes];
        new Random(first * 31 + bytes).nextBytes(object);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(object));
        String name = Outbox.batchName(first, last);
        Path dir = Outbox.streamDir(dataDir, stream);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + Outbox.MCAP_SUFFIX), object);
        BatchManifest m = new BatchManifest(1, Outbox.objectKey("dev1", stream, 1_700_000_000_000_000_000L, first, last),
                "dev1", stream, "can", tier, List.of("t1"), first, last, last - first + 1, 1, 2, null, null,
                bytes, bytes, "lz4", sha, BatchManifest.MCAP_CONTENT_TYPE, sealedAt, "test", "hash");
        Files.write(dir.resolve(name + Outbox.MANIFEST_SUFFIX), JSON.writeValueAsBytes(m));
        return m;
    }

    static S3TargetSettings s3Settings(String bucket, String accessKey, String secret) {
        return new S3TargetSettings(s3.endpoint(), S3ProxyServer.REGION, bucket, "fleet/raw", true, accessKey, secret,
                8L << 20, 8L << 20, true);
    }

    static int runUntilIdle(Uploader u, int maxCycles) {
        int work = 0;
        for (int i = 0; i < maxCycles; i++) {
            int w = u.doWork();
            if (w == 0 && u.stats().backlogBatches() == 0) {
                break;
            }
            work += w;
        }
        return work;
    }

    @Test
    void fileTargetLaysOutObjectsLikeTheBucketAndEmptiesTheOutbox() throws Exception {
        BatchManifest a = seal(dataDir, "can0", "standard", 0, 9, 1000, 2);
        BatchManifest b = seal(dataDir, "can0", "standard", 10, 19, 2000, 3);
        Uploader u = new Uploader(dataDir, new FileUploadTarget(uploadDir), Duration.ofMillis(1), Duration.ofMillis(10));
        runUntilIdle(u, 10);

        for (BatchManifest m : List.of(a, b)) {
            Path object = uploadDir.resolve(m.key());
            assertTrue(Files.exists(object), object.toString());
            assertEquals(m.sha256(), Checksums.sha256Hex(object, Files.size(object)));
            BatchManifest uploaded = JSON.readValue(uploadDir.resolve(m.manifestKey()).toFile(), BatchManifest.class);
            assertEquals(m, uploaded);
        }
        assertTrue(a.key().startsWith("device=dev1/stream=can0/date=2023-11-14/"), a.key());
        assertEquals(2, u.stats().batchesUploaded());
        assertEquals(0, u.stats().backlogBatches());
        assertEquals(19, UploadState.lastUploadedSeq(dataDir, "can0"));
        try (var left = Files.list(Outbox.streamDir(dataDir, "can0"))) {
            assertEquals(0, left.count(), "outbox emptied after confirmed uploads");
        }
    }

    @Test
    void criticalGoesBeforeStandardBeforeBulkThenOldestFirst() throws Exception {
        seal(dataDir, "cam", "bulk", 0, 0, 100, 1);
        seal(dataDir, "can", "standard", 5, 5, 100, 3);
        seal(dataDir, "can", "standard", 0, 4, 100, 2);
        seal(dataDir, "events", "critical", 0, 0, 100, 9);
        RecordingTarget target = new RecordingTarget(new FileUploadTarget(uploadDir));
        Uploader u = new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10));
        runUntilIdle(u, 10);
        List<String> objects = target.keys.stream().filter(k -> k.endsWith(".mcap")).toList();
        assertEquals(4, objects.size());
        assertTrue(objects.get(0).contains("stream=events/"));
        assertTrue(objects.get(1).endsWith("00000000000000000000-00000000000000000004.mcap"));
        assertTrue(objects.get(2).endsWith("00000000000000000005-00000000000000000005.mcap"));
        assertTrue(objects.get(3).contains("stream=cam/"));
    }

    @Test
    void s3SmallAndMultipartBatchesArriveWholeWithTheirManifests() throws Exception {
        s3.createBucket("fleet-a");
        BatchManifest small = seal(dataDir, "can0", "standard", 0, 99, 100_000, 1);
        BatchManifest big = seal(dataDir, "lidar", "bulk", 0, 9, 20 * 1024 * 1024 + 123, 2);
        try (S3UploadTarget target = new S3UploadTarget(s3Settings("fleet-a", S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
             S3Client client = s3.client()) {
            Uploader u = new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10));
            runUntilIdle(u, 10);
            assertEquals(2, u.stats().batchesUploaded(), "last error: " + u.stats().lastError());

            for (BatchManifest m : List.of(small, big)) {
                byte[] stored = client.getObjectAsBytes(b -> b.bucket("fleet-a").key("fleet/raw/" + m.key())).asByteArray();
                assertEquals(m.objectBytes(), stored.length);
                assertEquals(m.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)));
                BatchManifest uploaded = JSON.readValue(client.getObjectAsBytes(
                        b -> b.bucket("fleet-a").key("fleet/raw/" + m.manifestKey())).asByteArray(), BatchManifest.class);
                assertEquals(m.sha256(), uploaded.sha256());
            }
            String bigEtag = client.headObject(b -> b.bucket("fleet-a").key("fleet/raw/" + big.key())).eTag();
            assertTrue(bigEtag.replace("\"", "").endsWith("-3"), "20 MiB in 8 MiB parts = 3 parts, ETag " + bigEtag);
            String smallEtag = client.headObject(b -> b.bucket("fleet-a").key("fleet/raw/" + small.key())).eTag();
            assertFalse(smallEtag.contains("-"), "single PUT below the threshold, ETag " + smallEtag);
            assertEquals(0, client.listMultipartUploads(b -> b.bucket("fleet-a")).uploads().size(), "no parts left over");
        }
    }

    @Test
    void anOutageKeepsEverythingInTheOutboxAndItDrainsAfterwards() throws Exception {
        s3.createBucket("fleet-b");
        seal(dataDir, "can0", "standard", 0, 9, 5000, 1);
        seal(dataDir, "can0", "standard", 10, 19, 5000, 2);
        try (S3UploadTarget target = new S3UploadTarget(s3Settings("fleet-b", S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))) {
            Uploader u = new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(20));
            s3.stop();
            try {
                for (int i = 0; i < 5; i++) {
                    u.doWork();
                    Thread.sleep(25);
                }
                assertTrue(u.stats().failures() >= 2, "failures counted: " + u.stats().failures());
                assertNotNull(u.stats().lastError());
                assertEquals(2, u.stats().backlogBatches());
                assertEquals(10_000, u.stats().backlogBytes());
                assertEquals(0, u.stats().batchesUploaded());
                try (var left = Files.list(Outbox.streamDir(dataDir, "can0"))) {
                    assertEquals(4, left.count(), "nothing leaves the outbox during the outage");
                }
            } finally {
                s3.start();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (u.stats().batchesUploaded() < 2 && System.nanoTime() < deadline) {
                u.doWork();
                Thread.sleep(5);
            }
            assertEquals(2, u.stats().batchesUploaded());
            assertNull(u.stats().lastError(), "error cleared after recovery");
            assertEquals(0, u.stats().backlogBatches());
        }
    }

    @Test
    void aCrashAfterUploadRepeatsTheSameKeysAndMakesNoSecondObject() throws Exception {
        s3.createBucket("fleet-c");
        BatchManifest m = seal(dataDir, "can0", "standard", 0, 9, 5000, 1);
        Path mcap = Outbox.streamDir(dataDir, "can0").resolve(Outbox.batchName(0, 9) + Outbox.MCAP_SUFFIX);
        Path manifest = Outbox.streamDir(dataDir, "can0").resolve(Outbox.batchName(0, 9) + Outbox.MANIFEST_SUFFIX);
        Path savedMcap = Files.copy(mcap, dataDir.resolve("saved.mcap"));
        Path savedManifest = Files.copy(manifest, dataDir.resolve("saved.json"));
        try (S3UploadTarget target = new S3UploadTarget(s3Settings("fleet-c", S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
             S3Client client = s3.client()) {
            runUntilIdle(new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10)), 5);
            // as if killed after the upload and the state update, before the outbox files were deleted
            Files.copy(savedMcap, mcap);
            Files.copy(savedManifest, manifest);
            Uploader again = new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10));
            runUntilIdle(again, 5);
            assertEquals(1, again.stats().batchesUploaded());
            assertEquals(2, target.alreadyStored(), "object and manifest found stored whole: not sent again");
            List<S3Object> objects = client.listObjectsV2(b -> b.bucket("fleet-c")).contents();
            assertEquals(List.of("fleet/raw/" + m.key(), "fleet/raw/" + m.manifestKey()).stream().sorted().toList(),
                    objects.stream().map(S3Object::key).sorted().toList());
        }
    }

    @Test
    void aDamagedBatchIsQuarantinedNotUploaded() throws Exception {
        BatchManifest m = seal(dataDir, "can0", "standard", 0, 9, 1000, 1);
        Path mcap = Outbox.streamDir(dataDir, "can0").resolve(Outbox.batchName(0, 9) + Outbox.MCAP_SUFFIX);
        byte[] bytes = Files.readAllBytes(mcap);
        bytes[500] ^= 1;
        Files.write(mcap, bytes);
        Uploader u = new Uploader(dataDir, new FileUploadTarget(uploadDir), Duration.ofMillis(1), Duration.ofMillis(10));
        runUntilIdle(u, 5);
        assertEquals(0, u.stats().batchesUploaded());
        assertEquals(1, u.stats().quarantined());
        assertFalse(Files.exists(uploadDir.resolve(m.key())));
        try (var q = Files.list(dataDir.resolve("quarantine/can0"))) {
            List<String> names = q.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.endsWith("-" + mcap.getFileName())), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith(".reason.txt")), names.toString());
        }
        assertEquals(-1, UploadState.lastUploadedSeq(dataDir, "can0"));
    }

    @Test
    void wrongCredentialsGiveAClearNonRetryableErrorEvenForLargeBodies() throws Exception {
        s3.createBucket("fleet-d");
        for (int size : new int[]{100, 3_000_000, 12_000_000}) {
            Path file = Files.write(dataDir.resolve("x" + size + ".bin"), new byte[size]);
            try (S3UploadTarget target = new S3UploadTarget(s3Settings("fleet-d", S3ProxyServer.ACCESS_KEY, "wrong-secret"))) {
                UploadException e = assertThrows(UploadException.class,
                        () -> target.put("k.bin", file, size, Checksums.sha256Hex(file, size), "application/octet-stream"));
                assertFalse(e.retryable(), e.getMessage());
                assertTrue(e.getMessage().contains("HTTP 403"), size + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("credentials"), e.getMessage());
            }
        }
    }

    @Test
    void anUnreadableManifestIsQuarantinedAndHoldsUpNothing() throws Exception {
        seal(dataDir, "can0", "standard", 0, 9, 1000, 1);
        Path dir = Outbox.streamDir(dataDir, "cam");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(Outbox.batchName(0, 0) + Outbox.MANIFEST_SUFFIX), "{ not json");
        Files.write(dir.resolve(Outbox.batchName(0, 0) + Outbox.MCAP_SUFFIX), new byte[10]);
        // a newer agent's manifest with a field this one does not know is still uploaded
        BatchManifest newer = seal(dataDir, "gnss", "standard", 0, 0, 500, 2);
        Path newerFile = Outbox.streamDir(dataDir, "gnss").resolve(Outbox.batchName(0, 0) + Outbox.MANIFEST_SUFFIX);
        Files.writeString(newerFile, Files.readString(newerFile).replaceFirst("\\{", "{\"futureField\":7,"));
        Uploader u = new Uploader(dataDir, new FileUploadTarget(uploadDir), Duration.ofMillis(1), Duration.ofMillis(10));
        runUntilIdle(u, 10);
        assertEquals(2, u.stats().batchesUploaded());
        assertTrue(Files.exists(uploadDir.resolve(newer.key())));
        assertEquals(1, u.stats().quarantined());
        try (var q = Files.list(dataDir.resolve("quarantine/cam"))) {
            List<String> names = q.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, names.size(), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith(".reason.txt")), names.toString());
        }
    }

    @Test
    void withinAStreamBatchesGoUpInSequenceOrderWhateverTheirSealTimes() throws Exception {
        seal(dataDir, "can", "standard", 10, 19, 100, 1);   // sealed "earlier" by a clock that stepped back
        seal(dataDir, "can", "standard", 0, 9, 100, 5);
        seal(dataDir, "can", "standard", 20, 29, 100, 3);
        RecordingTarget target = new RecordingTarget(new FileUploadTarget(uploadDir));
        Uploader u = new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10));
        runUntilIdle(u, 10);
        List<String> objects = target.keys.stream().filter(k -> k.endsWith(".mcap"))
                .map(k -> k.substring(k.lastIndexOf('/') + 1, k.lastIndexOf('/') + 21)).toList();
        assertEquals(List.of("00000000000000000000", "00000000000000000010", "00000000000000000020"), objects);
        assertEquals(29, UploadState.lastUploadedSeq(dataDir, "can"));
    }

    @Test
    void partsLeftByAnInterruptedMultipartUploadAreAborted() throws Exception {
        s3.createBucket("fleet-e");
        BatchManifest big = seal(dataDir, "lidar", "bulk", 0, 9, 17 * 1024 * 1024, 1);
        try (S3UploadTarget target = new S3UploadTarget(s3Settings("fleet-e", S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
             S3Client client = s3.client()) {
            // what a kill -9 in the middle of a multipart upload leaves behind
            String stale = client.createMultipartUpload(b -> b.bucket("fleet-e").key("fleet/raw/" + big.key())).uploadId();
            client.uploadPart(b -> b.bucket("fleet-e").key("fleet/raw/" + big.key()).uploadId(stale).partNumber(1),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[6 << 20]));
            assertEquals(1, client.listMultipartUploads(b -> b.bucket("fleet-e")).uploads().size());
            runUntilIdle(new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10)), 5);
            assertEquals(0, client.listMultipartUploads(b -> b.bucket("fleet-e")).uploads().size());
            assertEquals(big.objectBytes(), client.headObject(b -> b.bucket("fleet-e").key("fleet/raw/" + big.key())).contentLength());
        }
    }

    /** Remembers the order of keys it was given. */
    static final class RecordingTarget implements UploadTarget {
        final UploadTarget inner;
        final List<String> keys = new java.util.ArrayList<>();

        RecordingTarget(UploadTarget inner) {
            this.inner = inner;
        }

        @Override
        public void put(String key, Path file, long size, String sha256Hex, String contentType) throws UploadException {
            keys.add(key);
            inner.put(key, file, size, sha256Hex, contentType);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

}
