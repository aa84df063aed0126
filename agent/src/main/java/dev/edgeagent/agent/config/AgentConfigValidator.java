package dev.edgeagent.agent.config;

import net.openhft.chronicle.queue.RollCycles;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks what the type system cannot: cross-field rules, files that must exist, names used in paths. */
final class AgentConfigValidator {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final List<String> problems = new ArrayList<>();

    private AgentConfigValidator() {
    }

    static List<String> validate(AgentConfig c) {
        AgentConfigValidator v = new AgentConfigValidator();
        v.check(c);
        return v.problems;
    }

    private void problem(String key, Object value, String expected) {
        problems.add(key + " = \"" + value + "\": expected " + expected);
    }

    private void check(AgentConfig c) {
        if (!NAME.matcher(c.deviceId()).matches()) {
            problem("agent.device-id", c.deviceId(), "1-64 letters, digits, '.', '_' or '-' (it is part of object keys)");
        }
        if (c.streams().isEmpty()) {
            problems.add("agent.streams: no stream is configured; expected at least one");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < c.streams().size(); i++) {
            AgentConfig.StreamConfig s = c.streams().get(i);
            String key = "agent.streams[" + i + "]";
            if (!NAME.matcher(s.id()).matches()) {
                problem(key + ".id", s.id(), "1-64 letters, digits, '.', '_' or '-' (it names a directory and object keys)");
            } else if (!ids.add(s.id())) {
                problem(key + ".id", s.id(), "a stream id used only once");
            }
            checkSource(key + ".source", s.source());
            checkDecode(key, s);
        }
        AgentConfig.BatchingConfig b = c.batching();
        if (b.maxDuration().isNegative() || b.maxDuration().isZero()) {
            problem("agent.batching.max-duration", b.maxDuration(), "a positive duration such as 60s");
        }
        if (b.maxBytes().asLongValue() <= 0) {
            problem("agent.batching.max-bytes", b.maxBytes().asLongValue(), "a positive size such as 64M");
        }
        if (b.chunkBytes().asLongValue() < 1024 || b.chunkBytes().asLongValue() > 256L << 20) {
            problem("agent.batching.chunk-bytes", b.chunkBytes().asLongValue(), "a size between 1K and 256M");
        }
        if (b.threads() < 1) {
            problem("agent.batching.threads", b.threads(), "1 or more");
        }
        checkRollCycle(c.capture().rollCycle());
        checkTarget(c.upload());
        checkAlignment(c, ids);
    }

