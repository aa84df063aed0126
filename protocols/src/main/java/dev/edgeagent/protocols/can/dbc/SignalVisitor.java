package dev.edgeagent.protocols.can.dbc;

/**
 * Receives each decoded signal of a frame from {@link DbcDecoder}, on the decoding thread. Called with the
 * database's own objects and no per-call allocation; do not keep {@code label} beyond interest (it is a shared
 * constant string, so keeping it is safe but copying is pointless).
 */
@FunctionalInterface
public interface SignalVisitor {

    /**
     * @param message    the frame's message
     * @param signal     the signal
     * @param raw        the raw field: sign-extended for signed integer signals, the IEEE bits for float signals
     * @param physical   {@code raw * factor + offset} (float signals: the float value * factor + offset)
     * @param label      the VAL_ label of {@code raw}, or null
     * @param outOfRange true when {@code physical} lies outside the signal's {@code [min|max]} (never for
     *                   {@code [0|0]}); such values are delivered, and counted by the decoder, not dropped
     */
    void onSignal(DbcMessage message, DbcSignal signal, long raw, double physical, String label, boolean outOfRange);
}
