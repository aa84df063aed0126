package dev.edgeagent.agent.trigger;

import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.stage.StageContext;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.agent.stage.TransformFactory;

import java.io.IOException;
import java.util.List;

/** A trigger transform when rules are configured or remote commands can ask for triggers (agent.cloud). */
public final class TriggerFactory implements TransformFactory {

    @Override
    public List<Transform> create(StageContext context) throws IOException {
        AgentConfig c = context.config();
        List<AgentConfig.TriggerRuleConfig> rules = c.triggers().rules().orElse(List.of());
        boolean commands = c.cloud().enabled() && c.cloud().commands();
        if (rules.isEmpty() && !commands) {
            return List.of();
        }
        return List.of(new TriggerTransform(context, rules));
    }
}
