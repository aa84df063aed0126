package dev.edgeagent.protocols.can;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a {@code candump -l} log file line by line through one reused direct buffer and parses each line with a
 * {@link CandumpParser}: {@code while (reader.next()) { reader.frame() ... }}. Blank lines are skipped. A bad line
 * throws {@link CandumpFormatException} (line, column, expectation); calling {@link #next()} again goes on with the
 * following line. A line longer than {@link #MAX_LINE_LENGTH} bytes (no candump line comes near it: binary junk)
 * is reported once and skipped. Nothing is allocated per line. Not thread-safe.
 */
public final class CandumpReader implements AutoCloseable {

    /** A CAN FD line with 64 data bytes, dot separators and a long interface name stays under 256 bytes. */
    public static final int MAX_LINE_LENGTH = 4096;
    private static final int BUFFER_SIZE = 64 << 10;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
    private final CandumpParser parser = new CandumpParser();
    private long bufferFileOffset;
    private int bufferLength;
    private int position;
    private boolean eof;
    private boolean ended;
    private boolean skippingLongLine;
    private long lineNumber;
    private long lineOffset;

    private CandumpReader(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** @throws IOException the file cannot be opened */
    public static CandumpReader open(Path path) throws IOException {
        return new CandumpReader(path, FileChannel.open(path, StandardOpenOption.READ));
    }

    public Path path() {
        return path;
    }

    /** The current frame (valid until the next {@link #next()}). */
    public CanFrame frame() {
        return parser.frame();
    }

    public long timestampNanos() {
        return parser.timestampNanos();
    }

    /** The buffer holding the current line (the interface name is at {@link #interfaceOffset()}). */
    public DirectBuffer lineBuffer() {
        return buffer;
    }

    public int interfaceOffset() {
        return parser.interfaceOffset();
    }

    public int interfaceLength() {
        return parser.interfaceLength();
    }

    /** True if the current line's interface is {@code name} (ASCII bytes). */
    public boolean interfaceEquals(byte[] name) {
        return parser.interfaceEquals(buffer, name);
    }

    /** 1-based number of the current (or last bad) line. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Byte offset of the current line in the file. */
    public long lineOffset() {
        return lineOffset;
    }

    /**
     * Advances to the next frame.
     *
     * @return false at the end of the file
     * @throws CandumpFormatException for a bad line; call again to go on
     * @throws UncheckedIOException   reading failed; the reader is ended
     */
    public boolean next() {
        if (ended) {
            return false;
        }
        try {
            while (true) {
                int newline = indexOfNewline(position, bufferLength);
                int lineEnd;
                if (newline >= 0) {
                    lineEnd = newline;
                } else if (eof) {
                    if (position == bufferLength) {
                        ended = true;
                        return false;
                    }
                    lineEnd = bufferLength; // last line without '\n'
                } else if (bufferLength - position >= MAX_LINE_LENGTH) {
                    // no newline in sight: report once, then discard until the next one
                    final long start = bufferFileOffset + position;
                    position = bufferLength;
                    if (!skippingLongLine) {
                        skippingLongLine = true;
                        lineNumber++;
                        lineOffset = start;
                        throw new CandumpFormatException(lineNumber, 1, start, "line longer than "
                                + MAX_LINE_LENGTH + " bytes: not a candump log line; skipped");
                    }
                    continue;
                } else {
                    fill();
                    continue;
                }
                final int start = position;
                position = newline >= 0 ? newline + 1 : lineEnd;
                if (skippingLongLine) {
                    skippingLongLine = false; // the rest of the long line, already reported
                    continue;
                }
                lineNumber++;
                lineOffset = bufferFileOffset + start;
                if (lineEnd - start > MAX_LINE_LENGTH) {
                    throw new CandumpFormatException(lineNumber, 1, lineOffset, "line of " + (lineEnd - start)
                            + " bytes is longer than " + MAX_LINE_LENGTH + " bytes: not a candump log line; skipped");
                }
                if (parser.parse(buffer, start, lineEnd - start, lineNumber, lineOffset)) {
                    return true;
                }
            }
        } catch (IOException e) {
            ended = true;
            throw new UncheckedIOException("reading " + path + " at byte offset " + (bufferFileOffset + position), e);
        }
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer.getByte(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void fill() throws IOException {
        if (position > 0) {
            byteBuffer.limit(bufferLength).position(position);
            byteBuffer.compact();
            bufferFileOffset += position;
            bufferLength -= position;
            position = 0;
        }
        byteBuffer.limit(byteBuffer.capacity()).position(bufferLength);
        final int read = channel.read(byteBuffer, bufferFileOffset + bufferLength);
        if (read < 0) {
            eof = true;
        } else {
            bufferLength += read;
        }
    }

    @Override
    public void close() {
        ended = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
