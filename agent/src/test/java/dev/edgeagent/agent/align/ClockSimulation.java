package dev.edgeagent.agent.align;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulated sensor streams with ground truth: each sample is taken at a true time t (the agent's time base),
 * stamped by the sensor's clock {@code s = t * (1 + drift) + offset} (plus a jump after a given time) and
 * received at {@code t + delay}, the delay heavy-tailed (Pareto II) and capped at 2 ms; a share
 * of samples is lost. Seeded: the same seed gives the same data.
 */
final class ClockSimulation {

    static final long T0 = 1_800_000_000_000_000_000L;   // the agent's epoch time at the start

    record Sample(int stream, long seq, long trueNs, long sensorNs, long receiveNs, double value) {
    }

    /**
     * @param rateHz    samples per second
     * @param offsetNs  sensor clock minus true time at the start
     * @param driftPpm  sensor clock rate error
     * @param jumpAtNs  true time (since start) of a clock jump, or -1
     * @param jumpNs    how far the sensor clock jumps
     * @param lossRate  share of samples lost
     */
    record StreamSpec(String id, double rateHz, long offsetNs, double driftPpm, long jumpAtNs, long jumpNs,
                      double lossRate) {
    }

    static long sensorTime(StreamSpec s, long trueSinceStartNs) {
        long t = T0 + trueSinceStartNs;
        long sensor = t + s.offsetNs() + Math.round(trueSinceStartNs * s.driftPpm() * 1e-6);
        if (s.jumpAtNs() >= 0 && trueSinceStartNs >= s.jumpAtNs()) {
            sensor += s.jumpNs();
        }
        return sensor;
    }

    /** A smooth signal of true time (continuous modalities interpolate it). */
    static double signal(int stream, long trueNs) {
        double t = (trueNs - T0) / 1e9;
        return Math.sin(2 * Math.PI * 0.7 * t + stream) * 10 + 0.5 * t;
    }

    /** Samples of one stream in receive order. */
    static List<Sample> generate(int index, StreamSpec spec, long durationNs, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + index);
        List<Sample> out = new ArrayList<>();
        double periodNs = 1e9 / spec.rateHz();
        double phase = rnd.nextDouble() * periodNs;
        long seq = 0;
        for (long k = 0; ; k++) {
            long since = Math.round(phase + k * periodNs);
            if (since >= durationNs) {
                break;
            }
            if (rnd.nextDouble() < spec.lossRate()) {
                continue;
            }
            long t = T0 + since;
            // Lomax (Pareto II), shape 1.5, scale 200 µs: median 117 µs, mean 400 µs, 1.1 % beyond 2 ms (capped)
            double delay = Math.min(2_000_000, 200_000 * (Math.pow(1 - rnd.nextDouble(), -1 / 1.5) - 1));
            out.add(new Sample(index, seq++, t, sensorTime(spec, since), t + Math.round(delay), signal(index, t)));
        }
        // a transport delivers in receive order
        out.sort((a, b) -> Long.compare(a.receiveNs(), b.receiveNs()));
        return out;
    }

    /** Merges streams into one receive-ordered feed, as the agent's queues would hand them over. */
    static List<Sample> merge(List<List<Sample>> streams) {
        List<Sample> all = new ArrayList<>();
        streams.forEach(all::addAll);
        all.sort((a, b) -> Long.compare(a.receiveNs(), b.receiveNs()));
        return all;
    }
}
