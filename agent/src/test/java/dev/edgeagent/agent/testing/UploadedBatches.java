package dev.edgeagent.agent.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.protocols.mcap.McapMessage;
import dev.edgeagent.protocols.mcap.McapReader;
import dev.edgeagent.protocols.mcap.McapReferenceCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything a target directory (or a bucket downloaded into one) holds, read back and checked: every
 * object has its manifest beside it, matches its size and SHA-256, is accepted by the reference MCAP
 * reader, and holds exactly the manifest's contiguous sequence range.
 */
public final class UploadedBatches {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One uploaded record, with its full 64-bit sequence (manifest first sequence + position). */
    public record Message(String stream, long seq, String key, byte[] payload, long logTime, long publishTime) {
    }

    public final List<BatchManifest> manifests = new ArrayList<>();
    public final Map<String, List<Message>> byStream = new LinkedHashMap<>();
    /** Derived messages (decoded point clouds, signals, fixes...) by "stream/suffix", in file order. */
    public final Map<String, List<McapMessage>> derived = new LinkedHashMap<>();

    public static UploadedBatches read(Path root) throws Exception {
        UploadedBatches out = new UploadedBatches();
        List<Path> objects;
        try (Stream<Path> files = Files.walk(root)) {
            objects = files.filter(p -> p.toString().endsWith(".mcap")).sorted().toList();
        }
        if (!objects.isEmpty()) {
            for (McapReferenceCheck.Result r : McapReferenceCheck.check(objects)) {
                assertTrue(r.ok(), "the reference MCAP reader rejects " + r);
            }
        }
        for (Path object : objects) {
            Path manifestFile = object.resolveSibling(object.getFileName().toString().replace(".mcap", ".json"));
            assertTrue(Files.exists(manifestFile), "manifest beside " + object);
            BatchManifest m = JSON.readValue(manifestFile.toFile(), BatchManifest.class);
            assertEquals(root.relativize(object).toString().replace('\\', '/'), m.key());
            byte[] bytes = Files.readAllBytes(object);
            assertEquals(m.objectBytes(), bytes.length, "size of " + object);
            assertEquals(m.sha256(), sha256(bytes), "SHA-256 of " + object);
            out.manifests.add(m);
            long i = 0;
            List<Message> list = out.byStream.computeIfAbsent(m.streamId(), k -> new ArrayList<>());
            for (McapMessage msg : McapReader.read(object).messages()) {
                String suffix = msg.channel().metadata().get("derived");
                if (suffix != null) {
                    out.derived.computeIfAbsent(m.streamId() + "/" + suffix, k -> new ArrayList<>()).add(msg);
                    continue;
                }
                long seq = m.firstSeq() + i++;
                assertEquals((int) seq, (int) msg.message().sequence(), "contiguous sequences in " + object);
                list.add(new Message(m.streamId(), seq, msg.channel().metadata().get("key"), msg.message().data(),
                        msg.message().logTime(), msg.message().publishTime()));
            }
            assertEquals(m.recordCount(), i, "record count of " + object);
            assertEquals(m.lastSeq(), m.firstSeq() + i - 1, "last sequence of " + object);
        }
        for (List<Message> list : out.byStream.values()) {
            list.sort(java.util.Comparator.comparingLong(Message::seq));
        }
        return out;
    }

    public List<McapMessage> derived(String stream, String suffix) {
        return derived.getOrDefault(stream + "/" + suffix, List.of());
    }

    public List<Message> stream(String id) {
        return byStream.getOrDefault(id, List.of());
    }

    /** Sequences of a stream as uploaded: exactly-once means this is 0..n-1 with no repeat. */
    public List<Long> sequences(String id) {
        return stream(id).stream().map(Message::seq).toList();
    }

    static String sha256(byte[] bytes) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
