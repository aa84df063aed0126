package dev.edgeagent.bench.jmh;

import dev.edgeagent.agent.align.Aligner;
import dev.edgeagent.agent.align.AlignmentGroup;
import dev.edgeagent.agent.align.ClockModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The per-record cost of alignment. {@code clockObserve}: one {@link ClockModel#observe} + {@link
 * ClockModel#toAgentTime} per record, what each batcher pays per record (400 Hz IMU timing, 50 ppm drift,
 * heavy-tailed delays). {@code alignImu}: an {@link AlignmentGroup} with a 30 Hz camera reference and a 400 Hz
 * IMU member interpolating 6 signals, per record (IMU and camera records in arrival order, sets emitted).
 * 1024 records per invocation, score = records/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AlignBenchmark {

    static final int PER_INVOCATION = 1024;
    static final int N = 1 << 16;

    private final long[] sensor = new long[N];
    private final long[] receive = new long[N];
    private final boolean[] camera = new boolean[N];
    private final double[] values = new double[6];
    private int next;
    private long lap;
    private ClockModel model;
    private AlignmentGroup group;
    private long sets;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(1);
        long t = 1_800_000_000_000_000_000L;
        long nextCam = t;
        for (int i = 0; i < N; i++) {
            camera[i] = t >= nextCam;
            long at = camera[i] ? nextCam : t;
            if (camera[i]) {
                nextCam += 33_333_333L;
            } else {
                t += 2_500_000L;
            }
            sensor[i] = at + 1_000_000_000L + (at / 1_000_000L) * 50 / 1_000_000;
            receive[i] = at + Math.round(Math.min(2e6, 2e5 * (Math.pow(1 - rnd.nextDouble(), -1 / 1.5) - 1)));
        }
        model = new ClockModel("imu", ClockModel.Settings.defaults(), ClockModel.Source.sensor);
        group = new AlignmentGroup("bench", new ClockModel("cam", ClockModel.Settings.defaults(), ClockModel.Source.sensor),
                List.of(new Aligner.Member("imu", 5_000_000L, Aligner.Mode.interpolate, 6)),
                List.of(new ClockModel("imu", ClockModel.Settings.defaults(), ClockModel.Source.sensor)),
                2_000_000_000L, set -> sets++, null);
    }

    /** The data set replayed again and again: each lap moves later by its span, so clocks keep running. */
    private long shift() {
        return lap * (sensor[N - 1] - sensor[0] + 100_000_000L);
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public long clockObserve() {
        long sum = 0;
        int i = next;
        long shift = shift();
        for (int k = 0; k < PER_INVOCATION; k++) {
            model.observe(sensor[i] + shift, receive[i] + shift);
            sum += model.toAgentTime(sensor[i] + shift);
            if (++i == N) {
                i = 0;
                lap++;
                shift = shift();
            }
        }
        next = i;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public long alignImu() {
        int i = next;
        long shift = shift();
        for (int k = 0; k < PER_INVOCATION; k++) {
            if (camera[i]) {
                group.reference(sensor[i] + shift, true, receive[i] + shift, i);
            } else {
                values[0] = i;
                group.member(0, sensor[i] + shift, true, receive[i] + shift, i, values);
            }
            group.emitReady(receive[i] + shift);
            if (++i == N) {
                i = 0;
                lap++;
                shift = shift();
            }
        }
        next = i;
        return sets;
    }
}
