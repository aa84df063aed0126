package dev.edgeagent.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real packaged agent (agent/target/quarkus-app, as bin/edge-agent starts it) in a child JVM, for
 * tests that need a real process: kill -9, SIGTERM, exit codes, stdout.
 */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private AgentProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** agent/target/quarkus-app; the ITs run after `package`, from the agent module directory. */
    public static Path appDir() {
        Path app = Path.of("target/quarkus-app").toAbsolutePath();
        if (!Files.exists(app.resolve("quarkus-run.jar")) || !Files.exists(app.resolve("jvm.options"))) {
            throw new IllegalStateException(app + " has no packaged agent: run the ITs through ./mvnw verify");
        }
        return app;
    }

    /** Repository root (the agent module's parent). */
    public static Path repoRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    public static AgentProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(workDir, workDir, env, args);
    }

    /** @param logDir where the process' output file goes (not the working directory, e.g. the repository) */
    public static AgentProcess start(Path workDir, Path logDir, Map<String, String> env, String... args)
            throws IOException {
        Path app = appDir();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + app.resolve("jvm.options"));
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(app.resolve("quarkus-run.jar").toString());
        command.addAll(List.of(args));
        Files.createDirectories(logDir);
        Path output = Files.createTempFile(logDir, "agent-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> environment = new HashMap<>(env);
        environment.putIfAbsent("QUARKUS_HTTP_PORT", "0");
        pb.environment().putAll(environment);
        return new AgentProcess(pb.start(), output);
    }

    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("agent did not exit within " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no flush; what is on disk is all that survives. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as systemd stops the service. */
    public void terminate() {
        process.destroy();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
