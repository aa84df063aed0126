package dev.edgeagent.agent.app;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** Placeholder until the pipeline is wired (replaced in the next commits). */
public class AgentApplication implements QuarkusApplication {
    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}
