package dev.edgeagent.protocols.can.dbc;

/** What {@link DbcDecoder} did with one frame (a typed outcome rather than an exception: no allocation). */
public enum DecodeResult {
    /** The frame's signals were delivered to the visitor. */
    DECODED,
    /** No BO_ for this id: counted per id; the agent keeps such frames raw. */
    UNKNOWN_ID,
    /** Fewer data bytes than the message's DLC: counted per message, nothing delivered. */
    TOO_SHORT,
    /** A remote or error frame: carries no signals. */
    NOT_DATA_FRAME,
    /** A stored record that breaks the {@code CanFrame} layout (header length field vs. record length). */
    BAD_RECORD
}
