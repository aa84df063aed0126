package dev.edgeagent.agent.decode;

import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A small JSON object writer into one reusable buffer, for derived messages with a handful of numeric fields.
 * Names are written as given (callers pass names that need no escaping: DBC identifiers, fixed field names);
 * non-finite numbers become {@code null}, which JSON has no other way to say.
 */
final class JsonBytes {

    final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    int length;
    private boolean first;

    JsonBytes begin() {
        length = 0;
        first = true;
        buffer.putByte(length++, (byte) '{');
        return this;
    }

    JsonBytes number(String name, double value) {
        name(name);
        if (Double.isFinite(value)) {
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                length += buffer.putLongAscii(length, (long) value);
            } else {
                length += buffer.putStringWithoutLengthAscii(length, Double.toString(value));
            }
        } else {
            length += buffer.putStringWithoutLengthAscii(length, "null");
        }
        return this;
    }

    JsonBytes integer(String name, long value) {
        name(name);
        length += buffer.putLongAscii(length, value);
        return this;
    }

    JsonBytes bool(String name, boolean value) {
        name(name);
        length += buffer.putStringWithoutLengthAscii(length, value ? "true" : "false");
        return this;
    }

    /** A string value, escaped as JSON requires. */
    JsonBytes string(String name, String value) {
        name(name);
        buffer.putByte(length++, (byte) '"');
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (b == '"' || b == '\\') {
                buffer.putByte(length++, (byte) '\\');
                buffer.putByte(length++, b);
            } else if (b >= 0 && b < 0x20) {
                length += buffer.putStringWithoutLengthAscii(length, String.format("\\u%04x", b));
            } else {
                buffer.putByte(length++, b);
            }
        }
        buffer.putByte(length++, (byte) '"');
        return this;
    }

    JsonBytes end() {
        buffer.putByte(length++, (byte) '}');
        return this;
    }

    private void name(String name) {
        if (!first) {
            buffer.putByte(length++, (byte) ',');
        }
        first = false;
        buffer.putByte(length++, (byte) '"');
        length += buffer.putStringWithoutLengthAscii(length, name);
        buffer.putByte(length++, (byte) '"');
        buffer.putByte(length++, (byte) ':');
    }
}
