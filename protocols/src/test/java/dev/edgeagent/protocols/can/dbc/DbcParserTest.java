package dev.edgeagent.protocols.can.dbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DbcParserTest {

    @Test
    void readsMessagesSignalsTablesTypesAndComments() {
        DbcDatabase db = TinyDbc.load();
        assertEquals(List.of("INTEL", "EXT_MUX", "FD", "SHORT3", "WIDE64"),
                db.messages().stream().map(DbcMessage::name).toList());
        assertEquals(4 + 4 + 5 + 1 + 1, db.signalCount());

        DbcMessage intel = db.message(100, false);
        assertEquals("INTEL", intel.name());
        assertEquals(8, intel.dlc());
        assertEquals("ECU", intel.transmitter());
        assertEquals("Intel message", intel.comment());
        assertNull(intel.multiplexor());
        DbcSignal u12 = intel.signal("U12");
        assertEquals(4, u12.startBit());
        assertEquals(12, u12.length());
        assertTrue(u12.littleEndian());
        assertFalse(u12.signed());
        assertEquals(0.5, u12.factor());
        assertEquals(-10, u12.offset());
        assertEquals(-10, u12.minimum());
        assertEquals(2037.5, u12.maximum());
        assertEquals("V", u12.unit());
        assertEquals(List.of("GW"), u12.receivers());
        assertEquals("twelve bits\nover two lines", u12.comment());
        assertEquals(17, u12.line());
        assertEquals(List.of("GW", "ECU"), intel.signal("S8").receivers());
        assertTrue(intel.signal("S8").signed());
        assertEquals(DbcSignal.ValueType.FLOAT32, intel.signal("F32").valueType());
        assertEquals(DbcSignal.ValueType.INTEGER, u12.valueType());
        assertFalse(intel.signal("F32").hasRange());
        ValueTable gears = intel.signal("GEAR").valueTable();
        assertEquals("Gears", gears.name());
        assertEquals(Map.of(0L, "P", 1L, "R", 2L, "N", 3L, "D"), gears.asMap());
        assertEquals("D", gears.label(3));
        assertNull(gears.label(4));
        assertEquals(gears, db.valueTables().get("Gears"));

        assertNull(db.message(0x18FEF1FE, false));
        DbcMessage mux = db.message(0x18FEF1FE, true);
        assertEquals("EXT_MUX", mux.name());
        assertTrue(mux.extended());
        assertEquals(0x18FEF1FE | 0x80000000, mux.key());
        assertEquals("MUX", mux.multiplexor().name());
        assertEquals(DbcSignal.MuxRole.MULTIPLEXOR, mux.signal("MUX").muxRole());
        assertEquals(DbcSignal.MuxRole.MULTIPLEXED, mux.signal("A").muxRole());
        assertEquals(0, mux.signal("A").muxValue());
        assertEquals(1, mux.signal("B").muxValue());
        assertEquals(DbcSignal.MuxRole.PLAIN, mux.signal("TAIL").muxRole());
        assertFalse(mux.signal("TAIL").littleEndian());
        assertEquals(Map.of(0L, "angle", 1L, "count"), mux.signal("MUX").valueTable().asMap());
        assertNull(mux.signal("MUX").valueTable().name());

        assertEquals(64, db.message("FD").dlc());
        assertEquals(DbcSignal.ValueType.FLOAT64, db.message("FD").signal("D64").valueType());
        assertEquals("tiny test database", db.comment());
        // indexes are dense and in file order
        assertEquals(2, db.message("FD").index());
        assertEquals(8, db.message("FD").signal("FIRST").index());
        assertEquals(db.message("FD"), db.message("FD").signal("FIRST").message());
    }

    @Test
    void skipsTheIndependentSignalsPseudoMessageAndUnknownStatements() {
        String text = """
                BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX
                 SG_ LOOSE : 0|8@1+ (1,0) [0|0] "" Vector__XXX
                BA_DEF_SGTYPE_ "x" INT 0 1;
                SG_MUL_VAL_ 5 S M 1-1;
                BO_ 5 M: 2 Vector__XXX
                 SG_ S : 0|8@1+ (1,0) [0|0] "" Vector__XXX
                EV_ Env: 0 [0|1] "" 0 1 DUMMY_NODE_VECTOR0 Vector__XXX;
                VAL_ Env 0 "off" 1 "on" ;
                CM_ EV_ Env "environment";
                """;
        DbcDatabase db = DbcParser.parse(text);
        assertEquals(1, db.messages().size());
        assertEquals(List.of(), db.message(5, false).signal("S").receivers());
    }

    @Test
    void strictParseNamesLineColumnAndExpectation() {
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|8@2+ (1,0) [0|0] \"\" X\n", 2, 14, "byte order 1 (Intel");
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|8@1* (1,0) [0|0] \"\" X\n", 2, 15, "expected '+' (unsigned) or '-'");
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1;0) [0|0] \"\" X\n", 2, 19,
                "expected ',' between factor and offset, found ';'");
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] X\n", 2, 29, "expected the unit as a string");
        assertError("BO_ 1 A: 8 X\n SG_ S : 60|8@1+ (1,0) [0|0] \"\" X\n", 2, 10, "needs 9 bytes but A has a DLC of 8");
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|0@1+ (1,0) [0|0] \"\" X\n", 2, 12, "expected 1..64 bits");
        assertError("BO_ 1 A: 8 X\n SG_ S x5 : 0|8@1+ (1,0) [0|0] \"\" X\n", 2, 8, "multiplexer indicator");
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n SG_ S : 8|8@1+ (1,0) [0|0] \"\" X\n", 3, 2,
                "defined twice");
        assertError("BO_ abc A: 8 X\n", 1, 5, "expected the message id");
        assertError("BO_ 2684354560 A: 8 X\n", 1, 5, "is not a CAN id"); // 0x80000000 + 0x20000000
        assertError("BO_ 1 A: 65 X\n", 1, 10, "expected 0..64 bytes");
        assertError("BO_ 1 A 8 X\n", 1, 9, "expected ':' after the message name");
        assertError("BO_ 1 A: 8 X\nBO_ 1 B: 8 X\n", 2, 5, "already defined by A at line 1");
        assertError("\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n", 2, 2, "SG_ outside a message");
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\nVAL_ 1 S 0 \"x\" 1 ;\n", 3, 18,
                "expected the label of value 1");
        assertError("BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\nSIG_VALTYPE_ 1 S : 1;\n", 3, 20,
                "a float must be 32 bits");
        assertError("BO_ 1 A: 8 X\n SG_ S m1 : 0|8@1+ (1,0) [0|0] \"\" X\n", 2, 1, "has no multiplexor signal");
        assertError("CM_ \"never closed;\n\nBO_ 1 A: 8 X\n", 1, 5, "never closed");
        assertError("BO_ 1 A: 8 X\n[\n", 2, 1, "expected a DBC keyword");
        assertError("BO_ 1 A: 8 X\nFOO_ 1 2;\n", 2, 1, "found 'FOO_'");
    }

    @Test
    void referencesToMissingMessagesOrSignalsAreWarningsNotErrors() {
        // strict: these do not throw
        DbcDatabase db = DbcParser.parse(String.join("\n",
                "BO_ 1 A: 8 X",
                " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X",
                "VAL_ 2 S 0 \"x\" ;",
                "VAL_ 1 T 0 \"x\" ;",
                "CM_ SG_ 1 U \"comment\";",
                "VAL_ 1 S 0 \"zero\" ;"));
        assertEquals(List.of(3, 4, 5), db.warnings().stream().map(DbcFormatException::lineNumber).toList());
        assertEquals(6, db.warnings().get(0).column());
        assertTrue(db.warnings().get(0).detail().contains("no BO_ defines message id 2"), db.warnings().toString());
        assertTrue(db.warnings().get(1).detail().contains("message A has no signal T"), db.warnings().toString());
        assertEquals("zero", db.message(1, false).signal("S").valueTable().label(0));
    }

    private static void assertError(String text, int line, int column, String expectation) {
        DbcFormatException e = assertThrows(DbcFormatException.class, () -> DbcParser.parse(text), text);
        assertEquals(line, e.lineNumber(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("line " + line + ", column " + column + ": "), e.getMessage());
        assertTrue(e.detail().contains(expectation), e.getMessage());
    }

    @Test
    void tolerantParseReportsEveryBadStatementAndKeepsTheRest() {
        String text = String.join("\n",
                "BO_ 1 GOOD: 8 X",                                     // 1
                " SG_ OK1 : 0|8@1+ (1,0) [0|0] \"\" X",               // 2
                " SG_ BAD1 : 0|8@3+ (1,0) [0|0] \"\" X",              // 3
                " SG_ OK2 : 8|8@1+ (1,0) [0|0] \"\" X",               // 4
                "BO_ x BROKEN: 8 X",                                   // 5
                " SG_ LOST : 0|8@1+ (1,0) [0|0] \"\" X",              // 6: goes with its bad BO_, not reported
                "BO_ 2 ALSO_GOOD: 2 X",                                // 7
                " SG_ OK3 : 7|16@0- (1,0) [0|0] \"\" X",              // 8
                "VAL_ 9 OK1 0 \"x\" ;",                                // 9
                "VAL_ 1 OK1 0 \"zero\" 1 \"one\" ;",                   // 10
                "SIG_VALTYPE_ 2 OK3 : 7;",                             // 11
                "");
        List<DbcFormatException> errors = new ArrayList<>();
        DbcDatabase db = DbcParser.parse(text, errors::add);
        assertEquals(List.of(3, 5, 11), errors.stream().map(DbcFormatException::lineNumber).toList(),
                errors.toString());
        assertEquals(List.of("GOOD", "ALSO_GOOD"), db.messages().stream().map(DbcMessage::name).toList());
        assertEquals(List.of("OK1", "OK2"), db.message(1, false).signals().stream().map(DbcSignal::name).toList());
        assertEquals("one", db.message(1, false).signal("OK1").valueTable().label(1));
        assertEquals(List.of(9), db.warnings().stream().map(DbcFormatException::lineNumber).toList());
        assertEquals(DbcSignal.ValueType.INTEGER, db.message(2, false).signal("OK3").valueType());
    }
}
