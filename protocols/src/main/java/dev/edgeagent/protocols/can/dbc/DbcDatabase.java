package dev.edgeagent.protocols.can.dbc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.agrona.collections.Int2IntHashMap;

/** A parsed DBC file: its messages and named value tables. Immutable once built; share it between decoders. */
public final class DbcDatabase {

    private final List<DbcMessage> messages;
    private final Map<String, ValueTable> valueTables;
    private final String comment;
    private final int signalCount;
    private final List<DbcFormatException> warnings;
    private final Int2IntHashMap indexByKey = new Int2IntHashMap(-1);

    DbcDatabase(List<DbcMessage> messages, Map<String, ValueTable> valueTables, String comment,
                List<DbcFormatException> warnings) {
        this.messages = List.copyOf(messages);
        this.warnings = List.copyOf(warnings);
        this.valueTables = Map.copyOf(valueTables);
        this.comment = comment;
        int signals = 0;
        for (int i = 0; i < this.messages.size(); i++) {
            DbcMessage m = this.messages.get(i);
            m.freeze(i);
            for (DbcSignal s : m.signals()) {
                s.attach(m, signals++);
            }
            indexByKey.put(m.key(), i);
        }
        this.signalCount = signals;
    }

    /** Parses a DBC file strictly: the first bad statement throws. */
    public static DbcDatabase load(Path path) throws IOException {
        return DbcParser.parse(Files.readString(path, StandardCharsets.ISO_8859_1));
    }

    /** Parses a DBC file, skipping bad statements after reporting each to {@code onError}. */
    public static DbcDatabase load(Path path, Consumer<DbcFormatException> onError) throws IOException {
        return DbcParser.parse(Files.readString(path, StandardCharsets.ISO_8859_1), onError);
    }

    public List<DbcMessage> messages() {
        return messages;
    }

    /** The message with this id, or null. */
    public DbcMessage message(int id, boolean extended) {
        final int i = indexByKey.get(DbcMessage.key(id, extended));
        return i < 0 ? null : messages.get(i);
    }

    /** The message named {@code name}, or null. */
    public DbcMessage message(String name) {
        for (DbcMessage m : messages) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** Index into {@link #messages()} for a decoder key ({@link DbcMessage#key()}), or -1. No allocation. */
    int indexOfKey(int key) {
        return indexByKey.get(key);
    }

    /** VAL_TABLE_ tables by name. */
    public Map<String, ValueTable> valueTables() {
        return Collections.unmodifiableMap(valueTables);
    }

    /** The file's general CM_ comments joined by newlines, or null. */
    public String comment() {
        return comment;
    }

    /**
     * Statements ignored without failing the load: VAL_, CM_ and SIG_VALTYPE_ naming a message or signal that the
     * file does not define (opendbc's Civic file has {@code VAL_ 545 ECON_ON_2}, a signal it lacks). Log them.
     */
    public List<DbcFormatException> warnings() {
        return warnings;
    }

    public int signalCount() {
        return signalCount;
    }
}
