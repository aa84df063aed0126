package dev.edgeagent.protocols.source;

import org.agrona.concurrent.Agent;

/**
 * A capture source: an Agrona {@link Agent} whose {@code doWork()} moves whatever input is ready into
 * its {@link RecordSink} and returns how much it did (0 lets the runner's idle strategy back off).
 * A source never lets an exception escape for bad input: it reports it to its {@link BadInputListener},
 * skips it and goes on.
 */
public interface Source extends Agent {

    /** True once a finite source (a replay) has delivered all of its input. Live sources never are. */
    default boolean exhausted() {
        return false;
    }
}
