package dev.edgeagent.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Small process and file helpers for the harness. */
final class Cli {

    record Result(int exitCode, String stdout) {
    }

    private Cli() {
    }

    static boolean exists(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", command));
    }

    static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        return run(command, timeoutSeconds, false);
    }

    static Result run(List<String> command, int timeoutSeconds, boolean discardStdout)
            throws IOException, InterruptedException {
        return run(command, timeoutSeconds, discardStdout, false);
    }

    /** @param mergeStderr read stderr with stdout (lz4 prints its benchmark there) */
    static Result run(List<String> command, int timeoutSeconds, boolean discardStdout, boolean mergeStderr)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (mergeStderr) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        if (discardStdout) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        String out = discardStdout ? "" : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish in " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue());
        }
        return new Result(p.exitValue(), out.trim());
    }

    static String firstLine(List<String> command) {
        try {
            String out = run(command, 30, false, true).stdout();
            return out.lines().findFirst().orElse("").trim();
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temp file is not a result
        }
    }
}
