package dev.edgeagent.agent.control;

import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.pipeline.Pipeline;

import java.io.IOException;

/** What the controller needs of whoever owns the pipeline (PipelineService in the daemon). */
public interface PipelineHost {

    /** The running pipeline, or null while none runs. */
    Pipeline pipeline();

    /** The configuration the running pipeline was built from. */
    LoadedConfig config();

    /**
     * Stops the running pipeline and starts one from {@code next}. When the new one cannot start, the previous
     * configuration is started again and the exception is thrown.
     */
    Pipeline restart(LoadedConfig next) throws IOException;
}
