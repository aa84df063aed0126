package dev.edgeagent.protocols.source.socketcan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import dev.edgeagent.protocols.can.CanFrame;
import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import tel.schich.javacan.CanChannels;
import tel.schich.javacan.CanSocketOptions;
import tel.schich.javacan.NetworkDevice;
import tel.schich.javacan.RawCanChannel;
import tel.schich.javacan.platform.linux.LinuxNativeOperationException;

/**
 * Captures a live SocketCAN interface through javacan's raw socket: one record per frame, payload = the
 * {@link CanFrame} encoding (as the candump replay writes it), key = the interface name, no sensor time (the
 * kernel's receive timestamp is not read yet: receive time is the agent's clock).
 *
 * <p>The socket is non-blocking; an empty socket answers EAGAIN (javacan throws for it, so an idle poll costs one
 * exception: the runner's idle strategy keeps that rare). A frame the sink refuses is kept and offered first on the
 * next duty cycle; while it waits, the kernel's socket buffer holds the following frames (and drops the oldest when
 * full, which SocketCAN counts, not this source). A missing or failing interface is reported
 * ({@code interface-unavailable}, {@code read-failed}) and reopened after {@link SocketCanSettings#reopenDelayNs()};
 * frames that do not convert are reported as {@code bad-frame}.
 *
 * <p><b>Untested here:</b> the build machines have no vcan/SocketCAN; only {@link SocketCanFrames} is unit-tested.
 * javacan also needs its native library at run time ({@code tel.schich:javacan-core} with the classifier of the
 * device's architecture, e.g. {@code x86_64} or {@code aarch64}).
 */
public final class SocketCanSource implements Source {

    private final SocketCanSettings settings;
    private final RecordSink sink;
    private final BadInputListener listener;
    private final EpochNanoClock wallClock;
    private final NanoClock monoClock;
    private final String roleName;
    private final UnsafeBuffer key;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(SocketCanFrames.CANFD_MTU)
            .order(ByteOrder.nativeOrder());
    private final UnsafeBuffer raw = new UnsafeBuffer(readBuffer);
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[CanFrame.MAX_ENCODED_LENGTH]);

    private RawCanChannel channel;
    private long nextOpenAttemptNs;
    private boolean unavailableReported;
    private int pendingLength = -1;
    private long pendingWallNs;
    private long pendingMonoNs;
    private long frames;
    private long refused;

    public SocketCanSource(SocketCanSettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    public SocketCanSource(SocketCanSettings settings, RecordSink sink, BadInputListener listener,
                           EpochNanoClock wallClock, NanoClock monoClock) {
        this.settings = settings;
        this.sink = sink;
        this.listener = listener;
        this.wallClock = wallClock;
        this.monoClock = monoClock;
        this.roleName = "socketcan:" + settings.interfaceName();
        this.key = new UnsafeBuffer(settings.interfaceName().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String roleName() {
        return roleName;
    }

    public SocketCanSettings settings() {
        return settings;
    }

    /** Frames accepted by the sink. */
    public long frames() {
        return frames;
    }

    /** Times the sink refused a frame (each is retried). */
    public long refused() {
        return refused;
    }

    public boolean connected() {
        return channel != null;
    }

    @Override
    public int doWork() {
        if (channel == null && !open()) {
            return 0;
        }
        int work = 0;
        if (pendingLength >= 0) {
            if (!offer(pendingWallNs, pendingMonoNs)) {
                return 0;
            }
            work++;
        }
        while (work < settings.maxFramesPerWork()) {
            final long n;
            try {
                readBuffer.clear();
                n = channel.readUnsafe(readBuffer);
            } catch (LinuxNativeOperationException e) {
                if (e.mayTryAgain()) {
                    break; // nothing to read
                }
                fail("read-failed", e);
                break;
            } catch (IOException | RuntimeException e) {
                fail("read-failed", e);
                break;
            }
            if (n <= 0) {
                break;
            }
            final long wall = wallClock.nanoTime();
            final long mono = monoClock.nanoTime();
            final int length = SocketCanFrames.toRecord(raw, 0, (int) n, ByteOrder.nativeOrder(), record, 0);
            work++;
            if (length < 0) {
                listener.onBadInput("bad-frame", -1, settings.interfaceName() + ": "
                        + SocketCanFrames.describe(length, (int) n));
                continue;
            }
            pendingLength = length;
            if (!offer(wall, mono)) {
                pendingWallNs = wall;
                pendingMonoNs = mono;
                break;
            }
        }
        return work;
    }

    private boolean offer(long wallNs, long monoNs) {
        if (sink.append(RecordSink.NO_SENSOR_TIME, wallNs, monoNs, key, 0, key.capacity(), record, 0, pendingLength)) {
            pendingLength = -1;
            frames++;
            return true;
        }
        refused++;
        return false;
    }

    private boolean open() {
        final long now = monoClock.nanoTime();
        if (now < nextOpenAttemptNs) {
            return false;
        }
        nextOpenAttemptNs = now + settings.reopenDelayNs();
        RawCanChannel ch = null;
        try {
            ch = CanChannels.newRawChannel();
            if (settings.fdFrames()) {
                ch.setOption(CanSocketOptions.FD_FRAMES, true);
            }
            if (settings.errorFrames()) {
                ch.setOption(CanSocketOptions.ERR_FILTER, CanFrame.CAN_ERR_MASK);
            }
            ch.configureBlocking(false);
            ch.bind(NetworkDevice.lookup(settings.interfaceName()));
            channel = ch;
            unavailableReported = false;
            return true;
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: javacan's native library for this architecture is missing
            closeQuietly(ch);
            if (!unavailableReported) {
                unavailableReported = true; // once per outage, not once per retry
                listener.onBadInput("interface-unavailable", -1, settings.interfaceName() + ": cannot open a raw "
                        + "CAN socket: " + e + "; retrying every " + settings.reopenDelayNs() / 1_000_000 + " ms");
            }
            return false;
        }
    }

    private void fail(String kind, Throwable e) {
        listener.onBadInput(kind, -1, settings.interfaceName() + ": " + e + "; reopening");
        closeQuietly(channel);
        channel = null;
        nextOpenAttemptNs = monoClock.nanoTime() + settings.reopenDelayNs();
    }

    private static void closeQuietly(RawCanChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a socket we give up on
            }
        }
    }

    @Override
    public void onClose() {
        closeQuietly(channel);
        channel = null;
    }
}
