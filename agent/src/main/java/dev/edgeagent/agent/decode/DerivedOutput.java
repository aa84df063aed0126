package dev.edgeagent.agent.decode;

import org.agrona.DirectBuffer;

import java.io.IOException;

/** Where a {@link RecordDecoder} writes its derived messages: channels of the batch being written. */
public interface DerivedOutput {

    /**
     * The batch's channel {@code /<stream>/<suffix>} with this schema, added on first use in a batch.
     * Cheap to call per message: channels are looked up by suffix.
     */
    int channel(String suffix, DerivedSchema schema) throws IOException;

    /**
     * @param logTimeNs     when the agent received what the message was derived from (ns since the epoch)
     * @param publishTimeNs the sensor's time of the derived message, or the log time when there is none
     */
    void write(int channel, long sequence, long logTimeNs, long publishTimeNs, DirectBuffer data, int offset,
               int length) throws IOException;
}
