package dev.edgeagent.protocols.mcap;

import java.util.Map;

/**
 * One MCAP record as {@link McapReader} yields it. Field names follow the spec; unsigned integers are
 * held in the next wider Java type (uint16 in int, uint32 in long) except uint64, which is a Java long
 * to be read with {@link Long#toUnsignedString(long)} where it may exceed 2^63. Maps keep file order.
 */
public sealed interface McapRecord {

    Opcode opcode();

    record Header(String profile, String library) implements McapRecord {
        public Opcode opcode() { return Opcode.HEADER; }
    }

    record Footer(long summaryStart, long summaryOffsetStart, long summaryCrc) implements McapRecord {
        public Opcode opcode() { return Opcode.FOOTER; }
    }

    record Schema(int id, String name, String encoding, byte[] data) implements McapRecord {
        public Opcode opcode() { return Opcode.SCHEMA; }
    }

    record Channel(int id, int schemaId, String topic, String messageEncoding, Map<String, String> metadata)
            implements McapRecord {
        public Opcode opcode() { return Opcode.CHANNEL; }
    }

    record Message(int channelId, long sequence, long logTime, long publishTime, byte[] data) implements McapRecord {
        public Opcode opcode() { return Opcode.MESSAGE; }
    }

    /**
     * A chunk as stored; its records follow it in {@link McapReader#records()}.
     *
     * @param recordsOffset file offset of the (possibly compressed) records field's bytes
     * @param recordsLength their length, the compressed size
     */
    record Chunk(long messageStartTime, long messageEndTime, long uncompressedSize, long uncompressedCrc,
                 String compression, long recordsOffset, long recordsLength) implements McapRecord {
        public Opcode opcode() { return Opcode.CHUNK; }
    }

    /** @param entries (log_time, offset into the uncompressed chunk) pairs, flattened */
    record MessageIndex(int channelId, long[] entries) implements McapRecord {
        public Opcode opcode() { return Opcode.MESSAGE_INDEX; }

        public int size() { return entries.length / 2; }
    }

    record ChunkIndex(long messageStartTime, long messageEndTime, long chunkStartOffset, long chunkLength,
                      Map<Integer, Long> messageIndexOffsets, long messageIndexLength, String compression,
                      long compressedSize, long uncompressedSize) implements McapRecord {
        public Opcode opcode() { return Opcode.CHUNK_INDEX; }
    }

    record Attachment(long logTime, long createTime, String name, String mediaType, byte[] data, long crc)
            implements McapRecord {
        public Opcode opcode() { return Opcode.ATTACHMENT; }
    }

    record AttachmentIndex(long offset, long length, long logTime, long createTime, long dataSize, String name,
                           String mediaType) implements McapRecord {
        public Opcode opcode() { return Opcode.ATTACHMENT_INDEX; }
    }

    record Statistics(long messageCount, int schemaCount, long channelCount, long attachmentCount,
                      long metadataCount, long chunkCount, long messageStartTime, long messageEndTime,
                      Map<Integer, Long> channelMessageCounts) implements McapRecord {
        public Opcode opcode() { return Opcode.STATISTICS; }
    }

    record Metadata(String name, Map<String, String> metadata) implements McapRecord {
        public Opcode opcode() { return Opcode.METADATA; }
    }

    record MetadataIndex(long offset, long length, String name) implements McapRecord {
        public Opcode opcode() { return Opcode.METADATA_INDEX; }
    }

    record SummaryOffset(int groupOpcode, long groupStart, long groupLength) implements McapRecord {
        public Opcode opcode() { return Opcode.SUMMARY_OFFSET; }
    }

    record DataEnd(long dataSectionCrc) implements McapRecord {
        public Opcode opcode() { return Opcode.DATA_END; }
    }

    /** A record whose opcode this reader does not know (private 0x80-0xFF, or from a newer spec): skipped over. */
    record Unknown(int code, byte[] content) implements McapRecord {
        public Opcode opcode() { return null; }
    }
}
