package dev.edgeagent.protocols.camera;

/** The tests' own reading of JPEG facts, independent of {@link ImageHeader}: a plain walk over segment lengths. */
final class JpegFacts {

    private JpegFacts() {
    }

    static boolean soiToEoi(byte[] b) {
        return b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8
                && (b[b.length - 2] & 0xFF) == 0xFF && (b[b.length - 1] & 0xFF) == 0xD9;
    }

    /** {width, height} from the first SOF0..SOF2 segment. */
    static int[] size(byte[] b) {
        int p = 2;
        while (p + 9 < b.length) {
            int marker = b[p + 1] & 0xFF;
            int len = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            if (marker >= 0xC0 && marker <= 0xC2) {
                int h = ((b[p + 5] & 0xFF) << 8) | (b[p + 6] & 0xFF);
                int w = ((b[p + 7] & 0xFF) << 8) | (b[p + 8] & 0xFF);
                return new int[] {w, h};
            }
            p += 2 + len;
        }
        throw new AssertionError("no SOF0..2 segment");
    }
}
