package dev.edgeagent.protocols.can.dbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.edgeagent.protocols.can.CandumpReader;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The bundled Honda Civic Type R log against opendbc's Civic hatchback DBC. Every expected value is computed here
 * from the log's hex text with the bit layout of the DBC line written out in the comment; the decoder's result is
 * compared with it frame by frame.
 */
class DbcCivicTest {

    private static final String LOG = "can/honda_civic_typer_2019_turnonanddrive.candump.log";
    private static final Pattern BO = Pattern.compile("^BO_ (\\d+) (\\w+): (\\d+) ");

    private static Path dbcPath() {
        return TestData.repoRoot().resolve("config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc");
    }

    /** The DBC read by regex: message id -> number of SG_ lines that follow its BO_. */
    private static Map<Integer, Integer> signalsPerMessage() throws IOException {
        Map<Integer, Integer> m = new TreeMap<>();
        int current = -1;
        for (String l : Files.readAllLines(dbcPath(), StandardCharsets.ISO_8859_1)) {
            Matcher bo = BO.matcher(l);
            if (bo.find()) {
                current = Integer.parseInt(bo.group(1));
                m.put(current, 0);
            } else if (l.startsWith(" SG_ ") && current >= 0) {
                m.merge(current, 1, Integer::sum);
            } else if (!l.startsWith(" SG_ ")) {
                current = -1;
            }
        }
        return m;
    }

    @Test
    void loadsTheRealDbcStrictly() throws IOException {
        DbcDatabase db = DbcDatabase.load(dbcPath());
        Map<Integer, Integer> expected = signalsPerMessage();
        assertEquals(45, expected.size());
        assertEquals(expected.size(), db.messages().size());
        for (DbcMessage m : db.messages()) {
            assertFalse(m.extended());
            assertEquals(expected.get(m.id()), m.signals().size(), m.name());
        }
        assertEquals(expected.values().stream().mapToInt(Integer::intValue).sum(), db.signalCount());
        DbcSignal speed = db.message(0x158, false).signal("XMISSION_SPEED");
        assertEquals(7, speed.startBit());
        assertFalse(speed.littleEndian());
        assertEquals(0.01, speed.factor());
        assertEquals("kph", speed.unit());
        assertEquals(List.of("EON"), speed.receivers());
        assertEquals("On when Brake Hold engaged", db.message("VSA_STATUS").signal("BRAKE_HOLD_RELATED").comment());
        // opendbc's "CM_ SG_ 304 "..." without a signal name is kept as the message's comment
        assertEquals("Seems to be platform-agnostic", db.message(304, false).comment());
        assertEquals("none", db.message("SCM_BUTTONS").signal("CRUISE_BUTTONS").valueTable().label(0));
        assertNotNull(db.comment());
        // opendbc quirks: VAL_ 545 ECON_ON_2 names a signal XXX_16 lacks (a warning); BO_ 13274 is no 11-bit id
        // and VAL_ 806 CMBS_BUTTON one SCM_FEEDBACK lacks
        assertEquals(List.of(502, 505), db.warnings().stream().map(DbcFormatException::lineNumber).toList());
        assertFalse(db.message("LKAS_HUD_A").matchesFrames());
        assertTrue(db.message("ENGINE_DATA").matchesFrames());
    }

