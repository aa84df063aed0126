package dev.edgeagent.protocols.source;

/**
 * Told about every piece of input a source skipped, so that it is counted and logged rather than lost
 * silently. Called on the source's thread; implementations must be cheap and must not throw.
 */
@FunctionalInterface
public interface BadInputListener {

    /**
     * @param kind   a short stable code for the metric tag, e.g. "truncated-packet", "bad-line"
     * @param offset where the bad input starts: byte offset in a file, line number for text formats
     *               (then {@code detail} says so), or -1 when there is no position
     * @param detail one readable sentence naming the field and what was expected
     */
    void onBadInput(String kind, long offset, String detail);

    BadInputListener IGNORE = (kind, offset, detail) -> { };
}
