package dev.edgeagent.protocols.can.dbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.edgeagent.protocols.can.CanFrame;

/** One {@code BO_} message: id, name, DLC, transmitter and its signals in file order. */
public final class DbcMessage {

    private final int id;
    private final boolean extended;
    private final String name;
    private final int dlc;
    private final String transmitter;
    private final int line;
    private final List<DbcSignal> signalList = new ArrayList<>();
    private DbcSignal[] signals = new DbcSignal[0];
    private DbcSignal multiplexor;
    private String comment;
    private int index;

    DbcMessage(int id, boolean extended, String name, int dlc, String transmitter, int line) {
        this.id = id;
        this.extended = extended;
        this.name = name;
        this.dlc = dlc;
        this.transmitter = transmitter;
        this.line = line;
    }

    /** The 11- or 29-bit identifier, without flags. */
    public int id() {
        return id;
    }

    public boolean extended() {
        return extended;
    }

    /** The decoder's lookup key: the id, with {@link CanFrame#CAN_EFF_FLAG} for an extended id (as in the DBC). */
    public int key() {
        return key(id, extended);
    }

    static int key(int id, boolean extended) {
        return extended ? id | CanFrame.CAN_EFF_FLAG : id;
    }

    /**
     * False for a standard-id message whose id exceeds 0x7FF (no 11-bit frame carries it: opendbc uses such ids for
     * messages of other buses); it is kept for completeness but never decoded.
     */
    public boolean matchesFrames() {
        return extended || id <= CanFrame.CAN_SFF_MASK;
    }

    public String name() {
        return name;
    }

    /** Data length the message is sent with; shorter frames are not decoded. */
    public int dlc() {
        return dlc;
    }

    /** The sending node, or "Vector__XXX" when none. */
    public String transmitter() {
        return transmitter;
    }

    public int line() {
        return line;
    }

    public List<DbcSignal> signals() {
        return Collections.unmodifiableList(signalList);
    }

    /** The signal named {@code name}, or null. */
    public DbcSignal signal(String name) {
        for (DbcSignal s : signalList) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The {@code M} signal, or null when the message is not multiplexed. */
    public DbcSignal multiplexor() {
        return multiplexor;
    }

    /** The CM_ BO_ comment, or null. */
    public String comment() {
        return comment;
    }

    /** Dense index over the database's messages. */
    public int index() {
        return index;
    }

    void add(DbcSignal signal) {
        signalList.add(signal);
        if (signal.muxRole() == DbcSignal.MuxRole.MULTIPLEXOR) {
            multiplexor = signal;
        }
    }

    void comment(String text) {
        comment = text;
    }

    void freeze(int index) {
        this.index = index;
        signals = signalList.toArray(new DbcSignal[0]);
    }

    /** The signals as an array for the decoder's loop (not to be modified). */
    DbcSignal[] signalArray() {
        return signals;
    }

    @Override
    public String toString() {
        return name + " (0x" + Integer.toHexString(id).toUpperCase() + (extended ? ", extended" : "") + ", " + dlc
                + " bytes)";
    }
}
