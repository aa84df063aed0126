package dev.edgeagent.protocols.imu;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Receives IMU samples as UDP datagrams, one sample each: either a JSON object ({@link ImuJson}; first non-blank byte
 * {@code '{'}) or the binary {@link ImuRecord} layout ({@value ImuRecord#LENGTH} bytes, version 1). Each becomes one
 * record: payload = the {@link ImuRecord} layout, key empty, sensor time = the sample's time (JSON without a time:
 * the receive wall time).
 *
 * <p>Non-blocking on the agent thread; the socket is bound lazily on the first {@code doWork()} and, should binding
 * fail, retried every second. A refused record stays pending (nothing more is received meanwhile; the kernel's socket
 * buffer holds what arrives, then drops, as UDP does). Bad input kinds: {@code imu-bad-json},
 * {@code imu-bad-record}, {@code imu-bad-datagram} (neither format), {@code bind-failed}; offset -1 (datagrams have
 * no position).
 */
public final class ImuUdpSource implements Source {

    private static final long REBIND_NS = 1_000_000_000L;
    private static final UnsafeBuffer NO_KEY = new UnsafeBuffer(new byte[0]);

    private final InetSocketAddress bindAddress;
    private final RecordSink sink;
    private final BadInputListener listener;
    private final EpochNanoClock wallClock;
    private final int maxPerWork;
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(65_536);
    private final UnsafeBuffer datagramView = new UnsafeBuffer(datagram);
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[ImuRecord.LENGTH]);
    private final ImuSample sample = new ImuSample();
    private final ImuJson json = new ImuJson();

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private volatile int boundPort = -1;

    private DatagramChannel channel;
    private long nextBindNs;
    private boolean pending;
    private long pendingTime;
    private long pendingWall;
    private long pendingMono;

    /**
     * @param bindAddress where to listen (port 0 = any free port, see {@link #boundPort()})
     * @param maxPerWork  most datagrams one {@code doWork()} handles
     */
    public ImuUdpSource(InetSocketAddress bindAddress, RecordSink sink, BadInputListener listener,
                        EpochNanoClock wallClock, int maxPerWork) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        if (maxPerWork < 1) {
            throw new IllegalArgumentException("maxPerWork: must be at least 1, got " + maxPerWork);
        }
        this.maxPerWork = maxPerWork;
    }

    @Override
    public String roleName() {
        return "imu-udp:" + bindAddress.getPort();
    }

    /** The local port once bound, else -1. */
    public int boundPort() {
        return boundPort;
    }

    public long datagramsReceived() {
        return received.get();
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

    @Override
    public int doWork() {
        if (channel == null) {
            final long now = System.nanoTime();
            if (now - nextBindNs < 0) {
                return 0;
            }
            try {
                channel = DatagramChannel.open(StandardProtocolFamily.INET);
                channel.configureBlocking(false);
                channel.bind(bindAddress);
                boundPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            } catch (IOException | RuntimeException e) {
                report("bind-failed", "cannot listen for IMU datagrams on " + bindAddress + ": " + e);
                close();
                nextBindNs = now + REBIND_NS;
                return 1;
            }
        }
        int work = 0;
        try {
            while (work < maxPerWork) {
                if (pending) {
                    if (!sink.append(pendingTime, pendingWall, pendingMono, NO_KEY, 0, 0, record, 0,
                            ImuRecord.LENGTH)) {
                        refused.lazySet(refused.get() + 1);
                        return work;
                    }
                    pending = false;
                    appended.lazySet(appended.get() + 1);
                    work++;
                }
                datagram.clear();
                if (channel.receive(datagram) == null) {
                    return work;
                }
                final long wall = wallClock.nanoTime();
                final long mono = System.nanoTime();
                received.lazySet(received.get() + 1);
                work++;
                if (convert(datagram.position(), wall)) {
                    pending = true;
                    pendingTime = sample.timeNs;
                    pendingWall = wall;
                    pendingMono = mono;
                }
            }
        } catch (IOException e) {
            report("receive-failed", "receiving IMU datagrams on " + bindAddress + " failed: " + e);
            close();
            nextBindNs = System.nanoTime() + REBIND_NS;
        }
        return work;
    }

    /** Converts the datagram into {@link #record}; false (reported) if it is neither format. */
    private boolean convert(int length, long wallNs) {
        int first = 0;
        while (first < length && datagramView.getByte(first) <= ' ') {
            first++;
        }
        try {
            if (first < length && datagramView.getByte(first) == '{') {
                json.toRecord(datagramView, 0, length, wallNs, sample, record, 0);
                return true;
            }
            if (ImuRecord.matches(datagramView, 0, length)) {
                ImuRecord.decode(datagramView, 0, length, sample); // validates the flags
                datagramView.getBytes(0, record, 0, ImuRecord.LENGTH);
                return true;
            }
            report("imu-bad-datagram", "IMU datagram of " + length + " bytes is neither a JSON object nor a "
                    + ImuRecord.LENGTH + "-byte version-" + ImuRecord.VERSION + " IMU record");
        } catch (ImuFormatException e) {
            report(e.code(), e.getMessage());
        }
        return false;
    }

    private void report(String kind, String detail) {
        bad.lazySet(bad.get() + 1);
        try {
            listener.onBadInput(kind, -1, detail);
        } catch (RuntimeException ignored) {
            // a listener must not throw
        }
    }

    private void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            channel = null;
        }
        boundPort = -1;
    }

    @Override
    public void onClose() {
        close();
    }
}
