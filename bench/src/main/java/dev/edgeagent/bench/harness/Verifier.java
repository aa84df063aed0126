package dev.edgeagent.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.protocols.mcap.McapMessage;
import dev.edgeagent.protocols.mcap.McapReader;
import dev.edgeagent.protocols.testing.MqttTestPublisher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads back every uploaded batch and counts, per stream, the records that arrived: by the sequence number the
 * source put in each payload (synthetic records: 8-byte LE sequence first; MQTT: the test publisher's sequence
 * per topic), so a lost record is a missing number and a duplicate a number seen twice. The capture
 * sequence (MCAP sequence against the manifest range) must be contiguous within every batch.
 */
final class Verifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Per stream: distinct source records that arrived, duplicates, and batches whose capture sequence broke. */
    record StreamCount(long distinct, long duplicates, long batches, long brokenBatches, long payloadBytes) {
    }

    record Summary(Map<String, StreamCount> streams, long objects, long objectBytes) {
        StreamCount stream(String id) {
            return streams.getOrDefault(id, new StreamCount(0, 0, 0, 0, 0));
        }
    }

    private Verifier() {
    }

    static Summary read(Path upload) throws IOException {
        Map<String, BitSet> seen = new HashMap<>();
        Map<String, long[]> counts = new TreeMap<>();   // distinct, duplicates, batches, broken, bytes
        long objects = 0;
        long objectBytes = 0;
        if (!Files.exists(upload)) {
            return new Summary(Map.of(), 0, 0);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(upload)) {
            files = walk.filter(p -> p.toString().endsWith(".mcap")).sorted().toList();
        }
        for (Path object : files) {
            JsonNode manifest = JSON.readTree(object.resolveSibling(object.getFileName().toString()
                    .replace(".mcap", ".json")).toFile());
            String stream = manifest.get("streamId").asText();
            long firstSeq = manifest.get("firstSeq").asLong();
            long[] c = counts.computeIfAbsent(stream, k -> new long[5]);
            c[2]++;
            objects++;
            objectBytes += Files.size(object);
            long i = 0;
            boolean broken = false;
            for (McapMessage m : McapReader.read(object).messages()) {
                if ((int) m.message().sequence() != (int) (firstSeq + i++)) {
                    broken = true;
                }
                byte[] p = m.message().data();
                c[4] += p.length;
                String key = m.channel().metadata().getOrDefault("key", "");
                long sourceSeq = key.startsWith("bench/") ? MqttTestPublisher.sequence(p)
                        : ByteBuffer.wrap(p, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                BitSet bits = seen.computeIfAbsent(stream + "\0" + key, k -> new BitSet());
                if (sourceSeq < 0 || sourceSeq > Integer.MAX_VALUE || bits.get((int) sourceSeq)) {
                    c[1]++;
                } else {
                    bits.set((int) sourceSeq);
                    c[0]++;
                }
            }
            if (broken || i != manifest.get("recordCount").asLong()) {
                c[3]++;
            }
        }
        Map<String, StreamCount> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, new StreamCount(c[0], c[1], c[2], c[3], c[4])));
        return new Summary(out, objects, objectBytes);
    }
}
