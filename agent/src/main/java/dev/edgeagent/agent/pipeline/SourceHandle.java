package dev.edgeagent.agent.pipeline;

import dev.edgeagent.protocols.source.Source;

import java.util.function.Supplier;

/**
 * A started source with what the operator needs to see of it: what it reads, whether it ends by itself
 * (replay, counted synthetic load) and its state in a few words ("playing", "done", "connected",
 * "unreachable: ...").
 */
public record SourceHandle(Source source, String description, boolean finite, Supplier<String> state) {
}
