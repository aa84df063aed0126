package dev.edgeagent.protocols.mcap;

import java.util.Objects;

/**
 * What {@link McapWriter} writes besides the messages. {@link #defaults()} is what the agent uses: LZ4
 * chunks of 1 MiB with every index, statistics, summary offsets and the schemas and channels repeated in
 * the summary, so that readers can seek by time and topic and list a file without scanning it.
 * Setters return this; the writer copies the values when it is constructed.
 */
public final class McapWriterOptions {

    /** Chunk compression. MCAP "lz4" is the LZ4 frame format. */
    public enum Compression {
        NONE(""),
        LZ4("lz4");

        /** The chunk record's compression string. */
        public final String id;

        Compression(String id) {
            this.id = id;
        }
    }

    public static final String DEFAULT_LIBRARY = "edge-agent mcap";

    private boolean useChunks = true;
    private int chunkSize = 1 << 20;
    private Compression compression = Compression.LZ4;
    private boolean useMessageIndex = true;
    private boolean useChunkIndex = true;
    private boolean useStatistics = true;
    private boolean useSummaryOffsets = true;
    private boolean repeatSchemas = true;
    private boolean repeatChannels = true;
    private boolean useAttachmentIndex = true;
    private boolean useMetadataIndex = true;
    private String library = DEFAULT_LIBRARY;
    private String profile = "";

    /** Chunks on, LZ4, all indexes, statistics, summary offsets, repeated schemas and channels. */
    public static McapWriterOptions defaults() {
        return new McapWriterOptions();
    }

    /** Everything off: no chunks, no compression, no summary; switch features on one by one. */
    public static McapWriterOptions bare() {
        return new McapWriterOptions().useChunks(false).compression(Compression.NONE).useMessageIndex(false)
                .useChunkIndex(false).useStatistics(false).useSummaryOffsets(false).repeatSchemas(false)
                .repeatChannels(false).useAttachmentIndex(false).useMetadataIndex(false);
    }

    public boolean useChunks() { return useChunks; }

    /** Writes schemas, channels and messages into chunks (compressed, indexable) rather than loose. */
    public McapWriterOptions useChunks(boolean v) { useChunks = v; return this; }

    public int chunkSize() { return chunkSize; }

    /** Target uncompressed bytes per chunk: a chunk is closed once it reaches this size. */
    public McapWriterOptions chunkSize(int bytes) {
        if (bytes < 1 || bytes > McapWriter.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be 1.." + McapWriter.MAX_CHUNK_SIZE + ", got " + bytes);
        }
        chunkSize = bytes;
        return this;
    }

    public Compression compression() { return compression; }

    public McapWriterOptions compression(Compression v) { compression = Objects.requireNonNull(v); return this; }

    public boolean useMessageIndex() { return useMessageIndex; }

    /** Writes a Message Index record per channel after each chunk. */
    public McapWriterOptions useMessageIndex(boolean v) { useMessageIndex = v; return this; }

    public boolean useChunkIndex() { return useChunkIndex; }

    public McapWriterOptions useChunkIndex(boolean v) { useChunkIndex = v; return this; }

    public boolean useStatistics() { return useStatistics; }

    public McapWriterOptions useStatistics(boolean v) { useStatistics = v; return this; }

    public boolean useSummaryOffsets() { return useSummaryOffsets; }

    public McapWriterOptions useSummaryOffsets(boolean v) { useSummaryOffsets = v; return this; }

    public boolean repeatSchemas() { return repeatSchemas; }

    public McapWriterOptions repeatSchemas(boolean v) { repeatSchemas = v; return this; }

    public boolean repeatChannels() { return repeatChannels; }

    public McapWriterOptions repeatChannels(boolean v) { repeatChannels = v; return this; }

    public boolean useAttachmentIndex() { return useAttachmentIndex; }

    public McapWriterOptions useAttachmentIndex(boolean v) { useAttachmentIndex = v; return this; }

    public boolean useMetadataIndex() { return useMetadataIndex; }

    public McapWriterOptions useMetadataIndex(boolean v) { useMetadataIndex = v; return this; }

    public String library() { return library; }

    /** The Header's free-form writer name. */
    public McapWriterOptions library(String v) { library = Objects.requireNonNull(v); return this; }

    public String profile() { return profile; }

    /** The Header's profile, e.g. "ros2"; empty for none. */
    public McapWriterOptions profile(String v) { profile = Objects.requireNonNull(v); return this; }
}
