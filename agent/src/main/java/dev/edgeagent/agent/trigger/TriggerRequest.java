package dev.edgeagent.agent.trigger;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One trigger, persisted from the moment it fires until its MCAP is sealed: a crash in between extracts it
 * at the next start.
 *
 * @param seq        the trigger's number: first and last sequence of its batch in the trigger pseudo-stream
 * @param rule       the rule id, or "command" for a remote trigger
 * @param stream     the stream whose signal fired (null for a command)
 * @param signal     the signal (null for a command)
 * @param value      the value that crossed the threshold (null for a command)
 * @param threshold  the rule's threshold (null for a command)
 * @param timeNs     t: the time of the record that fired (the agent's time for a command)
 * @param fromNs     t - pre
 * @param toNs       t + post
 * @param firedAtMs  wall-clock time it fired (for max-wait after a restart)
 * @param reason     free text given with a command; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerRequest(long seq, String rule, String stream, String signal, Double value, Double threshold,
                             long timeNs, long fromNs, long toNs, long firedAtMs, String reason) {
}
