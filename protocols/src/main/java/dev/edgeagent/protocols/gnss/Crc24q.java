package dev.edgeagent.protocols.gnss;

import org.agrona.DirectBuffer;

/** CRC-24Q (Qualcomm), the checksum of RTCM 3 frames: polynomial 0x1864CFB, initial value 0, no reflection. */
public final class Crc24q {

    private static final int POLY = 0x1864CFB;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 16;
            for (int j = 0; j < 8; j++) {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) {
                    crc ^= POLY;
                }
            }
            TABLE[i] = crc & 0xFFFFFF;
        }
    }

    private Crc24q() {
    }

    public static int compute(DirectBuffer b, int offset, int length) {
        int crc = 0;
        for (int i = 0; i < length; i++) {
            crc = ((crc << 8) & 0xFFFFFF) ^ TABLE[((crc >>> 16) ^ b.getByte(offset + i)) & 0xFF];
        }
        return crc;
    }

    public static int compute(byte[] b, int offset, int length) {
        int crc = 0;
        for (int i = 0; i < length; i++) {
            crc = ((crc << 8) & 0xFFFFFF) ^ TABLE[((crc >>> 16) ^ b[offset + i]) & 0xFF];
        }
        return crc;
    }
}
