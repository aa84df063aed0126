package dev.edgeagent.agent.control;

/** A command refused for bad input: the message names the field and value and says what was expected. */
final class CommandRefused extends Exception {

    CommandRefused(String message) {
        super(message, null, false, false);
    }
}
