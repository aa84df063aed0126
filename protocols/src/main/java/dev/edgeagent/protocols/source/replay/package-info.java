/**
 * File replay sources: {@link dev.edgeagent.protocols.source.replay.PcapReplaySource} (UDP payloads of a pcap /
 * pcapng capture, e.g. LiDAR packets) and {@link dev.edgeagent.protocols.source.replay.CandumpReplaySource}
 * (frames of a candump log), sharing pacing, resume, looping, back-pressure and counters in
 * {@link dev.edgeagent.protocols.source.replay.ReplaySource}.
 */
package dev.edgeagent.protocols.source.replay;
