package dev.edgeagent.bench.harness;

import java.util.List;
import java.util.Map;

/** The human-readable table printed at the end of a run. */
final class Table {

    record Row(String[] cells) {
    }

    private static final String[] HEADER = {"kind", "what", "throughput", "vs baseline", "end-to-end", "p50 µs",
            "p99 µs", "p99.9/p99.99 µs", "CPU, peak RSS", "note"};

    private Table() {
    }

    static Row row(String... cells) {
        return new Row(cells);
    }

    static String render(List<Row> rows) {
        int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            width[i] = HEADER[i].length();
        }
        for (Row r : rows) {
            for (int i = 0; i < r.cells().length; i++) {
                width[i] = Math.max(width[i], r.cells()[i] == null ? 0 : r.cells()[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, HEADER, width);
        for (Row r : rows) {
            line(b, r.cells(), width);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String[] cells, int[] width) {
        for (int i = 0; i < width.length; i++) {
            String c = i < cells.length && cells[i] != null ? cells[i] : "";
            b.append(String.format("%-" + width[i] + "s", c)).append(i + 1 < width.length ? "  " : "\n");
        }
    }

    static String mbps(Object v) {
        return v == null ? "n/a" : String.format("%.0f MB/s", ((Number) v).doubleValue());
    }

    static String rate(double perSecond) {
        return perSecond >= 1e6 ? String.format("%.2f M rec/s", perSecond / 1e6)
                : perSecond >= 1e3 ? String.format("%.1f k rec/s", perSecond / 1e3) : String.format("%.0f rec/s", perSecond);
    }

    static String ratio(Object v) {
        return v == null ? "n/a" : String.format("%.2f×", ((Number) v).doubleValue());
    }

    @SuppressWarnings("unchecked")
    static String micros(Map<String, Object> w, String quantile) {
        Map<String, Long> worst = (Map<String, Long>) w.get("latencyNsWorstStream");
        if (worst == null || worst.get(quantile) == null) {
            return "n/a";
        }
        return String.format("%.0f", worst.get(quantile) / 1e3);
    }
}
