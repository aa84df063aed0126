package dev.edgeagent.protocols.mcap;

/**
 * An MCAP file that breaks the format: bad magic, a record that overruns its container, a field that
 * overruns its record, a CRC mismatch, an unsupported chunk compression, ... Names the byte offset
 * in the file, the record and the field at fault so that a broken file can be looked at with a hex dump.
 */
public final class McapFormatException extends RuntimeException {

    private final long offset;
    private final String record;
    private final String field;

    /**
     * @param offset byte offset in the file of the record at fault (for a record inside a chunk: of the chunk)
     * @param record the record type, e.g. "Chunk", or "file" for the file structure
     * @param field  the field at fault, or null when the whole record is
     */
    public McapFormatException(long offset, String record, String field, String message) {
        super(message + " (" + record + (field == null ? "" : "." + field) + " at byte offset " + offset + ")");
        this.offset = offset;
        this.record = record;
        this.field = field;
    }

    public long offset() {
        return offset;
    }

    public String record() {
        return record;
    }

    /** The field at fault, or null when the whole record is. */
    public String field() {
        return field;
    }
}
