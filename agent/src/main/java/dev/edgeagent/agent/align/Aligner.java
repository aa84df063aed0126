package dev.edgeagent.agent.align;

import java.util.Arrays;
import java.util.List;

/**
 * Builds aligned sets from samples already in the agent's time base: for every reference sample, per member
 * the nearest sample within the member's tolerance, or (continuous signals) the value interpolated between the
 * samples either side of the reference time when both are within tolerance. A member with nothing within
 * tolerance is missing: a set never carries a stale value.
 *
 * <p>A reference waits until every member has delivered past {@code reference time + tolerance} (nothing nearer
 * can come), has ended, or {@code max-wait} has passed on the caller's clock; then its set is emitted. Members
 * are kept only as far back as the oldest waiting reference needs. Single-threaded; the set handed to the sink
 * is reused (read it during the call). Allocation only when a buffer has to grow.
 */
public final class Aligner {

    public static final int MISSING = 0;
    public static final int NEAREST = 1;
    public static final int INTERPOLATED = 2;

    public enum Mode { nearest, interpolate }

    /**
     * @param stream      the member stream's id
     * @param toleranceNs how far from the reference time a sample may be and still count
     * @param values      numeric values per sample (interpolated in {@link Mode#interpolate})
     */
    public record Member(String stream, long toleranceNs, Mode mode, int values) {
    }

    @FunctionalInterface
    public interface Sink {
        void onSet(AlignedSet set);
    }

    /** One reference sample and what each member contributes to it. Reused between calls. */
    public static final class AlignedSet {
        public long refSequence;
        public long refAgentNs;
        public long refSensorNs;
        public boolean refSensorClock;
        /** {@link #MISSING}, {@link #NEAREST} or {@link #INTERPOLATED}, per member */
        public final int[] status;
        /** the sample used (nearest), or the one before the reference time (interpolated) */
        public final long[] sequence;
        /** the sample after the reference time (interpolated), else -1 */
        public final long[] sequence2;
        /** agent time of the sample used (the nearer one when interpolated) */
        public final long[] agentNs;
        public final long[] sensorNs;
        /** agent time of the sample used minus the reference's, ns (signed) */
        public final long[] skewNs;
        public final boolean[] sensorClock;
        /** values per member (interpolated at the reference time, or the nearest sample's) */
        public final double[][] values;

        AlignedSet(List<Member> members) {
            int n = members.size();
            status = new int[n];
            sequence = new long[n];
            sequence2 = new long[n];
            agentNs = new long[n];
            sensorNs = new long[n];
            skewNs = new long[n];
            sensorClock = new boolean[n];
            values = new double[n][];
            for (int i = 0; i < n; i++) {
                values[i] = new double[members.get(i).values()];
            }
        }

        /** Bit i set when member i is missing. */
        public long missingMask() {
            long mask = 0;
            for (int i = 0; i < status.length; i++) {
                if (status[i] == MISSING) {
                    mask |= 1L << i;
                }
            }
            return mask;
        }
    }

    /** A member's samples in agent-time order (a growable ring). */
    private static final class Samples {
        final int width;
        long[] agent = new long[256];
        long[] sensor = new long[256];
        long[] seq = new long[256];
        boolean[] clock = new boolean[256];
        double[] values;
        int head;
        int size;
        long watermark = Long.MIN_VALUE;
        boolean ended;
        /** nothing more to read now: only then is waiting for it bounded by max-wait */
        boolean caughtUp = true;

        Samples(int width) {
            this.width = width;
            values = new double[256 * Math.max(1, width)];
        }

        int index(int i) {
            return (head + i) & (agent.length - 1);
        }

        void add(long agentNs, long sensorNs, long sequence, boolean sensorClock, double[] v, int vOffset) {
            if (size == agent.length) {
                grow();
            }
            // keep time order: a sample earlier than the newest (a re-mapped clock) moves back into place
            int pos = size;
            while (pos > 0 && agent[index(pos - 1)] > agentNs) {
                copy(index(pos - 1), index(pos));
                pos--;
            }
            int k = index(pos);
            agent[k] = agentNs;
            sensor[k] = sensorNs;
            seq[k] = sequence;
            clock[k] = sensorClock;
            if (width > 0) {
                System.arraycopy(v, vOffset, values, k * width, width);
            }
            size++;
            watermark = Math.max(watermark, agentNs);
        }

        private void copy(int from, int to) {
            agent[to] = agent[from];
            sensor[to] = sensor[from];
            seq[to] = seq[from];
            clock[to] = clock[from];
            if (width > 0) {
                System.arraycopy(values, from * width, values, to * width, width);
            }
        }

