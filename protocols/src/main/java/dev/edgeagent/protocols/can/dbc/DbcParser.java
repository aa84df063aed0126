package dev.edgeagent.protocols.can.dbc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.edgeagent.protocols.can.CanFrame;

/**
 * Reads the DBC text format: {@code BO_} messages, {@code SG_} signals (with {@code M} / {@code mN} multiplexing),
 * {@code VAL_} and {@code VAL_TABLE_} value tables, {@code SIG_VALTYPE_} float types and {@code CM_} comments.
 * Every other statement ({@code VERSION}, {@code NS_}, {@code BS_}, {@code BU_}, {@code BA_*}, {@code EV_},
 * {@code BO_TX_BU_}, {@code SG_MUL_VAL_}, ...) is skipped without being interpreted.
 *
 * <p>The text is cut into tokens first (strings may span lines); {@code BO_} and {@code SG_} end at the end of
 * their line, the other statements at {@code ;}. Load-time only: allocation is of no concern here.
 *
 * <p>Not supported (skipped): extended multiplexing ({@code SG_MUL_VAL_}; an {@code mNM} signal is taken as
 * multiplexed by N only), signal groups, environment variables, attributes (so no {@code VFrameFormat}: a message
 * is CAN FD only by its DLC above 8).
 */
final class DbcParser {

    private static final Set<String> KEYWORDS = Set.of("VERSION", "NS_", "BS_", "BU_", "BO_", "SG_", "CM_", "VAL_",
            "VAL_TABLE_", "SIG_VALTYPE_", "BA_DEF_", "BA_", "BA_DEF_DEF_", "BA_DEF_REL_", "BA_REL_",
            "BA_DEF_DEF_REL_", "BU_SG_REL_", "BU_EV_REL_", "BU_BO_REL_", "EV_", "ENVVAR_DATA_", "SGTYPE_",
            "SGTYPE_VAL_", "BA_DEF_SGTYPE_", "BA_SGTYPE_", "SIG_TYPE_REF_", "SIG_GROUP_", "SIGTYPE_VALTYPE_",
            "BO_TX_BU_", "SG_MUL_VAL_", "CAT_DEF_", "CAT_", "FILTER", "EV_DATA_");
    private static final Pattern MUX = Pattern.compile("M|m(\\d+)M?");
    /** Vector's pseudo-message holding signals not yet assigned to a message. */
    private static final long INDEPENDENT_SIGNALS_ID = 0xC0000000L;

    private enum T { IDENT, NUMBER, STRING, PUNCT, EOF }

    private record Token(T type, String text, int line, int column, boolean firstOnLine) {
        boolean is(char c) {
            return type == T.PUNCT && text.charAt(0) == c;
        }

        boolean isKeyword() {
            return type == T.IDENT && KEYWORDS.contains(text);
        }
    }

    /** A VAL_ / CM_ / SIG_VALTYPE_ naming a message or signal that does not exist: a warning, not an error. */
    private static final class Dangling extends RuntimeException {
        final DbcFormatException warning;

        Dangling(DbcFormatException warning) {
            super(null, null, false, false);
            this.warning = warning;
        }
    }

    private final List<Token> tokens = new ArrayList<>();
    private final List<DbcFormatException> warnings = new ArrayList<>();
    private final Consumer<DbcFormatException> onError;
    private int p;

    private final List<DbcMessage> messages = new ArrayList<>();
    private final Map<Integer, DbcMessage> byKey = new LinkedHashMap<>();
    private final Map<String, ValueTable> valueTables = new LinkedHashMap<>();
    private final StringBuilder comment = new StringBuilder();
    private DbcMessage current;
    /** Skip SG_ lines silently: their BO_ was bad (reported) or is the independent-signals pseudo-message. */
    private boolean skippingSignals;

    private DbcParser(Consumer<DbcFormatException> onError) {
        this.onError = onError;
    }

    /** Strict: the first bad statement throws {@link DbcFormatException}. */
    static DbcDatabase parse(String text) {
        return parse(text, e -> {
            throw e;
        });
    }

    /** Tolerant: each bad statement is reported to {@code onError} and skipped. */
    static DbcDatabase parse(String text, Consumer<DbcFormatException> onError) {
        DbcParser parser = new DbcParser(onError);
        try {
            parser.lex(text);
        } catch (DbcFormatException e) {
            onError.accept(e); // an unterminated string: what came before it is still parsed
        }
        parser.run();
        return new DbcDatabase(parser.messages, parser.valueTables,
                parser.comment.length() == 0 ? null : parser.comment.toString(), parser.warnings);
    }

