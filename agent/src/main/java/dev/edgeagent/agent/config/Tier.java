package dev.edgeagent.agent.config;

/** Upload priority: critical (events, health) before standard telemetry before bulk camera/LiDAR. */
public enum Tier {
    critical, standard, bulk
}
