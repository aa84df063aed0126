package dev.edgeagent.agent.app;

import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.file.Path;

/**
 * Hands the configuration that {@link AgentMain} loaded to the CDI side. Under @QuarkusTest there is no
 * main: the file then comes from the {@code edge-agent.config} property.
 */
public final class AgentContext {

    private static volatile LoadedConfig config;
    private static volatile boolean once;
    private static volatile Path report;

    private AgentContext() {
    }

    static void set(LoadedConfig loaded, boolean oneShot, Path reportFile) {
        config = loaded;
        once = oneShot;
        report = reportFile;
    }

    /** Where --once writes its JSON report; null when not asked for. */
    public static Path report() {
        return report;
    }

    public static LoadedConfig config() {
        LoadedConfig c = config;
        if (c == null) {
            String file = ConfigProvider.getConfig().getOptionalValue("edge-agent.config", String.class)
                    .orElse(AgentMain.DEFAULT_CONFIG);
            c = AgentConfigLoader.load(Path.of(file));
            config = c;
        }
        return c;
    }

    public static boolean once() {
        return once;
    }
}
