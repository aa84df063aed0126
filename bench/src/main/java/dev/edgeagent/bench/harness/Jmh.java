package dev.edgeagent.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

/** Runs the JMH suite ({@code dev.edgeagent.bench.jmh.JmhSuite}) and renders its results. */
final class Jmh {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jmh() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> run(boolean quick, List<String> jvmFlags) throws Exception {
        Object results = Class.forName("dev.edgeagent.bench.jmh.JmhSuite")
                .getMethod("run", boolean.class, List.class).invoke(null, quick, jvmFlags);
        return JSON.convertValue(results, List.class);
    }

    @SuppressWarnings("unchecked")
    static String render(Object jmh) {
        StringBuilder b = new StringBuilder("JMH (forks 1; the error is JMH's 99.9 % interval)\n");
        for (Map<String, Object> r : (List<Map<String, Object>>) jmh) {
            b.append(String.format("  %-60s %-40s %14.1f ± %-10.1f %s%n", r.get("benchmark"), r.get("params"),
                    ((Number) r.get("score")).doubleValue(), ((Number) r.get("error")).doubleValue(), r.get("unit")));
        }
        return b.toString();
    }
}
