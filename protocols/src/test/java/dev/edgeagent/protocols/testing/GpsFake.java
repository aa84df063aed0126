package dev.edgeagent.protocols.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real gpsd fed by gpsfake (gpsd-clients) on a free TCP port, replaying a gpsd regression log in a cycle (so that a
 * client connecting late still gets data: gpsd opens the fake device, flushing its input, only when a client
 * watches). {@link #close()} stops gpsfake and the gpsd it started.
 */
public final class GpsFake implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path output;

    private GpsFake(Process process, int port, Path output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** Picks a port nobody listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code gpsfake -P port -c cycleSeconds log} (not waiting for gpsd to listen).
     *
     * @param cycleSeconds delay between sentences fed to gpsd
     */
    public static GpsFake start(Path log, int port, double cycleSeconds, Path workDir) throws IOException {
        Path out = workDir.resolve("gpsfake-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of("gpsfake", "-q", "-P", Integer.toString(port), "-c",
                Double.toString(cycleSeconds), log.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        // gpsfake looks for gpsd on PATH; Debian installs it in /usr/sbin
        pb.environment().merge("PATH", "/usr/sbin:/sbin", (a, b) -> a + ":" + b);
        return new GpsFake(pb.start(), port, out);
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** What gpsfake (and gpsd) printed so far. */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        // gpsfake does not stop its gpsd on SIGTERM: stop the children first
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
