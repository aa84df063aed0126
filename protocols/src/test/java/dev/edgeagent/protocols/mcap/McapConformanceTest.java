package dev.edgeagent.protocols.mcap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The MCAP conformance suite (foxglove/mcap tests/conformance): each variant is a JSON list of the records a
 * streamed reader yields (chunk contents inlined, Message Index records left out) and the .mcap upstream's
 * generator writes for them. Writer test: the data-section records fed to {@link McapWriter}, with options
 * from the variant's features, give the .mcap byte for byte, as upstream's writer runners check it. Reader
 * test: {@link McapReader} yields exactly the JSON's records from every .mcap, padded variants included.
 */
class McapConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> variants() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.walk(suite())) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json")).map(n -> n.substring(0, n.length() - 5)).sorted().toList();
            assertEquals(416, names.size(), "conformance variants in the test resources");
            return names.stream();
        }
    }

    static Stream<String> writerVariants() throws IOException, URISyntaxException {
        return variants().filter(n -> !features(n).contains("pad"));
    }

    @ParameterizedTest
    @MethodSource("writerVariants")
    void writerOutputMatchesByteForByte(String variant) throws IOException, URISyntaxException {
        JsonNode records = JSON.readTree(Files.readAllBytes(file(variant, ".json"))).get("records");
        McapWriterOptions options = options(features(variant));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        McapWriter writer = null;
        for (JsonNode record : records) {
            if (writer != null && writer.finished()) {
                break; // what follows DataEnd is the summary: the writer's own output
            }
            Map<String, JsonNode> f = fields(record);
            switch (record.get("type").asText()) {
                case "Header" -> writer = new McapWriter(Channels.newChannel(bytes),
                        options.profile(f.get("profile").asText()).library(f.get("library").asText()));
                case "Schema" -> writer.addSchema(f.get("id").asInt(), f.get("name").asText(),
                        f.get("encoding").asText(), bytes(f.get("data")));
                case "Channel" -> writer.addChannel(f.get("id").asInt(), f.get("schema_id").asInt(),
                        f.get("topic").asText(), f.get("message_encoding").asText(), stringMap(f.get("metadata")));
                case "Message" -> writer.writeMessage(f.get("channel_id").asInt(), f.get("sequence").asLong(),
                        Long.parseUnsignedLong(f.get("log_time").asText()),
                        Long.parseUnsignedLong(f.get("publish_time").asText()), bytes(f.get("data")));
                case "Attachment" -> writer.writeAttachment(f.get("name").asText(), f.get("media_type").asText(),
                        Long.parseUnsignedLong(f.get("log_time").asText()),
                        Long.parseUnsignedLong(f.get("create_time").asText()), bytes(f.get("data")));
                case "Metadata" -> writer.writeMetadata(f.get("name").asText(), stringMap(f.get("metadata")));
                case "DataEnd" -> writer.finish();
                default -> { } // summary records and the footer are the writer's own output
            }
        }
        assertTrue(writer != null && writer.finished(), "the JSON has a Header and a DataEnd");
        byte[] expected = Files.readAllBytes(file(variant, ".mcap"));
        byte[] actual = bytes.toByteArray();
        assertEquals(expected.length, writer.bytesWritten(), "bytesWritten");
        for (int i = 0; i < Math.min(expected.length, actual.length); i++) {
            if (expected[i] != actual[i]) {
                fail(variant + ": first difference at byte " + i + " of " + expected.length);
            }
        }
        assertEquals(expected.length, actual.length, variant + ": length");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void readerYieldsTheListedRecords(String variant) throws IOException, URISyntaxException {
        JsonNode records = JSON.readTree(Files.readAllBytes(file(variant, ".json"))).get("records");
        List<Map<String, Object>> expected = new ArrayList<>();
        for (JsonNode record : records) {
            Map<String, Object> r = new TreeMap<>();
            fields(record).forEach((k, v) -> r.put(k, plain(v)));
            r.put("(type)", record.get("type").asText());
            expected.add(r);
        }
        McapReader reader = McapReader.read(file(variant, ".mcap"));
        List<Map<String, Object>> actual = new ArrayList<>();
        for (McapRecord r : reader.records()) {
            if (!(r instanceof McapRecord.Chunk) && !(r instanceof McapRecord.MessageIndex)) {
                actual.add(asJson(r));
            }
        }
        assertEquals(expected, actual, variant);
        // the whole-file check agrees with the suite's statistics where a variant has them
        McapReader.Counts counts = reader.verify();
        long messages = actual.stream().filter(r -> r.get("(type)").equals("Message")).count();
        assertEquals(messages, counts.messages());
        assertEquals(features(variant).contains("ch") ? 1 : 0, counts.chunks());
    }

    /** A record as the suite writes it: snake_case field names, numbers as unsigned decimal strings. */
    static Map<String, Object> asJson(McapRecord r) {
        Map<String, Object> m = new TreeMap<>();
        m.put("(type)", r.getClass().getSimpleName());
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (r instanceof McapRecord.Attachment && c.getName().equals("crc")) {
                continue; // the suite's records leave the attachment CRC out
            }
            try {
                m.put(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(), plainValue(c.getAccessor().invoke(r)));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return m;
    }

    private static Object plainValue(Object v) {
        if (v instanceof Long l) {
            return Long.toUnsignedString(l);
        }
        if (v instanceof byte[] a) {
            List<String> out = new ArrayList<>();
            for (byte x : a) {
                out.add(Integer.toString(x & 0xFF));
            }
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, String> out = new TreeMap<>();
            map.forEach((k, x) -> out.put(String.valueOf(k), (String) plainValue(x)));
            return out;
        }
        return String.valueOf(v);
    }

    private static Object plain(JsonNode v) {
        if (v.isArray()) {
            List<String> out = new ArrayList<>();
            v.forEach(x -> out.add(x.asText()));
            return out;
        }
        if (v.isObject()) {
            return new TreeMap<>(stringMap(v));
        }
        return v.asText();
    }

    private static Map<String, JsonNode> fields(JsonNode record) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode pair : record.get("fields")) {
            out.put(pair.get(0).asText(), pair.get(1));
        }
        return out;
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static byte[] bytes(JsonNode array) {
        byte[] out = new byte[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(array.get(i).asText());
        }
        return out;
    }

    /** The writer options a variant's features ask for, the way upstream's writer runners map them. */
    static McapWriterOptions options(Set<String> features) {
        Set<String> unknown = new HashSet<>(features);
        unknown.removeAll(Set.of("ch", "mx", "chx", "st", "sum", "rch", "rsh", "ax", "mdx", "pad"));
        assertTrue(unknown.isEmpty(), "unknown features " + unknown);
        return McapWriterOptions.bare()
                .useChunks(features.contains("ch"))
                .useMessageIndex(features.contains("mx"))
                .useChunkIndex(features.contains("chx"))
                .useStatistics(features.contains("st"))
                .useSummaryOffsets(features.contains("sum"))
                .repeatChannels(features.contains("rch"))
                .repeatSchemas(features.contains("rsh"))
                .useAttachmentIndex(features.contains("ax"))
                .useMetadataIndex(features.contains("mdx"));
    }

    /** Features from the file name: {@code TenMessages-ch-chx-mx} has ch, chx and mx. */
    static Set<String> features(String variant) {
        String[] parts = variant.split("-");
        return Set.of(parts).stream().filter(p -> !p.equals(parts[0])).collect(java.util.stream.Collectors.toSet());
    }

    private static Path file(String variant, String extension) throws URISyntaxException {
        return suite().resolve(variant.split("-")[0]).resolve(variant + extension);
    }

    private static Path suite() throws URISyntaxException {
        return Path.of(McapConformanceTest.class.getResource("/mcap-conformance").toURI());
    }
}
