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

    /**
     * Per stream: distinct source records that arrived, duplicates, batches whose capture sequence broke, and
     * where synthetic records went missing ({@link #lossSeconds}).
     */
    record StreamCount(long distinct, long duplicates, long batches, long brokenBatches, long payloadBytes,
                       Map<Integer, Long> lossSeconds) {
    }

    /**
     * Synthetic records missing (before the last one that arrived), by the second of the run they were due in:
     * second 0 is the stream's first record. Says whether a loss came at start-up, in bursts or all along.
     */
    private static Map<Integer, Long> lossSeconds(BitSet bits, org.agrona.collections.LongArrayList times) {
        Map<Integer, Long> out = new TreeMap<>();
        if (bits.isEmpty() || times.isEmpty()) {
            return out;
        }
        long t0 = times.getLong(bits.nextSetBit(0));
        long lastTime = t0;
        for (int seq = 0; seq < bits.length(); seq++) {
            if (bits.get(seq)) {
                lastTime = times.getLong(seq);
            } else {
                out.merge((int) ((lastTime - t0) / 1_000_000_000L), 1L, Long::sum);
            }
        }
        return out;
    }

    record Summary(Map<String, StreamCount> streams, long objects, long objectBytes) {
        StreamCount stream(String id) {
            return streams.getOrDefault(id, new StreamCount(0, 0, 0, 0, 0, Map.of()));
        }
    }

    private Verifier() {
    }

    static Summary read(Path upload) throws IOException {
        Map<String, BitSet> seen = new HashMap<>();
        // synthetic records: generation time by sequence, under the same stream-and-key as seen
        Map<String, org.agrona.collections.LongArrayList> times = new HashMap<>();
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
                    if (!key.startsWith("bench/") && p.length >= 16) {
                        var t = times.computeIfAbsent(stream + "\0" + key, k -> new org.agrona.collections.LongArrayList());
                        while (t.size() <= sourceSeq) {
                            t.addLong(0);
                        }
                        t.setLong((int) sourceSeq, ByteBuffer.wrap(p, 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
                    }
                }
            }
            if (broken || i != manifest.get("recordCount").asLong()) {
                c[3]++;
            }
        }
        Map<String, StreamCount> out = new TreeMap<>();
        counts.forEach((k, c) -> {
            Map<Integer, Long> loss = new TreeMap<>();
            times.forEach((bitsKey, t) -> {
                if (bitsKey.startsWith(k + "\0")) {
                    lossSeconds(seen.get(bitsKey), t).forEach((second, n) -> loss.merge(second, n, Long::sum));
                }
            });
            out.put(k, new StreamCount(c[0], c[1], c[2], c[3], c[4], loss));
        });
        return new Summary(out, objects, objectBytes);
    }
}
