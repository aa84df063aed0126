package dev.edgeagent.agent.config;

/** What kind of data a stream carries; sets its default tier and its MCAP schema family. */
public enum Modality {
    camera(Tier.bulk),
    lidar(Tier.bulk),
    radar(Tier.bulk),
    can(Tier.standard),
    imu(Tier.standard),
    gnss(Tier.standard),
    telemetry(Tier.standard),
    event(Tier.critical),
    health(Tier.critical),
    synthetic(Tier.standard);

    private final Tier defaultTier;

    Modality(Tier defaultTier) {
        this.defaultTier = defaultTier;
    }

    public Tier defaultTier() {
        return defaultTier;
    }
}