    // ---------------------------------------------------------------- lexer

    private void lex(String s) {
        int line = 1;
        int lineStart = 0;
        boolean first = true;
        int i = 0;
        final int n = s.length();
        while (i < n) {
            final char c = s.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
                first = true;
                i++;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0xFEFF) {
                i++;
                continue;
            }
            final int col = i - lineStart + 1;
            final int start = i;
            if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(T.IDENT, s.substring(start, i), line, col, first));
            } else if (isDigit(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < n
                    && (isDigit(s.charAt(i + 1)) || (s.charAt(i + 1) == '.' && i + 2 < n && isDigit(s.charAt(i + 2)))))) {
                i++;
                while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    int j = i + 1;
                    if (j < n && (s.charAt(j) == '-' || s.charAt(j) == '+')) {
                        j++;
                    }
                    if (j < n && isDigit(s.charAt(j))) {
                        i = j;
                        while (i < n && isDigit(s.charAt(i))) {
                            i++;
                        }
                    }
                }
                tokens.add(new Token(T.NUMBER, s.substring(start, i), line, col, first));
            } else if (c == '"') {
                final int startLine = line;
                StringBuilder b = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new DbcFormatException(startLine, col, "string opened here is never closed (expected '\"')");
                    }
                    final char d = s.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                        b.append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    if (d == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                    b.append(d);
                    i++;
                }
                tokens.add(new Token(T.STRING, b.toString(), startLine, col, first));
            } else {
                i++;
                tokens.add(new Token(T.PUNCT, String.valueOf(c), line, col, first));
            }
            first = false;
        }
        tokens.add(new Token(T.EOF, "", line + 1, 1, true));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    // ---------------------------------------------------------------- statements

    private void run() {
        while (peek().type != T.EOF) {
            final int at = p;
            try {
                statement();
            } catch (DbcFormatException e) {
                onError.accept(e);
                if (p == at) {
                    p++;
                }
                recover();
            } catch (Dangling d) {
                warnings.add(d.warning);
                recover();
            }
        }
        checkMultiplexing();
    }

    private void statement() {
        final Token t = peek();
        if (t.type != T.IDENT) {
            throw error(t, "expected a DBC keyword (BO_, SG_, CM_, VAL_, ...) at the start of a statement");
        }
        if (!t.text.equals("SG_")) {
            current = null;
            skippingSignals = false;
        }
        switch (t.text) {
            case "BO_" -> message();
            case "SG_" -> signal();
            case "CM_" -> comment();
            case "VAL_" -> values();
            case "VAL_TABLE_" -> valueTable();
            case "SIG_VALTYPE_" -> valueType();
            case "NS_" -> {
                // NS_ : then an indented list of keywords, up to the next unindented line
                p++;
                while (peek().type != T.EOF && !(peek().firstOnLine && peek().column == 1)) {
                    p++;
                }
            }
            case "VERSION", "BS_", "BU_" -> skipLine();
            default -> {
                if (!t.isKeyword()) {
                    throw error(t, "expected a DBC keyword (BO_, SG_, CM_, VAL_, ...), found '" + t.text + "'");
                }
                skipStatement();
            }
        }
    }

    /** BO_ id name: dlc transmitter */
    private void message() {
        final Token kw = next();
        skippingSignals = true; // until the BO_ is known good: its SG_ lines go with it
        final Token idToken = peek();
        final long raw = integer("the message id (decimal; bit 31 marks an extended id)");
        final String name = ident("the message name");
        expect(':', "after the message name");
        final Token dlcToken = peek();
        final long dlc = integer("the message's DLC (data length in bytes)");
        String transmitter = "Vector__XXX";
        if (peek().type == T.IDENT && peek().line == kw.line && !peek().text.equals("SG_")) {
            transmitter = next().text;
        }
        endOfLine(kw.line, "after the BO_ transmitter");
        if (raw == INDEPENDENT_SIGNALS_ID) {
            skippingSignals = true;
            return;
        }
        final boolean extended = (raw & 0x80000000L) != 0;
        final long id = raw & 0x7FFFFFFFL;
        // a standard id above 0x7FF (opendbc's Honda files have BO_ 13274) is kept but can match no frame
        if (raw < 0 || raw > 0xFFFFFFFFL || id > CanFrame.CAN_EFF_MASK) {
            skippingSignals = true;
            throw error(idToken, "message id " + raw + " is not a CAN id: expected 0..2047 (standard) or "
                    + "2147483648 + 0..0x1FFFFFFF (extended)");
        }
        if (dlc < 0 || dlc > CanFrame.FD_MAX_LEN) {
            skippingSignals = true;
            throw error(dlcToken, "DLC " + dlc + " of " + name + ": expected 0..64 bytes");
        }
        final int key = DbcMessage.key((int) id, extended);
        if (byKey.containsKey(key)) {
            skippingSignals = true;
            throw error(idToken, "message id " + raw + " (" + name + ") is already defined by "
                    + byKey.get(key).name() + " at line " + byKey.get(key).line());
        }
        DbcMessage m = new DbcMessage((int) id, extended, name, (int) dlc, transmitter, kw.line);
        messages.add(m);
        byKey.put(key, m);
        current = m;
        skippingSignals = false;
    }

    /** SG_ name [M|mN] : start|length@order sign (factor,offset) [min|max] "unit" receivers */
    private void signal() {
        final Token kw = next();
        final DbcMessage m = current;
        if (m == null) {
            if (skippingSignals) {
                skipLine(kw.line);
                return;
            }
            throw error(kw, "SG_ outside a message: expected it on the lines after its BO_");
        }
        final String name = ident("the signal name");
        DbcSignal.MuxRole role = DbcSignal.MuxRole.PLAIN;
        long muxValue = -1;
        if (peek().type == T.IDENT) {
            final Token mt = next();
            final Matcher mm = MUX.matcher(mt.text);
            if (!mm.matches()) {
                throw error(mt, "expected ':' or a multiplexer indicator (M or m<value>) after signal " + name
                        + ", found '" + mt.text + "'");
            }
            if (mm.group(1) == null) {
                role = DbcSignal.MuxRole.MULTIPLEXOR;
                if (m.multiplexor() != null) {
                    throw error(mt, "second multiplexor signal " + name + " in " + m.name() + " (the first is "
                            + m.multiplexor().name() + "): extended multiplexing is not supported");
                }
            } else {
                role = DbcSignal.MuxRole.MULTIPLEXED;
                try {
                    muxValue = Long.parseLong(mm.group(1));
                } catch (NumberFormatException e) {
                    throw error(mt, "multiplexer value out of range: " + mt.text);
                }
            }
        }
        expect(':', "after the signal name" + (role == DbcSignal.MuxRole.PLAIN ? "" : " and multiplexer indicator"));
        final Token startToken = peek();
        final long start = integer("the start bit");
        expect('|', "between start bit and length");
        final Token lengthToken = peek();
        final long length = integer("the signal length in bits");
        expect('@', "before the byte order (@1 Intel, @0 Motorola)");
        final Token orderToken = peek();
        final long order = integer("the byte order: 1 (Intel, little-endian) or 0 (Motorola, big-endian)");
        if (order != 0 && order != 1) {
            throw error(orderToken, "expected the byte order 1 (Intel, little-endian) or 0 (Motorola, big-endian), "
                    + "found " + order);
        }
        final Token signToken = next();
        if (!signToken.is('+') && !signToken.is('-')) {
            throw error(signToken, "expected '+' (unsigned) or '-' (signed) after the byte order, found "
                    + describe(signToken));
        }
        expect('(', "opening (factor,offset)");
        final double factor = number("the factor");
        expect(',', "between factor and offset");
        final double offset = number("the offset");
        expect(')', "closing (factor,offset)");
        expect('[', "opening [minimum|maximum]");
        final double min = number("the minimum");
        expect('|', "between minimum and maximum");
        final double max = number("the maximum");
        expect(']', "closing [minimum|maximum]");
        final Token unitToken = next();
        if (unitToken.type != T.STRING) {
            throw error(unitToken, "expected the unit as a string (\"\" when none), found " + describe(unitToken));
        }
        final List<String> receivers = new ArrayList<>();
        while (peek().line == unitToken.line && peek().type != T.EOF && !peek().firstOnLine) {
            final Token r = next();
            if (r.type == T.IDENT) {
                if (!r.text.equals("Vector__XXX")) {
                    receivers.add(r.text);
                }
            } else if (!r.is(',')) {
                throw error(r, "expected receiver node names separated by ',', found " + describe(r));
            }
        }
        if (length < 1 || length > 64) {
            throw error(lengthToken, "signal " + name + " has length " + length + ": expected 1..64 bits");
        }
        if (start < 0 || start > 511) {
            throw error(startToken, "signal " + name + " has start bit " + start + ": expected 0..511");
        }
        if (factor == 0) {
            throw error(startToken, "signal " + name + " has factor 0: expected a non-zero factor");
        }
        if (m.signal(name) != null) {
            throw error(kw, "signal " + name + " is defined twice in " + m.name() + " (first at line "
                    + m.signal(name).line() + ")");
        }
        final DbcSignal s = new DbcSignal(name, (int) start, (int) length, order == 1, signToken.is('-'), factor,
                offset, min, max, unitToken.text, receivers, role, muxValue, kw.line);
        if (order == 0 && ((start / 8) * 8 + 7 - (start % 8)) + length - 1 >= 512) {
            throw error(startToken, "Motorola signal " + name + " (start " + start + ", " + length
                    + " bits) runs past byte 63");
        }
        if (s.bytesNeeded() > m.dlc()) {
            throw error(startToken, "signal " + name + " (start " + start + ", " + length + " bits, @" + order
                    + ") needs " + s.bytesNeeded() + " bytes but " + m.name() + " has a DLC of " + m.dlc());
        }
        m.add(s);
    }

    /** CM_ ["text" | BU_ node "text" | BO_ id "text" | SG_ id name "text" | EV_ name "text"] ; */
    private void comment() {
        next();
        final Token t = peek();
        if (t.type == T.STRING) {
            next();
            if (comment.length() > 0) {
                comment.append('\n');
            }
            comment.append(t.text);
        } else if (t.type == T.IDENT && t.text.equals("BO_")) {
            next();
            final DbcMessage m = messageRef();
            final String text = string("the comment text");
            m.comment(text);
        } else if (t.type == T.IDENT && t.text.equals("SG_")) {
            next();
            final DbcMessage m = messageRef();
            if (peek().type == T.STRING) {
                // seen in opendbc: "CM_ SG_ <id> "text";" without a signal name; keep it as the message's comment
                m.comment(next().text);
            } else {
                final DbcSignal s = signalRef(m);
                s.comment(string("the comment text"));
            }
        } else {
            skipStatement(); // BU_, EV_ and unknown kinds: not kept
            return;
        }
        expect(';', "ending the CM_ statement");
    }

    /** VAL_ id signal (value "label")* ; or VAL_ id signal tableName ; (VAL_ envVar ... is skipped) */
    private void values() {
        next();
        if (peek().type != T.NUMBER) {
            skipStatement(); // an environment variable's values
            return;
        }
        final DbcMessage m = messageRef();
        final DbcSignal s = signalRef(m);
        if (peek().type == T.IDENT) {
            final Token tn = next();
            final ValueTable table = valueTables.get(tn.text);
            if (table == null) {
                throw error(tn, "VAL_ refers to value table " + tn.text + ", which no VAL_TABLE_ defined before");
            }
            expect(';', "ending the VAL_ statement");
            s.valueTable(table);
            return;
        }
        s.valueTable(new ValueTable(null, entries("VAL_")));
    }

    /** VAL_TABLE_ name (value "label")* ; */
    private void valueTable() {
        next();
        final Token nt = peek();
        final String name = ident("the value table name");
        if (valueTables.containsKey(name)) {
            throw error(nt, "value table " + name + " is defined twice");
        }
        valueTables.put(name, new ValueTable(name, entries("VAL_TABLE_")));
    }

    private TreeMap<Long, String> entries(String statement) {
        final TreeMap<Long, String> entries = new TreeMap<>();
        while (!peek().is(';')) {
            final Token vt = peek();
            if (vt.type != T.NUMBER) {
                throw error(vt, "expected a value (integer) or ';' ending the " + statement + " statement, found "
                        + describe(vt));
            }
            final long v = integer("a value");
            final String label = string("the label of value " + v);
            if (entries.put(v, label) != null) {
                throw error(vt, "value " + v + " is listed twice");
            }
        }
        next();
        return entries;
    }

    /** SIG_VALTYPE_ id signal : 0|1|2 ; */
    private void valueType() {
        next();
        final DbcMessage m = messageRef();
        final DbcSignal s = signalRef(m);
        if (peek().is(':')) {
            next();
        }
        final Token vt = peek();
        final long type = integer("the value type: 0 integer, 1 float (32 bits), 2 double (64 bits)");
        expect(';', "ending the SIG_VALTYPE_ statement");
        if (type == 0) {
            s.valueType(DbcSignal.ValueType.INTEGER);
        } else if (type == 1 || type == 2) {
            final int bits = type == 1 ? 32 : 64;
            if (s.length() != bits) {
                throw error(vt, "signal " + s.name() + " is " + s.length() + " bits long: a "
                        + (type == 1 ? "float" : "double") + " must be " + bits + " bits");
            }
            s.valueType(type == 1 ? DbcSignal.ValueType.FLOAT32 : DbcSignal.ValueType.FLOAT64);
        } else {
            throw error(vt, "expected the value type 0 (integer), 1 (float) or 2 (double), found " + type);
        }
    }

    private void checkMultiplexing() {
        for (DbcMessage m : messages) {
            if (m.multiplexor() != null) {
                continue;
            }
            for (DbcSignal s : m.signals()) {
                if (s.muxRole() == DbcSignal.MuxRole.MULTIPLEXED) {
                    onError.accept(new DbcFormatException(s.line(), 1, "signal " + s.name() + " is multiplexed (m"
                            + s.muxValue() + ") but " + m.name() + " has no multiplexor signal (M): it is never decoded"));
                }
            }
        }
    }

    // ---------------------------------------------------------------- pieces

    private DbcMessage messageRef() {
        final Token t = peek();
        final long raw = integer("a message id");
        final boolean extended = (raw & 0x80000000L) != 0;
        final DbcMessage m = byKey.get(DbcMessage.key((int) (raw & CanFrame.CAN_EFF_MASK), extended));
        if (m == null) {
            throw new Dangling(error(t, "no BO_ defines message id " + raw + "; statement ignored"));
        }
        return m;
    }

    private DbcSignal signalRef(DbcMessage m) {
        final Token t = peek();
        final String name = ident("a signal name of " + m.name());
        final DbcSignal s = m.signal(name);
        if (s == null) {
            throw new Dangling(error(t, "message " + m.name() + " has no signal " + name + "; statement ignored"));
        }
        return s;
    }

    private Token peek() {
        return tokens.get(p);
    }

    private Token next() {
        final Token t = tokens.get(p);
        if (t.type != T.EOF) {
            p++;
        }
        return t;
    }

    private void expect(char c, String where) {
        final Token t = next();
        if (!t.is(c)) {
            throw error(t, "expected '" + c + "' " + where + ", found " + describe(t));
        }
    }

    private String ident(String what) {
        final Token t = next();
        if (t.type != T.IDENT) {
            throw error(t, "expected " + what + " (a name), found " + describe(t));
        }
        return t.text;
    }

    private String string(String what) {
        final Token t = next();
        if (t.type != T.STRING) {
            throw error(t, "expected " + what + " (a quoted string), found " + describe(t));
        }
        return t.text;
    }

    private long integer(String what) {
        final Token t = next();
        if (t.type == T.NUMBER) {
            try {
                return Long.parseLong(t.text.startsWith("+") ? t.text.substring(1) : t.text);
            } catch (NumberFormatException e) {
                // falls through to the error
            }
        }
        throw error(t, "expected " + what + " (an integer), found " + describe(t));
    }

    private double number(String what) {
        final Token t = next();
        if (t.type == T.NUMBER) {
            try {
                return Double.parseDouble(t.text);
            } catch (NumberFormatException e) {
                // falls through to the error
            }
        }
        throw error(t, "expected " + what + " (a number), found " + describe(t));
    }

    private void endOfLine(int line, String where) {
        final Token t = peek();
        if (t.type != T.EOF && t.line == line && !t.firstOnLine) {
            throw error(t, "expected the end of the line " + where + ", found " + describe(t));
        }
    }

    private void skipLine() {
        skipLine(next().line);
    }

    private void skipLine(int line) {
        while (peek().type != T.EOF && peek().line == line && !peek().firstOnLine) {
            p++;
        }
    }

    /** Up to and including ';', or up to the next statement when the ';' is missing. */
    private void skipStatement() {
        next();
        while (peek().type != T.EOF) {
            final Token t = peek();
            if (t.is(';')) {
                p++;
                return;
            }
            if (t.firstOnLine && t.isKeyword()) {
                return;
            }
            p++;
        }
    }

    /** After an error: to the next keyword that starts a line. */
    private void recover() {
        while (peek().type != T.EOF && !(peek().firstOnLine && peek().isKeyword())) {
            p++;
        }
    }

    private static String describe(Token t) {
        return switch (t.type) {
            case EOF -> "the end of the file";
            case STRING -> "a string";
            case PUNCT -> "'" + t.text + "'";
            default -> "'" + t.text + "'";
        };
    }

    private static DbcFormatException error(Token t, String detail) {
        return new DbcFormatException(t.line, t.column, detail);
    }
}
