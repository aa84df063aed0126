package dev.edgeagent.agent.config;

/** A checked configuration with where it came from and the hash manifests carry. */
public record LoadedConfig(AgentConfig agent, String source, String configHash) {
}
