package dev.edgeagent.agent.signal;

/** Receives the numeric values a record decodes to, one call per value. */
@FunctionalInterface
public interface SignalSink {

    /**
     * @param signal id of the signal in the extractor's {@link SignalNames}
     * @param value  physical value (NaN and infinities are passed on: quality checks want to see them)
     * @param timeNs the value's time, ns since the Unix epoch: the sensor's where the record has one, else
     *               the receive time
     */
    void signal(int signal, double value, long timeNs);
}
