package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.decode.foxglove.FoxgloveEncoder;

/**
 * Writes a stream's own records in a standard schema instead of the agent's raw layout, for formats where the
 * raw bytes fit a viewer's message unchanged (a JPEG frame is the {@code data} of a foxglove.CompressedImage).
 * The record's payload stays in the message byte for byte.
 */
public interface PrimaryEncoding {

    DerivedSchema schema();

    /**
     * Encodes the record into {@code encoder} ({@link FoxgloveEncoder#buffer()}, {@code [0, length)}).
     *
     * @param frameId the frame the message names (the stream id)
     * @return the message length
     */
    int encode(RecordView record, String frameId, FoxgloveEncoder encoder);

    /** True when the payload is the message as it is ({@link #encode} is then not called). */
    default boolean passThrough() {
        return false;
    }

    /** Records that already are messages of {@code schema} (a derived stream's JSON): written unchanged. */
    static PrimaryEncoding passThrough(DerivedSchema schema) {
        return new PrimaryEncoding() {
            @Override
            public DerivedSchema schema() {
                return schema;
            }

            @Override
            public int encode(RecordView record, String frameId, FoxgloveEncoder encoder) {
                throw new UnsupportedOperationException("pass-through");
            }

            @Override
            public boolean passThrough() {
                return true;
            }
        };
    }
}
