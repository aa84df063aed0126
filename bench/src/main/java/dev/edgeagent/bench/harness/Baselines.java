package dev.edgeagent.bench.harness;

import dev.edgeagent.protocols.mcap.ChunkCompressor;
import dev.edgeagent.protocols.mcap.McapWriter;
import dev.edgeagent.protocols.mcap.McapWriterOptions;
import dev.edgeagent.protocols.testing.SimplePcap;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;


/**
 * What the machine can do without the agent, measured in the same run so that every agent figure is a ratio:
 * sequential disk writes, raw Chronicle Queue appends, and the {@code lz4} command line.
 */
final class Baselines {

    private Baselines() {
    }

    /** Sequential write of {@code bytes} in 1 MiB blocks with a final fsync: fio if installed, else Java. */
    static Map<String, Object> disk(Path dir, long bytes) throws Exception {
        Files.createDirectories(dir);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bytes", bytes);
        out.put("blockBytes", 1 << 20);
        if (Cli.exists("fio")) {
            String json = Cli.run(List.of("fio", "--name=seqwrite", "--directory=" + dir, "--rw=write", "--bs=1M",
                    "--size=" + bytes, "--ioengine=psync", "--end_fsync=1", "--output-format=json"), 300).stdout();
            long bw = Long.parseLong(json.replaceAll("(?s).*\"write\"\\s*:\\s*\\{.*?\"bw_bytes\"\\s*:\\s*(\\d+).*", "$1"));
            out.put("tool", "fio");
            out.put("mbPerSecond", bw / 1e6);
            Files.deleteIfExists(dir.resolve("seqwrite.0.0"));
            return out;
        }
        Path file = dir.resolve("disk-baseline.bin");
        ByteBuffer block = ByteBuffer.allocateDirect(1 << 20);
        byte[] random = new byte[1 << 20];
        new Random(1).nextBytes(random);
        block.put(random).flip();
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < bytes; written += block.capacity()) {
                block.rewind();
                while (block.hasRemaining()) {
                    ch.write(block);
                }
            }
            ch.force(true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Files.delete(file);
        out.put("tool", "java FileChannel (fio not installed)");
        out.put("mbPerSecond", bytes / seconds / 1e6);
        return out;
    }

