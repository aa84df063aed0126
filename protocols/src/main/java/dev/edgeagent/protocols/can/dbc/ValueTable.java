package dev.edgeagent.protocols.can.dbc;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Raw value to label ({@code VAL_} / {@code VAL_TABLE_}); sorted arrays so that a lookup allocates nothing. */
public final class ValueTable {

    private final String name;
    private final long[] values;
    private final String[] labels;

    ValueTable(String name, TreeMap<Long, String> entries) {
        this.name = name;
        this.values = new long[entries.size()];
        this.labels = new String[entries.size()];
        int i = 0;
        for (Map.Entry<Long, String> e : entries.entrySet()) {
            values[i] = e.getKey();
            labels[i++] = e.getValue();
        }
    }

    /** The VAL_TABLE_ name, or null for a signal's own VAL_ list. */
    public String name() {
        return name;
    }

    public int size() {
        return values.length;
    }

    /** The label of {@code raw}, or null when the table has none. */
    public String label(long raw) {
        final int i = Arrays.binarySearch(values, raw);
        return i >= 0 ? labels[i] : null;
    }

    /** A copy of the entries, in value order. */
    public Map<Long, String> asMap() {
        TreeMap<Long, String> m = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(values[i], labels[i]);
        }
        return m;
    }
}
