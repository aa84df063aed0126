package dev.edgeagent.agent.signal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.protocols.can.dbc.DbcDatabase;
import dev.edgeagent.protocols.can.dbc.DbcDecoder;
import dev.edgeagent.protocols.can.dbc.DbcMessage;
import dev.edgeagent.protocols.can.dbc.DbcSignal;
import dev.edgeagent.protocols.can.dbc.SignalVisitor;
import dev.edgeagent.protocols.gnss.GnssEpochAssembler;
import dev.edgeagent.protocols.gnss.GnssFix;
import dev.edgeagent.protocols.gnss.GnssFrameType;
import dev.edgeagent.protocols.imu.ImuFormatException;
import dev.edgeagent.protocols.imu.ImuRecord;
import dev.edgeagent.protocols.imu.ImuSample;
import dev.edgeagent.protocols.source.BadInputListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Makes the {@link SignalExtractor} of a stream from its format (and DBC, for CAN). */
public final class SignalExtractors {

    private SignalExtractors() {
    }

    /** A new extractor, or null when the stream's records carry no numeric signals (cameras, LiDAR packets, ...). */
    public static SignalExtractor create(StreamConfig stream, PayloadFormat format, StreamStats stats) {
        return switch (format) {
            case SOCKETCAN_FRAME -> stream.decode().dbc().map(SignalExtractors::can).orElse(null);
            case IMU_SAMPLE -> new Imu();
            case GNSS_FRAME -> new GnssFrames();
            case GPSD_JSON -> new JsonNumbers(true);
            case MQTT_PAYLOAD -> new JsonNumbers(false);
            default -> null;
        };
    }

    static SignalExtractor can(Path dbc) {
        try {
            return new Can(DbcDatabase.load(dbc, e -> { }));
        } catch (IOException e) {
            throw new ConfigException("agent.yaml", List.of("decode.dbc = \"" + dbc + "\": expected a readable DBC file ("
                    + e.getMessage() + ")"));
        }
    }

    /** CAN frames through the stream's DBC: MESSAGE.SIGNAL in physical units. */
    public static final class Can implements SignalExtractor {
        private final SignalNames names = new SignalNames();
        private final DbcDecoder decoder;
        private final int[] ids;   // DbcSignal.index() (dense over the database) -> signal id
        private final SignalVisitor visitor = this::onSignal;
        private SignalSink sink;
        private long time;
        private int count;

        public Can(DbcDatabase db) {
            this.decoder = new DbcDecoder(db);
            int total = 0;
            for (DbcMessage m : db.messages()) {
                for (DbcSignal s : m.signals()) {
                    total = Math.max(total, s.index() + 1);
                }
            }
            this.ids = new int[total];
            for (DbcMessage m : db.messages()) {
                for (DbcSignal s : m.signals()) {
                    ids[s.index()] = names.id(m.name() + "." + s.name(), s.unit());
                }
            }
        }

        private void onSignal(DbcMessage m, DbcSignal s, long raw, double physical, String label, boolean outOfRange) {
            sink.signal(ids[s.index()], physical, time);
            count++;
        }

        @Override
        public SignalNames names() {
            return names;
        }

        @Override
        public int extract(RecordView r, SignalSink sink) {
            this.sink = sink;
            this.time = r.timeNs();
            this.count = 0;
            decoder.decodeRecord(r.payload(), 0, r.payload().capacity(), visitor);
            return count;
        }

        @Override
        public void reset() {
        }
    }

    /** IMU samples: gyro.* rad/s, accel.* m/s², mag.* µT. */
    public static final class Imu implements SignalExtractor {
        private final SignalNames names = new SignalNames();
        private final ImuSample s = new ImuSample();
        private final int gx = names.id("gyro.x", "rad/s"), gy = names.id("gyro.y", "rad/s"), gz = names.id("gyro.z", "rad/s");
        private final int ax = names.id("accel.x", "m/s2"), ay = names.id("accel.y", "m/s2"), az = names.id("accel.z", "m/s2");
        private final int mx = names.id("mag.x", "uT"), my = names.id("mag.y", "uT"), mz = names.id("mag.z", "uT");

        @Override
        public SignalNames names() {
            return names;
        }

        @Override
        public int extract(RecordView r, SignalSink sink) {
            try {
                ImuRecord.decode(r.payload(), 0, r.payload().capacity(), s);
            } catch (ImuFormatException e) {
                return 0;
            }
            long t = r.timeNs();
            sink.signal(gx, s.gyroX, t);
            sink.signal(gy, s.gyroY, t);
            sink.signal(gz, s.gyroZ, t);
            sink.signal(ax, s.accelX, t);
            sink.signal(ay, s.accelY, t);
            sink.signal(az, s.accelZ, t);
            if (s.hasMagneticField) {
                sink.signal(mx, s.magX, t);
                sink.signal(my, s.magY, t);
                sink.signal(mz, s.magZ, t);
                return 9;
            }
            return 6;
        }

        @Override
        public void reset() {
        }
    }

