package dev.edgeagent.protocols.gnss;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import dev.edgeagent.protocols.text.AsciiNumbers;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A gpsd client: connects over TCP (default 127.0.0.1:2947), sends {@code ?WATCH={"enable":true,"json":true}} and
 * appends one record per JSON object line gpsd sends.
 *
 * <p>Record: payload = the line byte for byte without its line end ({@code \r\n}); key = its {@code "class"} value
 * ({@code TPV}, {@code SKY}, {@code VERSION}, {@code DEVICES}, {@code WATCH}, ...; empty if the object has none);
 * sensor time = its {@code "time"} value (ISO 8601 UTC, as in TPV and SKY) when present, else
 * {@link RecordSink#NO_SENSOR_TIME}; receive times taken when the bytes were read.
 *
 * <p>Everything runs on the agent thread in {@link #doWork()} with a non-blocking socket: it never blocks and never
 * throws. A refused record stays pending (reading pauses, so TCP pushes back on gpsd) and is offered again on the next
 * call. A lost or failed connection is retried by itself after a backoff that doubles from
 * {@code reconnectBackoffMin} to {@code reconnectBackoffMax} (with jitter) and starts over after a success. Bad input
 * kinds: {@code gpsd-bad-line} (a line that is not a JSON object, line number of the connection as offset),
 * {@code line-too-long}. Counters are readable from any thread.
 */
public final class GpsdClientSource implements Source {

    private static final System.Logger LOG = System.getLogger(GpsdClientSource.class.getName());
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(60);

    private enum State { WAITING, CONNECTING, CONNECTED, CLOSED }

    private final GpsdClientSettings settings;
    private final RecordSink sink;
    private final BadInputListener listener;
    private final EpochNanoClock wallClock;
    private final String roleName;
    private final ByteBuffer watch;
    private final ByteBuffer in;
    private final UnsafeBuffer inView;

    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private volatile boolean connected;
    private volatile String lastError;

    private State state = State.WAITING;
    private SocketChannel channel;
    private long stateSinceNs;
    private long nextAttemptNs;
    private int failedAttempts;
    private long lastFailureLogNs;
    private long lineNumber;
    private boolean discarding;
    // the line being offered (pending after a refusal): [lineStart, lineEnd) of in, received at these times
    private int scanFrom;
    private long readWallNs;
    private long readMonoNs;
    private boolean pending;
    private int pendingStart;
    private int pendingEnd;
    private int pendingNext;

    public GpsdClientSource(GpsdClientSettings settings, RecordSink sink, BadInputListener listener,
                            EpochNanoClock wallClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.roleName = "gpsd-client:" + settings.host() + ":" + settings.port();
        byte[] cmd = (settings.watchCommand() + "\n").getBytes(StandardCharsets.US_ASCII);
        this.watch = ByteBuffer.allocateDirect(cmd.length);
        this.watch.put(cmd).flip();
        this.in = ByteBuffer.allocateDirect(settings.maxLineLength() + 2);
        this.inView = new UnsafeBuffer(in);
        this.nextAttemptNs = System.nanoTime();
    }

    @Override
    public String roleName() {
        return roleName;
    }

    public GpsdClientSettings settings() {
        return settings;
    }

    public boolean connected() {
        return connected;
    }

    /** The last connection problem as one sentence naming gpsd's address; null if there never was one. */
    public String lastError() {
        return lastError;
    }

    /** JSON lines received (appended, pending or bad). */
    public long linesReceived() {
        return lines.get();
    }

    public long recordsAppended() {
        return appended.get();
    }

    public long appendsRefused() {
        return refused.get();
    }

    public long badInputs() {
        return bad.get();
    }

    /** Successful connections, the first included. */
    public long connects() {
        return connects.get();
    }

    public long connectFailures() {
        return connectFailures.get();
    }

    @Override
    public int doWork() {
        try {
            final long now = System.nanoTime();
            switch (state) {
                case WAITING:
                    return now - nextAttemptNs >= 0 ? startConnect(now) : 0;
                case CONNECTING:
                    return pollConnect(now);
                case CONNECTED:
                    return pollConnected(now);
                default:
                    return 0;
            }
        } catch (IOException | RuntimeException e) {
            // I/O errors, an unresolvable host, or a failing sink: start over with a new connection after a backoff
            fail(System.nanoTime(), e);
            return 1;
        }
    }

    private int startConnect(long now) throws IOException {
        closeChannel();
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        stateSinceNs = now;
        if (channel.connect(new InetSocketAddress(settings.host(), settings.port()))) {
            onConnected(now);
        } else {
            state = State.CONNECTING;
        }
        return 1;
    }

    private int pollConnect(long now) throws IOException {
        if (channel.finishConnect()) {
            onConnected(now);
            return 1;
        }
        if (now - stateSinceNs > settings.connectTimeout().toNanos()) {
            throw new IOException("no connection within " + settings.connectTimeout().toMillis() + " ms");
        }
        return 0;
    }

    private void onConnected(long now) {
        state = State.CONNECTED;
        stateSinceNs = now;
        watch.rewind();
        in.clear();
        scanFrom = 0;
        pending = false;
        discarding = false;
        lineNumber = 0;
        connected = true;
        connects.lazySet(connects.get() + 1);
        if (failedAttempts > 0 || connects.get() == 1) {
            LOG.log(Level.INFO, "gpsd {0}:{1} connected{2}", settings.host(), String.valueOf(settings.port()),
                    failedAttempts > 0 ? " after " + failedAttempts + " failed attempts" : "");
        }
        failedAttempts = 0;
    }

    private int pollConnected(long now) throws IOException {
        int work = 0;
        if (watch.hasRemaining()) {
            work += channel.write(watch);
        }
        if (pending) {
            if (!offer(pendingStart, pendingEnd)) {
                return work;
            }
            pending = false;
            scanFrom = pendingNext;
            work++;
        }
        work += drainLines();
        if (pending) {
            return work;
        }
        // make room: move the unfinished line to the front
        if (scanFrom > 0) {
            final int unread = in.position() - scanFrom;
            for (int i = 0; i < unread; i++) {
                in.put(i, in.get(scanFrom + i));
            }
            in.position(unread);
            scanFrom = 0;
        }
        if (!in.hasRemaining()) {
            // a line longer than the buffer: drop what we have, and the rest up to its line end
            lineNumber++;
            report("line-too-long", lineNumber, "gpsd line " + lineNumber + " on this connection is longer than "
                    + settings.maxLineLength() + " bytes (maxLineLength); dropped");
            in.clear();
            discarding = true;
        }
        final int n = channel.read(in);
        if (n < 0) {
            throw new IOException("gpsd closed the connection");
        }
        if (n > 0) {
            readWallNs = wallClock.nanoTime();
            readMonoNs = System.nanoTime();
            work += drainLines() + 1;
        }
        return work;
    }

    /** Offers each complete line in [scanFrom, position); stops at a refusal (line left pending). */
    private int drainLines() {
        int work = 0;
        final int limit = in.position();
        int i = scanFrom;
        while (i < limit) {
            int nl = -1;
            for (int k = i; k < limit; k++) {
                if (inView.getByte(k) == '\n') {
                    nl = k;
                    break;
                }
            }
            if (nl < 0) {
                break;
            }
            final int next = nl + 1;
            if (discarding) {
                discarding = false;
                i = next;
                scanFrom = i;
                continue;
            }
            int end = nl;
            if (end > i && inView.getByte(end - 1) == '\r') {
                end--;
            }
            lineNumber++;
            lines.lazySet(lines.get() + 1);
            if (end == i) {
                i = next; // an empty line: nothing to keep
                scanFrom = i;
                continue;
            }
            if (inView.getByte(i) != '{' || inView.getByte(end - 1) != '}') {
                report("gpsd-bad-line", lineNumber, "gpsd line " + lineNumber
                        + " on this connection is not a JSON object: expected '{' ... '}'");
                i = next;
                scanFrom = i;
                continue;
            }
            if (!offer(i, end)) {
                pending = true;
                pendingStart = i;
                pendingEnd = end;
                pendingNext = next;
                return work;
            }
            i = next;
            scanFrom = i;
            work++;
        }
        if (discarding) {
            scanFrom = limit; // still inside the over-long line
        }
        return work;
    }

    private boolean offer(int start, int end) {
        int keyStart = GpsdJson.classValueStart(inView, start, end);
        int keyEnd = keyStart < 0 ? -1 : GpsdJson.stringEnd(inView, keyStart, end);
        if (keyEnd < 0) {
            keyStart = start;
            keyEnd = start;
        }
        final long t = GpsdJson.timeNs(inView, start, end);
        final long sensorNs = t == AsciiNumbers.NO_LONG ? RecordSink.NO_SENSOR_TIME : t;
        if (!sink.append(sensorNs, readWallNs, readMonoNs, inView, keyStart, keyEnd - keyStart, inView, start,
                end - start)) {
            refused.lazySet(refused.get() + 1);
            return false;
        }
        appended.lazySet(appended.get() + 1);
        return true;
    }

    private void fail(long now, Exception cause) {
        final boolean wasConnected = connected;
        connected = false;
        closeChannel();
        if (state == State.CLOSED) {
            return;
        }
        if (!wasConnected) {
            connectFailures.lazySet(connectFailures.get() + 1);
        }
        final long delay = backoffNs(failedAttempts++);
        lastError = "gpsd " + settings.host() + ":" + settings.port() + (wasConnected ? " connection lost: "
                : " unreachable: ") + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
        if (wasConnected || now - lastFailureLogNs >= REPORT_INTERVAL_NS) {
            lastFailureLogNs = now;
            LOG.log(Level.WARNING, lastError + "; retrying in " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
        }
        pending = false; // the line was not accepted; gpsd streams on, nothing to resend
        state = State.WAITING;
        nextAttemptNs = now + delay;
    }

    private long backoffNs(int attempt) {
        final long min = settings.reconnectBackoffMin().toNanos();
        final long max = settings.reconnectBackoffMax().toNanos();
        long d = min;
        for (int i = 0; i < attempt && d < max; i++) {
            d = d > max / 2 ? max : d * 2;
        }
        d = Math.min(d, max);
        final long half = d / 2;
        return half + ThreadLocalRandom.current().nextLong(d - half + 1);
    }

    private void report(String kind, long offset, String detail) {
        bad.lazySet(bad.get() + 1);
        try {
            listener.onBadInput(kind, offset, detail);
        } catch (RuntimeException ignored) {
            // a listener must not throw
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            channel = null;
        }
    }

    @Override
    public void onClose() {
        state = State.CLOSED;
        connected = false;
        closeChannel();
    }
}
