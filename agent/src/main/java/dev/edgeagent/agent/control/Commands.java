package dev.edgeagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.agent.trigger.TriggerRequest;
import dev.edgeagent.agent.trigger.TriggerTransform;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The remote commands. Each takes a JSON object (an empty payload counts as {}), is audited when it arrives
 * ("command") and, when refused, why ("command-refused": malformed JSON, unknown command, a bad field); the reply
 * says ok or the error, naming the field and value. Commands run one at a time.
 * <ul>
 *   <li>{@code trigger} {time?, pre?, post?, reason?}: a trigger window at time (epoch ns or ISO-8601; now when
 *       absent), persisted before the reply.</li>
 *   <li>{@code status} {}: the health document.</li>
 *   <li>{@code purge} {stream, from, to}: right to deletion, see {@link Purge}.</li>
 *   <li>{@code reload} {}: re-reads the configuration file; an invalid one is rejected and the agent runs on, a
 *       valid one restarts the pipeline with it.</li>
 * </ul>
 */
final class Commands {

    private static final System.Logger LOG = System.getLogger(Commands.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineHost host;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    Commands(PipelineHost host) {
        this.host = host;
    }

    long received() {
        return received.get();
    }

    long refused() {
        return refused.get();
    }

    synchronized ObjectNode handle(String name, byte[] payload, AgentController controller) {
        received.incrementAndGet();
        ObjectNode reply = JSON.createObjectNode();
        reply.put("command", name);
        AgentController.audit(host, "command", AgentController.fields("command", name, "bytes", payload.length,
                "payloadSha256", sha256(payload)));
        try {
            JsonNode args;
            if (payload.length == 0) {
                args = JSON.createObjectNode();
            } else {
                try {
                    args = JSON.readTree(payload);
                } catch (IOException e) {
                    throw new CommandRefused("malformed command JSON: " + firstLine(e.getMessage()));
                }
                if (args == null || !args.isObject()) {
                    throw new CommandRefused("malformed command JSON: expected an object, got " + (args == null ? "nothing"
                            : args.getNodeType().name().toLowerCase()));
                }
            }
            Pipeline p = host.pipeline();
            if (p == null && !name.equals("reload")) {
                throw new CommandRefused("no pipeline runs (a restart failed); only reload can help");
            }
            switch (name) {
                case "trigger" -> trigger(p, args, reply);
                case "status" -> reply.set("status", controller.status(p));
                case "purge" -> new Purge(host, p).run(args, reply);
                case "reload" -> reload(reply);
                default -> throw new CommandRefused("unknown command \"" + name + "\": expected trigger, status, purge or reload");
            }
            reply.put("ok", true);
        } catch (CommandRefused e) {
            refused.incrementAndGet();
            reply.put("ok", false);
            reply.put("error", e.getMessage());
            AgentController.audit(host, "command-refused", AgentController.fields("command", name, "reason", e.getMessage()));
        } catch (IOException | RuntimeException e) {
            refused.incrementAndGet();
            reply.put("ok", false);
            reply.put("error", "failed: " + e.getMessage());
            LOG.log(Level.WARNING, "command " + name + " failed: " + e, e);
            AgentController.audit(host, "command-failed", AgentController.fields("command", name, "reason", String.valueOf(e)));
        }
        return reply;
    }

    private void trigger(Pipeline p, JsonNode args, ObjectNode reply) throws CommandRefused, IOException {
        TriggerTransform t = null;
        for (Transform x : p.transforms()) {
            if (x instanceof TriggerTransform tt) {
                t = tt;
            }
        }
        if (t == null) {
            throw new CommandRefused("triggers are off in this configuration (no agent.cloud commands and no rules)");
        }
        Long time = args.has("time") ? time(args, "time") : null;
        Long pre = args.has("pre") ? duration(args, "pre") : null;
        Long post = args.has("post") ? duration(args, "post") : null;
        long retention = p.config().capture().retention().toNanos();
        if (pre != null && pre > retention) {
            throw new CommandRefused("pre = \"" + args.get("pre").asText() + "\": expected at most agent.capture.retention ("
                    + p.config().capture().retention() + "): the queues hold no more past");
        }
        String reason = args.has("reason") ? args.get("reason").asText() : null;
        TriggerRequest r = t.request(time, pre, post, reason);
        reply.put("seq", r.seq());
        reply.put("stream", t.streamId());
        reply.put("timeNs", r.timeNs());
        reply.put("fromNs", r.fromNs());
        reply.put("toNs", r.toNs());
        AgentController.audit(host, "trigger-requested", AgentController.fields("seq", r.seq(), "timeNs", r.timeNs(),
                "fromNs", r.fromNs(), "toNs", r.toNs(), "reason", reason));
    }

    private void reload(ObjectNode reply) throws CommandRefused, IOException {
        LoadedConfig current = host.config();
        LoadedConfig next;
        try {
            next = AgentConfigLoader.load(Path.of(current.source()));
        } catch (ConfigException e) {
            AgentController.audit(host, "config-reload-rejected", AgentController.fields("source", current.source(),
                    "problems", e.problems()));
            reply.set("problems", JSON.valueToTree(e.problems()));
            throw new CommandRefused("invalid configuration, still running the previous one: " + String.join("; ", e.problems()));
        }
        AgentController.audit(host, "config-reload", AgentController.fields("source", current.source(),
                "previousHash", current.configHash(), "configHash", next.configHash()));
        host.restart(next);
        reply.put("configHash", next.configHash());
        reply.put("previousHash", current.configHash());
    }

    /** Epoch ns (a number) or an ISO-8601 instant (a string). */
    static long time(JsonNode args, String field) throws CommandRefused {
        JsonNode v = args.get(field);
        if (v != null && v.canConvertToLong() && v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v != null && v.isTextual()) {
            try {
                Instant i = Instant.parse(v.asText());
                return i.getEpochSecond() * 1_000_000_000L + i.getNano();
            } catch (DateTimeParseException e) {
                // below
            }
        }
        throw new CommandRefused(field + " = \"" + (v == null ? "" : v.asText()) + "\": expected epoch nanoseconds (a number)"
                + " or an ISO-8601 instant such as 2026-11-23T10:00:00Z");
    }

    /** "30s", "2m", "500ms" or a number of ns. */
    static long duration(JsonNode args, String field) throws CommandRefused {
        JsonNode v = args.get(field);
        if (v.isIntegralNumber() && v.asLong() >= 0) {
            return v.asLong();
        }
        String s = v.asText().trim();
        try {
            Duration d;
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            } else {
                throw new NumberFormatException();
            }
            if (!d.isNegative() && d.compareTo(Duration.ofHours(24)) <= 0) {
                return d.toNanos();
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CommandRefused(field + " = \"" + s + "\": expected a duration between 0 and 24h such as 500ms, 30s or 2m");
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
