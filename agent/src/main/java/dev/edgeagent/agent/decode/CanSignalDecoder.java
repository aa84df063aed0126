package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.protocols.can.dbc.DbcDatabase;
import dev.edgeagent.protocols.can.dbc.DbcDecoder;
import dev.edgeagent.protocols.can.dbc.DbcMessage;
import dev.edgeagent.protocols.can.dbc.DbcSignal;
import dev.edgeagent.protocols.can.dbc.DecodeResult;
import dev.edgeagent.protocols.can.dbc.SignalVisitor;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CAN frames (SocketCAN layout) decoded with a DBC into one JSON message per frame on channel
 * {@code /<stream>/signals/<MESSAGE>}: {@code {"SIGNAL": physical, ..., "SIGNAL_label": "VAL_ text"}}, with a
 * JSON Schema per DBC message (names, units and ranges of its signals) so that a viewer can plot each signal.
 * Frames the DBC does not know stay raw only, and are counted; so are remote/error frames and frames shorter
 * than their message.
 */
public final class CanSignalDecoder implements RecordDecoder {

    private final DbcDecoder decoder;
    private final DerivedSchema[] schemas;
    private final String[] channelNames;
    private final JsonBytes json = new JsonBytes();
    private final SignalVisitor visitor = this::onSignal;
    private long decodedMessages;
    private DbcMessage current;

    public CanSignalDecoder(DbcDatabase database) {
        this.decoder = new DbcDecoder(database);
        int n = database.messages().size();
        this.schemas = new DerivedSchema[n];
        this.channelNames = new String[n];
        for (DbcMessage m : database.messages()) {
            schemas[m.index()] = schemaOf(m);
            channelNames[m.index()] = "signals/" + m.name();
        }
    }

    private void onSignal(DbcMessage message, DbcSignal signal, long raw, double physical, String label,
                          boolean outOfRange) {
        current = message;
        json.number(signal.name(), physical);
        if (label != null) {
            json.string(signal.name() + "_label", label);
        }
    }

    @Override
    public void decode(RecordView r, DerivedOutput out) throws IOException {
        json.begin();
        current = null;
        DecodeResult result = decoder.decodeRecord(r.payload(), 0, r.payload().capacity(), visitor);
        if (result != DecodeResult.DECODED) {
            return;
        }
        json.end();
        DbcMessage m = current;
        if (m == null) {
            return;   // a multiplexed message whose mux value selects no signal
        }
        int channel = out.channel(channelNames[m.index()], schemas[m.index()]);
        long time = r.timeNs();
        out.write(channel, r.sequence(), r.receiveWallNs(), time, json.buffer, 0, json.length);
        decodedMessages++;
    }

    @Override
    public void reset() {
        // frames decode on their own: no state spans records
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("frames", decoder.frames());
        c.put("decoded", decoder.decodedFrames());
        c.put("unknown-id-frames", decoder.unknownFrames());
        c.put("unknown-ids", (long) decoder.unknownIds());
        c.put("too-short", decoder.tooShortFrames());
        c.put("not-data-frames", decoder.notDataFrames());
        c.put("out-of-range-signals", decoder.outOfRange());
        c.put("messages-written", decodedMessages);
        return c;
    }

    private static DerivedSchema schemaOf(DbcMessage m) {
        StringBuilder s = new StringBuilder();
        s.append("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"")
                .append(m.name()).append("\",\"description\":\"CAN ").append(m.extended() ? "extended " : "")
                .append("id 0x").append(Integer.toHexString(m.id())).append(", decoded with the stream's DBC\",")
                .append("\"type\":\"object\",\"properties\":{");
        boolean first = true;
        for (DbcSignal sig : m.signals()) {
            if (!first) {
                s.append(',');
            }
            first = false;
            s.append('"').append(sig.name()).append("\":{\"type\":[\"number\",\"null\"]");
            // the DBC range is information, not a constraint: out-of-range values are delivered (and counted)
            s.append(",\"description\":\"").append(escape(sig.unit().isEmpty() ? "no unit" : sig.unit()));
            if (sig.hasRange()) {
                s.append(", DBC range ").append(sig.minimum()).append(" to ").append(sig.maximum());
            }
            s.append('"');
            s.append('}');
            if (sig.valueTable() != null) {
                s.append(",\"").append(sig.name()).append("_label\":{\"type\":\"string\"}");
            }
        }
        s.append("}}");
        return DerivedSchema.json("edgeagent.can." + m.name(), s.toString());
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
