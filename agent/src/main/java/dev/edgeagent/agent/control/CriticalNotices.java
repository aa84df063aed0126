package dev.edgeagent.agent.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.Tier;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The store-and-forward spool of critical notices: one small JSON per sealed critical batch, so the cloud learns of
 * it over MQTT before (and whether or not) the object is uploaded.
 * <pre>
 * &lt;dataDir&gt;/notices/pending/&lt;stream&gt;/&lt;first&gt;-&lt;last&gt;.json   written (fsynced) when the batch is sealed
 * &lt;dataDir&gt;/notices/sent/&lt;stream&gt;/&lt;first&gt;-&lt;last&gt;.json      moved here only after the broker's PUBACK
 * </pre>
 * A notice is spooled by the sealer right after the manifest lands (batchers, trigger windows), and by
 * {@link #recover} for every critical manifest in the outbox that is neither pending nor sent (a crash between
 * the seal and the spool). It is moved to sent/ only after PUBACK, so a broker outage or an agent restart delays
 * a notice and never loses one; a crash between PUBACK and the move sends it again (at least once, keyed).
 */
public final class CriticalNotices {

    private static final System.Logger LOG = System.getLogger(CriticalNotices.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private CriticalNotices() {
    }

    public static Path pendingDir(Path dataDir) {
        return dataDir.resolve("notices").resolve("pending");
    }

    public static Path sentDir(Path dataDir) {
        return dataDir.resolve("notices").resolve("sent");
    }

    /** True when the configuration publishes notices. */
    public static boolean enabled(AgentConfig config) {
        return config.cloud().enabled() && config.cloud().notices();
    }

    /** The compact notice of a sealed batch. */
    public static ObjectNode notice(BatchManifest m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", m.key());
        n.put("device", m.deviceId());
        n.put("stream", m.streamId());
        n.put("tier", m.tier());
        n.put("firstSeq", m.firstSeq());
        n.put("lastSeq", m.lastSeq());
        n.put("count", m.recordCount());
        n.put("sha256", m.sha256());
        n.put("bytes", m.objectBytes());
        n.put("firstTimeNs", m.firstSensorTimeNs() != null ? m.firstSensorTimeNs() : m.firstReceiveTimeNs());
        n.put("lastTimeNs", m.lastSensorTimeNs() != null ? m.lastSensorTimeNs() : m.lastReceiveTimeNs());
        n.put("sealedAtNs", m.sealedAtNs());
        return n;
    }

    /**
     * A batch was sealed (any sealing thread): spools its notice when it is critical and notices are on. Never
     * throws: a failure here is logged and {@link #recover} spools the notice later from the outbox.
     */
    public static void onSealed(AgentConfig config, BatchManifest m) {
        if (!enabled(config) || !Tier.critical.name().equals(m.tier())) {
            return;
        }
        try {
            spool(config.dataDir(), m);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "critical notice of " + m.key() + " not spooled yet (the outbox scan retries): " + e);
        }
    }

    private static String name(BatchManifest m) {
        return Outbox.batchName(m.firstSeq(), m.lastSeq()) + ".json";
    }

    static void spool(Path dataDir, BatchManifest m) throws IOException {
        Path dir = pendingDir(dataDir).resolve(m.streamId());
        Files.createDirectories(dir);
        Path target = dir.resolve(name(m));
        if (Files.exists(target) || Files.exists(sentDir(dataDir).resolve(m.streamId()).resolve(name(m)))) {
            return;
        }
        Outbox.writeAtomically(dir.resolve("." + name(m) + ".tmp"), target, JSON.writeValueAsBytes(notice(m)));
    }

    /**
     * Spools the notice of every critical manifest in the outbox that has none yet, and forgets sent marks whose
     * batch has left the outbox (uploaded: it cannot be spooled again). Returns how many were spooled.
     */
    public static int recover(Path dataDir) {
        int spooled = 0;
        // a mark made after the listing below may belong to a batch sealed after it: only older marks are pruned
        long listedAtMs = System.currentTimeMillis() - 1_000;
        Path root = Outbox.root(dataDir);
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (DirectoryStream<Path> streams = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path streamDir : streams) {
                if (streamDir.getFileName().toString().startsWith(".")) {
                    continue;
                }
                List<String> present = new ArrayList<>();
                try (DirectoryStream<Path> files = Files.newDirectoryStream(streamDir, "*" + Outbox.MANIFEST_SUFFIX)) {
                    for (Path f : files) {
                        String n = f.getFileName().toString();
                        present.add(n.substring(0, n.length() - Outbox.MANIFEST_SUFFIX.length()) + ".json");
                        try {
                            BatchManifest m = JSON.readValue(f.toFile(), BatchManifest.class);
                            if (Tier.critical.name().equals(m.tier())) {
                                Path p = pendingDir(dataDir).resolve(m.streamId()).resolve(name(m));
                                Path s = sentDir(dataDir).resolve(m.streamId()).resolve(name(m));
                                if (!Files.exists(p) && !Files.exists(s)) {
                                    spool(dataDir, m);
                                    spooled++;
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            // uploaded and gone meanwhile, or unreadable: the uploader quarantines those
                        }
                    }
                }
                Path sent = sentDir(dataDir).resolve(streamDir.getFileName());
                if (Files.isDirectory(sent)) {
                    try (DirectoryStream<Path> marks = Files.newDirectoryStream(sent, "*.json")) {
                        for (Path mark : marks) {
                            if (!present.contains(mark.getFileName().toString())
                                    && Files.getLastModifiedTime(mark).toMillis() < listedAtMs) {
                                Files.deleteIfExists(mark);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot scan the outbox for critical notices: " + e);
        }
        return spooled;
    }

    /** Pending notices, oldest stream/sequence first. */
    public static List<Path> pending(Path dataDir) {
        List<Path> out = new ArrayList<>();
        Path root = pendingDir(dataDir);
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> streams = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path s : streams) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(s, "*.json")) {
                    for (Path f : files) {
                        if (!f.getFileName().toString().startsWith(".")) {
                            out.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list pending critical notices: " + e);
        }
        out.sort(null);
        return out;
    }

    /** The broker acknowledged the notice: it moves to sent/. */
    public static void markSent(Path dataDir, Path pendingFile) throws IOException {
        Path dir = sentDir(dataDir).resolve(pendingFile.getParent().getFileName());
        Files.createDirectories(dir);
        Files.move(pendingFile, dir.resolve(pendingFile.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Outbox.fsyncDirectory(dir);
        Outbox.fsyncDirectory(pendingFile.getParent());
    }
}