    @Test
    void decodesTheLogFrameByFrameAsTheBitLayoutSays() throws IOException {
        DbcDatabase db = DbcDatabase.load(dbcPath());
        Map<Integer, Integer> sigCount = signalsPerMessage();
        List<String> lines = Files.readAllLines(TestData.sample(LOG), StandardCharsets.US_ASCII);
        DbcDecoder decoder = new DbcDecoder(db);
        Map<String, Object[]> got = new HashMap<>();
        SignalVisitor visitor = (m, s, raw, physical, label, bad) ->
                got.put(s.name(), new Object[] {raw, physical, label, bad});

        Map<Integer, Integer> framesPerId = new TreeMap<>();
        long expectedSignals = 0;
        long expectedBohOutOfRange = 0;
        double minSpeed = Double.MAX_VALUE;
        double maxSpeed = -1;
        long minRpm = Long.MAX_VALUE;
        long maxRpm = -1;
        Map<String, Integer> cruiseButtonLabels = new TreeMap<>();
        Map<Integer, String> cruiseButtons = Map.of(7, "tbd", 6, "tbd", 5, "tbd", 4, "accel_res", 3, "decel_set",
                2, "cancel", 1, "main", 0, "none");
        Map<Integer, String> wipers = Map.of(4, "High", 2, "Low", 0, "Off");
        int checkedFrames = 0;
        int line = 0;
        try (CandumpReader r = CandumpReader.open(TestData.sample(LOG))) {
            while (r.next()) {
                String[] frame = lines.get(line++).split(" ")[2].split("#");
                int id = Integer.parseInt(frame[0], 16);
                int[] b = new int[frame[1].length() / 2];
                byte[] raw = HexFormat.of().parseHex(frame[1]);
                for (int i = 0; i < b.length; i++) {
                    b[i] = raw[i] & 0xFF;
                }
                framesPerId.merge(id, 1, Integer::sum);
                got.clear();
                DecodeResult result = decoder.decode(r.frame(), visitor);
                if (!sigCount.containsKey(id)) {
                    assertEquals(DecodeResult.UNKNOWN_ID, result, "line " + line);
                    continue;
                }
                assertEquals(DecodeResult.DECODED, result, "line " + line);
                assertEquals(sigCount.get(id), got.size(), "line " + line);
                expectedSignals += sigCount.get(id);
                checkedFrames++;
                switch (id) {
                    case 0x158 -> { // ENGINE_DATA
                        // XMISSION_SPEED 7|16@0+ (0.01,0): bytes 0..1 big-endian
                        double speed = ((b[0] << 8) | b[1]) * 0.01;
                        assertEquals(speed, (double) got.get("XMISSION_SPEED")[1], 1e-9, "line " + line);
                        // ENGINE_RPM 23|16@0+: bytes 2..3 big-endian
                        assertEquals((long) ((b[2] << 8) | b[3]), got.get("ENGINE_RPM")[0], "line " + line);
                        // ODOMETER 55|8@0+ (10,0): byte 6
                        assertEquals(b[6] * 10.0, (double) got.get("ODOMETER")[1], 1e-9, "line " + line);
                        minSpeed = Math.min(minSpeed, speed);
                        maxSpeed = Math.max(maxSpeed, speed);
                    }
                    case 0x17C -> { // POWERTRAIN_DATA
                        long rpm = (b[2] << 8) | b[3]; // ENGINE_RPM 23|16@0+
                        assertEquals(rpm, got.get("ENGINE_RPM")[0], "line " + line);
                        minRpm = Math.min(minRpm, rpm);
                        maxRpm = Math.max(maxRpm, rpm);
                        // BOH_17C 37|5@0+ [0|1]: MSB bit 5 of byte 4, down to bit 1
                        long boh = (b[4] >> 1) & 0x1F;
                        assertEquals(boh, got.get("BOH_17C")[0], "line " + line);
                        assertEquals(boh > 1, got.get("BOH_17C")[3], "line " + line);
                        expectedBohOutOfRange += boh > 1 ? 1 : 0;
                        // BRAKE_SWITCH 32|1@0+: bit 0 of byte 4
                        assertEquals((long) (b[4] & 1), got.get("BRAKE_SWITCH")[0], "line " + line);
                    }
                    case 0x14A -> { // STEERING_SENSORS STEER_ANGLE 7|16@0- (-0.1,0): signed bytes 0..1
                        short angle = (short) ((b[0] << 8) | b[1]);
                        assertEquals((long) angle, got.get("STEER_ANGLE")[0], "line " + line);
                        assertEquals(angle * -0.1, (double) got.get("STEER_ANGLE")[1], 1e-9, "line " + line);
                    }
                    case 0x130 -> { // GAS_PEDAL_2 ENGINE_TORQUE_ESTIMATE 7|16@0- (1,0) [-1000|1000]
                        short torque = (short) ((b[0] << 8) | b[1]);
                        assertEquals((long) torque, got.get("ENGINE_TORQUE_ESTIMATE")[0], "line " + line);
                        assertEquals(torque < -1000 || torque > 1000, got.get("ENGINE_TORQUE_ESTIMATE")[3]);
                    }
                    case 0x94 -> { // KINEMATICS LONG_ACCEL 25|10@0+ (-0.035,17.92): byte 3 bits 1..0, byte 4
                        long accel = ((b[3] & 3) << 8) | b[4];
                        assertEquals(accel, got.get("LONG_ACCEL")[0], "line " + line);
                        assertEquals(accel * -0.035 + 17.92, (double) got.get("LONG_ACCEL")[1], 1e-9);
                    }
                    case 0x1D0 -> { // WHEEL_SPEEDS WHEEL_SPEED_FR 8|15@0+: byte 1 bit 0, byte 2, byte 3 bits 7..2
                        long fr = ((b[1] & 1L) << 14) | (b[2] << 6) | (b[3] >> 2);
                        assertEquals(fr, got.get("WHEEL_SPEED_FR")[0], "line " + line);
                    }
                    case 0x296 -> { // SCM_BUTTONS CRUISE_BUTTONS 7|3@0+: byte 0 bits 7..5, VAL_ labels
                        int v = (b[0] >> 5) & 7;
                        assertEquals((long) v, got.get("CRUISE_BUTTONS")[0]);
                        assertEquals(cruiseButtons.get(v), got.get("CRUISE_BUTTONS")[2], "line " + line);
                        cruiseButtonLabels.merge((String) got.get("CRUISE_BUTTONS")[2], 1, Integer::sum);
                    }
                    case 0x37B -> { // STALK_STATUS_2 WIPERS 17|2@0+: byte 2 bits 1..0; 1 and 3 have no label
                        int v = b[2] & 3;
                        assertEquals((long) v, got.get("WIPERS")[0]);
                        assertEquals(wipers.get(v), got.get("WIPERS")[2], "line " + line);
                    }
                    default -> { }
                }
            }
        }
        assertEquals(28835, line);
        // the literal frames, spelled out
        assertEquals("(1674148739.212487) can0 14A#FFF1000007FFF124", lines.get(1));
        assertEquals("(1674148739.258358) can0 158#0000000000000019", lines.get(22));
        assertTrue(lines.get(20).endsWith(" 130#FF1206A80000059D")); // torque estimate 0xFF12 = -238 Nm
        assertTrue(lines.get(5338).endsWith(" 158#00E4000000E40114")); // 0x00E4 = 228 -> 2.28 km/h
        got.clear();
        DbcDecoder other = new DbcDecoder(db); // made-up and repeated frames stay out of the log's counters
        other.decode(0x130, false, new org.agrona.concurrent.UnsafeBuffer(HexFormat.of().parseHex("FF1206A80000059D")),
                0, 8, visitor);
        assertEquals(-238L, got.get("ENGINE_TORQUE_ESTIMATE")[0]);
        assertEquals(0x06A8L, got.get("ENGINE_TORQUE_REQUEST")[0]);

        // plausibility over the whole log: a car driven off slowly
        assertTrue(minSpeed >= 0 && maxSpeed <= 9.0 && maxSpeed >= 8.0, minSpeed + ".." + maxSpeed);
        assertEquals(8.9, maxSpeed, 1e-9);
        assertTrue(minRpm >= 0 && maxRpm <= 2000 && maxRpm >= 1000, minRpm + ".." + maxRpm);
        assertEquals(Map.of("none", 476), cruiseButtonLabels); // nobody touched the cruise buttons
        // so a made-up SCM_BUTTONS frame for other labels: byte 0 = 0x84 = 100 001 00b
        got.clear();
        other.decode(0x296, false, new org.agrona.concurrent.UnsafeBuffer(new byte[] {(byte) 0x84, 0, 0, 0}), 0, 4,
                visitor);
        assertEquals("accel_res", got.get("CRUISE_BUTTONS")[2]); // bits 7..5 = 4
        assertEquals("lkas_button", got.get("CRUISE_SETTING")[2]); // CRUISE_SETTING 3|2@0+: bits 3..2 = 1

        // the decoded share: 21 of 57 ids, 16 032 of 28 835 frames = 56 %
        TreeSet<Integer> known = new TreeSet<>(framesPerId.keySet());
        known.retainAll(sigCount.keySet());
        int knownFrames = known.stream().mapToInt(framesPerId::get).sum();
        assertEquals(57, framesPerId.size());
        assertEquals(21, known.size());
        assertEquals(16032, knownFrames);
        assertEquals(56, Math.round(100.0 * knownFrames / line));
        assertEquals(knownFrames, checkedFrames);
        assertEquals(knownFrames, decoder.decodedFrames());
        assertEquals(line - knownFrames, decoder.unknownFrames());
        assertEquals(36, decoder.unknownIds());
        for (Map.Entry<Integer, Integer> e : framesPerId.entrySet()) {
            assertEquals(known.contains(e.getKey()) ? 0 : (long) e.getValue(), decoder.unknownFrames(e.getKey()));
        }
        assertEquals(1616, decoder.unknownFrames(0x112));
        assertEquals(1709, decoder.decodedFrames(db.message("ENGINE_DATA")));
        assertEquals(0, decoder.tooShortFrames());
        assertEquals(expectedSignals, decoder.signals());
        DbcSignal boh = db.message("POWERTRAIN_DATA").signal("BOH_17C");
        assertEquals(expectedBohOutOfRange, decoder.outOfRange(boh));
        assertTrue(expectedBohOutOfRange > 0);
        assertNull(db.message(0x112, false));
    }
}
