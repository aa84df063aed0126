package dev.edgeagent.agent.decode;

import java.nio.charset.StandardCharsets;

/**
 * An MCAP schema and the message encoding of the channels that use it.
 *
 * @param name            schema name, e.g. {@code foxglove.PointCloud}
 * @param encoding        MCAP schema encoding: {@code protobuf}, {@code jsonschema}, ...
 * @param data            schema data (a serialized FileDescriptorSet for protobuf, the JSON Schema text for JSON)
 * @param messageEncoding MCAP message encoding of the channels: {@code protobuf}, {@code json}
 */
public record DerivedSchema(String name, String encoding, byte[] data, String messageEncoding) {

    /** A JSON Schema for JSON messages. */
    public static DerivedSchema json(String name, String jsonSchema) {
        return new DerivedSchema(name, "jsonschema", jsonSchema.getBytes(StandardCharsets.UTF_8), "json");
    }
}
