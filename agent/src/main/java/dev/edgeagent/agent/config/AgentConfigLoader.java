package dev.edgeagent.agent.config;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import io.smallrye.config.source.yaml.YamlConfigSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the agent's YAML file with SmallRye Config (the library under Quarkus' own configuration), so
 * environment variables and system properties override it exactly as they override Quarkus settings.
 * Every problem becomes one line naming the key, the value and what was expected.
 */
public final class AgentConfigLoader {

    private static final int YAML_ORDINAL = 250;     // below env (300) and system properties (400)
    private static final Pattern SRCFG_CODE = Pattern.compile("^SRCFG\\d+: ");

    private AgentConfigLoader() {
    }

    /** Loads with this process' environment and system properties as overrides. */
    public static LoadedConfig load(Path file) {
        return load(file, System.getenv());
    }

    public static LoadedConfig load(Path file, Map<String, String> env) {
        String source = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(source, List.of("cannot read the configuration file: " + e));
        }
        return parse(source, yaml, env);
    }

    public static LoadedConfig parse(String source, String yaml, Map<String, String> env) {
        YamlConfigSource yamlSource;
        try {
            yamlSource = new YamlConfigSource(source, yaml, YAML_ORDINAL);
        } catch (RuntimeException e) {
            throw new ConfigException(source, List.of("malformed YAML: " + yamlMessage(e)));
        }
        SmallRyeConfig config;
        try {
            config = new SmallRyeConfigBuilder()
                    .withSources(yamlSource, new EnvConfigSource(env, 300), new SysPropConfigSource())
                    .addDefaultInterceptors()
                    .withMapping(AgentConfig.class, AgentConfig.PREFIX)
                    .withValidateUnknown(true)
                    // keys other parts of the daemon read from the same file
                    .withMappingIgnore("quarkus.**")
                    .build();
        } catch (ConfigValidationException e) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(clean(e.getProblem(i).getMessage()));
            }
            throw new ConfigException(source, problems);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            throw new ConfigException(source, List.of(clean(e.getMessage())));
        }
        AgentConfig agent = config.getConfigMapping(AgentConfig.class, AgentConfig.PREFIX);
        List<String> problems = AgentConfigValidator.validate(agent);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new LoadedConfig(agent, source, hash(config));
    }

    /**
     * SHA-256 over the effective agent.* settings (after overrides), sorted; manifests carry it so a
     * batch says which configuration made it.
     */
    private static String hash(SmallRyeConfig config) {
        Map<String, String> effective = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(AgentConfig.PREFIX + ".")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> effective.put(name, v));
            }
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            effective.forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SnakeYAML's message already names line and column; keep its first meaningful lines. */
    private static String yamlMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.toString() : t.getMessage();
        return msg.replaceAll("\\s*\\n\\s*", " ").replaceAll(" +", " ").trim();
    }

    private static final Pattern CONVERSION = Pattern.compile(
            "The config property (\\S+) with the config value \"(.*)\" threw an Exception whilst being converted (.*)",
            Pattern.DOTALL);
    private static final Pattern REQUIRED = Pattern.compile(
            "The config property (\\S+) is required but it could not be found in any config source");
    private static final Pattern UNKNOWN = Pattern.compile("(\\S+) in (.+) does not map to any root");

    /** Rewrites SmallRye's messages as "key = "value": expected ...", without Java class names. */
    static String clean(String message) {
        if (message == null) {
            return "invalid configuration";
        }
        String m = message.replaceAll("SRCFG\\d+: ", "")
                .replaceAll("(java\\.[a-z.]+\\.)?[A-Za-z]+Exception: ", "")
                .replaceAll("(class |enum )?dev\\.edgeagent\\.agent\\.config\\.(AgentConfig\\$)?", "")
                .trim();
        Matcher conv = CONVERSION.matcher(m);
        if (conv.find()) {
            return conv.group(1) + " = \"" + conv.group(2) + "\": " + conv.group(3).trim();
        }
        Matcher req = REQUIRED.matcher(m);
        if (req.find()) {
            return req.group(1) + ": missing; this setting is required";
        }
        Matcher unknown = UNKNOWN.matcher(m);
        if (unknown.find()) {
            return unknown.group(1) + ": unknown setting (a misspelt key?); config/README.md lists them all";
        }
        return m;
    }
}
