package dev.edgeagent.bench.jmh;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The suite's runs select benchmarks that exist, with parameters and values they declare. */
class JmhSuiteTest {

    @Test
    void everyRunSelectsItsBenchmarksWithDeclaredParameterValues() {
        BenchmarkList list = BenchmarkList.defaultList();
        var out = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
        for (boolean quick : new boolean[] {true, false}) {
            for (JmhSuite.Spec spec : JmhSuite.specs(quick)) {
                Set<BenchmarkListEntry> found = list.find(out, List.of(spec.include()), List.of());
                int methods = spec.methods().split("\\|").length;
                assertEquals(methods, found.size(), spec.include() + " selects " + found);
                for (BenchmarkListEntry e : found) {
                    Map<String, String[]> declared = e.getParams().orElse(Map.of());
                    spec.params().forEach((name, values) -> {
                        assertTrue(declared.containsKey(name), e.getUsername() + " has no @Param " + name);
                        for (String v : values) {
                            assertTrue(Arrays.asList(declared.get(name)).contains(v),
                                    e.getUsername() + ": " + name + "=" + v + " is not among its @Param values");
                        }
                    });
                }
            }
        }
    }

    @Test
    void tableAlignsColumnsAndShowsMissingErrorsAsDash() {
        String t = JmhSuite.table(List.of(
                new JmhSuite.Result("A.b", Map.of("p", "1"), 1234567.8, 12.5, "records/s"),
                new JmhSuite.Result("A.b:bytes", Map.of(), 0.5, Double.NaN, "MB/s")));
        String[] lines = t.split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[1].contains("1,234,568") && lines[1].contains("12.5") && lines[1].endsWith("records/s"), t);
        assertTrue(lines[2].contains("0.500") && lines[2].contains(" - "), t);
        assertEquals(lines[1].indexOf("records/s"), lines[2].indexOf("MB/s"), t);
    }
}
