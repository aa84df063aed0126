package dev.edgeagent.protocols.can;

/** A stored CAN record that breaks the {@link CanFrame} layout; the offset is the bad field's byte in the record. */
public final class CanFormatException extends RuntimeException {

    private final int offset;

    public CanFormatException(int offset, String detail) {
        super(detail + " (at byte " + offset + " of the CAN record)");
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
