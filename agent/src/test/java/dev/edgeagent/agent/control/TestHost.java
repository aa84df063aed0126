package dev.edgeagent.agent.control;

import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.pipeline.Pipeline;

import java.io.IOException;

/** Owns a pipeline the way PipelineService does (without Quarkus): start, restart with a new config, stop. */
final class TestHost implements PipelineHost, AutoCloseable {

    private volatile Pipeline pipeline;
    private volatile LoadedConfig config;

    TestHost(LoadedConfig config) throws IOException {
        start(config);
    }

    private void start(LoadedConfig c) throws IOException {
        Pipeline p = Pipeline.create(c, "test", false);
        p.start();
        config = c;
        pipeline = p;
    }

    @Override
    public Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public LoadedConfig config() {
        return config;
    }

    @Override
    public synchronized Pipeline restart(LoadedConfig next) throws IOException {
        LoadedConfig previous = config;
        close();
        try {
            start(next);
        } catch (IOException | RuntimeException e) {
            start(previous);
            throw e;
        }
        return pipeline;
    }

    @Override
    public synchronized void close() {
        Pipeline p = pipeline;
        pipeline = null;
        if (p != null) {
            p.close();
        }
    }
}