        private void grow() {
            int n = agent.length;
            long[] a = new long[n * 2];
            long[] s = new long[n * 2];
            long[] q = new long[n * 2];
            boolean[] c = new boolean[n * 2];
            double[] v = new double[n * 2 * Math.max(1, width)];
            for (int i = 0; i < size; i++) {
                int k = index(i);
                a[i] = agent[k];
                s[i] = sensor[k];
                q[i] = seq[k];
                c[i] = clock[k];
                if (width > 0) {
                    System.arraycopy(values, k * width, v, i * width, width);
                }
            }
            agent = a;
            sensor = s;
            seq = q;
            clock = c;
            values = v;
            head = 0;
        }

        void dropFirst(int n) {
            head = (head + n) & (agent.length - 1);
            size -= n;
        }
    }

    private final List<Member> members;
    private final Samples[] samples;
    private final long maxWaitNs;
    private final Sink sink;
    private final AlignedSet set;

    // waiting references (a growable ring)
    private long[] refAgent = new long[64];
    private long[] refSensor = new long[64];
    private long[] refSeq = new long[64];
    private boolean[] refClock = new boolean[64];
    private long[] refArrival = new long[64];
    private int refHead;
    private int refSize;
    private long emitted;
    private long lastEmittedNs;
    private long newestRefNs = Long.MIN_VALUE;

    /** @param maxWaitNs how long past its tolerance a reference waits for a member that has gone quiet */
    public Aligner(List<Member> members, long maxWaitNs, Sink sink) {
        if (members.size() > 64) {
            throw new IllegalArgumentException(members.size() + " members: at most 64 (the missing mask is 64 bits)");
        }
        this.members = List.copyOf(members);
        this.maxWaitNs = maxWaitNs;
        this.sink = sink;
        this.samples = new Samples[members.size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = new Samples(members.get(i).values());
        }
        this.set = new AlignedSet(this.members);
    }

    public List<Member> members() {
        return members;
    }

    public long emitted() {
        return emitted;
    }

    /** References waiting for their set. */
    public int waiting() {
        return refSize;
    }

    public void reference(long agentNs, long sensorNs, long sequence, boolean sensorClock) {
        reference(agentNs, sensorNs, sequence, sensorClock, agentNs);
    }

    /**
     * @param arrivalNs when the reference reached the agent, on the clock {@link #emitReady} is given (max-wait
     *                  counts from here)
     */
    public void reference(long agentNs, long sensorNs, long sequence, boolean sensorClock, long arrivalNs) {
        if (refSize == refAgent.length) {
            int n = refAgent.length;
            long[] a = new long[n * 2];
            long[] s = new long[n * 2];
            long[] q = new long[n * 2];
            boolean[] c = new boolean[n * 2];
            long[] w = new long[n * 2];
            for (int i = 0; i < refSize; i++) {
                int k = (refHead + i) & (n - 1);
                a[i] = refAgent[k];
                s[i] = refSensor[k];
                q[i] = refSeq[k];
                c[i] = refClock[k];
                w[i] = refArrival[k];
            }
            refAgent = a;
            refSensor = s;
            refSeq = q;
            refClock = c;
            refArrival = w;
            refHead = 0;
        }
        int k = (refHead + refSize) & (refAgent.length - 1);
        refAgent[k] = agentNs;
        refSensor[k] = sensorNs;
        refSeq[k] = sequence;
        refClock[k] = sensorClock;
        refArrival[k] = arrivalNs;
        refSize++;
        newestRefNs = Math.max(newestRefNs, agentNs);
    }

    /** A member sample; {@code values} from {@code offset}, as many as the member has. */
    public void member(int m, long agentNs, long sensorNs, long sequence, boolean sensorClock, double[] values, int offset) {
        Samples s = samples[m];
        s.add(agentNs, sensorNs, sequence, sensorClock, values, offset);
        // references come in time order: none can need a sample before the one preceding the oldest waiting
        // reference (or, when none waits, the newest emitted one) minus the tolerance
        long front;
        if (refSize > 0) {
            front = refAgent[refHead];
        } else if (emitted > 0) {
            front = lastEmittedNs;
        } else {
            return;
        }
        long horizon = front - members.get(m).toleranceNs();
        int drop = 0;
        while (drop + 1 < s.size && s.agent[s.index(drop + 1)] < horizon) {
            drop++;
        }
        if (drop > 0) {
            s.dropFirst(drop);
        }
    }