    /** GNSS receiver frames (NMEA, UBX) assembled per epoch: lat, lon, alt, speed, track at the fix's UTC time. */
    public static final class GnssFrames implements SignalExtractor {
        private final SignalNames names = new SignalNames();
        private final int lat = names.id("lat", "deg"), lon = names.id("lon", "deg"), alt = names.id("alt", "m");
        private final int speed = names.id("speed", "m/s"), track = names.id("track", "deg");
        private GnssEpochAssembler epochs = new GnssEpochAssembler(this::onFix, BadInputListener.IGNORE);
        private SignalSink sink;
        private long recordTime;
        private int count;

        private void onFix(GnssFix f) {
            if (!Double.isFinite(f.latitudeDeg) || !Double.isFinite(f.longitudeDeg) || sink == null) {
                return;
            }
            long utc = f.utcTimeNs();
            long t = utc != GnssFix.NO_TIME ? utc : recordTime;
            sink.signal(lat, f.latitudeDeg, t);
            sink.signal(lon, f.longitudeDeg, t);
            double a = Double.isFinite(f.altitudeMslM) ? f.altitudeMslM : f.altitudeEllipsoidM();
            sink.signal(alt, a, t);
            sink.signal(speed, f.speedMps, t);
            sink.signal(track, f.courseDeg, t);
            count += 5;
        }

        @Override
        public SignalNames names() {
            return names;
        }

        @Override
        public int extract(RecordView r, SignalSink sink) {
            this.sink = sink;
            this.recordTime = r.timeNs();
            this.count = 0;
            int keyLength = r.key().capacity();
            byte first = keyLength > 0 ? r.key().getByte(0) : 0;
            GnssFrameType type = first == 'n' ? GnssFrameType.NMEA : first == 'u' ? GnssFrameType.UBX : null;
            if (type != null) {
                epochs.onFrame(type, -1, r.payload(), 0, r.payload().capacity());
            }
            return count;
        }

        @Override
        public void reset() {
            epochs = new GnssEpochAssembler(this::onFix, BadInputListener.IGNORE);
        }
    }

    /**
     * Numbers (and booleans as 0/1) of a JSON object payload. MQTT: {@code TOPIC:path.to.field}; gpsd: TPV reports
     * only, as lat, lon, alt (altMSL), speed, track, climb.
     */
    public static final class JsonNumbers implements SignalExtractor {
        private static final JsonFactory FACTORY = new JsonFactory();
        private final SignalNames names = new SignalNames();
        private final boolean gpsd;
        private final StringBuilder path = new StringBuilder();
        private byte[] bytes = new byte[256];

        public JsonNumbers(boolean gpsd) {
            this.gpsd = gpsd;
        }

        @Override
        public SignalNames names() {
            return names;
        }

        @Override
        public int extract(RecordView r, SignalSink sink) {
            int keyLength = r.key().capacity();
            String prefix = "";
            if (gpsd) {
                if (keyLength != 3 || r.key().getByte(0) != 'T' || r.key().getByte(1) != 'P' || r.key().getByte(2) != 'V') {
                    return 0;
                }
            } else {
                byte[] k = new byte[keyLength];
                r.key().getBytes(0, k);
                prefix = new String(k, StandardCharsets.UTF_8) + ":";
            }
            int length = r.payload().capacity();
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, bytes.length * 2)];
            }
            r.payload().getBytes(0, bytes, 0, length);
            int start = 0;
            while (start < length && (bytes[start] == ' ' || bytes[start] == '\t' || bytes[start] == '\r' || bytes[start] == '\n')) {
                start++;
            }
            if (start == length || bytes[start] != '{') {
                return 0;   // not a JSON object (binary telemetry, text): no signals, and no exception per record
            }
            long t = r.timeNs();
            int count = 0;
            try (JsonParser p = FACTORY.createParser(bytes, 0, length)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return 0;
                }
                path.setLength(0);
                count = object(p, prefix, sink, t);
            } catch (IOException | RuntimeException e) {
                return count;   // not JSON: stays raw (the decoders count it)
            }
            return count;
        }

        private int object(JsonParser p, String prefix, SignalSink sink, long t) throws IOException {
            int count = 0;
            int base = path.length();
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
                path.setLength(base);
                if (base > 0) {
                    path.append('.');
                }
                path.append(p.currentName());
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT) {
                    count += object(p, prefix, sink, t);
                } else if (v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT
                        || v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                    double value = v == JsonToken.VALUE_TRUE ? 1 : v == JsonToken.VALUE_FALSE ? 0 : p.getDoubleValue();
                    String name = gpsd ? gpsdName(path) : prefix + path;
                    if (name != null) {
                        sink.signal(names.id(name, ""), value, t);
                        count++;
                    }
                }
            }
            path.setLength(base);
            return count;
        }

        private static String gpsdName(CharSequence field) {
            return switch (field.toString()) {
                case "lat" -> "lat";
                case "lon" -> "lon";
                case "altMSL" -> "alt";
                case "speed" -> "speed";
                case "track" -> "track";
                case "climb" -> "climb";
                default -> null;
            };
        }

        @Override
        public void reset() {
        }
    }
}
