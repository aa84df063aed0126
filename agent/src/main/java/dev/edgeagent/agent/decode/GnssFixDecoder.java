package dev.edgeagent.agent.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.decode.foxglove.FoxgloveEncoder;
import dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas;
import dev.edgeagent.protocols.gnss.GnssEpochAssembler;
import dev.edgeagent.protocols.gnss.GnssFix;
import dev.edgeagent.protocols.gnss.GnssFrameType;
import dev.edgeagent.protocols.source.BadInputListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GNSS records decoded into one fix per epoch: a foxglove.LocationFix on {@code /<stream>/fix} (WGS 84 latitude,
 * longitude, ellipsoid height; diagonal covariance from the receiver's accuracy estimates) and the whole fix as
 * JSON on {@code /<stream>/fix-detail} (UTC time, MSL altitude, speed, course, fix quality and type, satellites,
 * DOPs, accuracies). Two inputs: receiver frames (NMEA sentences and UBX NAV-PVT, assembled per epoch) and
 * gpsd TPV reports. RTCM3 corrections are kept raw only.
 */
public final class GnssFixDecoder implements RecordDecoder {

    private static final DerivedSchema DETAIL_SCHEMA = DerivedSchema.json("edgeagent.gnss.Fix", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"GNSS fix","type":"object",
             "properties":{"time_ns":{"type":["integer","null"],"description":"UTC, ns since the epoch"},
              "latitude":{"type":["number","null"],"description":"deg, WGS 84"},
              "longitude":{"type":["number","null"],"description":"deg, WGS 84"},
              "altitude_msl_m":{"type":["number","null"]},"geoid_separation_m":{"type":["number","null"]},
              "speed_mps":{"type":["number","null"]},"course_deg":{"type":["number","null"],"description":"true"},
              "fix_quality":{"type":"integer","description":"NMEA GGA quality; -1 unknown"},
              "fix_type":{"type":"integer","description":"1 none, 2 2D, 3 3D, 4 dead reckoning, 5 GNSS+DR, 6 time only; -1 unknown"},
              "satellites":{"type":"integer"},"hdop":{"type":["number","null"]},"vdop":{"type":["number","null"]},
              "pdop":{"type":["number","null"]},"h_acc_m":{"type":["number","null"]},"v_acc_m":{"type":["number","null"]}}}""");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String frameId;
    private final boolean gpsd;
    private final BadInputListener badFrames;
    private GnssEpochAssembler epochs;
    private final FoxgloveEncoder encoder = new FoxgloveEncoder();
    private final JsonBytes json = new JsonBytes();
    private final GnssFix gpsdFix = new GnssFix();
    private final double[] covariance = new double[9];
    private DerivedOutput out;
    private RecordView current;
    private long fixes;
    private long badReports;

    /** @param gpsd records are gpsd JSON reports (else receiver frames keyed nmea / ubx / rtcm3) */
    public GnssFixDecoder(String frameId, boolean gpsd, BadInputListener badFrames) {
        this.frameId = frameId;
        this.gpsd = gpsd;
        this.badFrames = badFrames;
        this.epochs = new GnssEpochAssembler(this::onFix, badFrames);
    }

    @Override
    public void decode(RecordView r, DerivedOutput output) throws IOException {
        out = output;
        current = r;
        try {
            if (gpsd) {
                decodeGpsd(r);
                return;
            }
            int keyLength = r.key().capacity();
            byte first = keyLength > 0 ? r.key().getByte(0) : 0;
            GnssFrameType type = first == 'n' ? GnssFrameType.NMEA : first == 'u' ? GnssFrameType.UBX : null;
            if (type != null) {
                epochs.onFrame(type, -1, r.payload(), 0, r.payload().capacity());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** gpsd TPV: time, lat, lon, altMSL/altHAE, speed, track, mode, eph/epv. Other classes stay raw only. */
    private void decodeGpsd(RecordView r) {
        if (r.key().capacity() != 3 || r.key().getByte(0) != 'T' || r.key().getByte(1) != 'P' || r.key().getByte(2) != 'V') {
            return;
        }
        byte[] bytes = new byte[r.payload().capacity()];
        r.payload().getBytes(0, bytes);
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            badReports++;
            return;
        }
        GnssFix f = gpsdFix;
        f.reset();
        if (r.hasSensorTime()) {
            f.timeOfDayNs = Math.floorMod(r.sensorTimeNs(), 86_400_000_000_000L);
            f.epochDay = Math.floorDiv(r.sensorTimeNs(), 86_400_000_000_000L);
        }
        f.latitudeDeg = n.path("lat").asDouble(Double.NaN);
        f.longitudeDeg = n.path("lon").asDouble(Double.NaN);
        f.altitudeMslM = n.path("altMSL").asDouble(n.path("alt").asDouble(Double.NaN));
        f.geoidSeparationM = n.path("geoidSep").asDouble(Double.NaN);
        f.speedMps = n.path("speed").asDouble(Double.NaN);
        f.courseDeg = n.path("track").asDouble(Double.NaN);
        int mode = n.path("mode").asInt(0);
        f.fixType = mode == 2 ? GnssFix.FIX_2D : mode == 3 ? GnssFix.FIX_3D : mode == 1 ? GnssFix.FIX_NONE : GnssFix.UNKNOWN;
        f.horizontalAccuracyM = n.path("eph").asDouble(Double.NaN);
        f.verticalAccuracyM = n.path("epv").asDouble(Double.NaN);
        if (Double.isFinite(f.latitudeDeg) && Double.isFinite(f.longitudeDeg)) {
            onFix(f);
        }
    }

    private void onFix(GnssFix f) {
        if (!Double.isFinite(f.latitudeDeg) || !Double.isFinite(f.longitudeDeg)) {
            return;   // an epoch with time only (no position yet)
        }
        try {
            RecordView r = current;
            long utc = f.utcTimeNs();
            long time = utc != GnssFix.NO_TIME ? utc : r.timeNs();
            double altitude = Double.isFinite(f.altitudeEllipsoidM()) ? f.altitudeEllipsoidM() : f.altitudeMslM;
            double[] cov = null;
            int covType = 0;
            if (Double.isFinite(f.horizontalAccuracyM)) {
                double h = f.horizontalAccuracyM * f.horizontalAccuracyM / 2;   // split over east and north
                double v = Double.isFinite(f.verticalAccuracyM) ? f.verticalAccuracyM * f.verticalAccuracyM : h * 4;
                java.util.Arrays.fill(covariance, 0);
                covariance[0] = h;
                covariance[4] = h;
                covariance[8] = v;
                cov = covariance;
                covType = Double.isFinite(f.verticalAccuracyM) ? 2 : 1;
            }
            int length = encoder.locationFix(time, frameId, f.latitudeDeg, f.longitudeDeg,
                    Double.isFinite(altitude) ? altitude : 0, cov, covType);
            out.write(out.channel("fix", FoxgloveSchemas.LOCATION_FIX), fixes, r.receiveWallNs(), time,
                    encoder.buffer(), 0, length);
            json.begin();
            if (utc != GnssFix.NO_TIME) {
                json.integer("time_ns", utc);
            }
            json.number("latitude", f.latitudeDeg).number("longitude", f.longitudeDeg)
                    .number("altitude_msl_m", f.altitudeMslM).number("geoid_separation_m", f.geoidSeparationM)
                    .number("speed_mps", f.speedMps).number("course_deg", f.courseDeg)
                    .integer("fix_quality", f.fixQuality).integer("fix_type", f.fixType)
                    .integer("satellites", f.satellitesUsed).number("hdop", f.hdop).number("vdop", f.vdop)
                    .number("pdop", f.pdop).number("h_acc_m", f.horizontalAccuracyM)
                    .number("v_acc_m", f.verticalAccuracyM).end();
            out.write(out.channel("fix-detail", DETAIL_SCHEMA), fixes, r.receiveWallNs(), time, json.buffer, 0,
                    json.length);
            fixes++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void reset() {
        epochs = new GnssEpochAssembler(this::onFix, badFrames);   // drops the open epoch
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("epochs", epochs.epochs());
        c.put("fixes-written", fixes);
        c.put("bad-gpsd-reports", badReports);
        return c;
    }
}
