package dev.edgeagent.protocols.gnss;

import java.util.Objects;

import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.DirectBuffer;

/**
 * Merges the messages of one receiver epoch into one {@link GnssFix} and emits it when the epoch ends: when a message
 * with a different UTC time of day arrives, or at {@link #flush()}. Takes the splitter's frames directly (it is a
 * {@link GnssFrameSplitter.FrameHandler}): NMEA GGA/RMC/VTG/GSA/GST/GLL/ZDA through {@link NmeaDecoder}, UBX NAV-PVT
 * (and HNR-PVT when enabled) through {@link UbxDecoder}; RTCM3 and other messages are ignored. Messages without a
 * time (VTG, GSA) join the open epoch.
 *
 * <p>NMEA carries the date only in RMC and ZDA: an epoch without one takes the last known date (moved to the next
 * day when the time of day wraps past midnight), so {@link GnssFix#utcTimeNs()} is known from the first dated epoch
 * on. Bad sentences are reported ({@code nmea-checksum}, {@code nmea-field}, {@code ubx-length}, {@code ubx-field},
 * offset = the frame's stream offset plus the field's offset) and skipped. Allocation-free; one thread.
 */
public final class GnssEpochAssembler implements GnssFrameSplitter.FrameHandler {

    /** Receives each completed epoch; the fix is reused and valid only during the call. */
    @FunctionalInterface
    public interface FixListener {
        void onFix(GnssFix fix);
    }

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private final FixListener listener;
    private final BadInputListener badInput;
    private final boolean includeHnr;
    private final NmeaDecoder nmea = new NmeaDecoder();
    private final GnssFix fix = new GnssFix();
    private final GnssFix scratch = new GnssFix();
    private boolean open;
    private long lastEpochDay = GnssFix.NO_TIME;
    private long lastTimeOfDay = GnssFix.NO_TIME;
    private long epochs;

    public GnssEpochAssembler(FixListener listener, BadInputListener badInput) {
        this(listener, badInput, false);
    }

    /**
     * @param includeHnr also take UBX HNR-PVT (high-rate, e.g. 10 Hz dead-reckoning output) as epochs; off by default
     *                   so that a receiver sending both gives one fix per navigation epoch (NAV-PVT)
     */
    public GnssEpochAssembler(FixListener listener, BadInputListener badInput, boolean includeHnr) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.badInput = badInput == null ? BadInputListener.IGNORE : badInput;
        this.includeHnr = includeHnr;
    }

    @Override
    public void onFrame(GnssFrameType type, long streamOffset, DirectBuffer buffer, int offset, int length) {
        try {
            if (type == GnssFrameType.NMEA) {
                onNmea(buffer, offset, length);
            } else if (type == GnssFrameType.UBX) {
                onUbx(buffer, offset, length);
            }
        } catch (GnssFormatException e) {
            try {
                badInput.onBadInput(e.code(), streamOffset < 0 ? -1 : streamOffset + e.offset(), e.getMessage());
            } catch (RuntimeException ignored) {
                // a listener must not throw
            }
        }
    }

    /** Merges one NMEA sentence ({@code $} .. {@code *HH}, line end allowed). */
    public void onNmea(DirectBuffer buffer, int offset, int length) {
        if (nmea.split(buffer, offset, length) == NmeaDecoder.OTHER) {
            return;
        }
        startEpoch(nmea.timeOfDayNs());
        nmea.apply(fix);
        open = true;
    }

    /** Merges one UBX frame (NAV-PVT; HNR-PVT if enabled); other messages are ignored. */
    public void onUbx(DirectBuffer buffer, int offset, int length) {
        final int type = UbxDecoder.messageType(buffer, offset);
        if (type == UbxDecoder.OTHER || (type == UbxDecoder.HNR_PVT && !includeHnr)) {
            return;
        }
        UbxDecoder.decode(buffer, offset, length, scratch);
        startEpoch(scratch.timeOfDayNs);
        fix.mergeFrom(scratch);
        open = true;
    }

    private void startEpoch(long timeOfDayNs) {
        if (open && timeOfDayNs != GnssFix.NO_TIME && fix.timeOfDayNs != GnssFix.NO_TIME
                && timeOfDayNs != fix.timeOfDayNs) {
            emit();
        }
    }

    /** Emits the open epoch, if any (call at the end of a stream). */
    public void flush() {
        if (open) {
            emit();
        }
    }

    private void emit() {
        if (fix.epochDay == GnssFix.NO_TIME && lastEpochDay != GnssFix.NO_TIME && fix.timeOfDayNs != GnssFix.NO_TIME) {
            fix.epochDay = fix.timeOfDayNs < lastTimeOfDay - NANOS_PER_DAY / 2 ? lastEpochDay + 1 : lastEpochDay;
        }
        if (fix.epochDay != GnssFix.NO_TIME) {
            lastEpochDay = fix.epochDay;
        }
        if (fix.timeOfDayNs != GnssFix.NO_TIME) {
            lastTimeOfDay = fix.timeOfDayNs;
        }
        epochs++;
        try {
            listener.onFix(fix);
        } finally {
            fix.reset();
            open = false;
        }
    }

    /**
     * UTC time of the open epoch in ns since the Unix epoch, its date taken from the last dated epoch when it has
     * none yet; {@link GnssFix#NO_TIME} when no time (or no date at all) is known. For stamping raw frames.
     */
    public long currentUtcTimeNs() {
        final long tod = fix.timeOfDayNs != GnssFix.NO_TIME ? fix.timeOfDayNs : lastTimeOfDay;
        if (tod == GnssFix.NO_TIME) {
            return GnssFix.NO_TIME;
        }
        long day = fix.epochDay;
        if (day == GnssFix.NO_TIME) {
            if (lastEpochDay == GnssFix.NO_TIME) {
                return GnssFix.NO_TIME;
            }
            day = tod < lastTimeOfDay - NANOS_PER_DAY / 2 ? lastEpochDay + 1 : lastEpochDay;
        }
        return day * NANOS_PER_DAY + tod;
    }

    /** Epochs emitted so far. */
    public long epochs() {
        return epochs;
    }

    /** The fix of the open epoch (read only; what has been merged so far). */
    public GnssFix openFix() {
        return fix;
    }
}
