package dev.edgeagent.agent.preprocess;

import java.util.List;

/** The checks of a {@code preprocess:} block that need no running pipeline (called by the config validator). */
public final class PreprocessValidator {

    private PreprocessValidator() {
    }

    /** Adds a problem ("key = value: expected ...") for every bad setting of {@code p}. */
    public static void validate(String key, PreprocessConfig p, List<String> problems) {
        p.quality().ifPresent(q -> {
            String k = key + ".quality";
            if (q.expectedRate().isPresent() && !(q.expectedRate().getAsDouble() > 0)) {
                problem(problems, k + ".expected-rate", q.expectedRate().getAsDouble(), "a positive rate in records per second");
            }
            if (!(q.rateTolerance() >= 0 && q.rateTolerance() < 1)) {
                problem(problems, k + ".rate-tolerance", q.rateTolerance(), "a fraction in [0, 1), e.g. 0.2 for ±20 %");
            }
            if (q.rateWindow().isNegative() || q.rateWindow().isZero()) {
                problem(problems, k + ".rate-window", q.rateWindow(), "a positive duration such as 1s");
            }
            if (q.maxGap().isNegative()) {
                problem(problems, k + ".max-gap", q.maxGap(), "a duration >= 0 (0 turns the check off)");
            }
            if (q.sequenceModulo() < 0) {
                problem(problems, k + ".sequence-modulo", q.sequenceModulo(), "0 (no wrap) or the counter's modulus, e.g. 4");
            }
            List<PreprocessConfig.SignalCheckConfig> signals = q.signals().orElse(List.of());
            for (int i = 0; i < signals.size(); i++) {
                PreprocessConfig.SignalCheckConfig s = signals.get(i);
                String sk = k + ".signals[" + i + "]";
                if (s.name().isBlank()) {
                    problem(problems, sk + ".name", s.name(), "a signal name such as ENGINE_DATA.XMISSION_SPEED");
                }
                if (s.min().isPresent() && s.max().isPresent() && s.min().getAsDouble() > s.max().getAsDouble()) {
                    problem(problems, sk + ".min", s.min().getAsDouble(), "at most max (" + s.max().getAsDouble() + ")");
                }
                if (s.maxRateOfChange().isPresent() && !(s.maxRateOfChange().getAsDouble() > 0)) {
                    problem(problems, sk + ".max-rate-of-change", s.maxRateOfChange().getAsDouble(), "a positive rate in units per second");
                }
                if (s.stuckAfter().isNegative()) {
                    problem(problems, sk + ".stuck-after", s.stuckAfter(), "a duration >= 0 (0 turns the check off)");
                }
            }
        });
        List<PreprocessConfig.FeatureConfig> features = p.features().orElse(List.of());
        for (int i = 0; i < features.size(); i++) {
            PreprocessConfig.FeatureConfig f = features.get(i);
            String k = key + ".features[" + i + "]";
            if (f.signals().isEmpty()) {
                problem(problems, k + ".signals", "[]", "at least one signal name");
            }
            if (f.window().isNegative() || f.window().isZero()) {
                problem(problems, k + ".window", f.window(), "a positive duration such as 1s or 1h");
            } else if (f.hop().isNegative() || f.hop().compareTo(f.window()) > 0) {
                problem(problems, k + ".hop", f.hop(), "a duration in (0, window] (absent: tumbling windows)");
            } else if (!f.hop().isZero() && f.window().toNanos() / f.hop().toNanos() > 10_000) {
                problem(problems, k + ".hop", f.hop(), "at most 10000 overlapping windows (window / hop)");
            }
            if (f.allowedLateness().isNegative()) {
                problem(problems, k + ".allowed-lateness", f.allowedLateness(), "a duration >= 0");
            }
            for (double q : f.quantiles().orElse(List.of())) {
                if (!(q >= 0 && q <= 1)) {
                    problem(problems, k + ".quantiles", q, "quantiles in [0, 1], e.g. [0.5, 0.95]");
                }
            }
        }
        p.decimate().ifPresent(d -> {
            String k = key + ".decimate";
            if (d.keepOneIn().isPresent() == d.maxRate().isPresent()) {
                problems.add(k + ": expected exactly one of keep-one-in or max-rate");
            }
            if (d.keepOneIn().isPresent() && d.keepOneIn().getAsInt() < 1) {
                problem(problems, k + ".keep-one-in", d.keepOneIn().getAsInt(), "1 or more");
            }
            if (d.maxRate().isPresent() && !(d.maxRate().getAsDouble() > 0)) {
                problem(problems, k + ".max-rate", d.maxRate().getAsDouble(), "a positive rate in records per second");
            }
        });
        p.preview().ifPresent(v -> {
            String k = key + ".preview";
            if (v.every() < 1) {
                problem(problems, k + ".every", v.every(), "1 or more");
            }
            if (v.width() < 8 || v.width() > 4096) {
                problem(problems, k + ".width", v.width(), "a width in pixels between 8 and 4096");
            }
            if (!(v.jpegQuality() > 0 && v.jpegQuality() <= 1)) {
                problem(problems, k + ".jpeg-quality", v.jpegQuality(), "a quality in (0, 1]");
            }
            if (!(v.voxel() > 0)) {
                problem(problems, k + ".voxel", v.voxel(), "a positive voxel edge in metres");
            }
            if (v.maxPoints() < 1) {
                problem(problems, k + ".max-points", v.maxPoints(), "1 or more");
            }
        });
    }

    private static void problem(List<String> problems, String key, Object value, String expected) {
        problems.add(key + " = \"" + value + "\": expected " + expected);
    }
}
