package dev.edgeagent.agent.stage;

import io.micrometer.core.instrument.MeterRegistry;
import org.agrona.concurrent.Agent;

/**
 * A pipeline stage between capture and batching (sources → transforms → sinks): it reads capture queues with
 * its own checkpoints ({@link QueueReader}), never on a capture thread, and writes what it derives into
 * derived streams ({@link DerivedStream}), which are batched and uploaded like captured ones. Transforms run
 * as Agrona agents on the pipeline's transform threads; {@code doWork()} must not block.
 *
 * <p>Delivery of derived records is at-least-once: a transform commits its input checkpoints only after its
 * outputs are flushed, so a crash between the two derives some records again.
 */
public interface Transform extends Agent {

    /**
     * Any thread: the sources have stopped (end of a --once run, shutdown). Once everything in the inputs is
     * read, the transform emits what it holds back (open windows, pending aligned sets) and reports
     * {@link #drained()}.
     */
    void endOfInput();

    /** Any thread: true once, after {@link #endOfInput()}, everything is read, emitted and flushed. */
    boolean drained();

    /** Publishes the transform's own metrics; called once before start. */
    default void bindMetrics(MeterRegistry registry) {
    }
}
