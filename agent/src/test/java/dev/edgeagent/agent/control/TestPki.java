package dev.edgeagent.agent.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the openssl command line: a CA, the broker's certificate (localhost, 127.0.0.1) and
 * client certificates whose CN is the MQTT identity (Mosquitto's use_identity_as_username). EC P-256 keys, PKCS#8.
 */
final class TestPki {

    final Path dir;
    final Path ca;

    TestPki(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        this.ca = dir.resolve("ca.crt");
        key("ca");
        openssl("req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "2", "-subj", "/CN=test-ca", "-out", "ca.crt");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n", StandardCharsets.US_ASCII);
        issue("server", "localhost", "server.ext");
    }

    /** Issues a client certificate for {@code name}; returns {cert, key}. */
    Path[] client(String name) throws Exception {
        issue(name, name, null);
        return new Path[]{dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
    }

    Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    Path key(String name) throws Exception {
        Path k = dir.resolve(name + ".key");
        if (!Files.exists(k)) {
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
        }
        return k;
    }

    private void issue(String name, String cn, String ext) throws Exception {
        key(name);
        openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr");
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey",
                "ca.key", "-CAcreateserial", "-days", "2", "-sha256", "-out", name + ".crt"));
        if (ext != null) {
            args.addAll(List.of("-extfile", ext));
        }
        openssl(args.toArray(new String[0]));
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }
}
