package dev.edgeagent.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AgentConfigLoaderTest {

    @TempDir
    Path dir;

    static final String MINIMAL = """
            agent:
              device-id: d1
              streams:
                - id: can0
                  modality: can
                  source:
                    type: synthetic
                    count: 5
            """;

    static ConfigException fails(String yaml) {
        return fails(yaml, Map.of());
    }

    static ConfigException fails(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> AgentConfigLoader.parse("agent.yaml", yaml, env));
    }

    @Test
    void defaultsApplyAndTiersFollowTheModality() {
        AgentConfig c = AgentConfigLoader.parse("agent.yaml", MINIMAL + """
                    - id: events
                      modality: event
                      source: {type: synthetic, count: 1}
                    - id: cam
                      modality: camera
                      tier: critical
                      source: {type: synthetic, count: 1}
                """, Map.of()).agent();
        assertEquals("d1", c.deviceId());
        assertEquals(Path.of("var/data"), c.dataDir());
        assertEquals(Tier.standard, c.streams().get(0).tier().orElse(c.streams().get(0).modality().defaultTier()));
        assertEquals(Tier.critical, c.streams().get(1).modality().defaultTier());
        assertEquals(Tier.critical, c.streams().get(2).tier().orElseThrow(), "explicit tier wins");
        assertEquals(64L << 20, c.batching().maxBytes().asLongValue());
        assertEquals(60, c.batching().maxDuration().toSeconds());
        assertEquals("file:var/upload", c.upload().target());
        assertEquals(UploadTargetSpec.Kind.file, UploadTargetSpec.parse(c.upload().target()).kind());
        assertEquals(32L << 20, c.capture().syncBytes().asLongValue(), "queue files are synced every 32 MB");
        assertEquals(java.time.Duration.ofSeconds(1), c.capture().growAhead(), "queue files are kept 1 s ahead");
        assertFalse(c.capture().preallocate(), "the margin is sparse unless asked");
    }

    @Test
    void growAheadIsOffOrBetweenATenthOfASecondAndAMinute() {
        ConfigException e = fails(MINIMAL.replace("agent:\n", "agent:\n  capture: {grow-ahead: 10ms}\n"));
        assertEquals(List.of("agent.capture.grow-ahead = \"PT0.01S\": expected 0s (off) or a duration between 100ms"
                + " and 1m"), e.problems());
        assertTrue(AgentConfigLoader.parse("agent.yaml", MINIMAL.replace("agent:\n", "agent:\n  capture: {grow-ahead: 0s}\n"),
                Map.of()).agent().capture().growAhead().isZero());
    }

    @Test
    void syncBytesIsZeroOrAtLeastOneMegabyte() {
        ConfigException e = fails(MINIMAL.replace("agent:\n", "agent:\n  capture: {sync-bytes: 64K}\n"));
        assertEquals(List.of("agent.capture.sync-bytes = \"65536\": expected 0 (leave it to the kernel) or a size of 1M"
                + " or more"), e.problems());
        assertEquals(0, AgentConfigLoader.parse("agent.yaml", MINIMAL.replace("agent:\n", "agent:\n  capture: {sync-bytes: 0}\n"),
                Map.of()).agent().capture().syncBytes().asLongValue());
    }

    @Test
    void environmentVariablesOverrideTheFileAsInQuarkus() {
        LoadedConfig plain = AgentConfigLoader.parse("agent.yaml", MINIMAL, Map.of());
        LoadedConfig overridden = AgentConfigLoader.parse("agent.yaml", MINIMAL, Map.of(
                "AGENT_DEVICE_ID", "from-env",
                "AGENT_STREAMS_0__SOURCE_COUNT", "42",
                "AGENT_UPLOAD_TARGET", "s3://my-bucket/some/prefix/"));
        assertEquals("from-env", overridden.agent().deviceId());
        assertEquals(42, overridden.agent().streams().get(0).source().count());
        UploadTargetSpec s3 = UploadTargetSpec.parse(overridden.agent().upload().target());
        assertEquals("my-bucket", s3.bucket());
        assertEquals("some/prefix", s3.prefix());
        assertNotEquals(plain.configHash(), overridden.configHash(), "the hash covers the effective settings");
        assertEquals(plain.configHash(), AgentConfigLoader.parse("agent.yaml", MINIMAL, Map.of()).configHash());
    }

    @Test
    void malformedYamlNamesLineAndColumn() {
        ConfigException e = fails("agent:\n  device-id: [d1\n  streams: x\n");
        assertTrue(e.getMessage().startsWith("agent.yaml: malformed YAML"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3, column"), e.getMessage());
    }

    @Test
    void anUnknownSourceTypeNamesKeyValueAndTheAllowedTypes() {
        ConfigException e = fails(MINIMAL.replace("type: synthetic", "type: kafka"));
        assertEquals(1, e.problems().size());
        String p = e.problems().get(0);
        assertTrue(p.startsWith("agent.streams[0].source.type = \"kafka\""), p);
        assertTrue(p.contains("mqtt") && p.contains("replay") && p.contains("synthetic"), p);
    }

    @Test
    void misspeltKeysBadNumbersAndMissingRequiredSettingsAreEachOneLine() {
        assertEquals("agent.streams[0].source.cont: unknown setting (a misspelt key?); config/README.md lists them all",
                fails(MINIMAL.replace("count: 5", "cont: 5")).problems().get(0));
        assertTrue(fails(MINIMAL.replace("count: 5", "count: lots")).problems().get(0)
                .startsWith("agent.streams[0].source.count = \"lots\""));
        assertEquals("agent.device-id: missing; this setting is required",
                fails(MINIMAL.replace("  device-id: d1\n", "")).problems().get(0));
        assertTrue(fails(MINIMAL + "  batching:\n    max-duration: soon\n").problems().get(0)
                .startsWith("agent.batching.max-duration = \"soon\""));
    }

    @Test
    void crossFieldRulesAreCheckedWithTheirKeys() throws Exception {
        Path capture = Files.write(dir.resolve("x.pcap"), new byte[]{(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1});
        ConfigException e = fails("""
                agent:
                  device-id: "bad id"
                  streams:
                    - id: a
                      modality: lidar
                      source: {type: replay, file: %s/missing.pcap}
                    - id: a
                      modality: lidar
                      source: {type: replay, file: %s, ports: [0]}
                    - id: m
                      modality: telemetry
                      source: {type: mqtt}
                    - id: s
                      modality: synthetic
                      source: {type: synthetic, record-bytes: 4}
                  upload:
                    target: ftp://example
                    s3: {access-key-id: only-half}
                """.formatted(dir, capture));
        List<String> p = e.problems();
        assertTrue(p.contains("agent.device-id = \"bad id\": expected 1-64 letters, digits, '.', '_' or '-' (it is part of object keys)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("agent.streams[0].source.file = \"" + dir + "/missing.pcap\": expected a readable capture file")), p.toString());
        assertTrue(p.contains("agent.streams[1].id = \"a\": expected a stream id used only once"), p.toString());
        assertTrue(p.contains("agent.streams[1].source.ports = \"0\": expected UDP ports between 1 and 65535"), p.toString());
        assertTrue(p.contains("agent.streams[2].source.topics: missing; an mqtt source needs at least one topic filter"), p.toString());
        assertTrue(p.contains("agent.streams[3].source.record-bytes = \"4\": expected between 16 and 67108864"), p.toString());
        assertTrue(p.contains("agent.upload.target = \"ftp://example\": expected file:DIRECTORY or s3://BUCKET[/PREFIX]"), p.toString());
        assertTrue(p.contains("agent.upload.s3: access-key-id and secret-access-key go together; expected both or neither"), p.toString());
        assertEquals(8, p.size(), p.toString());
        assertTrue(e.getMessage().startsWith("agent.yaml: 8 problems:"), e.getMessage());
    }

    @Test
    void replayFormatIsDetectedFromMagicOrName() throws Exception {
        Path pcapng = Files.write(dir.resolve("cap.bin"), new byte[]{0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0});
        Path candump = Files.writeString(dir.resolve("bus.log"), "(1.0) can0 123#00\n");
        Path unknown = Files.writeString(dir.resolve("what.bin"), "hello");
        // content beats the name: a gpsd regression log is a *.log too, an EuRoC CSV starts with '#'
        Path gpsdLog = Files.writeString(dir.resolve("receiver.log"), "# Name: u-blox\n$GPRMC,1*00\r\n");
        Path ubx = Files.write(dir.resolve("raw.bin"), new byte[]{(byte) 0xB5, 0x62, 1, 7, 0, 0});
        Path mp4 = Files.write(dir.resolve("dash.bin"), new byte[]{0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'});
        Path euroc = Files.writeString(dir.resolve("data.csv"), "#timestamp [ns],w_RS_S_x [rad s^-1]\n");
        assertEquals(AgentConfig.ReplayFormat.pcap, ReplayFormats.detect(pcapng).orElseThrow());
        assertEquals(AgentConfig.ReplayFormat.candump, ReplayFormats.detect(candump).orElseThrow());
        assertEquals(AgentConfig.ReplayFormat.gnss, ReplayFormats.detect(gpsdLog).orElseThrow());
        assertEquals(AgentConfig.ReplayFormat.gnss, ReplayFormats.detect(ubx).orElseThrow());
        assertEquals(AgentConfig.ReplayFormat.mp4, ReplayFormats.detect(mp4).orElseThrow());
        assertEquals(AgentConfig.ReplayFormat.csv, ReplayFormats.detect(euroc).orElseThrow());
        assertTrue(ReplayFormats.detect(unknown).isEmpty());
        ConfigException e = fails(MINIMAL.replace("type: synthetic", "type: replay\n        file: " + unknown));
        assertTrue(e.problems().get(0).startsWith("agent.streams[0].source.format = \"\": expected pcap, candump, mp4, gnss or csv"),
                e.problems().toString());
    }

    @Test
    void theShippedConfigurationsAreValid() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        for (String file : List.of("config/examples/synthetic-load.yaml", "config/examples/mqtt-telemetry.yaml")) {
            assertDoesNotThrow(() -> AgentConfigLoader.load(repo.resolve(file), Map.of()), file);
        }
        LoadedConfig s3 = AgentConfigLoader.load(repo.resolve("config/examples/s3-upload.yaml"),
                Map.of("MINIO_ACCESS_KEY", "k", "MINIO_SECRET_KEY", "s",
                        // relative capture paths start at the working directory, which is agent/ here
                        "AGENT_STREAMS_0__SOURCE_FILE", Files.writeString(dir.resolve("can.log"), "").toString()));
        assertEquals("k", s3.agent().upload().s3().accessKeyId().orElseThrow());
    }
}
