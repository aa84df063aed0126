package dev.edgeagent.protocols.source.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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
 * Receives UDP datagrams on a bound port and appends each one to a {@link RecordSink} as it came: payload = the
 * datagram's bytes, key empty (one source binds one port, so the port would say nothing), sensor time
 * {@link RecordSink#NO_SENSOR_TIME} (the packets are decoded later, e.g. by a LiDAR sweep assembler), receive times
 * taken per datagram.
 *
 * <p>Non-blocking {@link DatagramChannel}, one reusable direct buffer: nothing is allocated per datagram.
 * {@link #doWork()} takes up to {@code maxDatagramsPerWork} datagrams. A datagram the sink refuses is dropped and
 * counted ({@link #dropped()}): UDP has no back-pressure, and holding it would only make the kernel drop newer
 * ones. What the kernel itself drops when its buffer overflows is not visible here (see
 * {@code /proc/net/snmp} RcvbufErrors); {@link #grantedReceiveBufferBytes()} says how big that buffer is.
 *
 * <p>Bad input kinds reported: {@code bind-failed} (retried every second; once per distinct message),
 * {@code oversized-datagram} (longer than {@code maxDatagramBytes}; skipped), {@code receive-error}.
 * Counters are readable from any thread.
 */
public final class UdpReceiverSource implements Source {

    private static final UnsafeBuffer EMPTY_KEY = new UnsafeBuffer(new byte[0]);
    private static final long RETRY_NS = TimeUnit.SECONDS.toNanos(1);

    private final UdpReceiverSettings settings;
    private final RecordSink sink;
    private final BadInputListener listener;
    private final EpochNanoClock wallClock;
    private final String roleName;
    private final ByteBuffer buffer;
    private final UnsafeBuffer view;

    private DatagramChannel channel;
    private long nextOpenAttemptNs;
    private String lastBindError;

    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private volatile int localPort = -1;
    private volatile int grantedReceiveBuffer = -1;

    public UdpReceiverSource(UdpReceiverSettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock());
    }

    public UdpReceiverSource(UdpReceiverSettings settings, RecordSink sink, BadInputListener listener,
                             EpochNanoClock wallClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.roleName = "udp:" + settings.bindAddress() + ":" + settings.port();
        // one byte more than the largest datagram kept: a full buffer means the kernel cut a longer one
        this.buffer = ByteBuffer.allocateDirect(settings.maxDatagramBytes() + 1);
        this.view = new UnsafeBuffer(buffer);
    }

    public UdpReceiverSettings settings() {
        return settings;
    }

    @Override
    public String roleName() {
        return roleName;
    }

    @Override
    public void onStart() {
        open();
    }

    private boolean open() {
        nextOpenAttemptNs = System.nanoTime() + RETRY_NS;
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.configureBlocking(false);
            // before bind, so that the queue exists at its size from the first datagram
            ch.setOption(StandardSocketOptions.SO_RCVBUF, settings.receiveBufferBytes());
            ch.bind(new InetSocketAddress(settings.bindAddress(), settings.port()));
            grantedReceiveBuffer = ch.getOption(StandardSocketOptions.SO_RCVBUF);
            localPort = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            channel = ch;
            lastBindError = null;
            return true;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
            String msg = String.valueOf(e);
            if (!msg.equals(lastBindError)) {
                lastBindError = msg;
                listener.onBadInput("bind-failed", -1, "cannot bind UDP " + settings.bindAddress() + ":"
                        + settings.port() + ": " + msg + "; retrying every second");
            }
            return false;
        }
    }

    @Override
    public int doWork() {
        DatagramChannel ch = channel;
        if (ch == null) {
            if (System.nanoTime() - nextOpenAttemptNs < 0 || !open()) {
                return 0;
            }
            ch = channel;
        }
        final int max = settings.maxDatagramsPerWork();
        final int limit = settings.maxDatagramBytes();
        int n = 0;
        try {
            while (n < max) {
                buffer.clear();
                if (ch.receive(buffer) == null) {
                    break;
                }
                n++;
                final int len = buffer.position();
                datagrams.lazySet(datagrams.get() + 1);
                if (len > limit) {
                    oversized.lazySet(oversized.get() + 1);
                    listener.onBadInput("oversized-datagram", -1, "datagram longer than maxDatagramBytes "
                            + limit + " on port " + localPort + ": skipped");
                    continue;
                }
                final long wall = wallClock.nanoTime();
                final long mono = System.nanoTime();
                if (sink.append(RecordSink.NO_SENSOR_TIME, wall, mono, EMPTY_KEY, 0, 0, view, 0, len)) {
                    appended.lazySet(appended.get() + 1);
                    bytes.lazySet(bytes.get() + len);
                } else {
                    dropped.lazySet(dropped.get() + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            listener.onBadInput("receive-error", -1, "receiving on UDP port " + localPort + " failed: " + e);
        }
        return n;
    }

    @Override
    public void onClose() {
        DatagramChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a datagram socket has nothing to flush
            }
        }
    }

    /** The bound local port (the chosen one when the settings said 0), or -1 before binding. */
    public int localPort() {
        return localPort;
    }

    /** SO_RCVBUF as the OS granted it (Linux reports twice what it allows for data), or -1 before binding. */
    public int grantedReceiveBufferBytes() {
        return grantedReceiveBuffer;
    }

    /** Datagrams taken from the socket, all outcomes. */
    public long datagrams() {
        return datagrams.get();
    }

    public long appended() {
        return appended.get();
    }

    /** Datagrams the sink refused: dropped, never retried. */
    public long dropped() {
        return dropped.get();
    }

    /** Payload bytes appended. */
    public long bytes() {
        return bytes.get();
    }

    public long oversized() {
        return oversized.get();
    }
}
