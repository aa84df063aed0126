package dev.edgeagent.protocols.mcap;

import dev.edgeagent.protocols.mcap.McapRecord.Attachment;
import dev.edgeagent.protocols.mcap.McapRecord.AttachmentIndex;
import dev.edgeagent.protocols.mcap.McapRecord.Channel;
import dev.edgeagent.protocols.mcap.McapRecord.Chunk;
import dev.edgeagent.protocols.mcap.McapRecord.ChunkIndex;
import dev.edgeagent.protocols.mcap.McapRecord.DataEnd;
import dev.edgeagent.protocols.mcap.McapRecord.Footer;
import dev.edgeagent.protocols.mcap.McapRecord.Header;
import dev.edgeagent.protocols.mcap.McapRecord.Message;
import dev.edgeagent.protocols.mcap.McapRecord.MessageIndex;
import dev.edgeagent.protocols.mcap.McapRecord.Metadata;
import dev.edgeagent.protocols.mcap.McapRecord.MetadataIndex;
import dev.edgeagent.protocols.mcap.McapRecord.Schema;
import dev.edgeagent.protocols.mcap.McapRecord.Statistics;
import dev.edgeagent.protocols.mcap.McapRecord.SummaryOffset;
import dev.edgeagent.protocols.mcap.McapRecord.Unknown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Reads a whole MCAP file held in memory (up to 2 GiB). Opening it checks the magic at both ends, the
 * framing of every top-level record, that the Header comes first and a Data End and the Footer last, the
 * data section CRC, the summary CRC and the footer's offsets, and parses the summary. Iterating
 * {@link #records()} or {@link #messages()} decompresses chunks and checks their CRCs; {@link #verify()}
 * does that for the whole file and also cross-checks statistics and chunk indexes.
 *
 * <p>Records may carry bytes after their known fields (the spec lets records grow); they are skipped.
 * Unknown opcodes (private records) are yielded as {@link Unknown}. Chunk compression: "" and "lz4";
 * "zstd" is refused with a clear {@link McapFormatException}. Every format error is a
 * {@link McapFormatException} naming the byte offset, record and field.
 */
public final class McapReader {

    private static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', 0x30, '\r', '\n'};
    private static final int FOOTER_LENGTH = 1 + 8 + 20;

    private final byte[] b;
    private final int base;
    private final int size;
    private final Header header;
    private final Footer footer;
    private final long dataEndOffset;
    private final DataEnd dataEnd;
    private final McapSummary summary;

    private McapReader(byte[] bytes, int base, int size) {
        this.b = bytes;
        this.base = base;
        this.size = size;
        if (size < MAGIC.length * 2 + FOOTER_LENGTH + 9) {
            throw new McapFormatException(0, "file", null, "too short for an MCAP file: " + size + " bytes");
        }
        checkMagic(0);
        checkMagic(size - MAGIC.length);
        long footerOffset = size - MAGIC.length - FOOTER_LENGTH;
        if (b[base + (int) footerOffset] != Opcode.FOOTER.code || u64(footerOffset + 1) != 20) {
            throw new McapFormatException(footerOffset, "Footer", null,
                    "the file does not end with a 20-byte Footer record and the magic");
        }
        footer = (Footer) parse(b, base + (int) footerOffset, footerOffset, "");

        // walk the top-level records: framing, Header first, Data End, then the summary
        long p = MAGIC.length;
        long dataEndAt = -1;
        DataEnd end = null;
        Header first = null;
        Statistics statistics = null;
        Map<Integer, Schema> schemas = new LinkedHashMap<>();
        Map<Integer, Channel> channels = new LinkedHashMap<>();
        List<ChunkIndex> chunkIndexes = new ArrayList<>();
        List<AttachmentIndex> attachmentIndexes = new ArrayList<>();
        List<MetadataIndex> metadataIndexes = new ArrayList<>();
        List<SummaryOffset> summaryOffsets = new ArrayList<>();
        List<Long> summaryRecords = new ArrayList<>();
        long summaryRecordsAt = 0;
        long offsetsAt = 0;
        while (p < footerOffset) {
            int op = b[base + (int) p] & 0xFF;
            long length = u64(p + 1);
            if (op == 0) {
                throw new McapFormatException(p, "record", "opcode", "opcode 0 is not a valid record");
            }
            if (Long.compareUnsigned(length, footerOffset - p - 9) > 0) {
                throw new McapFormatException(p, name(op), "length", "record of " + Long.toUnsignedString(length)
                        + " bytes overruns the file (" + (footerOffset - p - 9) + " bytes before the Footer)");
            }
            if (first == null) {
                if (op != Opcode.HEADER.code) {
                    throw new McapFormatException(p, name(op), null, "the first record must be the Header");
                }
                first = (Header) parse(b, base + (int) p, p, "");
            } else if (op == Opcode.HEADER.code || op == Opcode.FOOTER.code) {
                throw new McapFormatException(p, name(op), null, "a second " + name(op) + " record");
            } else if (end == null) {
                if (op == Opcode.DATA_END.code) {
                    dataEndAt = p;
                    end = (DataEnd) parse(b, base + (int) p, p, "");
                }
            } else { // summary section: parsed once its CRC is checked
                summaryRecords.add(p);
                if (op == Opcode.SUMMARY_OFFSET.code) {
                    offsetsAt = offsetsAt == 0 ? p : offsetsAt;
                } else if (offsetsAt != 0) {
                    throw new McapFormatException(p, name(op), null, "summary record after the summary offsets");
                } else {
                    summaryRecordsAt = summaryRecordsAt == 0 ? p : summaryRecordsAt;
                }
            }
            p += 9 + length;
        }
        if (first == null) {
            throw new McapFormatException(MAGIC.length, "Header", null, "no Header record");
        }
        if (end == null) {
            throw new McapFormatException(footerOffset, "DataEnd", null, "no Data End record before the Footer");
        }
        header = first;
        dataEnd = end;
        dataEndOffset = dataEndAt;

        CRC32 crc = new CRC32();
        if (end.dataSectionCrc() != 0) {
            crc.update(b, base, (int) dataEndAt);
            if (crc.getValue() != end.dataSectionCrc()) {
                throw new McapFormatException(dataEndAt, "DataEnd", "data_section_crc", "data section CRC mismatch: "
                        + "computed " + crc.getValue() + ", stored " + end.dataSectionCrc());
            }
        }
        long summaryFrom = dataEndAt + 9 + u64(dataEndAt + 1);
        if (footer.summaryCrc() != 0) {
            crc.reset();
            crc.update(b, base + (int) summaryFrom, (int) (footerOffset + 1 + 8 + 16 - summaryFrom));
            if (crc.getValue() != footer.summaryCrc()) {
                throw new McapFormatException(footerOffset, "Footer", "summary_crc", "summary CRC mismatch: "
                        + "computed " + crc.getValue() + ", stored " + footer.summaryCrc());
            }
        }
        for (long at : summaryRecords) {
            McapRecord r = parse(b, base + (int) at, at, "");
            if (r instanceof SummaryOffset x) {
                summaryOffsets.add(x);
            } else if (r instanceof Schema x) {
                schemas.put(x.id(), x);
            } else if (r instanceof Channel x) {
                channels.put(x.id(), x);
            } else if (r instanceof Statistics x) {
                statistics = x;
            } else if (r instanceof ChunkIndex x) {
                chunkIndexes.add(x);
            } else if (r instanceof AttachmentIndex x) {
                attachmentIndexes.add(x);
            } else if (r instanceof MetadataIndex x) {
                metadataIndexes.add(x);
            } else if (!(r instanceof Unknown)) {
                throw new McapFormatException(at, name(r.opcode().code), null,
                        "a " + name(r.opcode().code) + " record may not appear in the summary section");
            }
        }
        if (footer.summaryStart() != 0 && footer.summaryStart() != summaryRecordsAt) {
            throw new McapFormatException(footerOffset, "Footer", "summary_start", "summary_start "
                    + footer.summaryStart() + " is not where the summary's first record is (" + summaryRecordsAt + ")");
        }
        if (footer.summaryOffsetStart() != 0 && footer.summaryOffsetStart() != offsetsAt) {
            throw new McapFormatException(footerOffset, "Footer", "summary_offset_start", "summary_offset_start "
                    + footer.summaryOffsetStart() + " is not where the first Summary Offset record is (" + offsetsAt + ")");
        }
        for (SummaryOffset so : summaryOffsets) {
            long groupEnd = so.groupStart() + so.groupLength();
            if (so.groupStart() < summaryFrom || groupEnd > offsetsAt || groupEnd < so.groupStart()
                    || so.groupLength() == 0 || (b[base + (int) so.groupStart()] & 0xFF) != so.groupOpcode()) {
                throw new McapFormatException(offsetsAt, "SummaryOffset", "group_start", "group of opcode "
                        + so.groupOpcode() + " at " + so.groupStart() + "+" + so.groupLength()
                        + " does not match the summary");
            }
        }
        summary = new McapSummary(statistics, Collections.unmodifiableMap(schemas),
                Collections.unmodifiableMap(channels), List.copyOf(chunkIndexes), List.copyOf(attachmentIndexes),
                List.copyOf(metadataIndexes), List.copyOf(summaryOffsets));
    }

    /** Reads and checks a file (see the class comment). */
    public static McapReader read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new McapReader(bytes, 0, bytes.length);
    }

    /** Reads the bytes from the buffer's position to its limit; the buffer must not change while this reader is used. */
    public static McapReader read(ByteBuffer data) {
        if (data.hasArray()) {
            return new McapReader(data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return new McapReader(copy, 0, copy.length);
    }

    public static McapReader read(byte[] data) {
        return new McapReader(data, 0, data.length);
    }

    public Header header() {
        return header;
    }

    public Footer footer() {
        return footer;
    }

    public DataEnd dataEnd() {
        return dataEnd;
    }

    /** File offset of the Data End record, i.e. the length of the data section. */
    public long dataEndOffset() {
        return dataEndOffset;
    }

    public McapSummary summary() {
        return summary;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    /**
     * Every record in file order, Header to Footer: a Chunk record is followed by the records inside it
     * (decompressed, CRC-checked), then the Message Index records after it, and so on.
     */
    public Iterable<McapRecord> records() {
        return RecordIterator::new;
    }

    /** Every message in file order with its channel and schema, checking that they were defined before it. */
    public Iterable<McapMessage> messages() {
        return () -> new Iterator<>() {
            final RecordIterator records = new RecordIterator();
            final Map<Integer, Schema> schemas = new HashMap<>();
            final Map<Integer, Channel> channels = new HashMap<>();
            McapMessage next;

            @Override
            public boolean hasNext() {
                while (next == null && records.hasNext()) {
                    McapRecord r = records.next();
                    if (r instanceof Schema s) {
                        schemas.put(s.id(), s);
                    } else if (r instanceof Channel c) {
                        channels.put(c.id(), c);
                    } else if (r instanceof Message m) {
                        next = resolve(m, channels, schemas, records.offset);
                    } else if (r instanceof DataEnd) {
                        return false;
                    }
                }
                return next != null;
            }

            @Override
            public McapMessage next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                McapMessage m = next;
                next = null;
                return m;
            }
        };
    }

    /** What {@link #verify()} counted. */
    public record Counts(long messages, long chunks, int schemas, int channels, long attachments, long metadata,
                         Map<Integer, Long> channelMessageCounts) {
    }

    /**
     * Reads the whole file: every chunk decompressed and CRC-checked, every message's channel and schema
     * resolved, and the Statistics record and chunk indexes (where present) checked against what is there.
     */
    public Counts verify() {
        Map<Integer, Schema> schemas = new HashMap<>();
        Map<Integer, Channel> channels = new HashMap<>();
        Map<Integer, Long> perChannel = new TreeMap<>();
        List<Long> chunkOffsets = new ArrayList<>();
        long messages = 0;
        long attachments = 0;
        long metadata = 0;
        long start = 0;
        long end = 0;
        RecordIterator it = new RecordIterator();
        while (it.hasNext()) {
            McapRecord r = it.next();
            if (it.offset >= dataEndOffset) {
                break;
            }
            if (r instanceof Schema s) {
                schemas.put(s.id(), s);
            } else if (r instanceof Channel c) {
                channels.put(c.id(), c);
            } else if (r instanceof Message m) {
                resolve(m, channels, schemas, it.offset);
                if (messages == 0 || Long.compareUnsigned(m.logTime(), start) < 0) {
                    start = m.logTime();
                }
                if (messages == 0 || Long.compareUnsigned(m.logTime(), end) > 0) {
                    end = m.logTime();
                }
                messages++;
                perChannel.merge(m.channelId(), 1L, Long::sum);
            } else if (r instanceof Chunk) {
                chunkOffsets.add(it.offset);
            } else if (r instanceof Attachment) {
                attachments++;
            } else if (r instanceof Metadata) {
                metadata++;
            }
        }
        Statistics st = summary.statistics();
        if (st != null) {
            long at = footer.summaryStart();
            checkStat(at, "message_count", st.messageCount(), messages);
            checkStat(at, "chunk_count", st.chunkCount(), chunkOffsets.size());
            checkStat(at, "attachment_count", st.attachmentCount(), attachments);
            checkStat(at, "metadata_count", st.metadataCount(), metadata);
            checkStat(at, "message_start_time", st.messageStartTime(), start);
            checkStat(at, "message_end_time", st.messageEndTime(), end);
            if (!st.channelMessageCounts().isEmpty() && !new TreeMap<>(st.channelMessageCounts()).equals(perChannel)) {
                throw new McapFormatException(at, "Statistics", "channel_message_counts", "says "
                        + st.channelMessageCounts() + ", the file has " + perChannel);
            }
        }
        if (!summary.chunkIndexes().isEmpty()) {
            List<Long> indexed = summary.chunkIndexes().stream().map(ChunkIndex::chunkStartOffset).toList();
            if (!indexed.equals(chunkOffsets)) {
                throw new McapFormatException(footer.summaryStart(), "ChunkIndex", "chunk_start_offset",
                        "chunk indexes point at " + indexed + ", the chunks are at " + chunkOffsets);
            }
        }
        return new Counts(messages, chunkOffsets.size(), schemas.size(), channels.size(), attachments, metadata,
                Collections.unmodifiableMap(perChannel));
    }

    private static void checkStat(long at, String field, long stated, long actual) {
        if (stated != actual) {
            throw new McapFormatException(at, "Statistics", field, "says " + Long.toUnsignedString(stated)
                    + ", the file has " + Long.toUnsignedString(actual));
        }
    }

    private McapMessage resolve(Message m, Map<Integer, Channel> channels, Map<Integer, Schema> schemas, long at) {
        Channel c = channels.getOrDefault(m.channelId(), summary.channels().get(m.channelId()));
        if (c == null) {
            throw new McapFormatException(at, "Message", "channel_id", "no Channel record for channel id "
                    + m.channelId() + " before this message");
        }
        Schema s = null;
        if (c.schemaId() != 0) {
            s = schemas.getOrDefault(c.schemaId(), summary.schemas().get(c.schemaId()));
            if (s == null) {
                throw new McapFormatException(at, "Channel", "schema_id", "channel " + c.id()
                        + " refers to schema id " + c.schemaId() + " that no Schema record defines");
            }
        }
        return new McapMessage(c, s, m);
    }

    /** Walks the file's records, descending into chunks. */
    private final class RecordIterator implements Iterator<McapRecord> {
        private long p = MAGIC.length;
        /** File offset of the last record returned (of its chunk, for a record inside one). */
        long offset;
        private byte[] inner;
        private int innerStart;
        private int ip;
        private int innerEnd;
        private long chunkAt;
        private McapRecord next;

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public McapRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            McapRecord r = next;
            next = null;
            return r;
        }

        private McapRecord advance() {
            if (inner != null) {
                if (ip < innerEnd) {
                    int at = ip - innerStart;
                    String where = " inside the chunk at uncompressed offset " + at;
                    int op = inner[ip] & 0xFF;
                    if (innerEnd - ip < 9) {
                        throw new McapFormatException(chunkAt, name(op), "length", "record header truncated" + where);
                    }
                    long length = leU64(inner, ip + 1);
                    if (op == 0) {
                        throw new McapFormatException(chunkAt, "record", "opcode", "opcode 0 is not a valid record" + where);
                    }
                    if (Long.compareUnsigned(length, innerEnd - ip - 9) > 0) {
                        throw new McapFormatException(chunkAt, name(op), "length", "record of "
                                + Long.toUnsignedString(length) + " bytes overruns the chunk" + where);
                    }
                    McapRecord r = parse(inner, ip, chunkAt, where);
                    ip += 9 + (int) length;
                    offset = chunkAt;
                    return r;
                }
                inner = null;
            }
            if (p >= size - MAGIC.length) {
                return null;
            }
            McapRecord r = parse(b, base + (int) p, p, "");
            offset = p;
            if (r instanceof Chunk c) {
                openChunk(c, p);
            }
            p += 9 + u64(p + 1);
            return r;
        }

        private void openChunk(Chunk c, long at) {
            long n = c.uncompressedSize();
            if (n < 0 || n > Integer.MAX_VALUE - 16) {
                throw new McapFormatException(at, "Chunk", "uncompressed_size", "chunk of "
                        + Long.toUnsignedString(n) + " bytes is too large for this reader");
            }
            int recordsAt = base + (int) c.recordsOffset();
            int length = (int) c.recordsLength();
            switch (c.compression()) {
                case "" -> {
                    if (length != n) {
                        throw new McapFormatException(at, "Chunk", "uncompressed_size", "uncompressed chunk of "
                                + length + " bytes declares uncompressed_size " + n);
                    }
                    inner = b;
                    innerStart = recordsAt;
                }
                case "lz4" -> {
                    inner = new byte[(int) n];
                    innerStart = 0;
                    int got = Lz4Frame.decode(b, recordsAt, length, inner, 0, (int) n, c.recordsOffset());
                    if (got != n) {
                        throw new McapFormatException(at, "Chunk", "uncompressed_size", "LZ4 data decompressed to "
                                + got + " bytes, uncompressed_size says " + n);
                    }
                }
                case "zstd" -> throw new McapFormatException(at, "Chunk", "compression",
                        "chunk compression zstd is not supported");
                default -> throw new McapFormatException(at, "Chunk", "compression",
                        "unknown chunk compression \"" + c.compression() + "\"");
            }
            ip = innerStart;
            innerEnd = innerStart + (int) n;
            chunkAt = at;
            if (c.uncompressedCrc() != 0) {
                CRC32 crc = new CRC32();
                crc.update(inner, innerStart, (int) n);
                if (crc.getValue() != c.uncompressedCrc()) {
                    throw new McapFormatException(at, "Chunk", "uncompressed_crc", "chunk CRC mismatch: computed "
                            + crc.getValue() + ", stored " + c.uncompressedCrc());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // record parsing

    /**
     * Parses the record whose opcode is at {@code array[i]}; its framing was checked by the caller.
     *
     * @param at    file offset to report (the record's, or its chunk's)
     * @param where text appended to error messages, locating a record inside a chunk
     */
    private McapRecord parse(byte[] array, int i, long at, String where) {
        int op = array[i] & 0xFF;
        long length = leU64(array, i + 1);
        Fields f = new Fields(array, i + 9, i + 9 + (int) length, at, name(op), where);
        Opcode opcode = Opcode.of(op);
        if (opcode == null) {
            return new Unknown(op, f.bytes((int) length, "content"));
        }
        return switch (opcode) {
            case HEADER -> new Header(f.str("profile"), f.str("library"));
            case FOOTER -> new Footer(f.u64("summary_start"), f.u64("summary_offset_start"), f.u32("summary_crc"));
            case SCHEMA -> new Schema(f.u16("id"), f.str("name"), f.str("encoding"), f.bytes32("data"));
            case CHANNEL -> new Channel(f.u16("id"), f.u16("schema_id"), f.str("topic"), f.str("message_encoding"),
                    f.stringMap("metadata"));
            case MESSAGE -> new Message(f.u16("channel_id"), f.u32("sequence"), f.u64("log_time"),
                    f.u64("publish_time"), f.bytes(f.end - f.p, "data"));
            case CHUNK -> {
                long start = f.u64("message_start_time");
                long end = f.u64("message_end_time");
                long uncompressedSize = f.u64("uncompressed_size");
                long crc = f.u32("uncompressed_crc");
                String compression = f.str("compression");
                long recordsLength = f.u64("records");
                f.need(recordsLength, "records");
                long recordsOffset = at + (f.p - i); // top-level only: chunks do not nest
                yield new Chunk(start, end, uncompressedSize, crc, compression, recordsOffset, recordsLength);
            }
            case MESSAGE_INDEX -> {
                int channel = f.u16("channel_id");
                long bytes = f.u32("records");
                if (bytes % 16 != 0) {
                    throw f.error("records", "array of " + bytes + " bytes is not a whole number of 16-byte entries");
                }
                f.need(bytes, "records");
                long[] entries = new long[(int) (bytes / 8)];
                for (int k = 0; k < entries.length; k++) {
                    entries[k] = f.u64("records");
                }
                yield new MessageIndex(channel, entries);
            }
            case CHUNK_INDEX -> new ChunkIndex(f.u64("message_start_time"), f.u64("message_end_time"),
                    f.u64("chunk_start_offset"), f.u64("chunk_length"), f.u16u64Map("message_index_offsets"),
                    f.u64("message_index_length"), f.str("compression"), f.u64("compressed_size"),
                    f.u64("uncompressed_size"));
            case ATTACHMENT -> {
                int crcFrom = f.p;
                long logTime = f.u64("log_time");
                long createTime = f.u64("create_time");
                String name = f.str("name");
                String mediaType = f.str("media_type");
                byte[] data = f.bytes64("data");
                int crcTo = f.p;
                long crc = f.u32("crc");
                if (crc != 0) {
                    CRC32 c = new CRC32();
                    c.update(array, crcFrom, crcTo - crcFrom);
                    if (c.getValue() != crc) {
                        throw f.error("crc", "attachment CRC mismatch: computed " + c.getValue() + ", stored " + crc);
                    }
                }
                yield new Attachment(logTime, createTime, name, mediaType, data, crc);
            }
            case ATTACHMENT_INDEX -> new AttachmentIndex(f.u64("offset"), f.u64("length"), f.u64("log_time"),
                    f.u64("create_time"), f.u64("data_size"), f.str("name"), f.str("media_type"));
            case STATISTICS -> new Statistics(f.u64("message_count"), f.u16("schema_count"), f.u32("channel_count"),
                    f.u32("attachment_count"), f.u32("metadata_count"), f.u32("chunk_count"),
                    f.u64("message_start_time"), f.u64("message_end_time"), f.u16u64Map("channel_message_counts"));
            case METADATA -> new Metadata(f.str("name"), f.stringMap("metadata"));
            case METADATA_INDEX -> new MetadataIndex(f.u64("offset"), f.u64("length"), f.str("name"));
            case SUMMARY_OFFSET -> new SummaryOffset(f.u8("group_opcode"), f.u64("group_start"), f.u64("group_length"));
            case DATA_END -> new DataEnd(f.u32("data_section_crc"));
        };
    }

    /** Reads the fields of one record, never past its end; bytes after the known fields are left unread. */
    private static final class Fields {
        final byte[] a;
        int p;
        final int end;
        final long at;
        final String record;
        final String where;

        Fields(byte[] a, int p, int end, long at, String record, String where) {
            this.a = a;
            this.p = p;
            this.end = end;
            this.at = at;
            this.record = record;
            this.where = where;
        }

        McapFormatException error(String field, String message) {
            return new McapFormatException(at, record, field, message + where);
        }

        void need(long n, String field) {
            if (n < 0 || n > end - p) {
                throw error(field, "field needs " + Long.toUnsignedString(n) + " bytes, the record has "
                        + (end - p) + " left");
            }
        }

        int u8(String field) {
            need(1, field);
            return a[p++] & 0xFF;
        }

        int u16(String field) {
            need(2, field);
            int v = (a[p] & 0xFF) | (a[p + 1] & 0xFF) << 8;
            p += 2;
            return v;
        }

        long u32(String field) {
            need(4, field);
            long v = (a[p] & 0xFFL) | (a[p + 1] & 0xFFL) << 8 | (a[p + 2] & 0xFFL) << 16 | (a[p + 3] & 0xFFL) << 24;
            p += 4;
            return v;
        }

        long u64(String field) {
            need(8, field);
            long v = leU64(a, p);
            p += 8;
            return v;
        }

        byte[] bytes(int n, String field) {
            need(n, field);
            byte[] v = new byte[n];
            System.arraycopy(a, p, v, 0, n);
            p += n;
            return v;
        }

        byte[] bytes32(String field) {
            long n = u32(field);
            need(n, field);
            return bytes((int) n, field);
        }

        byte[] bytes64(String field) {
            long n = u64(field);
            need(n, field);
            return bytes((int) n, field);
        }

        String str(String field) {
            long n = u32(field);
            need(n, field);
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(a, p, (int) n)).toString();
                p += (int) n;
                return s;
            } catch (CharacterCodingException e) {
                throw error(field, "string is not valid UTF-8");
            }
        }

        /** A map field: uint32 byte length, then entries that must fill it exactly. */
        private int mapEnd(String field) {
            long n = u32(field);
            need(n, field);
            return p + (int) n;
        }

        Map<String, String> stringMap(String field) {
            int mapEnd = mapEnd(field);
            Fields m = new Fields(a, p, mapEnd, at, record, where);
            Map<String, String> map = new LinkedHashMap<>();
            while (m.p < mapEnd) {
                map.put(m.str(field), m.str(field));
            }
            p = mapEnd;
            return Collections.unmodifiableMap(map);
        }

        Map<Integer, Long> u16u64Map(String field) {
            int mapEnd = mapEnd(field);
            Fields m = new Fields(a, p, mapEnd, at, record, where);
            Map<Integer, Long> map = new LinkedHashMap<>();
            while (m.p < mapEnd) {
                map.put(m.u16(field), m.u64(field));
            }
            p = mapEnd;
            return Collections.unmodifiableMap(map);
        }
    }

    private void checkMagic(long at) {
        for (int k = 0; k < MAGIC.length; k++) {
            if (b[base + (int) at + k] != MAGIC[k]) {
                throw new McapFormatException(at, "file", "magic", "no MCAP magic (0x89 'MCAP0' CR LF)");
            }
        }
    }

    private long u64(long at) {
        return leU64(b, base + (int) at);
    }

    private static long leU64(byte[] a, int i) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | (a[i + k] & 0xFF);
        }
        return v;
    }

    private static String name(int op) {
        Opcode o = Opcode.of(op);
        if (o == null) {
            return String.format("record 0x%02X", op);
        }
        String[] parts = o.name().toLowerCase().split("_");
        StringBuilder s = new StringBuilder();
        for (String part : parts) {
            s.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return s.toString();
    }
}
