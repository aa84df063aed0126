package dev.edgeagent.protocols.camera;

import org.agrona.DirectBuffer;

/** H.264 Annex B helpers, allocation-free. */
public final class H264 {

    /** NAL unit types used here (ITU-T H.264 table 7-1). */
    public static final int NAL_IDR = 5;
    public static final int NAL_SPS = 7;
    public static final int NAL_PPS = 8;

    private H264() {
    }

    /**
     * True if the Annex B access unit in {@code [offset, offset + length)} holds an IDR slice (NAL unit type 5):
     * a decoder can start there. Start codes of 3 or 4 bytes are recognised.
     */
    public static boolean isKeyframe(DirectBuffer b, int offset, int length) {
        return containsNalType(b, offset, length, NAL_IDR);
    }

    /** True if a NAL unit of {@code type} follows any start code in the range. */
    public static boolean containsNalType(DirectBuffer b, int offset, int length, int type) {
        final int end = offset + length;
        int zeros = 0;
        for (int i = offset; i < end; i++) {
            final byte v = b.getByte(i);
            if (v == 0) {
                zeros++;
            } else {
                if (v == 1 && zeros >= 2 && i + 1 < end && (b.getByte(i + 1) & 0x1F) == type) {
                    return true;
                }
                zeros = 0;
            }
        }
        return false;
    }
}
