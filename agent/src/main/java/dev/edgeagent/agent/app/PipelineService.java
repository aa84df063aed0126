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
public class PipelineService implements dev.edgeagent.agent.control.PipelineHost {

    private static final System.Logger LOG = System.getLogger(PipelineService.class.getName());

    @Inject
    MeterRegistry registry;

    private volatile Pipeline pipeline;
    private ScheduledExecutorService timer;
    private volatile LoadedConfig loaded;
    private boolean once;
    /** The MQTT cloud link (agent.cloud); it outlives pipeline restarts (reload). */
    private dev.edgeagent.agent.control.AgentController controller;

    /** Builds and starts the pipeline; configuration problems surface as ConfigException. */
    public synchronized Pipeline start(LoadedConfig config, boolean once) throws IOException {
        Pipeline p = startPipeline(config, once);
        if (!once && controller == null && config.agent().cloud().enabled()) {
            controller = new dev.edgeagent.agent.control.AgentController(this);
            controller.start();
        }
        return p;
    }

    @Override
    public LoadedConfig config() {
        return loaded;
    }

    /** The reload command: the running pipeline stops, one from {@code next} starts (the previous again on failure). */
    @Override
    public synchronized Pipeline restart(LoadedConfig next) throws IOException {
        LoadedConfig previous = loaded;
        stopPipeline();
        try {
            return startPipeline(next, once);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "the reloaded configuration does not start (" + e + "); starting the previous one again");
            startPipeline(previous, once);
            throw e;
        }
    }

    private Pipeline startPipeline(LoadedConfig config, boolean once) throws IOException {
        this.once = once;
        Pipeline p = Pipeline.create(config, AgentVersion.get(), once);
        loaded = config;
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
        if (controller != null) {
            controller.close();
            controller = null;
        }
        stopPipeline();
    }

    private void stopPipeline() {
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
        // meters read the stopped pipeline's counters: a restarted one registers its own
        for (io.micrometer.core.instrument.Meter m : registry.getMeters()) {
            if (m.getId().getName().startsWith("edgeagent.")) {
                registry.remove(m);
            }
        }
        LOG.log(Level.INFO, "edge agent stopped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }
}
