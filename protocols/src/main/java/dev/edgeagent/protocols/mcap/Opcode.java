package dev.edgeagent.protocols.mcap;

/** The MCAP record opcodes (https://mcap.dev/spec#records); 0x80-0xFF are private records. */
public enum Opcode {
    HEADER(0x01),
    FOOTER(0x02),
    SCHEMA(0x03),
    CHANNEL(0x04),
    MESSAGE(0x05),
    CHUNK(0x06),
    MESSAGE_INDEX(0x07),
    CHUNK_INDEX(0x08),
    ATTACHMENT(0x09),
    ATTACHMENT_INDEX(0x0A),
    STATISTICS(0x0B),
    METADATA(0x0C),
    METADATA_INDEX(0x0D),
    SUMMARY_OFFSET(0x0E),
    DATA_END(0x0F);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    /** The byte value on the wire. */
    public final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The opcode for a wire value, or null for an opcode this version does not know (private or future). */
    public static Opcode of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
