package dev.edgeagent.protocols.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the bundled sample captures ({@code <repo root>/samples/}) from any module's tests: walks up from the
 * working directory to the first directory holding both {@code samples/} and {@code pom.xml}.
 */
public final class TestData {

    private TestData() {
    }

    /** The repository root (the directory with {@code samples/} and {@code pom.xml}). */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("samples")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no directory with samples/ and pom.xml above " + dir);
    }

    /** {@code <repo root>/samples/<relative>}; fails if the file is missing. */
    public static Path sample(String relative) {
        Path p = repoRoot().resolve("samples").resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("sample " + relative + " is missing: expected at " + p);
        }
        return p;
    }
}
