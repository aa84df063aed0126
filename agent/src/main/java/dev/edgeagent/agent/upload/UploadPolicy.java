package dev.edgeagent.agent.upload;

import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.Tier;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * How the uploader shares the link between tiers: per-tier budgets and an overall one, the age at which a
 * waiting batch is promoted to the tier above, and when a tier may go at all (always, or only on an
 * unmetered link or inside local time windows).
 */
public final class UploadPolicy {

    /** One tier's rules. windows: pairs of minutes of the day [from, to), to may be below from (across midnight). */
    public record TierRule(Tier tier, long bytesPerSecond, long maxAgeNs, boolean unmeteredOnly, List<int[]> windows) {
    }

    private final TierRule[] rules = new TierRule[Tier.values().length];
    private final long linkBytesPerSecond;
    private final LinkMonitor link;
    private final Duration auditInterval;
    private final ZoneId zone;

    public UploadPolicy(List<TierRule> rules, long linkBytesPerSecond, LinkMonitor link, Duration auditInterval, ZoneId zone) {
        for (TierRule r : rules) {
            this.rules[r.tier().ordinal()] = r;
        }
        for (Tier t : Tier.values()) {
            if (this.rules[t.ordinal()] == null) {
                this.rules[t.ordinal()] = new TierRule(t, 0, defaultMaxAge(t).toNanos(), false, List.of());
            }
        }
        this.linkBytesPerSecond = linkBytesPerSecond;
        this.link = link;
        this.auditInterval = auditInterval;
        this.zone = zone;
    }

    /** No budgets, no promotion, no conditions, the audit log not uploaded: plain strict tier order. */
    public static UploadPolicy unlimited() {
        List<TierRule> rules = new ArrayList<>();
        for (Tier t : Tier.values()) {
            rules.add(new TierRule(t, 0, Long.MAX_VALUE, false, List.of()));
        }
        return new UploadPolicy(rules, 0, LinkMonitor.manual(), Duration.ZERO, ZoneId.systemDefault());
    }

    static Duration defaultMaxAge(Tier t) {
        return switch (t) {
            case critical -> Duration.ofMinutes(1);
            case standard -> Duration.ofHours(1);
            case bulk -> Duration.ofHours(24);
        };
    }

    public static UploadPolicy from(AgentConfig.UploadConfig u, LinkMonitor link) {
        List<TierRule> rules = new ArrayList<>();
        for (Tier t : Tier.values()) {
            AgentConfig.TierUploadConfig c = switch (t) {
                case critical -> u.tiers().critical();
                case standard -> u.tiers().standard();
                case bulk -> u.tiers().bulk();
            };
            List<int[]> windows = new ArrayList<>();
            for (String w : c.windows().orElse(List.of())) {
                windows.add(parseWindow(w));
            }
            rules.add(new TierRule(t, c.bandwidth().bytesPerSecond(), c.maxAge().orElse(defaultMaxAge(t)).toNanos(),
                    c.when() == AgentConfig.UploadWhen.unmetered, List.copyOf(windows)));
        }
        return new UploadPolicy(rules, u.linkBudget().bytesPerSecond(), link, u.auditInterval(), ZoneId.systemDefault());
    }

    /** "01:00-05:00" as minutes of the day; "24:00" is the end of the day. Validated by the config loader. */
    static int[] parseWindow(String w) {
        String[] parts = w.trim().split("-");
        return new int[]{minutes(parts[0]), minutes(parts[1])};
    }

    private static int minutes(String hhmm) {
        String[] p = hhmm.split(":");
        return Integer.parseInt(p[0]) * 60 + Integer.parseInt(p[1]);
    }

    public TierRule rule(Tier t) {
        return rules[t.ordinal()];
    }

    public long linkBytesPerSecond() {
        return linkBytesPerSecond;
    }

    public LinkMonitor link() {
        return link;
    }

    public Duration auditInterval() {
        return auditInterval;
    }

    /** Whether the tier's condition lets it upload at this moment. */
    public boolean allowed(Tier t, long epochMs) {
        TierRule r = rules[t.ordinal()];
        if (!r.unmeteredOnly() || link.unmetered()) {
            return true;
        }
        return inWindow(r.windows(), epochMs);
    }

    boolean inWindow(List<int[]> windows, long epochMs) {
        if (windows.isEmpty()) {
            return false;
        }
        LocalTime time = ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(epochMs), zone).toLocalTime();
        int minute = time.getHour() * 60 + time.getMinute();
        for (int[] w : windows) {
            boolean inside = w[0] <= w[1] ? minute >= w[0] && minute < w[1] : minute >= w[0] || minute < w[1];
            if (inside) {
                return true;
            }
        }
        return false;
    }
}
