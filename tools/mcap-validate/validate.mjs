#!/usr/bin/env node
// Checks MCAP files with the reference TypeScript reader, @mcap/core (the one Foxglove's tools use).
//
// Usage: node validate.mjs FILE.mcap...
//
// For each file: a streamed read of every record (chunk CRCs checked, lz4/zstd/bz2 chunks decompressed by
// @mcap/support), the data section CRC (which the reference readers do not check themselves) and, when the
// file has a summary, an indexed read (summary CRC, every message through the chunk indexes, attachment CRCs)
// whose counts must agree with the streamed read and with the Statistics record.
// Every message of a channel whose schema a viewer can decode (protobuf, JSON) is decoded the way Foxglove
// decodes it (protobufjs from the schema's FileDescriptorSet, via @mcap/support; JSON.parse): one that fails
// fails the file. Prints one JSON line per file: {file, ok, messages, channels (distinct ids in the data
// section), chunks, indexed, topics: {topic: {schema, schemaEncoding, messageEncoding, messages, decoded}},
// error}; exits 1 if any file fails, 2 on a usage error.
import { readFile } from "node:fs/promises";
import { crc32 } from "@foxglove/crc";
import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import { loadDecompressHandlers, protobufFromBinaryDescriptor } from "@mcap/support";

const MAGIC_LENGTH = 8;
const FOOTER_LENGTH = 1 + 8 + 8 + 8 + 4;
const DATA_END_LENGTH = 1 + 8 + 4;

function expectEqual(what, actual, expected) {
  if (actual !== expected) {
    throw new Error(`${what}: ${actual}, expected ${expected}`);
  }
}

async function check(file, decompressHandlers) {
  const result = { file, ok: false, messages: 0, channels: 0, chunks: 0, indexed: false, topics: {}, error: null };
  try {
    const bytes = new Uint8Array(await readFile(file));

    const stream = new McapStreamReader({ includeChunks: true, validateCrcs: true, decompressHandlers });
    stream.append(bytes);
    const channels = new Set();
    const schemas = new Map();
    const decoders = new Map();   // channel id -> {topic entry, decode(bytes)}
    let messages = 0;
    let chunks = 0;
    let dataEnd;
    let footer;
    for (let record; (record = stream.nextRecord()); ) {
      // channels defined in the data section (the summary may repeat them, or list more)
      if (record.type === "Channel" && !dataEnd) {
        channels.add(record.id);
        if (!decoders.has(record.id)) decoders.set(record.id, decoderFor(record, schemas.get(record.schemaId), result.topics));
      } else if (record.type === "Schema") schemas.set(record.id, record);
      else if (record.type === "Message") {
        messages++;
        const d = decoders.get(record.channelId);
        if (d) {
          d.entry.messages++;
          if (d.decode) {
            try {
              d.decode(record.data);
            } catch (error) {
              throw new Error(`message ${record.sequence} on ${d.entry.topic} does not decode as ${d.entry.schema}: ${error?.message ?? error}`);
            }
            d.entry.decoded++;
          }
        }
      }
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

// How a viewer decodes a channel's messages, where it can: protobuf and JSON; null for custom encodings.
function decoderFor(channel, schema, topics) {
  const entry = { topic: channel.topic, schema: schema?.name ?? "", schemaEncoding: schema?.encoding ?? "",
    messageEncoding: channel.messageEncoding, messages: 0, decoded: 0 };
  topics[channel.topic] = entry;
  if (channel.messageEncoding === "protobuf" && schema?.encoding === "protobuf") {
    const type = protobufFromBinaryDescriptor(schema.data).lookupType(schema.name);
    return { entry, decode: (bytes) => type.toObject(type.decode(bytes), { longs: String }) };
  }
  if (channel.messageEncoding === "json") {
    const text = new TextDecoder("utf-8", { fatal: true });
    return { entry, decode: (bytes) => JSON.parse(text.decode(bytes)) };
  }
  return { entry, decode: null };
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