    private void checkAlignment(AgentConfig c, Set<String> ids) {
        Set<String> streamIds = new java.util.TreeSet<>(ids);   // sorted: messages list them in a stable order
        AgentConfig.AlignmentConfig a = c.alignment();
        Duration window = a.clock().window();
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
            problem("agent.alignment.clock.window", window, "between 1s and 1h (sensor time the clock estimate spans)");
        }
        if (a.clock().jumpThreshold().isNegative() || a.clock().jumpThreshold().isZero()) {
            problem("agent.alignment.clock.jump-threshold", a.clock().jumpThreshold(), "a positive duration such as 50ms");
        }
        List<AgentConfig.AlignGroupConfig> groups = a.groups().orElse(List.of());
        Set<String> groupIds = new HashSet<>();
        for (int g = 0; g < groups.size(); g++) {
            AgentConfig.AlignGroupConfig group = groups.get(g);
            String key = "agent.alignment.groups[" + g + "]";
            if (!NAME.matcher(group.id()).matches() || group.id().length() > 50) {
                problem(key + ".id", group.id(), "1-50 letters, digits, '.', '_' or '-' (it names the stream align-" + group.id() + ")");
            } else if (!groupIds.add(group.id())) {
                problem(key + ".id", group.id(), "a group id used only once");
            } else if (streamIds.contains("align-" + group.id()) || streamIds.contains("align-" + group.id() + "-events")) {
                problem(key + ".id", group.id(), "an id whose derived streams align-" + group.id() + "[-events] are no configured stream's id");
            }
            if (!streamIds.contains(group.reference())) {
                problem(key + ".reference", group.reference(), "the id of a configured stream (one of " + streamIds + ")");
            }
            if (group.members().isEmpty() || group.members().size() > 64) {
                problem(key + ".members", group.members().size() + " members", "1 to 64 member streams");
            }
            positive(key + ".skew-threshold", group.skewThreshold());
            positive(key + ".max-missing", group.maxMissing());
            if (group.maxWait().isNegative()) {
                problem(key + ".max-wait", group.maxWait(), "a duration of 0 or more");
            }
            for (int m = 0; m < group.members().size(); m++) {
                AgentConfig.AlignMemberConfig member = group.members().get(m);
                String mk = key + ".members[" + m + "]";
                if (!streamIds.contains(member.stream())) {
                    problem(mk + ".stream", member.stream(), "the id of a configured stream (one of " + streamIds + ")");
                } else if (member.stream().equals(group.reference())) {
                    problem(mk + ".stream", member.stream(), "a stream other than the group's reference");
                }
                positive(mk + ".tolerance", member.tolerance());
                List<String> signals = member.signals().orElse(List.of());
                if (member.mode() == AgentConfig.AlignMode.interpolate && signals.isEmpty()) {
                    problems.add(mk + ".signals: missing; mode interpolate needs the signals to interpolate, e.g. [gyro.x, accel.x]");
                }
                for (String signal : signals) {
                    if (signal.isBlank()) {
                        problem(mk + ".signals", signal, "signal names such as gyro.x, lat, ENGINE_DATA.XMISSION_SPEED");
                    }
                }
            }
        }
    }

    private void positive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problem(key, d, "a positive duration");
        }
    }

    private void checkSource(String key, AgentConfig.SourceConfig s) {
        switch (s.type()) {
            case replay -> {
                if (s.file().isEmpty()) {
                    problems.add(key + ".file: missing; a replay source needs the capture file to play");
                    return;
                }
                Path file = s.file().get();
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    problem(key + ".file", file, "a readable capture file (relative paths start at "
                            + Path.of("").toAbsolutePath() + ")");
                    return;
                }
                if (s.format().isEmpty() && ReplayFormats.detect(file).isEmpty()) {
                    problem(key + ".format", "", "pcap, candump, mp4, gnss or csv (" + file
                            + " is none of pcap/pcapng, MP4, a candump log, NMEA/UBX receiver bytes, *.csv)");
                }
                if (!(s.speed() > 0) || Double.isInfinite(s.speed())) {
                    problem(key + ".speed", s.speed(), "a positive factor (1.0 = original timing)");
                }
                s.ports().ifPresent(ports -> {
                    for (int p : ports) {
                        if (p < 1 || p > 65535) {
                            problem(key + ".ports", p, "UDP ports between 1 and 65535");
                        }
                    }
                });
            }
            case mqtt -> {
                if (s.topics().isEmpty() || s.topics().get().isEmpty()) {
                    problems.add(key + ".topics: missing; an mqtt source needs at least one topic filter");
                } else {
                    for (String t : s.topics().get()) {
                        if (t.isEmpty() || t.indexOf('\0') >= 0) {
                            problem(key + ".topics", t, "a non-empty MQTT topic filter");
                        }
                    }
                }
                if (s.qos() < 0 || s.qos() > 2) {
                    problem(key + ".qos", s.qos(), "0, 1 or 2 (1 is what makes delivery lossless)");
                }
            }
            case udp -> {
                if (s.endpoint().isEmpty() || HostPort.parse(s.endpoint().get()) == null) {
                    problem(key + ".endpoint", s.endpoint().orElse(""), "HOST:PORT to bind, e.g. 0.0.0.0:2368");
                }
                if (s.receiveBuffer().asLongValue() < 64 * 1024 || s.receiveBuffer().asLongValue() > 1L << 30) {
                    problem(key + ".receive-buffer", s.receiveBuffer().asLongValue(), "between 64K and 1G");
                }
            }
            case gpsd -> s.endpoint().ifPresent(e -> {
                if (HostPort.parse(e) == null) {
                    problem(key + ".endpoint", e, "HOST:PORT of gpsd, e.g. 127.0.0.1:2947");
                }
            });
            case mjpeg -> {
                String url = s.endpoint().orElse("");
                if (!(url.startsWith("http://") || url.startsWith("https://"))) {
                    problem(key + ".endpoint", url, "the camera's http:// URL of its MJPEG stream");
                }
            }
            case socketcan -> {
                if (s.device().isEmpty() || s.device().get().isBlank()) {
                    problems.add(key + ".device: missing; expected the CAN interface, e.g. can0");
                }
            }
            case images -> {
                if (s.directory().isEmpty() || !Files.isDirectory(s.directory().get())) {
                    problem(key + ".directory", s.directory().map(Object::toString).orElse(""),
                            "a directory of JPEG/PNG frames (relative paths start at " + Path.of("").toAbsolutePath() + ")");
                }
            }
            case synthetic -> {
                if (s.recordBytes() < 16 || s.recordBytes() > 64 << 20) {
                    problem(key + ".record-bytes", s.recordBytes(), "between 16 and 67108864");
                }
                if (s.rate() < 0 || Double.isNaN(s.rate())) {
                    problem(key + ".rate", s.rate(), "records per second, 0 for as fast as possible");
                }
                if (s.count() < 0) {
                    problem(key + ".count", s.count(), "0 (forever) or a positive number of records");
                }
                if (s.sizeJitterPercent() < 0 || s.sizeJitterPercent() > 90) {
                    problem(key + ".size-jitter-percent", s.sizeJitterPercent(), "between 0 and 90");
                }
            }
        }
    }

    private void checkDecode(String key, AgentConfig.StreamConfig s) {
        AgentConfig.DecodeConfig d = s.decode();
        d.dbc().ifPresent(f -> {
            if (!Files.isRegularFile(f)) {
                problem(key + ".decode.dbc", f, "a readable DBC file");
            }
        });
        d.sensorMetadata().ifPresent(f -> {
            if (!Files.isRegularFile(f)) {
                problem(key + ".decode.sensor-metadata", f, "a readable sensor metadata JSON file");
            }
        });
    }

    private void checkRollCycle(String name) {
        try {
            RollCycles.valueOf(name);
        } catch (IllegalArgumentException e) {
            problem("agent.capture.roll-cycle", name, "a Chronicle Queue roll cycle such as FAST_HOURLY, FAST_DAILY, TEN_MINUTELY");
        }
    }

    private void checkTarget(AgentConfig.UploadConfig u) {
        try {
            UploadTargetSpec.parse(u.target());
        } catch (IllegalArgumentException e) {
            problem("agent.upload.target", u.target(), e.getMessage());
        }
        u.s3().endpoint().ifPresent(ep -> {
            try {
                URI uri = new URI(ep);
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    problem("agent.upload.s3.endpoint", ep, "an http:// or https:// URL");
                }
            } catch (URISyntaxException e) {
                problem("agent.upload.s3.endpoint", ep, "an http:// or https:// URL");
            }
        });
        if (u.s3().accessKeyId().isPresent() != u.s3().secretAccessKey().isPresent()) {
            problems.add("agent.upload.s3: access-key-id and secret-access-key go together; expected both or neither");
        }
        if (u.s3().partSize().asLongValue() < 5L << 20) {
            problem("agent.upload.s3.part-size", u.s3().partSize().asLongValue(), "at least 5M (the S3 minimum part size)");
        }
    }
}
