package dev.edgeagent.agent.align;

import java.util.Arrays;
import java.util.List;

/**
 * One alignment group as an algorithm, without queues: samples of the reference and member streams, each
 * with its sensor time (when it has one) and receive time, go through the stream's {@link ClockModel} into the
 * agent's time base and on to an {@link Aligner}. Samples the model holds as suspect (a possible clock jump)
 * wait here until the model has decided, then are mapped with the model that is right for them; meanwhile
 * references wait for them (the member's watermark does not move). Streams without a sensor clock use their
 * receive time and are flagged so. Single-threaded.
 */
public final class AlignmentGroup {

    /** What the group tells about clocks as it goes (metrics, events); all optional. */
    public interface ClockListener {
        void onJump(int input, ClockModel model, long sensorNs);
    }

    private final String id;
    private final ClockModel[] clocks;   // 0 = reference, 1.. = members
    private final Aligner aligner;
    private final Held[] held;
    private final ClockListener listener;
    private final long maxWaitNs;
    private boolean sensorTimeAsIs;
    public boolean sensorTimeAsIs() {
        return sensorTimeAsIs;
    }

    /** Takes sensor times as they are, without clock models (streams on one synchronized clock). */
    public AlignmentGroup sensorTimeAsIs(boolean asIs) {
        this.sensorTimeAsIs = asIs;
        return this;
    }

    /** Samples of one input held while its clock is suspect. */
    private static final class Held {
        final int width;
        long[] sensor = new long[16];
        long[] receive = new long[16];
        long[] seq = new long[16];
        double[] values;
        int size;

        Held(int width) {
            this.width = width;
            values = new double[16 * Math.max(1, width)];
        }

        void add(long s, long r, long q, double[] v) {
            if (size == sensor.length) {
                sensor = Arrays.copyOf(sensor, size * 2);
                receive = Arrays.copyOf(receive, size * 2);
                seq = Arrays.copyOf(seq, size * 2);
                values = Arrays.copyOf(values, size * 2 * Math.max(1, width));
            }
            sensor[size] = s;
            receive[size] = r;
            seq[size] = q;
            if (width > 0) {
                System.arraycopy(v, 0, values, size * width, width);
            }
            size++;
        }
    }

    public AlignmentGroup(String id, ClockModel referenceClock, List<Aligner.Member> members,
                          List<ClockModel> memberClocks, long maxWaitNs, Aligner.Sink sink, ClockListener listener) {
        this.id = id;
        this.clocks = new ClockModel[members.size() + 1];
        this.clocks[0] = referenceClock;
        for (int i = 0; i < members.size(); i++) {
            clocks[i + 1] = memberClocks.get(i);
        }
        this.aligner = new Aligner(members, maxWaitNs, sink);
        this.held = new Held[clocks.length];
        held[0] = new Held(0);
        for (int i = 0; i < members.size(); i++) {
            held[i + 1] = new Held(members.get(i).values());
        }
        this.listener = listener;
        this.maxWaitNs = maxWaitNs;
    }

    public String id() {
        return id;
    }

    public Aligner aligner() {
        return aligner;
    }

    /** The reference stream's clock (0) or member m's ({@code m + 1}). */
    public ClockModel clock(int input) {
        return clocks[input];
    }

    public void reference(long sensorNs, boolean hasSensor, long receiveNs, long sequence) {
        sample(0, sensorNs, hasSensor, receiveNs, sequence, null);
    }

    /** @param values as many as the member has (ignored when it has none) */
    public void member(int m, long sensorNs, boolean hasSensor, long receiveNs, long sequence, double[] values) {
        sample(m + 1, sensorNs, hasSensor, receiveNs, sequence, values);
    }

    private void sample(int input, long sensorNs, boolean hasSensor, long receiveNs, long sequence, double[] values) {
        if (!hasSensor) {
            deliver(input, receiveNs, sensorNs, sequence, false, values, 0, receiveNs);
            return;
        }
        if (sensorTimeAsIs) {
            deliver(input, sensorNs, sensorNs, sequence, true, values, 0, receiveNs);
            return;
        }
        ClockModel clock = clocks[input];
        int r = clock.observe(sensorNs, receiveNs);
        Held h = held[input];
        if (r == ClockModel.SUSPECT) {
            h.add(sensorNs, receiveNs, sequence, values);
            return;
        }
        if (r == ClockModel.JUMP && listener != null) {
            listener.onJump(input, clock, sensorNs);
        }
        release(input);
        deliver(input, clock.toAgentTime(sensorNs), sensorNs, sequence, true, values, 0, receiveNs);
    }

    /** Maps and passes on what was held, with the model as it now is. */
    private void release(int input) {
        Held h = held[input];
        ClockModel clock = clocks[input];
        for (int i = 0; i < h.size; i++) {
            deliver(input, clock.toAgentTime(h.sensor[i]), h.sensor[i], h.seq[i], true, h.values, i * h.width, h.receive[i]);
        }
        h.size = 0;
    }

    private void deliver(int input, long agentNs, long sensorNs, long sequence, boolean sensorClock,
                         double[] values, int offset, long receiveNs) {
        if (input == 0) {
            aligner.reference(agentNs, sensorNs, sequence, sensorClock, receiveNs);
        } else {
            aligner.member(input - 1, agentNs, sensorNs, sequence, sensorClock, values, offset);
        }
    }

    /** Whether member m has nothing more to read now (only then does max-wait bound waiting for it). */
    public void memberCaughtUp(int m, boolean caughtUp) {
        aligner.memberCaughtUp(m, caughtUp);
    }

    /** A member has nothing more (end of input): its held samples go out as they are mapped now. */
    public void endMember(int m) {
        release(m + 1);
        aligner.endMember(m);
    }

    /**
     * Emits the sets that are ready; {@code nowAgentNs} is on the receive-time clock (the agent's time base).
     * Samples held longer than max-wait (their stream went quiet while its clock
     * was suspect) are decided on what there is and released first.
     */
    public int emitReady(long nowAgentNs) {
        for (int i = 0; i < held.length; i++) {
            Held h = held[i];
            if (h.size > 0 && nowAgentNs - h.receive[0] > maxWaitNs) {
                int r = clocks[i].decideSuspect();
                if (r == ClockModel.JUMP && listener != null) {
                    listener.onJump(i, clocks[i], h.sensor[h.size - 1]);
                }
                release(i);
            }
        }
        return aligner.emitReady(nowAgentNs);
    }

    /** End of input: releases everything held and emits every waiting set. */
    public int flush() {
        for (int i = 0; i < held.length; i++) {
            release(i);
        }
        return aligner.flush();
    }
}
