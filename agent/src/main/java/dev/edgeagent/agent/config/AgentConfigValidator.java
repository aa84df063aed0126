package dev.edgeagent.agent.config;


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
public final class AgentConfigValidator {

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
            s.preprocess().ifPresent(p -> dev.edgeagent.agent.preprocess.PreprocessValidator.validate(key + ".preprocess", p, problems));
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
        if (c.capture().backgroundNice() < 0 || c.capture().backgroundNice() > 19) {
            problem("agent.capture.background-nice", c.capture().backgroundNice(), "0 (off) to 19");
        }
        long sync = c.capture().syncBytes().asLongValue();
        if (sync != 0 && (sync < 1 << 20 || sync > 1L << 40)) {
            problem("agent.capture.sync-bytes", sync, "0 (leave it to the kernel) or a size of 1M or more");
        }
        java.time.Duration grow = c.capture().growAhead();
        if (!grow.isZero() && (grow.compareTo(java.time.Duration.ofMillis(100)) < 0
                || grow.compareTo(java.time.Duration.ofMinutes(1)) > 0)) {
            problem("agent.capture.grow-ahead", grow, "0s (off) or a duration between 100ms and 1m");
        }
        checkRollCycle(c.capture().rollCycle());
        checkTarget(c.upload());
        checkTiers(c.upload(), c.storage());
        checkAlignment(c, ids);
        checkTriggers(c, ids);
        if (c.cloud().enabled()) {
            checkCloud(c.cloud());
        }
    }

    /** The longest pre-window of the trigger rules (and of the default window). */
    public static Duration longestPre(AgentConfig c) {
        Duration longest = c.triggers().window().pre();
        for (AgentConfig.TriggerRuleConfig r : c.triggers().rules().orElse(List.of())) {
            Duration pre = r.pre().orElse(longest);
            if (pre.compareTo(longest) > 0) {
                longest = pre;
            }
        }
        return longest;
    }

    private void checkTriggers(AgentConfig c, Set<String> streamIds) {
        AgentConfig.TriggersConfig t = c.triggers();
        checkWindow("agent.triggers.window.pre", t.window().pre());
        checkWindow("agent.triggers.window.post", t.window().post());
        if (!NAME.matcher(t.stream()).matches()) {
            problem("agent.triggers.stream", t.stream(), "1-64 letters, digits, '.', '_' or '-' (it names a directory)");
        } else if (streamIds.contains(t.stream())) {
            problem("agent.triggers.stream", t.stream(), "an id no configured stream has (trigger MCAPs are sealed under it)");
        }
        if (t.maxWait().isNegative()) {
            problem("agent.triggers.max-wait", t.maxWait(), "a duration of 0 or more");
        }
        if (t.settle().isNegative()) {
            problem("agent.triggers.settle", t.settle(), "a duration of 0 or more");
        }
        List<AgentConfig.TriggerRuleConfig> rules = t.rules().orElse(List.of());
        Set<String> ruleIds = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            AgentConfig.TriggerRuleConfig r = rules.get(i);
            String key = "agent.triggers.rules[" + i + "]";
            if (!NAME.matcher(r.id()).matches()) {
                problem(key + ".id", r.id(), "1-64 letters, digits, '.', '_' or '-'");
            } else if (!ruleIds.add(r.id())) {
                problem(key + ".id", r.id(), "a rule id used only once");
            }
            if (!streamIds.contains(r.stream())) {
                problem(key + ".stream", r.stream(), "the id of a configured stream (one of " + streamIds + ")");
            }
            if (r.signal().isBlank()) {
                problem(key + ".signal", r.signal(), "a signal name such as ENGINE_DATA.XMISSION_SPEED or accel.norm");
            }
            if (r.below().isPresent() == r.above().isPresent()) {
                problems.add(key + ": expected exactly one of below or above (the threshold the signal crosses)");
            }
            r.below().ifPresent(v -> {
                if (!Double.isFinite(v)) {
                    problem(key + ".below", v, "a finite number");
                }
            });
            r.above().ifPresent(v -> {
                if (!Double.isFinite(v)) {
                    problem(key + ".above", v, "a finite number");
                }
            });
            if (r.debounce().isNegative()) {
                problem(key + ".debounce", r.debounce(), "a duration of 0 or more");
            }
            r.maxRate().ifPresent(m -> {
                try {
                    MaxRate.parse(m);
                } catch (IllegalArgumentException e) {
                    problem(key + ".max-rate", m, e.getMessage());
                }
            });
            r.pre().ifPresent(d -> checkWindow(key + ".pre", d));
            r.post().ifPresent(d -> checkWindow(key + ".post", d));
        }
        // a trigger reads its pre-window from the capture queues: they must still hold it
        Duration pre = longestPre(c);
        if (c.capture().retention().compareTo(pre) < 0) {
            problem("agent.capture.retention", c.capture().retention(), "at least the longest trigger pre-window ("
                    + pre + "), so that the queues still hold a trigger's past");
        }
    }

    private void checkWindow(String key, Duration d) {
        if (d.isNegative() || d.compareTo(Duration.ofHours(24)) > 0) {
            problem(key, d, "a duration between 0 and 24h");
        }
    }

    private void checkCloud(AgentConfig.CloudConfig cloud) {
        AgentConfig.CloudMqttConfig m = cloud.mqtt();
        String scheme = null;
        String text = m.uri().orElse("");
        try {
            URI uri = new URI(text);
            scheme = uri.getScheme();
            if (uri.getHost() == null || uri.getPort() < 0) {
                scheme = null;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        if (!"tcp".equals(scheme) && !"ssl".equals(scheme)) {
            problem("agent.cloud.mqtt.uri", text, "ssl://HOST:PORT (or tcp://HOST:PORT)");
        }
        if ("ssl".equals(scheme)) {
            checkPem("agent.cloud.mqtt.ca", m.ca(), "the PEM CA certificate that signed the broker's certificate");
            checkPem("agent.cloud.mqtt.cert", m.cert(), "the agent's PEM client certificate");
            checkPem("agent.cloud.mqtt.key", m.key(), "the PEM (PKCS#8) private key of the client certificate");
        }
        String prefix = m.topicPrefix();
        if (prefix.isEmpty() || prefix.contains("#") || prefix.contains("+") || prefix.startsWith("/")
                || prefix.endsWith("/")) {
            problem("agent.cloud.mqtt.topic-prefix", prefix, "a topic prefix without wildcards or leading/trailing '/', e.g. fleet");
        }
        m.clientId().ifPresent(id -> {
            if (id.isBlank()) {
                problem("agent.cloud.mqtt.client-id", id, "a non-blank MQTT client id");
            }
        });
        if (m.password().isPresent() && m.username().isEmpty()) {
            problems.add("agent.cloud.mqtt.password: given without a username; expected both or neither");
        }
        if (cloud.healthInterval().isNegative()) {
            problem("agent.cloud.health-interval", cloud.healthInterval(), "a duration of 0 (off) or more, e.g. 30s");
        }
    }

    private void checkPem(String key, java.util.Optional<Path> file, String what) {
        if (file.isEmpty()) {
            problems.add(key + ": missing; an ssl:// broker needs " + what);
        } else if (!Files.isReadable(file.get())) {
            problem(key, file.get(), "a readable file: " + what);
        }
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
            dev.edgeagent.agent.capture.CaptureQueue.rollCycle(name);
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

    static final Pattern WINDOW = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)-([01]\\d|2[0-4]):([0-5]\\d)");

    private void checkTiers(AgentConfig.UploadConfig u, AgentConfig.StorageConfig st) {
        for (Tier t : Tier.values()) {
            AgentConfig.TierUploadConfig tc = switch (t) {
                case critical -> u.tiers().critical();
                case standard -> u.tiers().standard();
                case bulk -> u.tiers().bulk();
            };
            String key = "agent.upload.tiers." + t;
            tc.maxAge().ifPresent(a -> {
                if (a.isNegative() || a.isZero()) {
                    problem(key + ".max-age", a, "a positive duration such as 1h");
                }
            });
            List<String> windows = tc.windows().orElse(List.of());
            for (int i = 0; i < windows.size(); i++) {
                if (!WINDOW.matcher(windows.get(i).trim()).matches()) {
                    problem(key + ".windows[" + i + "]", windows.get(i), "a local time window HH:MM-HH:MM such as 01:00-05:00");
                }
            }
            AgentConfig.TierQuotaConfig q = switch (t) {
                case critical -> st.quotas().critical();
                case standard -> st.quotas().standard();
                case bulk -> st.quotas().bulk();
            };
            q.bytes().ifPresent(b -> {
                if (b.asLongValue() <= 0) {
                    problem("agent.storage.quotas." + t + ".bytes", b.asLongValue(), "a positive size such as 1G");
                }
            });
            q.age().ifPresent(a -> {
                if (a.isNegative() || a.isZero()) {
                    problem("agent.storage.quotas." + t + ".age", a, "a positive duration such as 7d");
                }
            });
        }
        if (u.linkMonitor().file().isPresent() && u.linkMonitor().command().isPresent()) {
            problem("agent.upload.link-monitor.command", u.linkMonitor().command().get(),
                    "either link-monitor.file or link-monitor.command, not both");
        }
        List<Tier> order = st.evictionOrder();
        if (new HashSet<>(order).size() != order.size()) {
            problem("agent.storage.eviction-order", order, "each tier at most once");
        }
        int critical = order.indexOf(Tier.critical);
        if (critical >= 0 && critical != order.size() - 1) {
            problem("agent.storage.eviction-order", order, "critical, if listed, last (critical is never evicted"
                    + " while lower tiers hold data)");
        }
        if (st.monitorInterval().isNegative() || st.monitorInterval().isZero()) {
            problem("agent.storage.monitor-interval", st.monitorInterval(), "a positive duration such as 1s");
        }
    }
}
