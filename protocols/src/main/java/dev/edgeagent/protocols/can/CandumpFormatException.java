package dev.edgeagent.protocols.can;

/**
 * A line of a candump log that cannot be parsed: names the line (1-based), the column (1-based, in bytes) and what
 * was expected there. The reader skips the line and goes on.
 */
public final class CandumpFormatException extends RuntimeException {

    private final long lineNumber;
    private final int column;
    private final long byteOffset;

    public CandumpFormatException(long lineNumber, int column, long byteOffset, String detail) {
        super("line " + lineNumber + ", column " + column + ": " + detail);
        this.lineNumber = lineNumber;
        this.column = column;
        this.byteOffset = byteOffset;
    }

    public long lineNumber() {
        return lineNumber;
    }

    public int column() {
        return column;
    }

    /** Byte offset of the line's start in the file (-1 when parsing a detached line). */
    public long byteOffset() {
        return byteOffset;
    }
}
