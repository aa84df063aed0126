package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.protocols.camera.H264;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Marks H.264 keyframes: foxglove.CompressedVideo has no keyframe field, so each access unit holding an IDR
 * picture gets a JSON entry on {@code /<stream>/keyframes} with its sequence number, the index a player or a
 * cutter seeks by (a clip must start at one).
 */
public final class VideoKeyframeDecoder implements RecordDecoder {

    private static final DerivedSchema SCHEMA = DerivedSchema.json("edgeagent.camera.Keyframe", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"H.264 keyframe","type":"object",
             "properties":{"sequence":{"type":"integer","description":"sequence number of the access unit"},
              "time_ns":{"type":"integer"},"bytes":{"type":"integer"}}}""");

    private final JsonBytes json = new JsonBytes();
    private long accessUnits;
    private long keyframes;

    @Override
    public void decode(RecordView r, DerivedOutput out) throws IOException {
        accessUnits++;
        if (!H264.isKeyframe(r.payload(), 0, r.payload().capacity())) {
            return;
        }
        long time = r.timeNs();
        json.begin().integer("sequence", r.sequence()).integer("time_ns", time)
                .integer("bytes", r.payload().capacity()).end();
        out.write(out.channel("keyframes", SCHEMA), keyframes++, r.receiveWallNs(), time, json.buffer, 0, json.length);
    }

    @Override
    public void reset() {
        // each access unit stands alone
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("access-units", accessUnits);
        c.put("keyframes", keyframes);
        return c;
    }
}
