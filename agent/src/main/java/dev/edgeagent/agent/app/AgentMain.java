package dev.edgeagent.agent.app;

import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.agent.config.LoadedConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line: {@code edge-agent [--config FILE] [--once]}. The configuration is loaded and checked here,
 * before Quarkus starts, so a bad file fails fast with one readable message and exit code 2. The same file
 * is then given to Quarkus ({@code quarkus.config.locations}) so {@code quarkus.*} keys in it apply too.
 */
@QuarkusMain
public final class AgentMain {

    static final String DEFAULT_CONFIG = "config/agent.yaml";
    static final int EXIT_USAGE = 2;

    private AgentMain() {
    }

    public static void main(String... args) {
        Path config = null;
        boolean once = false;
        Path report = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    config = Path.of(args[++i]);
                }
                case "--once" -> once = true;
                case "--report" -> {
                    if (i + 1 >= args.length) {
                        usage("--report needs a file");
                    }
                    report = Path.of(args[++i]);
                }
                case "--version" -> {
                    System.out.println("edge-agent " + AgentVersion.get());
                    return;
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (config == null) {
            config = Path.of(DEFAULT_CONFIG);
            if (!Files.exists(config)) {
                usage("no configuration: " + config.toAbsolutePath() + " does not exist; give one with --config FILE");
            }
        }
        LoadedConfig loaded;
        try {
            loaded = AgentConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println("edge-agent: invalid configuration " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (report != null && !once) {
            usage("--report goes with --once");
        }
        AgentContext.set(loaded, once, report);
        System.setProperty("quarkus.config.locations", config.toAbsolutePath().toUri().toString());
        if (once) {
            // a one-shot replay serves no endpoints and must not collide with a running daemon's port
            System.setProperty("quarkus.http.host-enabled", "false");
        }
        Quarkus.run(AgentApplication.class, args);
    }

    private static final String USAGE = """
            Usage: edge-agent [--config FILE] [--once [--report FILE]] [--version] [--help]
              --config FILE  agent configuration (default: config/agent.yaml)
              --once         replay the configured capture files as fast as possible (live sources such as
                             MQTT run alongside until they are done), seal and upload everything, print a
                             summary and exit (0 = all uploaded)
              --report FILE  with --once: also write the summary as JSON (per-stream counts, capture latency,
                             timings, CPU time, peak RSS)
            Environment variables override the file: AGENT_DEVICE_ID, AGENT_UPLOAD_TARGET, ...""";

    private static void usage(String problem) {
        System.err.println("edge-agent: " + problem);
        System.err.println(USAGE);
        System.exit(EXIT_USAGE);
    }
}
