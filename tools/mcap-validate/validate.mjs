#!/usr/bin/env node
// Checks MCAP files with the reference TypeScript reader, @mcap/core (the one Foxglove's tools use).
//
// Usage: node validate.mjs FILE.mcap...
//
// For each file: a streamed read of every record (chunk CRCs checked, lz4/zstd/bz2 chunks decompressed by
// @mcap/support), the data section CRC (which the reference readers do not check themselves) and, when the
// file has a summary, an indexed read (summary CRC, every message through the chunk indexes, attachment CRCs)
// whose counts must agree with the streamed read and with the Statistics record.
// Prints one JSON line per file: {file, ok, messages, channels (distinct ids in the data section), chunks,
// indexed, error}; exits 1 if any file fails, 2 on a usage error.
import { readFile } from "node:fs/promises";
import { crc32 } from "@foxglove/crc";
import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import { loadDecompressHandlers } from "@mcap/support";

const MAGIC_LENGTH = 8;
const FOOTER_LENGTH = 1 + 8 + 8 + 8 + 4;
const DATA_END_LENGTH = 1 + 8 + 4;

function expectEqual(what, actual, expected) {
  if (actual !== expected) {
    throw new Error(`${what}: ${actual}, expected ${expected}`);
  }
}

async function check(file, decompressHandlers) {
  const result = { file, ok: false, messages: 0, channels: 0, chunks: 0, indexed: false, error: null };
  try {
    const bytes = new Uint8Array(await readFile(file));

    const stream = new McapStreamReader({ includeChunks: true, validateCrcs: true, decompressHandlers });
    stream.append(bytes);
    const channels = new Set();
    let messages = 0;
    let chunks = 0;
    let dataEnd;
    let footer;
    for (let record; (record = stream.nextRecord()); ) {
      // channels defined in the data section (the summary may repeat them, or list more)
      if (record.type === "Channel" && !dataEnd) channels.add(record.id);
      else if (record.type === "Message") messages++;
      else if (record.type === "Chunk") chunks++;
      else if (record.type === "DataEnd") dataEnd = dataEnd ?? record;
      else if (record.type === "Footer") footer = record;
    }
    if (!stream.done()) throw new Error("streamed read: the file ends before its footer and closing magic");
    if (!dataEnd) throw new Error("streamed read: no DataEnd record");
    Object.assign(result, { messages, channels: channels.size, chunks });

    // DataEnd is a fixed 13-byte record right before the summary (or the summary offsets, or the footer)
    const footerOffset = bytes.length - MAGIC_LENGTH - FOOTER_LENGTH;
    const after = Number(footer.summaryStart || footer.summaryOffsetStart || BigInt(footerOffset));
    const dataEndOffset = after - DATA_END_LENGTH;
    expectEqual(`opcode at the DataEnd offset ${dataEndOffset}`, bytes[dataEndOffset], 0x0f);
    if (dataEnd.dataSectionCrc !== 0) {
      expectEqual("data section CRC", crc32(bytes.subarray(0, dataEndOffset)), dataEnd.dataSectionCrc);
    }

    if (footer.summaryStart !== 0n) {
      const readable = {
        size: async () => BigInt(bytes.length),
        read: async (offset, size) => bytes.slice(Number(offset), Number(offset + size)),
      };
      const indexed = await McapIndexedReader.Initialize({ readable, decompressHandlers });
      result.indexed = true;
      expectEqual("indexed DataEnd offset", Number(indexed.dataEndOffset), dataEndOffset);
      if (indexed.chunkIndexes.length > 0) {
        expectEqual("chunk indexes", indexed.chunkIndexes.length, chunks);
        let indexedMessages = 0;
        for await (const message of indexed.readMessages({ validateCrcs: true })) {
          if (!indexed.channelsById.has(message.channelId)) {
            throw new Error(`indexed read: message on channel ${message.channelId} missing from the summary`);
          }
          indexedMessages++;
        }
        expectEqual("messages read through the chunk indexes", indexedMessages, messages);
      }
      let attachments = 0;
      for await (const _ of indexed.readAttachments({ validateCrcs: true })) attachments++;
      expectEqual("attachments read through the attachment indexes", attachments, indexed.attachmentIndexes.length);
      const stats = indexed.statistics;
      if (stats) {
        expectEqual("Statistics.message_count", stats.messageCount, BigInt(messages));
        expectEqual("Statistics.chunk_count", stats.chunkCount, chunks);
        expectEqual("Statistics.channel_count", stats.channelCount, channels.size);
        let perChannel = 0n;
        for (const count of stats.channelMessageCounts.values()) perChannel += count;
        if (stats.channelMessageCounts.size > 0) {
          expectEqual("sum of Statistics.channel_message_counts", perChannel, BigInt(messages));
        }
      }
    }
    result.ok = true;
  } catch (error) {
    result.error = String(error?.message ?? error);
  }
  return result;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.mcap...");
  process.exit(2);
}
const decompressHandlers = await loadDecompressHandlers();
let failed = false;
for (const file of files) {
  const result = await check(file, decompressHandlers);
  failed ||= !result.ok;
  console.log(JSON.stringify(result));
}
process.exit(failed ? 1 : 0);
