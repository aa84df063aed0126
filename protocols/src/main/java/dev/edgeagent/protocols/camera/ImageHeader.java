package dev.edgeagent.protocols.camera;

import dev.edgeagent.protocols.camera.ImageFormatException.Kind;
import org.agrona.DirectBuffer;

/**
 * Frame metadata read from the first bytes of an encoded image: JPEG (SOI, then segments up to the first SOFn frame
 * header) or PNG (signature and IHDR). One instance is reused for every frame: {@link #parse} allocates nothing
 * unless the input is bad, when it throws {@link ImageFormatException} with the kind and the byte offset (relative
 * to {@code offset}) of the structure that broke. Only headers are read, never entropy-coded or compressed data.
 */
public final class ImageHeader {

    /** The image container. */
    public enum Format { JPEG, PNG }

    static final int PNG_SIGNATURE_HI = 0x89504E47;
    static final int PNG_SIGNATURE_LO = 0x0D0A1A0A;
    private static final int IHDR = 0x49484452;
    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            CRC_TABLE[n] = c;
        }
    }

    private Format format;
    private int width;
    private int height;
    private int components;
    private int bitDepth;
    private boolean progressive;
    private int jpegFrameMarker;
    private int pngColorType;

    /**
     * Reads the header of the image in {@code buffer[offset, offset + length)}.
     *
     * @return this, filled in
     * @throws ImageFormatException for anything but a well-formed JPEG up to its SOFn or a PNG with a valid IHDR
     */
    public ImageHeader parse(DirectBuffer buffer, int offset, int length) {
        if (length >= 2 && (buffer.getByte(offset) & 0xFF) == 0xFF && (buffer.getByte(offset + 1) & 0xFF) == 0xD8) {
            parseJpeg(buffer, offset, length);
        } else if (length >= 8 && isPngSignature(buffer, offset)) {
            parsePng(buffer, offset, length);
        } else if (length < 8 && isPngSignaturePrefix(buffer, offset, length)) {
            throw new ImageFormatException(Kind.TRUNCATED, 0, "PNG: " + length
                    + " bytes of the 8-byte signature, expected the signature and the IHDR chunk");
        } else {
            throw new ImageFormatException(Kind.NOT_AN_IMAGE, 0, length < 2
                    ? "image: " + length + " bytes, expected at least a 2-byte JPEG SOI marker"
                    : "image start: expected a JPEG SOI marker (FF D8) or the PNG signature, found "
                    + hex(buffer.getByte(offset)) + " " + hex(buffer.getByte(offset + 1)));
        }
        return this;
    }

    private static boolean isPngSignature(DirectBuffer b, int off) {
        return b.getInt(off, java.nio.ByteOrder.BIG_ENDIAN) == PNG_SIGNATURE_HI
                && b.getInt(off + 4, java.nio.ByteOrder.BIG_ENDIAN) == PNG_SIGNATURE_LO;
    }

    private static boolean isPngSignaturePrefix(DirectBuffer b, int off, int len) {
        if (len < 1) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            final int expected = i < 4 ? PNG_SIGNATURE_HI >>> (24 - 8 * i) : PNG_SIGNATURE_LO >>> (24 - 8 * (i - 4));
            if ((b.getByte(off + i) & 0xFF) != (expected & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private void parseJpeg(DirectBuffer b, int off, int len) {
        final int end = off + len;
        int p = off + 2;
        int segmentAt = -1;
        while (true) {
            if (p > end) {
                throw new ImageFormatException(Kind.TRUNCATED, segmentAt - off, "JPEG segment: its length field "
                        + "runs past the end of the data, before any frame header (SOFn)");
            }
            if (p == end) {
                throw new ImageFormatException(Kind.TRUNCATED, p - off,
                        "JPEG: the data ends where a marker was expected, before any frame header (SOFn)");
            }
            if ((b.getByte(p) & 0xFF) != 0xFF) {
                throw new ImageFormatException(Kind.BAD_JPEG_SEGMENT, p - off,
                        "JPEG marker: expected the prefix FF, found " + hex(b.getByte(p)));
            }
            final int markerAt = p;
            while (p < end && (b.getByte(p) & 0xFF) == 0xFF) {
                p++; // any number of fill bytes may precede a marker
            }
            if (p >= end) {
                throw new ImageFormatException(Kind.TRUNCATED, markerAt - off, "JPEG: the data ends inside a marker");
            }
            final int marker = b.getByte(p++) & 0xFF;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // TEM, RSTn: no length field
            }
            if (marker == 0x00 || marker == 0xD8) {
                throw new ImageFormatException(Kind.BAD_JPEG_SEGMENT, markerAt - off,
                        "JPEG marker: FF " + hex((byte) marker) + " cannot appear between segments");
            }
            if (marker == 0xDA || marker == 0xD9) {
                throw new ImageFormatException(Kind.NO_FRAME_HEADER, markerAt - off, "JPEG: "
                        + (marker == 0xDA ? "scan (SOS)" : "end of image (EOI)") + " before any frame header (SOFn)");
            }
            if (p + 2 > end) {
                throw new ImageFormatException(Kind.TRUNCATED, markerAt - off,
                        "JPEG segment FF " + hex((byte) marker) + ": the data ends inside its length field");
            }
            final int segLen = b.getShort(p, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (segLen < 2) {
                throw new ImageFormatException(Kind.BAD_JPEG_SEGMENT, markerAt - off, "JPEG segment FF "
                        + hex((byte) marker) + ": length " + segLen + ", expected at least 2");
            }
            if (isSof(marker)) {
                readSof(b, off, end, markerAt, p, segLen, marker);
                return;
            }
            segmentAt = markerAt;
            p += segLen;
        }
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isSof(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private void readSof(DirectBuffer b, int off, int end, int markerAt, int p, int segLen, int marker) {
        if (segLen < 8) {
            throw new ImageFormatException(Kind.BAD_JPEG_SEGMENT, markerAt - off, "JPEG frame header SOF"
                    + (marker - 0xC0) + ": length " + segLen + ", expected at least 8");
        }
        if (p + 8 > end) {
            throw new ImageFormatException(Kind.TRUNCATED, markerAt - off, "JPEG frame header SOF" + (marker - 0xC0)
                    + ": the data ends inside it");
        }
        final int precision = b.getByte(p + 2) & 0xFF;
        final int h = b.getShort(p + 3, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int w = b.getShort(p + 5, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int nf = b.getByte(p + 7) & 0xFF;
        if (w == 0 || h == 0) {
            throw new ImageFormatException(Kind.BAD_JPEG_SEGMENT, markerAt - off, "JPEG frame header: width " + w
                    + " x height " + h + ", expected both > 0 (a height set later by DNL is not supported)");
        }
        if (nf == 0 || segLen < 8 + 3 * nf) {
            throw new ImageFormatException(Kind.BAD_JPEG_SEGMENT, markerAt - off, "JPEG frame header: " + nf
                    + " components in a segment of length " + segLen + ", expected 1..(length-8)/3");
        }
        format = Format.JPEG;
        width = w;
        height = h;
        components = nf;
        bitDepth = precision;
        jpegFrameMarker = marker;
        progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
        pngColorType = -1;
    }

    private void parsePng(DirectBuffer b, int off, int len) {
        if (len < 33) {
            throw new ImageFormatException(Kind.TRUNCATED, Math.min(len, 8), "PNG: " + len
                    + " bytes, expected at least 33 for the signature and the IHDR chunk");
        }
        final int chunkLen = b.getInt(off + 8, java.nio.ByteOrder.BIG_ENDIAN);
        final int type = b.getInt(off + 12, java.nio.ByteOrder.BIG_ENDIAN);
        if (type != IHDR || chunkLen != 13) {
            throw new ImageFormatException(Kind.BAD_PNG_HEADER, 8,
                    "PNG first chunk: expected IHDR of length 13, found type 0x" + Integer.toHexString(type)
                            + " length " + chunkLen);
        }
        final int crc = b.getInt(off + 29, java.nio.ByteOrder.BIG_ENDIAN);
        if (crc != crc32(b, off + 12, 17)) {
            throw new ImageFormatException(Kind.BAD_PNG_HEADER, 29,
                    "PNG IHDR CRC: does not match the chunk's type and data");
        }
        final int w = b.getInt(off + 16, java.nio.ByteOrder.BIG_ENDIAN);
        final int h = b.getInt(off + 20, java.nio.ByteOrder.BIG_ENDIAN);
        final int depth = b.getByte(off + 24) & 0xFF;
        final int colorType = b.getByte(off + 25) & 0xFF;
        final int interlace = b.getByte(off + 28) & 0xFF;
        if (w <= 0 || h <= 0) {
            throw new ImageFormatException(Kind.BAD_PNG_HEADER, 16, "PNG IHDR: width " + Integer.toUnsignedString(w)
                    + " x height " + Integer.toUnsignedString(h) + ", expected both in 1..2^31-1");
        }
        final int comps = switch (colorType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new ImageFormatException(Kind.BAD_PNG_HEADER, 25,
                    "PNG IHDR colour type: " + colorType + ", expected 0, 2, 3, 4 or 6");
        };
        if (!validDepth(colorType, depth) || interlace > 1) {
            throw new ImageFormatException(Kind.BAD_PNG_HEADER, 24, "PNG IHDR: bit depth " + depth
                    + " with colour type " + colorType + " and interlace method " + interlace
                    + " is not a combination the PNG specification allows");
        }
        format = Format.PNG;
        width = w;
        height = h;
        components = comps;
        bitDepth = depth;
        progressive = interlace == 1;
        pngColorType = colorType;
        jpegFrameMarker = -1;
    }

    private static boolean validDepth(int colorType, int depth) {
        return switch (colorType) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            default -> depth == 8 || depth == 16;
        };
    }

    static int crc32(DirectBuffer b, int off, int len) {
        int c = 0xFFFFFFFF;
        for (int i = 0; i < len; i++) {
            c = CRC_TABLE[(c ^ b.getByte(off + i)) & 0xFF] ^ (c >>> 8);
        }
        return ~c;
    }

    private static String hex(byte v) {
        return String.format("%02X", v & 0xFF);
    }

    /** True if the bytes start with a JPEG SOI marker (FF D8). */
    public static boolean startsWithSoi(DirectBuffer b, int offset, int length) {
        return length >= 2 && (b.getByte(offset) & 0xFF) == 0xFF && (b.getByte(offset + 1) & 0xFF) == 0xD8;
    }

    /** True if the bytes end with a JPEG EOI marker (FF D9). */
    public static boolean endsWithEoi(DirectBuffer b, int offset, int length) {
        return length >= 2 && (b.getByte(offset + length - 2) & 0xFF) == 0xFF
                && (b.getByte(offset + length - 1) & 0xFF) == 0xD9;
    }

    public Format format() {
        return format;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Colour components: JPEG Nf (1 grey, 3 YCbCr, 4 CMYK); PNG channels (1 grey/palette, 2, 3 RGB, 4 RGBA). */
    public int components() {
        return components;
    }

    /** JPEG sample precision or PNG bit depth. */
    public int bitDepth() {
        return bitDepth;
    }

    /** JPEG: a progressive frame (SOF2, 6, 10, 14); PNG: Adam7 interlaced. */
    public boolean progressive() {
        return progressive;
    }

    /** The JPEG SOFn marker byte (0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...), -1 for PNG. */
    public int jpegFrameMarker() {
        return jpegFrameMarker;
    }

    /** The PNG colour type, -1 for JPEG. */
    public int pngColorType() {
        return pngColorType;
    }
}
