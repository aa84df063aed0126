package dev.edgeagent.bench;

import dev.edgeagent.bench.harness.Harness;

/**
 * {@code bench/run [--quick] [--skip-jmh] [--only NAME] [--work DIR] [--out DIR] [--factors 1,4]}: the agent against this
 * machine's limits, in one run. See README, "Benchmarks".
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Harness.Options options = Harness.Options.parse(args);
        int exit = new Harness(options).run();
        System.exit(exit);
    }
}
