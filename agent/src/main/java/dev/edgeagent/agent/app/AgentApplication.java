package dev.edgeagent.agent.app;

import dev.edgeagent.agent.config.ConfigException;
import dev.edgeagent.agent.pipeline.OnceReport;
import dev.edgeagent.agent.pipeline.Pipeline;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

import java.io.IOException;
import java.time.Duration;

/** Runs the agent: as a daemon until SIGTERM, or once over the configured capture files (--once). */
public class AgentApplication implements QuarkusApplication {

    static final Duration ONCE_TIMEOUT = Duration.ofHours(6);

    @Inject
    PipelineService service;

    @Override
    public int run(String... args) throws Exception {
        boolean once = AgentContext.once();
        Pipeline pipeline;
        try {
            pipeline = service.start(AgentContext.config(), once);
        } catch (ConfigException e) {
            System.err.println("edge-agent: invalid configuration " + e.getMessage());
            return AgentMain.EXIT_USAGE;
        } catch (IOException | RuntimeException e) {
            System.err.println("edge-agent: cannot start: " + e.getMessage());
            return 1;
        }
        if (!once) {
            Quarkus.waitForExit();
            return 0;
        }
        OnceReport report = pipeline.runOnce(ONCE_TIMEOUT);
        service.stop();
        System.out.print(report.render());
        System.out.flush();
        if (AgentContext.report() != null) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(AgentContext.report().toFile(), report);
        }
        return report.exitCode();
    }
}
