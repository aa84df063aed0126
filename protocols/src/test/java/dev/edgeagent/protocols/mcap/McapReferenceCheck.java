package dev.edgeagent.protocols.mcap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's reference MCAP check, {@code tools/mcap-validate} (the TypeScript reader @mcap/core
 * under Node.js), on files and returns its verdict per file. Test helper, shared with the agent's tests
 * through the protocols test-jar.
 *
 * <p>Finds {@code tools/mcap-validate} by walking up from the working directory, installs its pinned
 * packages with {@code npm ci} on first use if {@code node_modules} is missing, and fails with a clear
 * message when node or npm are not installed.
 */
public final class McapReferenceCheck {

    /**
     * One file's verdict: {@code ok} with the counts the reference reader saw, or the {@code error} it hit;
     * {@code topics} says per channel topic which schema it has and how many of its messages a viewer decoded.
     */
    public record Result(String file, boolean ok, long messages, long channels, long chunks, boolean indexed,
                         Map<String, Topic> topics, String error) {
    }

    /** A channel as the reference reader saw it; {@code decoded} counts messages decoded by their schema. */
    public record Topic(String schema, String schemaEncoding, String messageEncoding, long messages, long decoded) {
    }

    private static final String HINT = "run scripts/ensure-test-deps.sh (installs node, npm and the reference MCAP reader)";
    private static final long TIMEOUT_S = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private McapReferenceCheck() {
    }

    /** Checks one file. */
    public static Result check(Path file) {
        return check(List.of(file)).get(0);
    }

    /** Checks files with one Node.js run; results in the same order. */
    public static List<Result> check(List<Path> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        Path tool = toolDir();
        ensureInstalled(tool);
        List<String> command = new ArrayList<>(List.of("node", tool.resolve("validate.mjs").toString()));
        files.forEach(f -> command.add(f.toAbsolutePath().toString()));
        Run run = run(command, tool, "node");
        if (run.exit != 0 && run.exit != 1) {
            throw new AssertionError("tools/mcap-validate exited " + run.exit + ": " + run.stderr + run.stdout);
        }
        List<Result> results = new ArrayList<>();
        for (String line : run.stdout.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                Map<String, Topic> topics = new java.util.TreeMap<>();
                n.path("topics").fields().forEachRemaining(e -> topics.put(e.getKey(), new Topic(
                        e.getValue().path("schema").asText(), e.getValue().path("schemaEncoding").asText(),
                        e.getValue().path("messageEncoding").asText(), e.getValue().path("messages").asLong(),
                        e.getValue().path("decoded").asLong())));
                results.add(new Result(n.get("file").asText(), n.get("ok").asBoolean(), n.get("messages").asLong(),
                        n.get("channels").asLong(), n.get("chunks").asLong(), n.get("indexed").asBoolean(),
                        topics, n.get("error").isNull() ? null : n.get("error").asText()));
            } catch (IOException e) {
                throw new AssertionError("tools/mcap-validate printed a line that is not JSON: " + line, e);
            }
        }
        if (results.size() != files.size()) {
            throw new AssertionError("tools/mcap-validate reported " + results.size() + " results for " + files.size()
                    + " files: " + run.stdout + run.stderr);
        }
        return results;
    }

    /** Checks one file and fails with the reference reader's error unless it accepts it. */
    public static Result requireValid(Path file) {
        Result r = check(file);
        if (!r.ok()) {
            throw new AssertionError("the reference MCAP reader rejects " + file + ": " + r.error());
        }
        return r;
    }

    /** {@code tools/mcap-validate} in the working directory or the nearest parent that has one. */
    public static Path toolDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path tool = dir.resolve("tools").resolve("mcap-validate");
            if (Files.isRegularFile(tool.resolve("package.json")) && Files.isRegularFile(tool.resolve("validate.mjs"))) {
                return tool;
            }
        }
        throw new AssertionError("tools/mcap-validate not found in " + Path.of("").toAbsolutePath()
                + " or any parent directory");
    }

    private static synchronized void ensureInstalled(Path tool) {
        run(List.of("node", "--version"), tool, "node");
        if (Files.isRegularFile(tool.resolve("node_modules/@mcap/core/package.json"))) {
            return;
        }
        Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), tool, "npm");
        if (npm.exit != 0) {
            throw new AssertionError("npm ci in " + tool + " failed (exit " + npm.exit + "): " + npm.stderr
                    + "\n" + HINT);
        }
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run run(List<String> command, Path dir, String program) {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError(program + " is not installed or not on the PATH (" + e.getMessage() + "): "
                    + HINT, e);
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_S + " s");
            }
            return new Run(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + program, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