    /** The member will deliver nothing before {@code agentNs} (it is past that time, with or without samples). */
    public void memberWatermark(int m, long agentNs) {
        samples[m].watermark = Math.max(samples[m].watermark, agentNs);
    }

    /** The newest reference time seen, or Long.MIN_VALUE before the first. */
    public long newestReference() {
        return newestRefNs;
    }

    /** The newest sample time member m delivered (or said it is past), or Long.MIN_VALUE. */
    public long watermark(int m) {
        return samples[m].watermark;
    }

    /** Whether the member has nothing more to read now (max-wait only bounds waiting for a quiet member). */
    public void memberCaughtUp(int m, boolean caughtUp) {
        samples[m].caughtUp = caughtUp;
    }

    /** The member has ended: references no longer wait for it. */
    public void endMember(int m) {
        samples[m].ended = true;
    }

    /**
     * Emits the sets of waiting references that have all they can get.
     *
     * @param nowAgentNs the caller's current time, on the clock of the references' arrival times (for max-wait)
     * @return sets emitted
     */
    public int emitReady(long nowAgentNs) {
        int n = 0;
        while (refSize > 0) {
            int k = refHead;
            long t = refAgent[k];
            long waited = nowAgentNs - refArrival[k];
            for (int m = 0; m < samples.length; m++) {
                Samples s = samples[m];
                long tol = members.get(m).toleranceNs();
                if (!s.ended && s.watermark < t + tol && (!s.caughtUp || waited <= tol + maxWaitNs)) {
                    return n;
                }
            }
            emit(k);
            n++;
        }
        return n;
    }

    /** End of input: emits every waiting reference with what is there. */
    public int flush() {
        int n = 0;
        while (refSize > 0) {
            emit(refHead);
            n++;
        }
        return n;
    }

    private void emit(int k) {
        long t = refAgent[k];
        set.refAgentNs = t;
        set.refSensorNs = refSensor[k];
        set.refSequence = refSeq[k];
        set.refSensorClock = refClock[k];
        for (int m = 0; m < samples.length; m++) {
            fill(m, t);
        }
        refHead = (refHead + 1) & (refAgent.length - 1);
        refSize--;
        emitted++;
        lastEmittedNs = t;
        sink.onSet(set);
    }

    private void fill(int m, long t) {
        Samples s = samples[m];
        Member spec = members.get(m);
        long tol = spec.toleranceNs();
        // a = last sample at or before t; b = the one after it
        int a = -1;
        while (a + 1 < s.size && s.agent[s.index(a + 1)] <= t) {
            a++;
        }
        int b = a + 1 < s.size ? a + 1 : -1;
        // samples before a serve no later reference (references come in time order)
        if (a > 0) {
            s.dropFirst(a);
            b = b < 0 ? -1 : b - a;
            a = 0;
        }
        set.sequence2[m] = -1;
        int ka = a >= 0 ? s.index(a) : -1;
        int kb = b >= 0 ? s.index(b) : -1;
        long da = ka >= 0 ? t - s.agent[ka] : Long.MAX_VALUE;
        long db = kb >= 0 ? s.agent[kb] - t : Long.MAX_VALUE;
        if (spec.mode() == Mode.interpolate && da <= tol && db <= tol && spec.values() > 0) {
            double w = (da + db) == 0 ? 0 : (double) da / (double) (da + db);
            double[] out = set.values[m];
            for (int i = 0; i < out.length; i++) {
                double va = s.values[ka * s.width + i];
                double vb = s.values[kb * s.width + i];
                out[i] = va + (vb - va) * w;
            }
            int near = da <= db ? ka : kb;
            set.status[m] = INTERPOLATED;
            set.sequence[m] = s.seq[ka];
            set.sequence2[m] = s.seq[kb];
            set.agentNs[m] = s.agent[near];
            set.sensorNs[m] = s.sensor[near];
            set.skewNs[m] = s.agent[near] - t;
            set.sensorClock[m] = s.clock[ka] && s.clock[kb];
            return;
        }
        int near = da <= db ? ka : kb;
        long dist = Math.min(da, db);
        if (near < 0 || dist > tol) {
            set.status[m] = MISSING;
            set.sequence[m] = -1;
            Arrays.fill(set.values[m], Double.NaN);
            return;
        }
        set.status[m] = NEAREST;
        set.sequence[m] = s.seq[near];
        set.agentNs[m] = s.agent[near];
        set.sensorNs[m] = s.sensor[near];
        set.skewNs[m] = s.agent[near] - t;
        set.sensorClock[m] = s.clock[near];
        if (s.width > 0) {
            System.arraycopy(s.values, near * s.width, set.values[m], 0, s.width);
        }
    }
}
