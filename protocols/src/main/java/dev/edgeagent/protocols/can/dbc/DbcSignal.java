package dev.edgeagent.protocols.can.dbc;

import java.util.List;

import org.agrona.DirectBuffer;

/**
 * One {@code SG_} signal and its extraction, precomputed at load time.
 *
 * <p>Bit numbering as in Vector's DBC: bit {@code b} is bit {@code b % 8} (0 = least significant) of byte
 * {@code b / 8}. An Intel ({@code @1}, little-endian) signal's start bit is its least significant bit and it grows
 * towards higher bits and bytes. A Motorola ({@code @0}, big-endian) signal's start bit is its most significant bit
 * and it continues from bit 0 of a byte into bit 7 of the next byte. Laid over the frame's first 8 bytes as one
 * 64-bit word, an Intel signal is a contiguous field of the little-endian word and a Motorola signal a contiguous
 * field of the big-endian word: {@link #rawFromWords} is then one shift and one mask.
 */
public final class DbcSignal {

    /** What a signal does in its message's multiplexing. */
    public enum MuxRole { PLAIN, MULTIPLEXOR, MULTIPLEXED }

    /** {@code SIG_VALTYPE_}: 0 integer, 1 IEEE float (32 bits), 2 IEEE double (64 bits). */
    public enum ValueType { INTEGER, FLOAT32, FLOAT64 }

    private final String name;
    private final int startBit;
    private final int length;
    private final boolean littleEndian;
    private final boolean signed;
    private final double factor;
    private final double offset;
    private final double minimum;
    private final double maximum;
    private final String unit;
    private final List<String> receivers;
    private final MuxRole muxRole;
    private final long muxValue;
    private final int line;

    private ValueType valueType = ValueType.INTEGER;
    private int valueTypeCode;
    private ValueTable valueTable;
    private String comment;
    private DbcMessage message;
    private int index;

    // extraction, precomputed
    private final long mask;
    private final int signShift;
    /** Shift of the field within the LE (Intel) or BE (Motorola) word of the first 8 bytes. */
    private final int wordShift;
    /** True when every bit lies in the frame's first 8 bytes. */
    private final boolean inFirstWord;
    /** Where the general byte walk starts: the least significant bit's DBC bit number. */
    private final int lsbBit;
    /** Last byte the signal touches (Intel) or first byte (Motorola): bounds check against the DLC. */
    private final int lastByte;
    private final boolean hasRange;
    private final double rangeTolerance;

    DbcSignal(String name, int startBit, int length, boolean littleEndian, boolean signed, double factor, double offset,
              double minimum, double maximum, String unit, List<String> receivers, MuxRole muxRole, long muxValue,
              int line) {
        this.name = name;
        this.startBit = startBit;
        this.length = length;
        this.littleEndian = littleEndian;
        this.signed = signed;
        this.factor = factor;
        this.offset = offset;
        this.minimum = minimum;
        this.maximum = maximum;
        this.unit = unit;
        this.receivers = List.copyOf(receivers);
        this.muxRole = muxRole;
        this.muxValue = muxValue;
        this.line = line;
        this.mask = length == 64 ? -1L : (1L << length) - 1;
        this.signShift = 64 - length;
        if (littleEndian) {
            final int msb = startBit + length - 1;
            this.wordShift = startBit;
            this.inFirstWord = msb < 64;
            this.lsbBit = startBit;
            this.lastByte = msb / 8;
        } else {
            // position counted from the first byte's most significant bit (the big-endian bit stream)
            final int msbIndex = (startBit / 8) * 8 + 7 - (startBit % 8);
            final int lsbIndex = msbIndex + length - 1;
            this.wordShift = 63 - lsbIndex;
            this.inFirstWord = lsbIndex < 64;
            this.lsbBit = (lsbIndex / 8) * 8 + 7 - (lsbIndex % 8);
            this.lastByte = lsbIndex / 8;
        }
        // [0|0] is how DBC editors write "no range"
        this.hasRange = !(minimum == 0 && maximum == 0) && minimum <= maximum;
        // a millionth of one raw step: raw * factor in double must not flag the end points themselves
        this.rangeTolerance = Math.max(Math.abs(factor) * 1e-6, 1e-12);
    }

