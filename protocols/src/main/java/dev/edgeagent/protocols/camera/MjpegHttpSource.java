package dev.edgeagent.protocols.camera;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An IP camera's MJPEG stream over HTTP/1.1 ({@code multipart/x-mixed-replace}), one record per JPEG frame:
 * payload = the frame's bytes exactly (SOI .. EOI as sent), key = {@link MjpegHttpSettings#cameraName()},
 * sensor time = the part's {@code X-Timestamp} header when present (see {@link MjpegStreamDecoder}), else
 * {@link RecordSink#NO_SENSOR_TIME}; receive times are taken when the frame's last byte has been read.
 *
 * <h2>Why a non-blocking channel on the agent thread</h2>
 * {@link #doWork()} drives a non-blocking {@link SocketChannel} itself (connect, send the GET, read what is there,
 * decode, append), so the agent thread is the sink's only writer, nothing ever blocks it on the network, and no
 * frame is copied between threads: a frame is appended straight from the decoder's buffer. A blocking reader
 * thread would need a hand-over ring sized for whole frames and a second copy of every frame. When the sink
 * refuses a frame it stays pending and nothing more is read: TCP flow control pushes back on the camera.
 * One exception: resolving a host name (not an IP address) happens on the agent thread at each connect and may
 * block for the resolver's timeout.
 *
 * <h2>Reconnects</h2>
 * A failed connect, a non-200 answer, a broken response, the server closing the stream, or no byte for
 * {@link MjpegHttpSettings#idleTimeout()} closes the connection; the next attempt follows after a backoff that
 * starts at {@code backoffInitial} and doubles per failed attempt up to {@code backoffMax}; a connection that
 * delivered a frame starts the backoff over. Problems are logged (at most once a minute while they repeat) and kept
 * in {@link #lastError()}.
 *
 * <p>Bad input (reported to the listener and counted, never thrown): see {@link MjpegStreamDecoder}. An exception
 * thrown by the sink itself propagates out of {@code doWork()}, its frame still pending, as in the replay sources.
 */
public final class MjpegHttpSource implements Source {

    private static final System.Logger LOG = System.getLogger(MjpegHttpSource.class.getName());
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int READ_CHUNK = 64 * 1024;
    private static final int MAX_READS_PER_WORK = 64;

    private enum State { WAITING, CONNECTING, SENDING, STREAMING, CLOSED }

    private final MjpegHttpSettings settings;
    private final RecordSink sink;
    private final BadInputListener listener;
    private final EpochNanoClock wallClock;
    private final MjpegStreamDecoder decoder;
    private final UnsafeBuffer key;
    private final byte[] request;
    private final ByteBuffer requestBuffer;
    private final String roleName;
    private final String where;

    private final AtomicLong framesAppended = new AtomicLong();
    private final AtomicLong payloadBytes = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong badInputs = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private volatile boolean streaming;
    private volatile String lastError;

    private State state = State.WAITING;
    private SocketChannel channel;
    private long stateSinceNs;
    private long nextAttemptNs;
    private long lastByteNs;
    private int failedAttempts;
    private boolean framesThisConnection;
    private long lastReportNs = Long.MIN_VALUE;
    private long suppressedReports;

    private boolean pending;
    private boolean inSink;
    private long pendingSensorNs;
    private long pendingWallNs;
    private long pendingMonoNs;

    public MjpegHttpSource(MjpegHttpSettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock());
    }

    /**
     * @param listener  told about bad input in the stream (on the agent thread)
     * @param wallClock receive wall time ({@code new OffsetEpochNanoClock()} outside tests)
     */
    public MjpegHttpSource(MjpegHttpSettings settings, RecordSink sink, BadInputListener listener,
                           EpochNanoClock wallClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.decoder = new MjpegStreamDecoder(settings.maxFrameBytes(), null, this::countBadInput);
        this.key = new UnsafeBuffer(settings.cameraName().getBytes(StandardCharsets.UTF_8));
        this.request = buildRequest(settings.url());
        this.requestBuffer = ByteBuffer.wrap(request);
        this.where = settings.url().getHost() + ":" + port(settings.url()) + rawPath(settings.url());
        this.roleName = "mjpeg-http:" + (settings.cameraName().isEmpty() ? where : settings.cameraName());
        this.nextAttemptNs = System.nanoTime();
    }

    private static int port(URI url) {
        return url.getPort() < 0 ? 80 : url.getPort();
    }

    private static String rawPath(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    private static byte[] buildRequest(URI url) {
        StringBuilder sb = new StringBuilder(256)
                .append("GET ").append(rawPath(url)).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(url.getPort() < 0 ? "" : ":" + url.getPort())
                .append("\r\n")
                .append("User-Agent: edge-agent\r\n")
                .append("Accept: multipart/x-mixed-replace, */*\r\n");
        if (url.getRawUserInfo() != null) {
            String userInfo = java.net.URLDecoder.decode(url.getRawUserInfo(), StandardCharsets.UTF_8);
            sb.append("Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String roleName() {
        return roleName;
    }

    public MjpegHttpSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- status (any thread)

    /** Frames the sink accepted. */
    public long framesAppended() {
        return framesAppended.get();
    }

    /** Payload bytes of the accepted frames. */
    public long payloadBytes() {
        return payloadBytes.get();
    }

    /** Bytes read from the network (heads, part headers and frames). */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Bad input reported to the listener (skipped frames, broken parts, bad responses). */
    public long badInputs() {
        return badInputs.get();
    }

    /** Appends the sink refused; the frame was offered again later. */
    public long appendsRefused() {
        return refused.get();
    }

    /** Connections that got as far as sending the request. */
    public long connections() {
        return connections.get();
    }

    /** Connect attempts that failed (refused, timed out, unresolvable). */
    public long connectFailures() {
        return connectFailures.get();
    }

    /** True while a connection is open and its request was sent. */
    public boolean streaming() {
        return streaming;
    }

    /** The last connection problem as one sentence naming the camera; null if there never was one. */
    public String lastError() {
        return lastError;
    }

    // ---------------------------------------------------------------- the duty cycle

    @Override
    public int doWork() {
        if (pending) {
            if (!appendPending()) {
                return 0;
            }
            if (state != State.STREAMING) {
                return 1;
            }
        }
        final long now = System.nanoTime();
        try {
            switch (state) {
                case WAITING:
                    return now - nextAttemptNs >= 0 ? startConnect(now) : 0;
                case CONNECTING:
                    if (channel.finishConnect()) {
                        return startSending(now);
                    }
                    if (now - stateSinceNs > settings.connectTimeout().toNanos()) {
                        connectFailed(now, "connect timed out after " + settings.connectTimeout().toMillis() + " ms");
                        return 1;
                    }
                    return 0;
                case SENDING:
                    return send(now);
                case STREAMING:
                    return stream(now);
                default:
                    return 0;
            }
        } catch (IOException | RuntimeException e) {
            if (inSink) {
                inSink = false;
                throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
            }
            // network trouble (or a decoder bug on odd input): drop the connection, never the agent thread
            if (state == State.STREAMING || state == State.SENDING) {
                connectionLost(now, describe(e));
            } else if (state != State.CLOSED) {
                connectFailed(now, describe(e));
            }
            return 1;
        }
    }

    private int startConnect(long now) throws IOException {
        final URI url = settings.url();
        final InetSocketAddress address = new InetSocketAddress(url.getHost(), port(url));
        if (address.isUnresolved()) {
            connectFailed(now, "host " + url.getHost() + " cannot be resolved");
            return 1;
        }
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        stateSinceNs = now;
        if (channel.connect(address)) {
            return startSending(now);
        }
        state = State.CONNECTING;
        return 1;
    }

    private int startSending(long now) throws IOException {
        requestBuffer.clear();
        state = State.SENDING;
        stateSinceNs = now;
        connections.lazySet(connections.get() + 1);
        return send(now);
    }

    private int send(long now) throws IOException {
        channel.write(requestBuffer);
        if (requestBuffer.hasRemaining()) {
            if (now - stateSinceNs > settings.connectTimeout().toNanos()) {
                connectionLost(now, "the request could not be sent within " + settings.connectTimeout().toMillis()
                        + " ms");
            }
            return 1;
        }
        decoder.reset(true);
        framesThisConnection = false;
        state = State.STREAMING;
        streaming = true;
        lastByteNs = now;
        return 1;
    }

    private int stream(long now) throws IOException {
        int work = 0;
        int frames = 0;
        int reads = 0;
        while (frames < settings.maxFramesPerWork()) {
            final MjpegStreamDecoder.Event event = decoder.next();
            if (event == MjpegStreamDecoder.Event.FRAME) {
                pending = true;
                pendingSensorNs = decoder.frameSensorTimeNs();
                pendingMonoNs = System.nanoTime();
                pendingWallNs = wallClock.nanoTime();
                if (!appendPending()) {
                    return work;
                }
                work++;
                frames++;
                continue;
            }
            if (event == MjpegStreamDecoder.Event.END) {
                connectionLost(now, "the server ended the stream");
                return work + 1;
            }
            if (event == MjpegStreamDecoder.Event.FAILED) {
                connectionLost(now, decoder.failure());
                return work + 1;
            }
            if (reads++ == MAX_READS_PER_WORK) {
                return work; // a fast stream must not hold the thread forever
            }
            final ByteBuffer into = decoder.readBuffer(READ_CHUNK);
            final int n = channel.read(into);
            if (n > 0) {
                decoder.commitRead();
                bytesReceived.lazySet(bytesReceived.get() + n);
                lastByteNs = now;
                work++;
                continue;
            }
            if (n < 0) {
                decoder.endOfStream();
                connectionLost(now, "the server closed the connection");
                return work + 1;
            }
            if (now - lastByteNs > settings.idleTimeout().toNanos()) {
                connectionLost(now, "no data for " + settings.idleTimeout().toMillis() + " ms");
                return work + 1;
            }
            return work;
        }
        return work;
    }

    /** Offers the pending frame; true once the sink took it. */
    private boolean appendPending() {
        final int len = decoder.frameLength();
        inSink = true; // an exception from the sink propagates (the frame stays pending), as in ReplaySource
        final boolean accepted = sink.append(pendingSensorNs, pendingWallNs, pendingMonoNs, key, 0, key.capacity(),
                decoder.frameBuffer(), decoder.frameOffset(), len);
        inSink = false;
        if (!accepted) {
            refused.lazySet(refused.get() + 1);
            return false;
        }
        pending = false;
        framesThisConnection = true;
        lastByteNs = System.nanoTime(); // time spent refused is not the camera's silence
        framesAppended.lazySet(framesAppended.get() + 1);
        payloadBytes.lazySet(payloadBytes.get() + len);
        return true;
    }

    // ---------------------------------------------------------------- failures and backoff

    private void connectFailed(long now, String why) {
        connectFailures.lazySet(connectFailures.get() + 1);
        closeChannel();
        scheduleRetry(now, "MJPEG camera " + where + " unreachable: " + why);
    }

    private void connectionLost(long now, String why) {
        closeChannel();
        if (framesThisConnection) {
            failedAttempts = 0; // it worked for a while: start the backoff over
        }
        scheduleRetry(now, "MJPEG camera " + where + " stream lost: " + why);
    }

    private void scheduleRetry(long now, String error) {
        // a pending frame is still offered; it lies in the decoder's buffer, which nothing touches until the
        // next connection reads
        final long delay = Math.min(settings.backoffMax().toNanos(),
                settings.backoffInitial().toNanos() << Math.min(failedAttempts, 30));
        failedAttempts++;
        nextAttemptNs = now + Math.max(delay, 0);
        state = state == State.CLOSED ? State.CLOSED : State.WAITING;
        lastError = error;
        if (now - lastReportNs >= REPORT_INTERVAL_NS || lastReportNs == Long.MIN_VALUE) {
            LOG.log(Level.WARNING, "{0}; retrying in {1} ms{2}", error, TimeUnit.NANOSECONDS.toMillis(delay),
                    suppressedReports > 0 ? " (" + suppressedReports + " similar problems since the last report)" : "");
            lastReportNs = now;
            suppressedReports = 0;
        } else {
            suppressedReports++;
        }
    }

    private void closeChannel() {
        streaming = false;
        final SocketChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a broken socket: nothing more to do
            }
        }
    }

    private void countBadInput(String kind, long offset, String detail) {
        badInputs.lazySet(badInputs.get() + 1);
        try {
            listener.onBadInput(kind, offset, "MJPEG camera " + where + ": " + detail);
        } catch (RuntimeException ignored) {
            // a listener must not throw; the source goes on regardless
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
    }

    @Override
    public void onClose() {
        state = State.CLOSED;
        closeChannel();
    }
}
