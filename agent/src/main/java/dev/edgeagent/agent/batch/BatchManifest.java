package dev.edgeagent.agent.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * The JSON document written beside every sealed batch (in the outbox, then at the upload target).
 * It is the batch's receipt: what it holds, where it goes, and how to check it arrived whole.
 *
 * <p>Times are ns since the Unix epoch. {@code firstSensorTimeNs}/{@code lastSensorTimeNs} are null when
 * the stream's source has no sensor clock.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"manifestVersion", "key", "deviceId", "streamId", "modality", "tier", "tags",
        "firstSeq", "lastSeq", "recordCount", "firstReceiveTimeNs", "lastReceiveTimeNs",
        "firstSensorTimeNs", "lastSensorTimeNs", "rawBytes", "objectBytes", "compression",
        "sha256", "contentType", "sealedAtNs", "agentVersion", "configHash", "source", "alignment"})
public record BatchManifest(
        int manifestVersion,
        /** object key relative to the target prefix, e.g. device=d1/stream=can0/date=2026-11-23/...mcap */
        String key,
        String deviceId,
        String streamId,
        String modality,
        String tier,
        List<String> tags,
        long firstSeq,
        long lastSeq,
        long recordCount,
        long firstReceiveTimeNs,
        long lastReceiveTimeNs,
        Long firstSensorTimeNs,
        Long lastSensorTimeNs,
        /** payload bytes of all records, before framing and compression */
        long rawBytes,
        /** size of the object (the MCAP file) as stored and uploaded */
        long objectBytes,
        /** chunk compression used in the MCAP file: "lz4" or "" */
        String compression,
        /** SHA-256 of the object, lower-case hex */
        String sha256,
        String contentType,
        long sealedAtNs,
        String agentVersion,
        String configHash,
        /** lineage: where the stream's records come from (null in manifests of older agents) */
        Source source,
        /** how the batch's MCAP log times were made (the stream's clock state at the seal); null for derived streams */
        Alignment alignment) {

    /**
     * The stream's source, for lineage: {@code type} (replay, udp, mqtt, synthetic, derived, ...) and a
     * description of what it reads (file, endpoint, topics, device; the input streams of a derived stream).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String type, String description) {
    }

    /**
     * The stream's clock at the seal: {@code clock} sensor (log times are sensor times mapped into the agent's
     * time base) or receive (no sensor clock: log times are receive times); offset (agent minus sensor time, s),
     * drift (ppm), whether the estimate has converged, and clock jumps seen so far.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Alignment(String clock, String timeBase, Double offsetSeconds, Double driftPpm, Boolean converged,
                            Long jumps) {
    }

    /** Without lineage and clock state (as written before they existed). */
    public BatchManifest(int manifestVersion, String key, String deviceId, String streamId, String modality, String tier,
                         List<String> tags, long firstSeq, long lastSeq, long recordCount, long firstReceiveTimeNs,
                         long lastReceiveTimeNs, Long firstSensorTimeNs, Long lastSensorTimeNs, long rawBytes,
                         long objectBytes, String compression, String sha256, String contentType, long sealedAtNs,
                         String agentVersion, String configHash) {
        this(manifestVersion, key, deviceId, streamId, modality, tier, tags, firstSeq, lastSeq, recordCount,
                firstReceiveTimeNs, lastReceiveTimeNs, firstSensorTimeNs, lastSensorTimeNs, rawBytes, objectBytes,
                compression, sha256, contentType, sealedAtNs, agentVersion, configHash, null, null);
    }

    public static final int VERSION = 1;
    public static final String MCAP_CONTENT_TYPE = "application/x-mcap";

    /** The manifest's own key at the target: the object's key with ".mcap" replaced by ".json". */
    public String manifestKey() {
        return key.endsWith(".mcap") ? key.substring(0, key.length() - 5) + ".json" : key + ".json";
    }
}
