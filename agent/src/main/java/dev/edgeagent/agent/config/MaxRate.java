package dev.edgeagent.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "N/UNIT" (UNIT s, m, h or d): at most {@code count} events per {@code period}. */
public record MaxRate(int count, Duration period) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})\\s*/\\s*([smhd])");

    /** Parses "6/h"; throws IllegalArgumentException saying what is expected. */
    public static MaxRate parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
            throw new IllegalArgumentException("N/s, N/m, N/h or N/d with N at least 1, e.g. 6/h");
        }
        Duration unit = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return new MaxRate(Integer.parseInt(m.group(1)), unit);
    }
}
