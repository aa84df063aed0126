package dev.edgeagent.agent.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, from the build (edge-agent.properties). */
public final class AgentVersion {

    private static final String VERSION = load();

    private AgentVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("/edge-agent.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
