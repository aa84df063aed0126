package dev.edgeagent.agent.config;

import io.quarkus.runtime.configuration.MemorySizeConverter;

/** A rate in bytes per second, written as a size with an optional "/s": 2M/s, 512K, 0 (unlimited). */
public record ByteRate(long bytesPerSecond) {

    public boolean unlimited() {
        return bytesPerSecond <= 0;
    }

    public static final class Converter implements org.eclipse.microprofile.config.spi.Converter<ByteRate> {
        private static final MemorySizeConverter SIZES = new MemorySizeConverter();

        @Override
        public ByteRate convert(String value) {
            String v = value.trim();
            if (v.endsWith("/s")) {
                v = v.substring(0, v.length() - 2).trim();
            }
            // "2MB" reads as 2 MiB, like the other sizes in the configuration
            if (v.length() > 1 && (v.endsWith("B") || v.endsWith("b")) && Character.isLetter(v.charAt(v.length() - 2))) {
                v = v.substring(0, v.length() - 1);
            }
            return new ByteRate(SIZES.convert(v).asLongValue());
        }
    }
}
