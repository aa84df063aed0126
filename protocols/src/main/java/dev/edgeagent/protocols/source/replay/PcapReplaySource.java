package dev.edgeagent.protocols.source.replay;

import java.io.IOException;
import java.util.Objects;

import dev.edgeagent.protocols.net.FragmentReassembler;
import dev.edgeagent.protocols.net.PacketFormatException;
import dev.edgeagent.protocols.net.UdpExtractor;
import dev.edgeagent.protocols.pcap.PcapFormatException;
import dev.edgeagent.protocols.pcap.PcapReader;
import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Plays the UDP payloads of a pcap / pcapng capture (LiDAR packets, say) into a {@link RecordSink}: one record per
 * UDP datagram whose destination port is in the settings' set (all UDP when it is empty), fragments reassembled.
 * Record key: empty. Sensor time: the packet's capture timestamp (of the last fragment for a reassembled
 * datagram; {@link RecordSink#NO_SENSOR_TIME} for a pcapng simple packet block). Receive times: the wall clock
 * given and {@link System#nanoTime()}.
 *
 * <p>Bad input kinds reported: {@code unreadable-file}, the {@link PcapFormatException.Kind} codes
 * ({@code not-pcap}, {@code bad-header}, {@code bad-block-length}, {@code bad-block}, {@code truncated-packet}),
 * the {@link PacketFormatException.Kind} codes for malformed frames, {@code incomplete-datagram} and
 * {@code unsupported-link-type} (once per link type). Offsets are file byte offsets of the record.
 */
public final class PcapReplaySource extends ReplaySource {

    private static final UnsafeBuffer EMPTY_KEY = new UnsafeBuffer(new byte[0]);

    private final PcapReplaySettings settings;
    private final UdpExtractor extractor;
    private PcapReader reader;
    private long reportedLinkTypes; // bit i: link type i (< 64) already reported as unsupported
    private int lastUnsupportedLinkType = -1;

    private long sensorTimeNs;

    public PcapReplaySource(PcapReplaySettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    public PcapReplaySource(PcapReplaySettings settings, RecordSink sink, BadInputListener listener,
                            EpochNanoClock wallClock) {
        this(settings, sink, listener, wallClock, SystemNanoClock.INSTANCE);
    }

    /**
     * @param wallClock receive wall time
     * @param monoClock pacing and monotonic receive time ({@link SystemNanoClock} outside tests)
     */
    public PcapReplaySource(PcapReplaySettings settings, RecordSink sink, BadInputListener listener,
                            EpochNanoClock wallClock, NanoClock monoClock) {
        super("pcap-replay:" + Objects.requireNonNull(settings, "settings").path().getFileName(), sink, listener,
                settings.pacing(), settings.loop(), settings.maxRecordsPerWork(), wallClock, monoClock);
        this.settings = settings;
        this.extractor = new UdpExtractor(settings.portArray(), new FragmentReassembler(
                FragmentReassembler.DEFAULT_MAX_DATAGRAMS, FragmentReassembler.DEFAULT_TIMEOUT_NANOS,
                countingListener()));
    }

    public PcapReplaySettings settings() {
        return settings;
    }

    @Override
    protected boolean openInput() {
        try {
            reader = PcapReader.open(settings.path());
            return true;
        } catch (PcapFormatException e) {
            reportBadInput(e.kind().code(), e.offset(), settings.path() + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            reportBadInput("unreadable-file", -1, settings.path() + ": cannot be read: " + e);
        }
        return false;
    }

    @Override
    protected Step readNext() {
        final PcapReader r = reader;
        try {
            if (!r.next()) {
                extractor.reassembler().flush(); // datagrams still missing fragments are reported
                return Step.END;
            }
        } catch (PcapFormatException e) {
            reportBadInput(e.kind().code(), e.offset(), settings.path() + ": " + e.getMessage());
            return Step.SKIPPED; // the reader resynchronises, or ends, on the next call
        }
        try {
            final UdpExtractor.Result result = extractor.extract(r.linkType(), r.data(), r.dataOffset(),
                    r.capturedLength(), r.timestampNanos(), r.fileOffset());
            switch (result) {
                case DATAGRAM:
                    sensorTimeNs = r.timestampNanos() == PcapReader.NO_TIMESTAMP ? RecordSink.NO_SENSOR_TIME
                            : r.timestampNanos();
                    return Step.RECORD;
                case FRAGMENT_HELD:
                    return Step.SKIPPED;
                case UNSUPPORTED_LINK_TYPE:
                    reportUnsupported(r.linkType(), r.fileOffset());
                    countFiltered();
                    return Step.SKIPPED;
                default:
                    countFiltered();
                    return Step.SKIPPED;
            }
        } catch (PacketFormatException e) {
            reportBadInput(e.code(), r.fileOffset(), settings.path() + ": packet record at byte offset "
                    + r.fileOffset() + ": " + e.getMessage());
            return Step.SKIPPED;
        }
    }

    private void reportUnsupported(int linkType, long offset) {
        final boolean seen = linkType < 64 ? (reportedLinkTypes & (1L << linkType)) != 0
                : linkType == lastUnsupportedLinkType;
        if (seen) {
            return;
        }
        if (linkType < 64) {
            reportedLinkTypes |= 1L << linkType;
        } else {
            lastUnsupportedLinkType = linkType;
        }
        reportBadInput("unsupported-link-type", offset, settings.path() + ": link type " + linkType
                + " carries no UDP this source can read (supported: Ethernet, Linux SLL/SLL2, raw IP, loopback); "
                + "its packets are counted as filtered");
    }

    @Override
    protected void closeInput() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    protected long recordSensorTimeNs() {
        return sensorTimeNs;
    }

    @Override
    protected DirectBuffer key() {
        return EMPTY_KEY;
    }

    @Override
    protected int keyOffset() {
        return 0;
    }

    @Override
    protected int keyLength() {
        return 0;
    }

    @Override
    protected DirectBuffer payload() {
        return extractor.payload();
    }

    @Override
    protected int payloadOffset() {
        return extractor.payloadOffset();
    }

    @Override
    protected int payloadLength() {
        return extractor.payloadLength();
    }
}
