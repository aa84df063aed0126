package dev.edgeagent.protocols.can.dbc;

/** A DBC statement that cannot be used: names the line (1-based), the column (1-based) and what was expected. */
public final class DbcFormatException extends RuntimeException {

    private final int lineNumber;
    private final int column;
    private final String detail;

    public DbcFormatException(int lineNumber, int column, String detail) {
        super("line " + lineNumber + ", column " + column + ": " + detail);
        this.lineNumber = lineNumber;
        this.column = column;
        this.detail = detail;
    }

    public int lineNumber() {
        return lineNumber;
    }

    public int column() {
        return column;
    }

    /** What was wrong, without the position. */
    public String detail() {
        return detail;
    }
}
