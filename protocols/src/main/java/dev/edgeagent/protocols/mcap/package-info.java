/**
 * The MCAP container format (https://mcap.dev/spec) in which the agent stores its batches.
 *
 * <p>{@link dev.edgeagent.protocols.mcap.McapWriter} writes a file to a channel with LZ4-frame chunks,
 * message and chunk indexes, statistics and a summary, allocating nothing per message;
 * {@link dev.edgeagent.protocols.mcap.McapReader} reads and checks a whole file (framing, CRCs, chunk
 * decompression, statistics) and yields its records and messages. Both pass upstream's conformance suite
 * (foxglove/mcap tests/conformance); files from the writer are also checked in tests with the reference
 * reader @mcap/core ({@code tools/mcap-validate}). Chunk compression "zstd" is not supported here.
 */
package dev.edgeagent.protocols.mcap;