    public String name() {
        return name;
    }

    public int startBit() {
        return startBit;
    }

    public int length() {
        return length;
    }

    /** {@code @1} (Intel) when true, {@code @0} (Motorola) when false. */
    public boolean littleEndian() {
        return littleEndian;
    }

    public boolean signed() {
        return signed;
    }

    public double factor() {
        return factor;
    }

    public double offset() {
        return offset;
    }

    public double minimum() {
        return minimum;
    }

    public double maximum() {
        return maximum;
    }

    /** False for {@code [0|0]} (no range given): nothing is then out of range. */
    public boolean hasRange() {
        return hasRange;
    }

    public String unit() {
        return unit;
    }

    public List<String> receivers() {
        return receivers;
    }

    public MuxRole muxRole() {
        return muxRole;
    }

    /** The multiplexor value this signal is sent with ({@code mN}); meaningful only for MULTIPLEXED. */
    public long muxValue() {
        return muxValue;
    }

    public ValueType valueType() {
        return valueType;
    }

    /** Null when the signal has no VAL_ table. */
    public ValueTable valueTable() {
        return valueTable;
    }

    /** The CM_ SG_ comment, or null. */
    public String comment() {
        return comment;
    }

    public DbcMessage message() {
        return message;
    }

    /** Dense index over all signals of the database (for per-signal counters). */
    public int index() {
        return index;
    }

    /** Line of the SG_ statement. */
    public int line() {
        return line;
    }

    /** Bytes of the frame the signal needs: its highest byte + 1. */
    int bytesNeeded() {
        return lastByte + 1;
    }

    boolean inFirstWord() {
        return inFirstWord;
    }

    void valueType(ValueType type) {
        this.valueType = type;
        this.valueTypeCode = type.ordinal();
    }

    void valueTable(ValueTable table) {
        this.valueTable = table;
    }

    void comment(String text) {
        this.comment = text;
    }

    void attach(DbcMessage message, int index) {
        this.message = message;
        this.index = index;
    }

    /** The raw value from the frame's first 8 bytes read as a little-endian and as a big-endian word. */
    long rawFromWords(long le, long be) {
        final long v = ((littleEndian ? le : be) >>> wordShift) & mask;
        return signed && valueTypeCode == 0 ? (v << signShift) >> signShift : v;
    }

    /** The raw value walking the bytes from the least significant bit up (any frame length, e.g. CAN FD). */
    long rawFromBytes(DirectBuffer data, int off) {
        long v = 0;
        int got = 0;
        int byteIndex = lsbBit >> 3;
        int bit = lsbBit & 7;
        while (got < length) {
            final int take = Math.min(8 - bit, length - got);
            final long chunk = ((data.getByte(off + byteIndex) & 0xFF) >>> bit) & ((1 << take) - 1);
            v |= chunk << got;
            got += take;
            bit = 0;
            byteIndex += littleEndian ? 1 : -1;
        }
        return signed && valueTypeCode == 0 ? (v << signShift) >> signShift : v;
    }

    /** raw * factor + offset; float signals reinterpret the raw bits first. */
    double physical(long raw) {
        final double r;
        switch (valueTypeCode) {
            case 1 -> r = Float.intBitsToFloat((int) raw);
            case 2 -> r = Double.longBitsToDouble(raw);
            default -> r = signed || raw >= 0 ? (double) raw : unsignedToDouble(raw);
        }
        return r * factor + offset;
    }

    private static double unsignedToDouble(long raw) {
        return (double) (raw >>> 1) * 2.0 + (raw & 1);
    }

    boolean outOfRange(double physical) {
        return hasRange && (physical < minimum - rangeTolerance || physical > maximum + rangeTolerance
                || Double.isNaN(physical));
    }

    /** The VAL_ label, or null (float signals have none). */
    String label(long raw) {
        return valueTable != null && valueTypeCode == 0 ? valueTable.label(raw) : null;
    }

    @Override
    public String toString() {
        return name + " : " + startBit + "|" + length + "@" + (littleEndian ? 1 : 0) + (signed ? "-" : "+")
                + " (" + factor + "," + offset + ") [" + minimum + "|" + maximum + "] \"" + unit + "\"";
    }
}
