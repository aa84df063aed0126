package dev.edgeagent.agent.pipeline;

import dev.edgeagent.protocols.source.Source;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A started source with what the operator needs to see of it: what it reads, whether it ends by itself
 * (replay, counted synthetic load), its state in a few words ("playing", "done", "connected",
 * "unreachable: ...") and how many records it lost before they reached the queue (a sensor buffer that
 * overflowed): the agent's own path loses none. A paced source also says when its next record is due
 * ({@code nanosUntilDue}, null when it cannot), so that its thread sleeps until then.
 */
public record SourceHandle(Source source, String description, boolean finite, Supplier<String> state,
                           LongSupplier lostBeforeCapture, LongSupplier nanosUntilDue) {

    public SourceHandle(Source source, String description, boolean finite, Supplier<String> state) {
        this(source, description, finite, state, () -> 0, null);
    }
}
