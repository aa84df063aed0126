package dev.edgeagent.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the figures were measured on. */
final class Machine {

    private Machine() {
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("samples")) && Files.exists(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run bench/run from the repository (no samples/ and pom.xml above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

    static Map<String, Object> describe(Path work) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown"));
        m.put("memoryBytes", Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).orElse(-1L));
        m.put("kernel", Cli.firstLine(List.of("uname", "-r")));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("workDir", work.toString());
        m.put("workDirFreeBytes", work.toFile().getUsableSpace());
        m.put("gitCommit", Cli.firstLine(List.of("git", "-C", repoRoot().toString(), "rev-parse", "--short", "HEAD")));
        m.put("date", java.time.OffsetDateTime.now().toString());
        return m;
    }

    /**
     * Puts this JVM's JIT compiler threads at nice 19 (Linux, through renice): once the in-process baselines are
     * measured, the harness only publishes MQTT and samples /proc, and its compiler must not take the CPU from the
     * agent under test (it was ~40 % of the harness' CPU during a 4x run). Best effort.
     */
    static void lowerOwnCompilerPriority() {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String comm = java.nio.file.Files.readString(t.resolve("comm")).trim();
                if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                    dev.edgeagent.agent.pipeline.BackgroundPriority.renice(Long.parseLong(t.getFileName().toString()), 19);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no renice: the harness' JIT competes with the agent as before
        }
    }
}
