package dev.edgeagent.agent.stage;

import java.util.List;

/** Builds a kind of transform from the configuration (none when the config does not ask for it). */
@FunctionalInterface
public interface TransformFactory {

    /** Called once while the pipeline is built, after every configured stream exists. */
    List<Transform> create(StageContext context) throws java.io.IOException;
}
