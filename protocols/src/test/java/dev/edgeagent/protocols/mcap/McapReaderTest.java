package dev.edgeagent.protocols.mcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link McapReader} on real files (ROS 2 recordings) and on broken ones. */
class McapReaderTest {

    /** The nebula files: Velodyne packets recorded with ROS 2, converted to uncompressed chunked MCAP. */
    @ParameterizedTest
    @CsvSource({
        "nebula_vlp16_velodyne_packets.mcap, /velodyne_packets, 4",
        "nebula_vlp32_velodyne_packets.mcap, /sensing/lidar/front/velodyne_packets, 5"})
    void nebulaFilesAreReadCompletely(String name, String topic, int messages) throws IOException {
        McapReader reader = McapReader.read(resource("/mcap/" + name));
        assertEquals("ros2", reader.header().profile());
        List<McapMessage> read = new ArrayList<>();
        reader.messages().forEach(read::add);
        assertEquals(messages, read.size());
        byte[] msgText = resource("/mcap/VelodyneScan.msg");
        long previous = 0;
        for (McapMessage m : read) {
            assertEquals(topic, m.topic());
            assertEquals("cdr", m.channel().messageEncoding());
            assertEquals("velodyne_msgs/msg/VelodyneScan", m.schema().name());
            assertEquals("ros2msg", m.schema().encoding());
            assertArrayEquals(msgText, m.schema().data());
            byte[] cdr = m.message().data();
            assertTrue(cdr.length > 50_000, "a scan of packets: " + cdr.length + " bytes");
            assertArrayEquals(new byte[] {0, 1, 0, 0}, Arrays.copyOf(cdr, 4), "CDR little-endian encapsulation");
            assertTrue(m.message().logTime() >= previous, "log times ascend");
            previous = m.message().logTime();
        }
        McapReader.Counts counts = reader.verify();
        assertEquals(messages, counts.messages());
        assertEquals(2, counts.chunks());
        McapRecord.Statistics st = reader.summary().statistics();
        assertEquals(read.get(0).message().logTime(), st.messageStartTime());
        assertEquals(previous, st.messageEndTime());
        assertEquals(2, reader.summary().chunkIndexes().size());
        reader.summary().chunkIndexes().forEach(c -> assertEquals("", c.compression()));
    }

    @Test
    void rosbag2FilesFromTheCppWriterAreRead() throws IOException {
        McapReader cdr = McapReader.read(resource("/mcap/rosbag2_cdr_test_0.mcap"));
        Map<String, Integer> perTopic = new TreeMap<>();
        cdr.messages().forEach(m -> perTopic.merge(m.topic() + " " + m.schema().name(), 1, Integer::sum));
        assertEquals(Map.of("/test_topic test_msgs/msg/BasicTypes", 3, "/array_topic test_msgs/msg/Arrays", 4), perTopic);
        assertEquals(7, cdr.verify().messages());

        McapReader services = McapReader.read(resource("/mcap/rosbag2_topics_and_services.mcap"));
        McapReader.Counts counts = services.verify();
        assertEquals(13, counts.messages());
        assertEquals(2, counts.metadata());
        List<McapRecord.Metadata> metadata = new ArrayList<>();
        services.records().forEach(r -> {
            if (r instanceof McapRecord.Metadata m) {
                metadata.add(m);
            }
        });
        assertEquals("rosbag2", metadata.get(0).name());
        assertTrue(metadata.get(0).metadata().containsKey("serialized_metadata"), metadata.get(0).metadata().keySet().toString());
        assertEquals(2, services.summary().metadataIndexes().size());
        assertEquals(5, services.summary().channels().size());
    }

