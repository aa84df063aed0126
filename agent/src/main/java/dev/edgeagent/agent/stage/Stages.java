package dev.edgeagent.agent.stage;

import java.util.List;

/**
 * Every kind of transform the agent has, in the order they are built. Each factory reads its own part of the
 * configuration and returns no transform when that part is absent.
 */
public final class Stages {

    private Stages() {
    }

    public static List<TransformFactory> all() {
        return List.of(
                new dev.edgeagent.agent.preprocess.PreprocessStages(),
                new dev.edgeagent.agent.trigger.TriggerFactory(),
                dev.edgeagent.agent.align.AlignTransform.FACTORY
        );
    }
}