    /**
     * Raw Chronicle Queue appends of {@code payload}-byte excerpts from one thread: no agent code. Both ways
     * Chronicle offers (writingDocument and writeBytes) are timed; the faster one is the baseline.
     */
    static Map<String, Object> chronicle(Path dir, int payload, long records) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("payloadBytes", payload);
        out.put("records", records);
        double best = 0;
        String how = "";
        for (String method : List.of("writingDocument", "writeBytes")) {
            Path qdir = dir.resolve("chronicle-" + payload + "-" + method);
            byte[] bytes = new byte[payload];
            new Random(payload).nextBytes(bytes);
            net.openhft.chronicle.bytes.Bytes<?> store = net.openhft.chronicle.bytes.Bytes.allocateDirect(payload);
            store.write(bytes);
            try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(qdir).rollCycle(RollCycles.FAST_HOURLY).build();
                 ExcerptAppender appender = q.createAppender()) {
                long warm = Math.min(records / 5, 200_000);
                append(appender, method, bytes, store, warm);
                long t0 = System.nanoTime();
                append(appender, method, bytes, store, records);
                double rate = records / ((System.nanoTime() - t0) / 1e9);
                out.put(method + "RecordsPerSecond", rate);
                if (rate > best) {
                    best = rate;
                    how = method;
                }
            } finally {
                store.releaseLast();
                Cli.deleteTree(qdir);
            }
        }
        out.put("recordsPerSecond", best);
        out.put("mbPerSecond", best * payload / 1e6);
        out.put("method", how);
        return out;
    }

    private static void append(ExcerptAppender appender, String method, byte[] bytes,
                               net.openhft.chronicle.bytes.Bytes<?> store, long n) {
        if (method.equals("writeBytes")) {
            for (long i = 0; i < n; i++) {
                appender.writeBytes(store);
            }
        } else {
            for (long i = 0; i < n; i++) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(bytes);
                }
            }
        }
    }

    /**
     * The bytes the agent compresses: the uncompressed chunk records of MCAP batches made of the bundled real
     * captures (Civic CAN frames, Ouster LiDAR packets) and JSON telemetry, repeated to {@code size}.
     */
    static Path lz4Corpus(Path dir, Path samples, long size) throws IOException {
        List<byte[]> can = new ArrayList<>();
        for (String line : Files.readAllLines(samples.resolve("can/honda_civic_typer_2019_turnonanddrive.candump.log"))) {
            String[] parts = line.trim().split(" ");
            if (parts.length < 3 || !parts[2].contains("#")) {
                continue;
            }
            String[] idData = parts[2].split("#");
            String hex = idData.length > 1 ? idData[1] : "";
            ByteBuffer f = ByteBuffer.allocate(8 + hex.length() / 2).order(ByteOrder.LITTLE_ENDIAN);
            f.putInt((int) Long.parseLong(idData[0], 16)).put((byte) (hex.length() / 2)).put((byte) 0).putShort((short) 0);
            for (int i = 0; i + 1 < hex.length(); i += 2) {
                f.put((byte) Integer.parseInt(hex.substring(i, i + 2), 16));
            }
            can.add(f.array());
        }
        List<byte[]> lidar = new ArrayList<>();
        for (SimplePcap.Packet p : SimplePcap.toPort(SimplePcap.read(
                samples.resolve("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap")), 7502)) {
            lidar.add(p.udpPayload());
        }
        Path file = dir.resolve("lz4-corpus.mcap");
        Files.createDirectories(dir);
        Random random = new Random(7);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             McapWriter w = new McapWriter(ch, McapWriterOptions.defaults().compression(McapWriterOptions.Compression.NONE))) {
            int canChannel = w.addChannel(0, "/can", "socketcan", Map.of());
            int lidarChannel = w.addChannel(0, "/lidar", "udp-payload", Map.of());
            int teleChannel = w.addChannel(0, "/telemetry", "mqtt-payload", Map.of());
            long t = 1_700_000_000_000_000_000L;
            long seq = 0;
            while (w.bytesWritten() < size) {
                for (byte[] f : can) {
                    w.writeMessage(canChannel, seq++, t += 500_000, t, f);
                }
                for (byte[] p : lidar) {
                    w.writeMessage(lidarChannel, seq++, t += 1_000_000, t, p);
                }
                for (int i = 0; i < 2000; i++) {
                    String json = "{\"vehicle\":\"truck-0042\",\"speedKph\":" + (random.nextInt(13000) / 100.0)
                            + ",\"rpm\":" + (800 + random.nextInt(3000)) + ",\"gear\":" + (1 + random.nextInt(6))
                            + ",\"fuelPct\":" + random.nextInt(100) + ",\"ts\":" + t + "}";
                    w.writeMessage(teleChannel, seq++, t += 1_000_000, t, json.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return file;
    }

    /**
     * {@code lz4 -1} on the corpus (in the page cache, output discarded) against the agent's chunk compressor on
     * the same bytes in 1 MiB chunks, one core each; best of three.
     */
    static Map<String, Object> lz4(Path corpus, int iterations) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        byte[] bytes = Files.readAllBytes(corpus);
        out.put("bytes", (long) bytes.length);
        if (Cli.exists("lz4")) {
            // the CLI's own in-memory benchmark (-b1: level 1, as "lz4 -1"): the library's compression speed with
            // no process start or pipe in the way, which is what the agent's figure measures too
            String text = Cli.run(List.of("lz4", "-b1", "-i" + iterations, corpus.toString()), 300, false, true).stdout();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(\\s*([\\d.]+)\\),\\s*([\\d.]+) MB/s").matcher(text);
            double cli = -1;
            double ratio = -1;
            while (m.find()) {
                ratio = Double.parseDouble(m.group(1));
                cli = Double.parseDouble(m.group(2));
            }
            out.put("cliMbPerSecond", cli > 0 ? cli : null);
            out.put("cliRatio", ratio);
            out.put("cliCommand", "lz4 -b1 -i" + iterations + " (in-memory benchmark of lz4 -1), "
                    + Cli.firstLine(List.of("lz4", "--version")));
        } else {
            out.put("cliMbPerSecond", null);
            out.put("cliMissing", "lz4 not installed (Debian package lz4)");
        }
        int chunk = 1 << 20;
        double best = Double.MAX_VALUE;
        long compressed = 0;
        try (ChunkCompressor c = new ChunkCompressor()) {
            for (int round = 0; round < iterations + 1; round++) {   // the first warms the JIT
                long total = 0;
                long t0 = System.nanoTime();
                for (int off = 0; off < bytes.length; off += chunk) {
                    total += c.compress(bytes, off, Math.min(chunk, bytes.length - off));
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (round > 0) {
                    best = Math.min(best, s);
                }
                compressed = total;
            }
        }
        out.put("agentMbPerSecond", bytes.length / best / 1e6);
        out.put("agentRatio", (double) bytes.length / compressed);
        Object cli = out.get("cliMbPerSecond");
        out.put("agentToCli", cli == null ? null : (double) out.get("agentMbPerSecond") / (double) cli);
        return out;
    }

}
