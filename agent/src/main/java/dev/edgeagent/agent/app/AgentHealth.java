package dev.edgeagent.agent.app;

import dev.edgeagent.agent.pipeline.Pipeline;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/**
 * /q/health: live while every agent thread runs; ready once the pipeline runs, with per-stream detail
 * (records, source state, unbatched records) and the upload backlog and last error.
 */
@ApplicationScoped
public class AgentHealth {

    @Inject
    PipelineService service;

    @Produces
    @Liveness
    HealthCheck threads() {
        return () -> {
            Pipeline p = service.pipeline();
            boolean up = p == null || p.threadsAlive();
            return HealthCheckResponse.named("agent-threads").status(up)
                    .withData("agentErrors", p == null ? 0 : p.agentErrors()).build();
        };
    }

    @Produces
    @Readiness
    HealthCheck pipeline() {
        return () -> {
            Pipeline p = service.pipeline();
            HealthCheckResponseBuilder b = HealthCheckResponse.named("pipeline").status(p != null && p.started());
            if (p != null) {
                for (Pipeline.StreamRuntime s : p.streams()) {
                    b.withData(s.id(), s.stats().records() + " records, "
                            + Math.max(0, s.stats().lastSequence() - s.batcher().stats().lastSealedSeq()) + " unbatched"
                            + (s.source() == null ? "" : ", " + s.source().state().get()));
                }
                var u = p.uploader().stats();
                b.withData("upload", p.target().describe() + ": " + u.backlogBatches() + " batches waiting"
                        + (u.lastError() == null ? "" : ", last error: " + u.lastError()));
            }
            return b.build();
        };
    }
}
