package dev.edgeagent.agent.signal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names of a stream's signals and their small integer ids (0, 1, 2, ... in order of first sight). Ids are
 * what travels per value, so that a hot path indexes arrays instead of hashing names. Single-threaded: one
 * table per extractor.
 */
public final class SignalNames {

    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> units = new ArrayList<>();

    /** The id of {@code name}, registering it (with its unit, "" when none) on first sight. */
    public int id(String name, String unit) {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        int next = names.size();
        ids.put(name, next);
        names.add(name);
        units.add(unit == null ? "" : unit);
        return next;
    }

    /** The id of a known signal, or -1. */
    public int find(String name) {
        Integer id = ids.get(name);
        return id == null ? -1 : id;
    }

    public String name(int id) {
        return names.get(id);
    }

    public String unit(int id) {
        return units.get(id);
    }

    public int size() {
        return names.size();
    }
}
