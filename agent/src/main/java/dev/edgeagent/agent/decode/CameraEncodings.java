package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.decode.foxglove.FoxgloveEncoder;
import dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas;
import org.agrona.DirectBuffer;

/** Camera records as Foxglove messages: still frames as CompressedImage, H.264 access units as CompressedVideo. */
public final class CameraEncodings {

    private CameraEncodings() {
    }

    /** JPEG / PNG frames (MJPEG cameras, image sequences): the format is read from the frame's magic bytes. */
    public static final PrimaryEncoding COMPRESSED_IMAGE = new PrimaryEncoding() {
        @Override
        public DerivedSchema schema() {
            return FoxgloveSchemas.COMPRESSED_IMAGE;
        }

        @Override
        public int encode(RecordView r, String frameId, FoxgloveEncoder encoder) {
            DirectBuffer p = r.payload();
            return encoder.compressedImage(r.timeNs(), frameId, imageFormat(p), p, 0, p.capacity());
        }
    };

    /** H.264 access units in Annex B (MP4 replay): foxglove.CompressedVideo format "h264". */
    public static final PrimaryEncoding COMPRESSED_VIDEO_H264 = new PrimaryEncoding() {
        @Override
        public DerivedSchema schema() {
            return FoxgloveSchemas.COMPRESSED_VIDEO;
        }

        @Override
        public int encode(RecordView r, String frameId, FoxgloveEncoder encoder) {
            DirectBuffer p = r.payload();
            return encoder.compressedVideo(r.timeNs(), frameId, "h264", p, 0, p.capacity());
        }
    };

    /** "jpeg", "png", or "unknown" (the bytes are kept; a viewer shows what it can). */
    static String imageFormat(DirectBuffer p) {
        int n = p.capacity();
        if (n >= 3 && (p.getByte(0) & 0xff) == 0xFF && (p.getByte(1) & 0xff) == 0xD8 && (p.getByte(2) & 0xff) == 0xFF) {
            return "jpeg";
        }
        if (n >= 8 && (p.getByte(0) & 0xff) == 0x89 && p.getByte(1) == 'P' && p.getByte(2) == 'N' && p.getByte(3) == 'G') {
            return "png";
        }
        return "unknown";
    }
}