    @Test
    void zstdChunksAreRefusedClearly() throws IOException {
        McapReader talker = McapReader.read(resource("/mcap/rosbag2_talker.mcap"));
        // the summary is readable without decompressing anything
        assertEquals(3, talker.summary().channels().size());
        McapRecord.ChunkIndex index = talker.summary().chunkIndexes().get(0);
        assertEquals("zstd", index.compression());
        McapFormatException e = assertThrows(McapFormatException.class, () -> talker.messages().forEach(m -> { }));
        assertTrue(e.getMessage().startsWith("chunk compression zstd is not supported"), e.getMessage());
        assertEquals("Chunk", e.record());
        assertEquals("compression", e.field());
        assertEquals(index.chunkStartOffset(), e.offset());
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        byte[] file = conformance("OneMessage/OneMessage-ch-chx-mx-rch-rsh-st-sum.mcap");
        McapFormatException e = assertThrows(McapFormatException.class,
                () -> McapReader.read(Arrays.copyOf(file, file.length - 1)));
        assertEquals("magic", e.field());
        assertEquals(file.length - 9, e.offset());
        e = assertThrows(McapFormatException.class, () -> McapReader.read(new byte[20]));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void aRecordLongerThanTheFileIsRefused() throws IOException {
        byte[] file = conformance("OneMessage/OneMessage.mcap");
        int schemaAt = schemaOffset(file);
        le(file).putLong(schemaAt + 1, 1L << 40);
        McapFormatException e = assertThrows(McapFormatException.class, () -> McapReader.read(file));
        assertEquals(schemaAt, e.offset());
        assertEquals("Schema", e.record());
        assertEquals("length", e.field());
    }

    @Test
    void aFieldLongerThanItsRecordIsRefused() throws IOException {
        byte[] file = conformance("OneMessage/OneMessage.mcap");
        le(file).putInt(8 + 9, 1000); // the Header's profile string claims 1000 bytes
        McapFormatException e = assertThrows(McapFormatException.class, () -> McapReader.read(file));
        assertEquals(8, e.offset());
        assertEquals("Header", e.record());
        assertEquals("profile", e.field());
    }

    @Test
    void crcMismatchesAreRefused() throws IOException {
        byte[] data = conformance("OneMessage/OneMessage.mcap");
        data[schemaOffset(data) + 12] ^= 1; // a byte of the schema's name
        McapFormatException e = assertThrows(McapFormatException.class, () -> McapReader.read(data));
        assertEquals("data_section_crc", e.field());

        byte[] summary = conformance("OneMessage/OneMessage-ch-chx-mx-rch-rsh-st-sum.mcap");
        McapReader good = McapReader.read(summary);
        summary[(int) good.footer().summaryStart() + 12] ^= 1;
        e = assertThrows(McapFormatException.class, () -> McapReader.read(summary));
        assertEquals("summary_crc", e.field());
        assertEquals(summary.length - 8 - 29, e.offset());
    }

    @Test
    void aMessageOnAnUndefinedChannelIsRefused() throws IOException {
        byte[] file = conformance("OneMessage/OneMessage.mcap");
        McapReader good = McapReader.read(file);
        int messageAt = (int) good.dataEndOffset() - (9 + 2 + 4 + 8 + 8 + 3);
        assertEquals(Opcode.MESSAGE.code, file[messageAt]);
        le(file).putShort(messageAt + 9, (short) 9);
        fixDataCrc(file, good.dataEndOffset());
        McapReader reader = McapReader.read(file);
        McapFormatException e = assertThrows(McapFormatException.class, () -> reader.messages().forEach(m -> { }));
        assertEquals(messageAt, e.offset());
        assertEquals("channel_id", e.field());
        assertTrue(e.getMessage().contains("channel id 9"), e.getMessage());
    }

    @Test
    void recordsCarryTheirFieldsAndUnknownOpcodesAreSkippedOver() throws IOException {
        McapReader reader = McapReader.read(conformance("OneAttachment/OneAttachment-ax-st-sum.mcap"));
        McapRecord.Attachment a = null;
        for (McapRecord r : reader.records()) {
            if (r instanceof McapRecord.Attachment x) {
                a = x;
            }
        }
        assertEquals("myFile", a.name());
        assertEquals("application/octet-stream", a.mediaType());
        assertArrayEquals(new byte[] {1, 2, 3}, a.data());
        assertTrue(a.crc() != 0, "the attachment CRC was present and checked");
        assertEquals(1, reader.summary().attachmentIndexes().size());
        assertEquals(Opcode.ATTACHMENT, a.opcode());

        // a private record (opcode 0x80) put before Data End in a file without a summary
        byte[] plain = conformance("OneMessage/OneMessage.mcap");
        int dataEnd = (int) McapReader.read(plain).dataEndOffset();
        byte[] extra = {(byte) 0x80, 3, 0, 0, 0, 0, 0, 0, 0, 7, 8, 9};
        byte[] file = new byte[plain.length + extra.length];
        System.arraycopy(plain, 0, file, 0, dataEnd);
        System.arraycopy(extra, 0, file, dataEnd, extra.length);
        System.arraycopy(plain, dataEnd, file, dataEnd + extra.length, plain.length - dataEnd);
        fixDataCrc(file, dataEnd + extra.length);
        McapReader withPrivate = McapReader.read(file);
        List<McapRecord> records = new ArrayList<>();
        withPrivate.records().forEach(records::add);
        McapRecord.Unknown unknown = (McapRecord.Unknown) records.get(records.size() - 3);
        assertEquals(0x80, unknown.code());
        assertArrayEquals(new byte[] {7, 8, 9}, unknown.content());
        assertNull(unknown.opcode(), "private opcodes are not in the table");
        assertEquals(1, withPrivate.verify().messages());
    }

    private static int schemaOffset(byte[] file) {
        int headerLength = (int) le(file).getLong(8 + 1);
        int at = 8 + 9 + headerLength;
        assertEquals(Opcode.SCHEMA.code, file[at]);
        return at;
    }

    private static void fixDataCrc(byte[] file, long dataEnd) {
        CRC32 crc = new CRC32();
        crc.update(file, 0, (int) dataEnd);
        le(file).putInt((int) dataEnd + 9, (int) crc.getValue());
    }

    private static ByteBuffer le(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] conformance(String path) throws IOException {
        return resource("/mcap-conformance/" + path);
    }

    static byte[] resource(String path) throws IOException {
        try (InputStream in = McapReaderTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return in.readAllBytes();
        }
    }
}
