package dev.edgeagent.protocols.camera;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Decodes an MJPEG stream as IP cameras serve it: an HTTP/1.1 response head (optional), the body in identity or
 * {@code chunked} transfer coding, and a {@code multipart/x-mixed-replace} body whose parts are JPEG frames. Push
 * style, for a non-blocking reader: put received bytes in with {@link #readBuffer}/{@link #commitRead} (or
 * {@link #feed}), then call {@link #next} until it stops returning {@link Event#FRAME}.
 *
 * <h2>What it accepts</h2>
 * <ul>
 *   <li>Boundary: from the response's {@code Content-Type: multipart/x-mixed-replace; boundary=B} (quoted or not),
 *       or, when the head has none (ffmpeg's HTTP server says {@code application/octet-stream}), learnt from the
 *       first body line starting with {@code --}. Delimiter lines are matched with any number of leading dashes,
 *       so {@code boundary=--B} with lines {@code --B}, and bare {@code B} lines, both work.</li>
 *   <li>Part headers (case-insensitive): {@code Content-Type} (when present it must be {@code image/jpeg} or
 *       {@code image/jpg}, else the part is skipped as {@code unexpected-content-type}), {@code Content-Length}
 *       (optional: without it the frame ends at the CR LF before the next delimiter line) and
 *       {@code X-Timestamp}: decimal seconds since the Unix epoch with an optional fraction of up to 9 digits,
 *       as mjpg-streamer writes it ({@code 1700000000.123456}); it becomes the frame's sensor time, otherwise
 *       {@link RecordSink#NO_SENSOR_TIME}.</li>
 *   <li>Frames: checked with {@link ImageHeader} (must be a JPEG up to its SOFn); frames over
 *       {@code maxFrameBytes} are skipped without being buffered whole.</li>
 * </ul>
 *
 * <h2>Bad input</h2>
 * Reported to the listener with the byte offset in the response body (after de-chunking) and skipped:
 * {@code oversized-frame}, {@code unexpected-content-type}, {@code bad-part-header}, {@code bad-timestamp},
 * {@code unexpected-data} (body bytes outside any part, e.g. after a wrong Content-Length), {@code truncated-frame}
 * (the stream ended inside a part), and the {@link ImageFormatException.Kind} codes for frames that are not JPEG.
 * Fatal for the connection ({@link Event#FAILED}; offset -1 or in the head): {@code http-status} (not 200) and
 * {@code bad-http} (unreadable response head or chunk framing).
 *
 * <h2>Memory</h2>
 * One growable array holds unparsed bytes; it grows during the first frames to about the largest frame plus
 * headers and is then reused: nothing is allocated per frame unless there is bad input. A frame returned by
 * {@link #next} lies in {@link #frameBuffer()} and stays valid until the next {@link #readBuffer} or {@link #feed}.
 * Single-threaded.
 */
public final class MjpegStreamDecoder {

    /** What {@link #next} found. */
    public enum Event {
        /** A complete JPEG frame: {@link #frameOffset()}, {@link #frameLength()}, {@link #frameSensorTimeNs()}. */
        FRAME,
        /** Everything received so far is consumed or waits for more bytes. */
        NEED_MORE,
        /** The body ended (a close delimiter, or the last chunk): the server is done with this response. */
        END,
        /** The response cannot be used (status not 200, broken head or chunk framing): drop the connection. */
        FAILED
    }

    private enum State { HTTP_HEAD, DELIMITER, PART_HEADERS, BODY_LENGTH, BODY_SCAN, SKIP_LENGTH, SKIP_SCAN, END, FAILED }

    /** Longest response head or set of part headers. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    /** Longest line outside a frame (delimiter, preamble, chunk size). */
    static final int MAX_LINE_BYTES = 4 * 1024;
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private static final byte[] CONTENT_TYPE = bytes("content-type");
    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] X_TIMESTAMP = bytes("x-timestamp");
    private static final byte[] IMAGE_JPEG = bytes("image/jpeg");
    private static final byte[] IMAGE_JPG = bytes("image/jpg");
    private static final byte[] BOUNDARY_PARAM = bytes("boundary=");
    private static final byte[] CHUNKED = bytes("chunked");

    private final int maxFrameBytes;
    private final BadInputListener listener;
    private final ImageHeader header = new ImageHeader();

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private final UnsafeBuffer view = new UnsafeBuffer(buf);
    private ByteBuffer readView = ByteBuffer.wrap(buf);

    // buf: [0, p) consumed | [p, bodyEnd) decoded body | [bodyEnd, rawPos) gap | [rawPos, rawEnd) raw, not decoded
    private int p;
    private int bodyEnd;
    private int rawPos;
    private int rawEnd;
    private long bodyConsumed; // body bytes before p, for reported offsets

    private State state;
    private boolean chunked;
    private long chunkRemaining;
    private boolean chunkCrlfDue;
    private boolean bodyDone;

    private byte[] boundary = new byte[0]; // without leading dashes
    private int boundaryLength;            // 0 = not known yet
    private final byte[] configuredBoundary;

    private long partLength;
    private long partTimestampNs;
    private boolean partTypeOk;
    private int partHeaderBytes;
    private int scanPos;
    private int scanResume; // set by findDelimiter when it finds nothing: where the next search must start
    private long skipRemaining;
    private boolean unexpectedReported;

    private int frameOffset;
    private int frameLength;
    private long frameSensorTimeNs;
    private int httpStatus;
    private String failure;

    /**
     * @param maxFrameBytes largest frame kept; larger ones are reported ({@code oversized-frame}) and skipped
     * @param boundary      the boundary when known in advance (no HTTP head), else null: from the head or the body
     * @param listener      told about bad input (on the caller's thread)
     */
    public MjpegStreamDecoder(int maxFrameBytes, String boundary, BadInputListener listener) {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes: must be at least 1024, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        this.configuredBoundary = boundary == null ? null : stripDashes(bytes(boundary));
        reset(false);
    }

    /** Starts over for a new connection (or stream): {@code httpHead} says whether an HTTP response head comes first. */
    public void reset(boolean httpHead) {
        p = bodyEnd = rawPos = rawEnd = 0;
        bodyConsumed = 0;
        state = httpHead ? State.HTTP_HEAD : State.DELIMITER;
        chunked = false;
        chunkRemaining = 0;
        chunkCrlfDue = false;
        bodyDone = false;
        if (configuredBoundary != null) {
            setBoundary(configuredBoundary, 0, configuredBoundary.length);
        } else {
            boundaryLength = 0;
        }
        unexpectedReported = false;
        httpStatus = 0;
        failure = null;
        frameLength = 0;
    }

    // ---------------------------------------------------------------- input

    /**
     * A buffer to read into, positioned at the end of the unparsed bytes with at least {@code minFree} bytes
     * free; then call {@link #commitRead}. Invalidates the last frame.
     */
    public ByteBuffer readBuffer(int minFree) {
        makeRoom(minFree);
        readView.limit(buf.length).position(rawEnd);
        return readView;
    }

    /** Takes the bytes read into {@link #readBuffer}'s buffer (up to its position). */
    public void commitRead() {
        rawEnd = readView.position();
    }

    /** Copies bytes in (tests, benchmarks, other transports). Invalidates the last frame. */
    public void feed(DirectBuffer src, int offset, int length) {
        makeRoom(length);
        src.getBytes(offset, buf, rawEnd, length);
        rawEnd += length;
    }

    private void makeRoom(int minFree) {
        if (buf.length - rawEnd >= minFree && p < buf.length / 2) {
            return;
        }
        // compact: decoded body to the front, the raw tail right after it
        final int body = bodyEnd - p;
        final int raw = rawEnd - rawPos;
        if (p > 0 || rawPos > bodyEnd) {
            System.arraycopy(buf, p, buf, 0, body);
            System.arraycopy(buf, rawPos, buf, body, raw);
            scanPos = Math.max(0, scanPos - p);
            p = 0;
            bodyEnd = body;
            rawPos = body;
            rawEnd = body + raw;
        }
        if (buf.length - rawEnd < minFree) {
            final byte[] bigger = new byte[Math.max(buf.length * 2, rawEnd + minFree)];
            System.arraycopy(buf, 0, bigger, 0, rawEnd);
            buf = bigger;
            view.wrap(bigger);
            readView = ByteBuffer.wrap(bigger);
        }
    }

    /**
     * The connection ended (end of file, reset): reports a frame cut short ({@code truncated-frame}). Call
     * {@link #next} until it no longer returns FRAME before this.
     */
    public void endOfStream() {
        if ((state == State.BODY_LENGTH || state == State.BODY_SCAN) && bodyEnd > p) {
            report("truncated-frame", offsetOf(p), "multipart part: the stream ended after " + (bodyEnd - p)
                    + " bytes of the frame" + (state == State.BODY_LENGTH ? " (Content-Length " + partLength + ")" : ""));
        }
        state = State.END;
    }

    // ---------------------------------------------------------------- parsing

    /** Parses what was received; see {@link Event}. */
    public Event next() {
        if (state == State.FAILED) {
            return Event.FAILED;
        }
        if (state != State.HTTP_HEAD && !decodeTransfer()) {
            return fail("bad-http", -1, failure);
        }
        while (true) {
            switch (state) {
                case HTTP_HEAD:
                    if (!parseHttpHead()) {
                        return state == State.FAILED ? Event.FAILED : Event.NEED_MORE;
                    }
                    if (!decodeTransfer()) {
                        return fail("bad-http", -1, failure);
                    }
                    break;
                case DELIMITER:
                    if (!delimiterLine()) {
                        return needMore();
                    }
                    break;
                case PART_HEADERS:
                    if (!partHeaderLine()) {
                        return needMore();
                    }
                    break;
                case BODY_LENGTH: {
                    if (bodyEnd - p < partLength) {
                        return needMore();
                    }
                    final int start = p;
                    advance(p + (int) partLength);
                    state = State.DELIMITER;
                    if (acceptFrame(start, (int) partLength)) {
                        return Event.FRAME;
                    }
                    break;
                }
                case BODY_SCAN: {
                    final int q = findDelimiter(Math.max(scanPos, p));
                    if (q < 0) {
                        scanPos = scanResume;
                        if (bodyEnd - p > maxFrameBytes) {
                            report("oversized-frame", offsetOf(p), "multipart part without Content-Length: over "
                                    + maxFrameBytes + " bytes (maxFrameBytes) before the next boundary; skipped");
                            state = State.SKIP_SCAN;
                            break;
                        }
                        return needMore();
                    }
                    final int start = p;
                    int end = q;
                    if (end > start && buf[end - 1] == '\r') {
                        end--;
                    }
                    advance(q + 1);
                    state = State.DELIMITER;
                    if (end - start > maxFrameBytes) {
                        report("oversized-frame", offsetOf(start), "multipart part without Content-Length: "
                                + (end - start) + " bytes, over maxFrameBytes " + maxFrameBytes + "; skipped");
                        break;
                    }
                    if (acceptFrame(start, end - start)) {
                        return Event.FRAME;
                    }
                    break;
                }
                case SKIP_LENGTH: {
                    final int n = (int) Math.min(skipRemaining, bodyEnd - p);
                    advance(p + n);
                    skipRemaining -= n;
                    if (skipRemaining > 0) {
                        return needMore();
                    }
                    state = State.DELIMITER;
                    break;
                }
                case SKIP_SCAN: {
                    final int q = findDelimiter(p);
                    if (q < 0) {
                        advance(Math.max(p, scanResume));
                        return needMore();
                    }
                    advance(q + 1);
                    state = State.DELIMITER;
                    break;
                }
                case END:
                    return Event.END;
                default:
                    return Event.FAILED;
            }
        }
    }

    private Event needMore() {
        if (bodyDone) {
            endOfStream();
            return Event.END;
        }
        return Event.NEED_MORE;
    }

    private void advance(int newP) {
        bodyConsumed += newP - p;
        p = newP;
    }

    private long offsetOf(int index) {
        return bodyConsumed + (index - p);
    }

    private Event fail(String kind, long offset, String detail) {
        if (state != State.FAILED) {
            state = State.FAILED;
            failure = detail;
            report(kind, offset, detail);
        }
        return Event.FAILED;
    }

    /** De-chunks raw bytes into the body region; false (with {@link #failure} set) on broken chunk framing. */
    private boolean decodeTransfer() {
        if (!chunked) {
            bodyEnd = rawEnd;
            rawPos = rawEnd;
            return true;
        }
        while (rawPos < rawEnd && !bodyDone) {
            if (chunkRemaining > 0) {
                final int n = (int) Math.min(chunkRemaining, rawEnd - rawPos);
                if (bodyEnd != rawPos) {
                    System.arraycopy(buf, rawPos, buf, bodyEnd, n);
                }
                bodyEnd += n;
                rawPos += n;
                chunkRemaining -= n;
                chunkCrlfDue = chunkRemaining == 0;
                continue;
            }
            final int nl = indexOf((byte) '\n', rawPos, rawEnd);
            if (nl < 0) {
                if (rawEnd - rawPos > MAX_LINE_BYTES) {
                    failure = "chunked body: no chunk-size line end within " + MAX_LINE_BYTES + " bytes";
                    return false;
                }
                return true;
            }
            final int lineEnd = nl > rawPos && buf[nl - 1] == '\r' ? nl - 1 : nl;
            if (chunkCrlfDue) {
                if (lineEnd != rawPos) {
                    failure = "chunked body: expected CR LF after a chunk's data, found other bytes";
                    return false;
                }
                chunkCrlfDue = false;
                rawPos = nl + 1;
                continue;
            }
            long size = 0;
            int i = rawPos;
            int digits = 0;
            for (; i < lineEnd; i++) {
                final int d = Character.digit(buf[i], 16);
                if (d < 0) {
                    break;
                }
                size = (size << 4) | d;
                if (++digits > 15) {
                    break;
                }
            }
            if (digits == 0 || digits > 15 || (i < lineEnd && buf[i] != ';' && buf[i] != ' ' && buf[i] != '\t')) {
                failure = "chunked body: chunk-size line is not a hexadecimal size";
                return false;
            }
            rawPos = nl + 1;
            if (size == 0) {
                bodyDone = true; // trailers, if any, are ignored
            } else {
                chunkRemaining = size;
            }
        }
        return true;
    }

    /** Parses the HTTP response head from the raw bytes; false while incomplete or on failure. */
    private boolean parseHttpHead() {
        int end = -1;
        int lineStart = rawPos;
        for (int i = rawPos; i < rawEnd; i++) {
            if (buf[i] == '\n') {
                final int len = (i > lineStart && buf[i - 1] == '\r') ? i - 1 - lineStart : i - lineStart;
                if (len == 0) {
                    end = i + 1;
                    break;
                }
                lineStart = i + 1;
            }
        }
        if (end < 0) {
            if (rawEnd - rawPos > MAX_HEAD_BYTES) {
                fail("bad-http", 0, "HTTP response head: no blank line within " + MAX_HEAD_BYTES + " bytes");
            }
            return false;
        }
        // status line: HTTP/1.x SSS reason
        int nl = indexOf((byte) '\n', rawPos, end);
        if (nl - rawPos < 12 || !startsWith(rawPos, "HTTP/1.") || buf[rawPos + 8] != ' ') {
            fail("bad-http", 0, "HTTP status line: expected 'HTTP/1.x NNN', found '"
                    + text(rawPos, Math.min(nl, rawPos + 40)) + "'");
            return false;
        }
        httpStatus = (buf[rawPos + 9] - '0') * 100 + (buf[rawPos + 10] - '0') * 10 + (buf[rawPos + 11] - '0');
        if (httpStatus != 200) {
            fail("http-status", 0, "HTTP status: expected 200, got '" + text(rawPos + 9, trimEnd(rawPos + 9, nl)) + "'");
            return false;
        }
        int line = nl + 1;
        while (line < end) {
            nl = indexOf((byte) '\n', line, end);
            final int le = trimEnd(line, nl);
            final int colon = indexOf((byte) ':', line, le);
            if (colon > 0) {
                final int v = skipSpaces(colon + 1, le);
                if (nameIs(line, colon, CONTENT_TYPE)) {
                    final int b = indexOfIgnoreCase(BOUNDARY_PARAM, v, le);
                    if (b >= 0) {
                        int s = b + BOUNDARY_PARAM.length;
                        int e = s;
                        if (s < le && buf[s] == '"') {
                            s++;
                            e = s;
                            while (e < le && buf[e] != '"') {
                                e++;
                            }
                        } else {
                            while (e < le && buf[e] != ';' && buf[e] != ' ' && buf[e] != '\t') {
                                e++;
                            }
                        }
                        if (configuredBoundary == null && e > s) {
                            int ds = s;
                            while (ds < e - 1 && buf[ds] == '-') {
                                ds++;
                            }
                            setBoundary(buf, ds, e - ds);
                        }
                    }
                } else if (nameIs(line, colon, TRANSFER_ENCODING)) {
                    chunked = indexOfIgnoreCase(CHUNKED, v, le) >= 0;
                }
            }
            line = nl + 1;
        }
        rawPos = end;
        p = end;
        bodyEnd = end;
        state = State.DELIMITER;
        return true;
    }

    /** One line while looking for a delimiter; false when no full line is there yet. */
    private boolean delimiterLine() {
        final int nl = indexOf((byte) '\n', p, bodyEnd);
        if (nl < 0) {
            if (bodyEnd - p > MAX_LINE_BYTES) {
                reportUnexpected(p, "multipart body: over " + MAX_LINE_BYTES
                        + " bytes without a line end where a boundary line was expected");
                advance(Math.max(p, bodyEnd - (boundaryLength + 8)));
            }
            return false;
        }
        final int le = trimEnd(p, nl);
        int s = p;
        while (s < le && buf[s] == '-') {
            s++;
        }
        if (boundaryLength == 0 && s - p >= 2 && le > s) {
            setBoundary(buf, s, le - s); // no boundary in the head: the first "--x" line defines it
        }
        if (boundaryLength > 0 && le - s >= boundaryLength && regionEquals(s, boundary, boundaryLength)) {
            final int rest = s + boundaryLength;
            if (rest == le || (le - rest == 2 && buf[rest] == '-' && buf[rest + 1] == '-')) {
                advance(nl + 1);
                if (rest != le) {
                    state = State.END; // close delimiter
                    return true;
                }
                state = State.PART_HEADERS;
                partLength = -1;
                partTimestampNs = RecordSink.NO_SENSOR_TIME;
                partTypeOk = true;
                partHeaderBytes = 0;
                unexpectedReported = false;
                return true;
            }
        }
        if (le > p) {
            reportUnexpected(p, "multipart body: expected a boundary line '--" + new String(boundary, 0,
                    boundaryLength, StandardCharsets.ISO_8859_1) + "', found other data; skipped up to the next one");
        }
        advance(nl + 1);
        return true;
    }

    private void reportUnexpected(int at, String detail) {
        if (!unexpectedReported) {
            unexpectedReported = true; // once per gap between parts, not once per line
            report("unexpected-data", offsetOf(at), detail);
        }
    }

    /** One part header line; false when no full line is there yet. */
    private boolean partHeaderLine() {
        final int nl = indexOf((byte) '\n', p, bodyEnd);
        if (nl < 0) {
            if (partHeaderBytes + (bodyEnd - p) > MAX_HEAD_BYTES) {
                report("bad-part-header", offsetOf(p), "multipart part headers: no blank line within "
                        + MAX_HEAD_BYTES + " bytes; part skipped");
                state = State.SKIP_SCAN;
                return true;
            }
            return false;
        }
        partHeaderBytes += nl + 1 - p;
        final int le = trimEnd(p, nl);
        final int lineStart = p;
        advance(nl + 1);
        if (le == lineStart) {
            endOfPartHeaders();
            return true;
        }
        final int colon = indexOf((byte) ':', lineStart, le);
        if (colon <= lineStart) {
            report("bad-part-header", offsetOf(lineStart), "multipart part header: expected 'Name: value', found '"
                    + text(lineStart, Math.min(le, lineStart + 60)) + "'");
            return true;
        }
        final int v = skipSpaces(colon + 1, le);
        if (nameIs(lineStart, colon, CONTENT_LENGTH)) {
            final long n = parseDecimal(v, le);
            if (n < 0) {
                report("bad-part-header", offsetOf(v), "multipart Content-Length: expected a decimal byte count, "
                        + "found '" + text(v, Math.min(le, v + 30)) + "'; the frame is delimited by the boundary");
            } else {
                partLength = n;
            }
        } else if (nameIs(lineStart, colon, CONTENT_TYPE)) {
            partTypeOk = startsWithIgnoreCase(v, le, IMAGE_JPEG) || startsWithIgnoreCase(v, le, IMAGE_JPG);
            if (!partTypeOk) {
                report("unexpected-content-type", offsetOf(v), "multipart Content-Type: expected image/jpeg, found '"
                        + text(v, Math.min(le, v + 60)) + "'; part skipped");
            }
        } else if (nameIs(lineStart, colon, X_TIMESTAMP)) {
            partTimestampNs = parseSecondsToNanos(v, le);
            if (partTimestampNs == RecordSink.NO_SENSOR_TIME) {
                report("bad-timestamp", offsetOf(v), "multipart X-Timestamp: expected decimal seconds since the "
                        + "Unix epoch such as 1700000000.123456, found '" + text(v, Math.min(le, v + 40)) + "'");
            }
        }
        return true;
    }

    private void endOfPartHeaders() {
        if (partLength >= 0) {
            if (!partTypeOk || partLength > maxFrameBytes) {
                if (partTypeOk) {
                    report("oversized-frame", offsetOf(p), "multipart Content-Length: " + partLength
                            + " bytes, over maxFrameBytes " + maxFrameBytes + "; skipped");
                }
                skipRemaining = partLength;
                state = State.SKIP_LENGTH;
            } else {
                state = State.BODY_LENGTH;
            }
        } else {
            state = partTypeOk ? State.BODY_SCAN : State.SKIP_SCAN;
            scanPos = p;
        }
    }

    private boolean acceptFrame(int start, int length) {
        try {
            header.parse(view, start, length);
            if (header.format() != ImageHeader.Format.JPEG) {
                report("not-jpeg", offsetOf(start), "multipart part: a PNG where a JPEG frame was expected; skipped");
                return false;
            }
        } catch (ImageFormatException e) {
            report(e.code(), offsetOf(start) + e.offset(), "multipart frame of " + length + " bytes: "
                    + e.getMessage() + "; skipped");
            return false;
        }
        frameOffset = start;
        frameLength = length;
        frameSensorTimeNs = partTimestampNs;
        return true;
    }

    /**
     * Index of the '\n' that ends the line before the next delimiter line, searching from {@code from}; -1 if
     * none is complete yet. A delimiter line: '\n', any dashes, the boundary, then CR, LF or '-'.
     */
    private int findDelimiter(int from) {
        scanResume = bodyEnd;
        if (boundaryLength == 0) {
            return -1;
        }
        final byte first = boundary[0];
        for (int i = indexOf((byte) '\n', from, bodyEnd); i >= 0; i = indexOf((byte) '\n', i + 1, bodyEnd)) {
            int s = i + 1;
            while (s < bodyEnd && buf[s] == '-') {
                s++;
            }
            if (s + boundaryLength >= bodyEnd) {
                scanResume = i; // cannot tell yet: look at this line again when more bytes are in
                return -1;
            }
            if (buf[s] == first && regionEquals(s, boundary, boundaryLength)) {
                final byte after = buf[s + boundaryLength];
                if (after == '\r' || after == '\n' || after == '-') {
                    return i;
                }
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- small helpers (no allocation)

    private void setBoundary(byte[] src, int off, int len) {
        if (boundary.length < len) {
            boundary = new byte[len];
        }
        System.arraycopy(src, off, boundary, 0, len);
        boundaryLength = len;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private int trimEnd(int from, int to) {
        while (to > from && (buf[to - 1] == '\r' || buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    private int skipSpaces(int from, int to) {
        while (from < to && (buf[from] == ' ' || buf[from] == '\t')) {
            from++;
        }
        return from;
    }

    private boolean regionEquals(int at, byte[] what, int len) {
        for (int i = 0; i < len; i++) {
            if (buf[at + i] != what[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean nameIs(int from, int to, byte[] lowerName) {
        return trimEnd(from, to) - from == lowerName.length && startsWithIgnoreCase(from, to, lowerName);
    }

    private boolean startsWithIgnoreCase(int from, int to, byte[] lower) {
        if (to - from < lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            byte c = buf[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private int indexOfIgnoreCase(byte[] lower, int from, int to) {
        for (int i = from; i + lower.length <= to; i++) {
            if (startsWithIgnoreCase(i, to, lower)) {
                return i;
            }
        }
        return -1;
    }

    private boolean startsWith(int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (buf[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private long parseDecimal(int from, int to) {
        if (from >= to || to - from > 12) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            final int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n;
    }

    /** "S[.F]" seconds since the epoch to ns; NO_SENSOR_TIME if malformed. */
    private long parseSecondsToNanos(int from, int to) {
        final int dot = indexOf((byte) '.', from, to);
        final int intEnd = dot < 0 ? to : dot;
        final long seconds = parseDecimal(from, intEnd);
        if (seconds < 0 || seconds > 9_000_000_000L) {
            return RecordSink.NO_SENSOR_TIME;
        }
        long frac = 0;
        if (dot >= 0) {
            final int digits = to - dot - 1;
            if (digits < 1 || digits > 9) {
                return RecordSink.NO_SENSOR_TIME;
            }
            frac = parseDecimal(dot + 1, to);
            if (frac < 0) {
                return RecordSink.NO_SENSOR_TIME;
            }
            for (int i = digits; i < 9; i++) {
                frac *= 10;
            }
        }
        return seconds * 1_000_000_000L + frac;
    }

    private String text(int from, int to) {
        return new String(buf, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] stripDashes(byte[] b) {
        int s = 0;
        while (s < b.length - 1 && b[s] == '-') {
            s++;
        }
        return java.util.Arrays.copyOfRange(b, s, b.length);
    }

    private void report(String kind, long offset, String detail) {
        try {
            listener.onBadInput(kind, offset, detail);
        } catch (RuntimeException ignored) {
            // a listener must not throw; the stream goes on regardless
        }
    }

    // ---------------------------------------------------------------- the current frame

    /** The buffer holding the last frame (its backing array may change after {@link #readBuffer} / {@link #feed}). */
    public DirectBuffer frameBuffer() {
        return view;
    }

    public int frameOffset() {
        return frameOffset;
    }

    public int frameLength() {
        return frameLength;
    }

    /** From the part's X-Timestamp header, else {@link RecordSink#NO_SENSOR_TIME}. */
    public long frameSensorTimeNs() {
        return frameSensorTimeNs;
    }

    /** The header of the last frame (width, height, ...), as parsed to validate it. */
    public ImageHeader frameHeader() {
        return header;
    }

    /** The response's HTTP status (0 before the head or without one). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Why the last {@link Event#FAILED} happened; null if it did not. */
    public String failure() {
        return failure;
    }

    /** Body bytes consumed so far on this connection. */
    public long bodyBytesConsumed() {
        return bodyConsumed;
    }

    /** Bytes the decoder holds in memory (its buffer's capacity). */
    public int capacity() {
        return buf.length;
    }
}
