package dev.edgeagent.protocols.mcap;

import dev.edgeagent.protocols.mcap.McapRecord.Channel;
import dev.edgeagent.protocols.mcap.McapRecord.Message;
import dev.edgeagent.protocols.mcap.McapRecord.Schema;

/** A message with its channel and schema resolved; {@code schema} is null for a channel with schema id 0. */
public record McapMessage(Channel channel, Schema schema, Message message) {

    public String topic() {
        return channel.topic();
    }
}
