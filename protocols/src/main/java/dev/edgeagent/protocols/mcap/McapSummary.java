package dev.edgeagent.protocols.mcap;

import dev.edgeagent.protocols.mcap.McapRecord.AttachmentIndex;
import dev.edgeagent.protocols.mcap.McapRecord.Channel;
import dev.edgeagent.protocols.mcap.McapRecord.ChunkIndex;
import dev.edgeagent.protocols.mcap.McapRecord.MetadataIndex;
import dev.edgeagent.protocols.mcap.McapRecord.Schema;
import dev.edgeagent.protocols.mcap.McapRecord.Statistics;
import dev.edgeagent.protocols.mcap.McapRecord.SummaryOffset;

import java.util.List;
import java.util.Map;

/**
 * The summary section of a file, parsed when {@link McapReader} opens it. Groups the file does not have
 * are empty; {@code statistics} is null when the file has no Statistics record.
 */
public record McapSummary(Statistics statistics, Map<Integer, Schema> schemas, Map<Integer, Channel> channels,
                          List<ChunkIndex> chunkIndexes, List<AttachmentIndex> attachmentIndexes,
                          List<MetadataIndex> metadataIndexes, List<SummaryOffset> summaryOffsets) {
}
