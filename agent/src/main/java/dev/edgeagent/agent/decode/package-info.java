/**
 * Decoding stage of the batcher: turns a stream's raw captured records into derived messages (LiDAR point clouds,
 * decoded CAN signals, GNSS fixes, IMU samples) written into the same MCAP batch beside the raw records, and
 * gives some formats (camera frames) a standard schema that viewers open directly.
 *
 * <p>The raw record always stays in the batch byte for byte: decoding adds, it never replaces. A decoder is
 * stateful across batches (a sweep may span two), runs on the batcher's thread, and reports what it cannot
 * decode through counters instead of failing the batch.
 */
package dev.edgeagent.agent.decode;
