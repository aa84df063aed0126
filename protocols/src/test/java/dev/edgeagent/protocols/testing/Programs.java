package dev.edgeagent.protocols.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real command-line program (ffprobe, ffmpeg) and returns its standard output; fails on a non-zero exit. */
public final class Programs {

    private Programs() {
    }

    public static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + p.exitValue());
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
