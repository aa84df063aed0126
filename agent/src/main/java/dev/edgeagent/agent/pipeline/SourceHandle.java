package dev.edgeagent.agent.pipeline;

import dev.edgeagent.protocols.source.Source;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A started source with what the operator needs to see of it: what it reads, whether it ends by itself
 * (replay, counted synthetic load), its state in a few words ("playing", "done", "connected",
 * "unreachable: ...") and how many records it lost before they reached the queue (a sensor buffer that
 * overflowed): the agent's own path loses none.
 */
public record SourceHandle(Source source, String description, boolean finite, Supplier<String> state,
                           LongSupplier lostBeforeCapture) {

    public SourceHandle(Source source, String description, boolean finite, Supplier<String> state) {
        this(source, description, finite, state, () -> 0);
    }
}
