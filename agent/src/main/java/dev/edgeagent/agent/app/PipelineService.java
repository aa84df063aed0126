package dev.edgeagent.agent.app;

import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.observe.AgentMetrics;
import dev.edgeagent.agent.observe.StatusLog;
import dev.edgeagent.agent.pipeline.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Owns the running pipeline inside Quarkus: starts it, publishes its metrics and status, stops it. */
@ApplicationScoped
public class PipelineService {

    private static final System.Logger LOG = System.getLogger(PipelineService.class.getName());

    @Inject
    MeterRegistry registry;

    private volatile Pipeline pipeline;
    private ScheduledExecutorService timer;

    /** Builds and starts the pipeline; configuration problems surface as ConfigException. */
    public synchronized Pipeline start(LoadedConfig config, boolean once) throws IOException {
        Pipeline p = Pipeline.create(config, AgentVersion.get(), once);
        AgentMetrics metrics = new AgentMetrics(registry, p);
        p.start();
        pipeline = p;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edge-status");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> run(metrics::sample), 1, 5, TimeUnit.SECONDS);
        Duration every = config.agent().observability().statusLogInterval();
        if (!once && !every.isZero()) {
            StatusLog status = new StatusLog(p);
            timer.scheduleAtFixedRate(() -> run(status::log), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
        return p;
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "status task failed: " + e, e);
        }
    }

    /** The running pipeline, or null before start and after stop. */
    public Pipeline pipeline() {
        return pipeline;
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void stop() {
        Pipeline p = pipeline;
        if (p == null) {
            return;
        }
        long t0 = System.nanoTime();
        if (timer != null) {
            timer.shutdownNow();
        }
        p.close();
        pipeline = null;
        LOG.log(Level.INFO, "edge agent stopped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }
}
