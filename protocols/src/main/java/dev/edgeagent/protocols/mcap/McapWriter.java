package dev.edgeagent.protocols.mcap;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Writes an MCAP file (https://mcap.dev/spec) to a channel, e.g. a {@link java.nio.channels.FileChannel}.
 *
 * <p>Magic and Header go into the output buffer at construction. Schemas and channels are written where
 * they are added (into the open chunk when chunking) and, if asked, repeated in the summary. Messages are
 * appended to the open chunk, which is compressed and written once it reaches {@code chunkSize}, followed
 * by its Message Index records. {@link #finish()} writes the last chunk, Data End, the summary (schemas,
 * channels, statistics, metadata, attachment and chunk indexes, in that order, as upstream's writers do),
 * the summary offsets, the Footer and the closing magic.
 *
 * <p>{@code writeMessage} allocates nothing once the buffers have grown to the working size: records are
 * serialized into reused buffers, LZ4 frames are encoded in one shot into a reused buffer, and the index
 * entries of the open chunk are kept in reused per-channel arrays. Not thread-safe.
 *
 * <p>After an {@link IOException} the file is incomplete and the writer refuses further calls.
 */
public final class McapWriter implements AutoCloseable {

    /** Largest uncompressed chunk; a message that would take a chunk past it starts a new one. */
    public static final int MAX_CHUNK_SIZE = 1 << 30;
    private static final int MESSAGE_HEADER = 1 + 8 + 2 + 4 + 8 + 8;
    /** Unchunked output is handed to the channel in pieces of about this size. */
    private static final int FLUSH_AT = 1 << 20;
    private static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', 0x30, '\r', '\n'};
    private static final byte[] NO_COMPRESSION = new byte[0];
    private static final byte[] LZ4 = McapWriterOptions.Compression.LZ4.id.getBytes(StandardCharsets.US_ASCII);

    private WritableByteChannel out;
    private final String profile;
    private final String library;
    private final boolean useMessageIndex;
    private final boolean useChunkIndex;
    private final boolean useStatistics;
    private final boolean useSummaryOffsets;
    private final boolean repeatSchemas;
    private final boolean repeatChannels;
    private final boolean useAttachmentIndex;
    private final boolean useMetadataIndex;
    private final int chunkSize;
    private final Lz4Frame lz4;

    /** File bytes not yet handed to {@link #out}. */
    private final RecordBuffer pending = new RecordBuffer(64 * 1024);
    /** Uncompressed records of the open chunk; null when not chunking. */
    private final RecordBuffer chunk;
    private final RecordBuffer summarySchemas = new RecordBuffer(256);
    private final RecordBuffer summaryChannels = new RecordBuffer(256);
    private final RecordBuffer chunkIndexes = new RecordBuffer(256);
    private final RecordBuffer attachmentIndexes = new RecordBuffer(64);
    private final RecordBuffer metadataIndexes = new RecordBuffer(64);
    private final CRC32 dataCrc = new CRC32();
    private final CRC32 scratchCrc = new CRC32();
    /** Reused views over the arrays handed to the channel: pending, raw chunk, LZ4 frame. */
    private final ByteBuffer[] views = new ByteBuffer[3];

    private final boolean[] schemaKnown = new boolean[0x10000];
    private int nextSchemaId = 1;
    private int nextChannelId = 1;
    // per channel id, grown as channels are added
    private boolean[] channelKnown = new boolean[0];
    private long[] channelMessages = new long[0];
    private long[][] chunkEntries = new long[0][];
    private int[] chunkEntryCount = new int[0];
    // channels with messages in the open chunk, in order of their first message; and their index offsets
    private int[] chunkChannels = new int[0];
    private long[] messageIndexOffsets = new long[0];
    private int chunkChannelCount;
    private int chunkMessages;
    private long chunkStartTime;
    private long chunkEndTime;

    private long flushed;
    private long messageCount;
    private int schemaCount;
    private long channelCount;
    private long attachmentCount;
    private long metadataCount;
    private long chunkCount;
    private long messageStartTime;
    private long messageEndTime;
    private long uncompressedBytes;
    private long compressedBytes;
    private boolean finished;
    private boolean failed;

    public McapWriter(WritableByteChannel out, McapWriterOptions options) {
        this.out = Objects.requireNonNull(out, "out");
        this.useMessageIndex = options.useChunks() && options.useMessageIndex();
        this.useChunkIndex = options.useChunks() && options.useChunkIndex();
        this.useStatistics = options.useStatistics();
        this.useSummaryOffsets = options.useSummaryOffsets();
        this.repeatSchemas = options.repeatSchemas();
        this.repeatChannels = options.repeatChannels();
        this.useAttachmentIndex = options.useAttachmentIndex();
        this.useMetadataIndex = options.useMetadataIndex();
        this.chunkSize = options.chunkSize();
        // starts small and grows (by half) to what the stream's chunks need, then stays: a writer for a stream of a
        // few events a minute holds kilobytes, not a full chunk (an agent has dozens of writers on one small heap)
        this.chunk = options.useChunks()
                ? new RecordBuffer((int) Math.min(options.chunkSize() + options.chunkSize() / 8L, 64 << 10)) : null;
        this.lz4 = options.useChunks() && options.compression() == McapWriterOptions.Compression.LZ4
                ? new Lz4Frame() : null;
        this.profile = options.profile();
        this.library = options.library();
        writeHeader();
    }

    private void writeHeader() {
        pending.bytes(MAGIC, 0, MAGIC.length);
        int at = pending.begin(Opcode.HEADER);
        pending.str(profile).str(library);
        pending.end(at);
    }

    /**
     * Starts a new file on {@code next} with the same options, keeping every buffer (the chunk, the LZ4 state and
     * output, the indexes): a writer that makes one file after another allocates nothing per file. The previous
     * file must be {@link #finish()}ed; its channel is left to its owner.
     */
    public void reset(WritableByteChannel next) {
        if (!finished && !failed && messageCount + schemaCount + channelCount + attachmentCount + metadataCount > 0) {
            throw new IllegalStateException("the current MCAP file is not finished");
        }
        out = Objects.requireNonNull(next, "next");
        pending.reset();
        if (chunk != null) {
            chunk.reset();
        }
        summarySchemas.reset();
        summaryChannels.reset();
        chunkIndexes.reset();
        attachmentIndexes.reset();
        metadataIndexes.reset();
        dataCrc.reset();
        Arrays.fill(schemaKnown, false);
        Arrays.fill(channelKnown, false);
        Arrays.fill(channelMessages, 0);
        Arrays.fill(chunkEntryCount, 0);
        nextSchemaId = 1;
        nextChannelId = 1;
        chunkChannelCount = 0;
        chunkMessages = 0;
        chunkStartTime = 0;
        chunkEndTime = 0;
        flushed = 0;
        messageCount = 0;
        schemaCount = 0;
        channelCount = 0;
        attachmentCount = 0;
        metadataCount = 0;
        chunkCount = 0;
        messageStartTime = 0;
        messageEndTime = 0;
        uncompressedBytes = 0;
        compressedBytes = 0;
        finished = false;
        failed = false;
        writeHeader();
    }

    /** Adds a schema under the next free id (from 1) and returns the id. */
    public int addSchema(String name, String encoding, byte[] data) throws IOException {
        while (nextSchemaId <= 0xFFFF && schemaKnown[nextSchemaId]) {
            nextSchemaId++;
        }
        return addSchema(nextSchemaId, name, encoding, data);
    }

    /** Adds a schema under the given id (1..65535, not yet used) and returns the id. */
    public int addSchema(int id, String name, String encoding, byte[] data) throws IOException {
        checkWritable();
        if (id < 1 || id > 0xFFFF || schemaKnown[id]) {
            throw new IllegalArgumentException("schema id must be 1..65535 and unused, got " + id);
        }
        byte[] n = utf8(name, "name");
        byte[] e = utf8(encoding, "encoding");
        Objects.requireNonNull(data, "data");
        RecordBuffer to = chunk != null ? chunk : pending;
        schemaRecord(to, id, n, e, data);
        if (repeatSchemas) {
            schemaRecord(summarySchemas, id, n, e, data);
        }
        schemaKnown[id] = true;
        schemaCount++;
        afterWrite();
        return id;
    }

    /** Adds a channel under the next free id (from 1) and returns the id; {@code schemaId} 0 means no schema. */
    public int addChannel(int schemaId, String topic, String messageEncoding, Map<String, String> metadata)
            throws IOException {
        while (nextChannelId < channelKnown.length && channelKnown[nextChannelId]) {
            nextChannelId++;
        }
        return addChannel(nextChannelId, schemaId, topic, messageEncoding, metadata);
    }

    /** Adds a channel under the given id (0..65535, not yet used) and returns the id. Metadata in its map's order. */
    public int addChannel(int id, int schemaId, String topic, String messageEncoding, Map<String, String> metadata)
            throws IOException {
        checkWritable();
        if (id < 0 || id > 0xFFFF || (id < channelKnown.length && channelKnown[id])) {
            throw new IllegalArgumentException("channel id must be 0..65535 and unused, got " + id);
        }
        if (schemaId < 0 || schemaId > 0xFFFF || (schemaId != 0 && !schemaKnown[schemaId])) {
            throw new IllegalArgumentException("channel " + id + " refers to unknown schema id " + schemaId);
        }
        byte[] t = utf8(topic, "topic");
        byte[] e = utf8(messageEncoding, "messageEncoding");
        Map<String, String> m = metadata == null ? Map.of() : metadata;
        RecordBuffer to = chunk != null ? chunk : pending;
        channelRecord(to, id, schemaId, t, e, m);
        if (repeatChannels) {
            channelRecord(summaryChannels, id, schemaId, t, e, m);
        }
        growChannels(id + 1);
        channelKnown[id] = true;
        channelCount++;
        afterWrite();
        return id;
    }

    /**
     * Writes a message. Allocates nothing in the steady state.
     *
     * @param sequence only its low 32 bits are kept (MCAP's sequence is a uint32)
     * @param logTime  ns; MCAP timestamps are uint64, compared unsigned here
     */
    public void writeMessage(int channelId, long sequence, long logTime, long publishTime,
                             DirectBuffer data, int offset, int length) throws IOException {
        beginMessage(channelId, sequence, logTime, publishTime, length).bytes(data, offset, length);
        afterWrite();
    }

    public void writeMessage(int channelId, long sequence, long logTime, long publishTime,
                             byte[] data, int offset, int length) throws IOException {
        beginMessage(channelId, sequence, logTime, publishTime, length).bytes(data, offset, length);
        afterWrite();
    }

    public void writeMessage(int channelId, long sequence, long logTime, long publishTime, byte[] data)
            throws IOException {
        writeMessage(channelId, sequence, logTime, publishTime, data, 0, data.length);
    }

    /** Writes an attachment record (never inside a chunk: the open chunk stays open). */
    public void writeAttachment(String name, String mediaType, long logTime, long createTime,
                                byte[] data, int offset, int length) throws IOException {
        checkWritable();
        byte[] n = utf8(name, "name");
        byte[] m = utf8(mediaType, "mediaType");
        Objects.checkFromIndexSize(offset, length, data.length);
        long recordOffset = position();
        int start = pending.length();
        int at = pending.begin(Opcode.ATTACHMENT);
        int crcFrom = pending.length();
        pending.u64(logTime).u64(createTime).str(n).str(m).u64(length).bytes(data, offset, length);
        scratchCrc.reset();
        scratchCrc.update(pending.array(), crcFrom, pending.length() - crcFrom);
        pending.u32(scratchCrc.getValue());
        pending.end(at);
        long recordLength = pending.length() - start;
        if (useAttachmentIndex) {
            int i = attachmentIndexes.begin(Opcode.ATTACHMENT_INDEX);
            attachmentIndexes.u64(recordOffset).u64(recordLength).u64(logTime).u64(createTime).u64(length)
                    .str(n).str(m);
            attachmentIndexes.end(i);
        }
        attachmentCount++;
        afterWrite();
    }

    public void writeAttachment(String name, String mediaType, long logTime, long createTime, byte[] data)
            throws IOException {
        writeAttachment(name, mediaType, logTime, createTime, data, 0, data.length);
    }

    /** Writes a metadata record (outside any chunk), entries in the map's iteration order. */
    public void writeMetadata(String name, Map<String, String> metadata) throws IOException {
        checkWritable();
        byte[] n = utf8(name, "name");
        Objects.requireNonNull(metadata, "metadata");
        long recordOffset = position();
        int start = pending.length();
        int at = pending.begin(Opcode.METADATA);
        pending.str(n).map(metadata);
        pending.end(at);
        if (useMetadataIndex) {
            int i = metadataIndexes.begin(Opcode.METADATA_INDEX);
            metadataIndexes.u64(recordOffset).u64(pending.length() - start).str(n);
            metadataIndexes.end(i);
        }
        metadataCount++;
        afterWrite();
    }

    /** Closes the open chunk now (e.g. before a pause), so that its messages reach the channel. */
    public void flushChunk() throws IOException {
        checkWritable();
        try {
            writeChunk();
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Completes the file: the open chunk, Data End, summary, summary offsets, Footer and magic, and hands
     * everything to the channel. Leaves the channel open. Further calls do nothing.
     */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        checkWritable();
        try {
            writeChunk();
            drain();
            int dataEnd = pending.begin(Opcode.DATA_END);
            pending.u32(dataCrc.getValue());
            pending.end(dataEnd);
            int summaryFrom = pending.length();
            long summaryStart = position();
            long schemasAt = append(repeatSchemas ? summarySchemas : null);
            long channelsAt = append(repeatChannels ? summaryChannels : null);
            long statisticsAt = position();
            if (useStatistics) {
                writeStatistics();
            }
            long metadataAt = append(metadataIndexes);
            long attachmentsAt = append(attachmentIndexes);
            long chunksAt = append(chunkIndexes);
            long summaryEnd = position();
            long summaryOffsetStart = summaryEnd;
            if (useSummaryOffsets) {
                summaryOffset(Opcode.SCHEMA, schemasAt, channelsAt);
                summaryOffset(Opcode.CHANNEL, channelsAt, statisticsAt);
                summaryOffset(Opcode.STATISTICS, statisticsAt, metadataAt);
                summaryOffset(Opcode.METADATA_INDEX, metadataAt, attachmentsAt);
                summaryOffset(Opcode.ATTACHMENT_INDEX, attachmentsAt, chunksAt);
                summaryOffset(Opcode.CHUNK_INDEX, chunksAt, summaryEnd);
            }
            boolean hasOffsets = position() != summaryOffsetStart;
            int at = pending.begin(Opcode.FOOTER);
            pending.u64(summaryEnd != summaryStart ? summaryStart : 0).u64(hasOffsets ? summaryOffsetStart : 0);
            pending.end(at, 4);
            // the summary CRC runs from the summary's start through the footer's summary_offset_start
            scratchCrc.reset();
            scratchCrc.update(pending.array(), summaryFrom, pending.length() - summaryFrom);
            pending.u32(scratchCrc.getValue());
            pending.bytes(MAGIC, 0, MAGIC.length);
            write(0, pending.array(), 0, pending.length(), false);
            pending.reset();
            finished = true;
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * {@link #finish()}es the file (unless a write failed), frees the LZ4 state and closes the channel. A writer
     * that is {@link #reset} for further files is closed once, after the last.
     */
    @Override
    public void close() throws IOException {
        try {
            if (!failed) {
                finish();
            }
        } finally {
            if (lz4 != null) {
                lz4.close();
            }
            out.close();
        }
    }

    /** Messages written so far. */
    public long messageCount() {
        return messageCount;
    }

    /** Bytes handed to the channel so far; the file's size once finished. */
    public long bytesWritten() {
        return flushed;
    }

    /** Chunks written so far. */
    public long chunkCount() {
        return chunkCount;
    }

    /** Sum of the written chunks' uncompressed record bytes. */
    public long uncompressedBytes() {
        return uncompressedBytes;
    }

    /** Sum of the written chunks' stored (compressed, or raw where LZ4 did not shrink them) record bytes. */
    public long compressedBytes() {
        return compressedBytes;
    }

    public boolean finished() {
        return finished;
    }

    // ---------------------------------------------------------------------------------------------------

    private RecordBuffer beginMessage(int channelId, long sequence, long logTime, long publishTime, int length)
            throws IOException {
        checkWritable();
        if (channelId < 0 || channelId >= channelKnown.length || !channelKnown[channelId]) {
            throw new IllegalArgumentException("unknown channel id " + channelId);
        }
        if (length < 0 || length > MAX_CHUNK_SIZE - MESSAGE_HEADER) {
            throw new IllegalArgumentException("message length must be 0.." + (MAX_CHUNK_SIZE - MESSAGE_HEADER)
                    + ", got " + length);
        }
        RecordBuffer to = pending;
        if (chunk != null) {
            if (chunk.length() > MAX_CHUNK_SIZE - MESSAGE_HEADER - length) {
                flushChunk();
            }
            to = chunk;
            addIndexEntry(channelId, logTime, chunk.length());
            if (chunkMessages == 0 || Long.compareUnsigned(logTime, chunkStartTime) < 0) {
                chunkStartTime = logTime;
            }
            if (chunkMessages == 0 || Long.compareUnsigned(logTime, chunkEndTime) > 0) {
                chunkEndTime = logTime;
            }
            chunkMessages++;
        }
        if (messageCount == 0 || Long.compareUnsigned(logTime, messageStartTime) < 0) {
            messageStartTime = logTime;
        }
        if (messageCount == 0 || Long.compareUnsigned(logTime, messageEndTime) > 0) {
            messageEndTime = logTime;
        }
        messageCount++;
        channelMessages[channelId]++;
        int at = to.begin(Opcode.MESSAGE);
        to.end(at, 2 + 4 + 8 + 8 + length); // the length is known up front: set it before the content
        return to.u16(channelId).u32(sequence).u64(logTime).u64(publishTime);
    }

    private void addIndexEntry(int channelId, long logTime, int offset) {
        int n = chunkEntryCount[channelId];
        if (n == 0) {
            chunkChannels[chunkChannelCount++] = channelId;
        }
        long[] entries = chunkEntries[channelId];
        if (entries == null || entries.length < 2 * n + 2) {
            entries = Arrays.copyOf(entries == null ? new long[0] : entries, Math.max(64, 4 * n + 4));
            chunkEntries[channelId] = entries;
        }
        entries[2 * n] = logTime;
        entries[2 * n + 1] = offset;
        chunkEntryCount[channelId] = n + 1;
    }

    /** After every record: closes a full chunk, and hands a large backlog to the channel. */
    private void afterWrite() throws IOException {
        try {
            if (chunk != null && chunk.length() >= chunkSize) {
                writeChunk();
            }
            if (pending.length() >= FLUSH_AT) {
                drain();
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private void writeChunk() throws IOException {
        if (chunk == null || chunk.length() == 0) {
            return;
        }
        byte[] raw = chunk.array();
        int size = chunk.length();
        scratchCrc.reset();
        scratchCrc.update(raw, 0, size);
        long crc = scratchCrc.getValue();
        byte[] records = raw;
        int recordsLength = size;
        byte[] compression = NO_COMPRESSION;
        int view = 1;
        if (lz4 != null) {
            int framed = lz4.encode(raw, 0, size);
            if (framed < size) { // a chunk LZ4 cannot shrink is stored as it is
                records = lz4.buffer();
                recordsLength = framed;
                compression = LZ4;
                view = 2;
            }
        }
        long startTime = chunkMessages == 0 ? 0 : chunkStartTime;
        long endTime = chunkMessages == 0 ? 0 : chunkEndTime;
        long chunkOffset = position();
        int at = pending.begin(Opcode.CHUNK);
        pending.u64(startTime).u64(endTime).u64(size).u32(crc).str(compression).u64(recordsLength);
        pending.end(at, recordsLength);
        drain();
        write(view, records, 0, recordsLength, true); // straight from the chunk/LZ4 buffer: no copy
        long chunkLength = position() - chunkOffset;

        long indexStart = position();
        if (useMessageIndex) {
            for (int i = 0; i < chunkChannelCount; i++) {
                int channelId = chunkChannels[i];
                int n = chunkEntryCount[channelId];
                long[] entries = chunkEntries[channelId];
                messageIndexOffsets[i] = position();
                int mi = pending.begin(Opcode.MESSAGE_INDEX);
                pending.u16(channelId).u32(16L * n);
                for (int k = 0; k < 2 * n; k++) {
                    pending.u64(entries[k]);
                }
                pending.end(mi);
            }
        }
        long indexLength = position() - indexStart;
        if (useChunkIndex) {
            int ci = chunkIndexes.begin(Opcode.CHUNK_INDEX);
            chunkIndexes.u64(startTime).u64(endTime).u64(chunkOffset).u64(chunkLength);
            int entries = useMessageIndex ? chunkChannelCount : 0;
            chunkIndexes.u32(10L * entries);
            for (int i = 0; i < entries; i++) {
                chunkIndexes.u16(chunkChannels[i]).u64(messageIndexOffsets[i]);
            }
            chunkIndexes.u64(indexLength).str(compression).u64(recordsLength).u64(size);
            chunkIndexes.end(ci);
        }
        chunkCount++;
        uncompressedBytes += size;
        compressedBytes += recordsLength;
        for (int i = 0; i < chunkChannelCount; i++) {
            chunkEntryCount[chunkChannels[i]] = 0;
        }
        chunkChannelCount = 0;
        chunkMessages = 0;
        chunk.reset();
    }

    private void writeStatistics() {
        int at = pending.begin(Opcode.STATISTICS);
        pending.u64(messageCount).u16(schemaCount).u32(channelCount).u32(attachmentCount).u32(metadataCount)
                .u32(chunkCount).u64(messageCount == 0 ? 0 : messageStartTime)
                .u64(messageCount == 0 ? 0 : messageEndTime);
        int sizeAt = pending.length();
        pending.u32(0);
        for (int id = 0; id < channelMessages.length; id++) {
            if (channelMessages[id] != 0) {
                pending.u16(id).u64(channelMessages[id]);
            }
        }
        pending.putU32(sizeAt, pending.length() - sizeAt - 4);
        pending.end(at);
    }

    /** Appends a summary group (if any) and returns where it starts in the file. */
    private long append(RecordBuffer group) {
        long at = position();
        if (group != null) {
            pending.append(group);
        }
        return at;
    }

    private void summaryOffset(Opcode group, long start, long end) {
        if (end > start) {
            int at = pending.begin(Opcode.SUMMARY_OFFSET);
            pending.u8(group.code).u64(start).u64(end - start);
            pending.end(at);
        }
    }

    private static void schemaRecord(RecordBuffer to, int id, byte[] name, byte[] encoding, byte[] data) {
        int at = to.begin(Opcode.SCHEMA);
        to.u16(id).str(name).str(encoding).u32(data.length).bytes(data, 0, data.length);
        to.end(at);
    }

    private static void channelRecord(RecordBuffer to, int id, int schemaId, byte[] topic, byte[] encoding,
                                      Map<String, String> metadata) {
        int at = to.begin(Opcode.CHANNEL);
        to.u16(id).u16(schemaId).str(topic).str(encoding).map(metadata);
        to.end(at);
    }

    private void growChannels(int size) {
        if (channelKnown.length >= size) {
            return;
        }
        int n = Math.min(0x10000, Math.max(size, 2 * channelKnown.length));
        channelKnown = Arrays.copyOf(channelKnown, n);
        channelMessages = Arrays.copyOf(channelMessages, n);
        chunkEntries = Arrays.copyOf(chunkEntries, n);
        chunkEntryCount = Arrays.copyOf(chunkEntryCount, n);
        chunkChannels = Arrays.copyOf(chunkChannels, n);
        messageIndexOffsets = Arrays.copyOf(messageIndexOffsets, n);
    }

    private long position() {
        return flushed + pending.length();
    }

    private void drain() throws IOException {
        write(0, pending.array(), 0, pending.length(), true);
        pending.reset();
    }

    private void write(int view, byte[] array, int offset, int length, boolean dataSection) throws IOException {
        if (dataSection) {
            dataCrc.update(array, offset, length);
        }
        ByteBuffer b = views[view];
        if (b == null || b.array() != array) {
            b = ByteBuffer.wrap(array);
            views[view] = b;
        }
        b.clear().limit(offset + length).position(offset);
        while (b.hasRemaining()) {
            out.write(b);
        }
        flushed += length;
    }

    private void checkWritable() {
        if (failed) {
            throw new IllegalStateException("an earlier write failed: the MCAP file is incomplete");
        }
        if (finished) {
            throw new IllegalStateException("the MCAP file is already finished");
        }
    }

    private static byte[] utf8(String s, String what) {
        return Objects.requireNonNull(s, what).getBytes(StandardCharsets.UTF_8);
    }
}
