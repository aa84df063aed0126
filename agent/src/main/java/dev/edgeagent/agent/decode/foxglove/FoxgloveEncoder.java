package dev.edgeagent.agent.decode.foxglove;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes the Foxglove messages of {@link FoxgloveSchemas} with protobuf-java's {@link CodedOutputStream} into
 * one reusable array (it grows, it is never reallocated per message). Large byte fields (an image, a point
 * array) are copied straight from their buffer after their length prefix, so no intermediate array is made.
 * One encoder per batcher thread; the result is valid until the next call.
 */
public final class FoxgloveEncoder {

    private byte[] bytes = new byte[64 * 1024];
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private int length;

    /** The last message encoded: {@code [0, length())}. */
    public DirectBuffer buffer() {
        return view;
    }

    public int length() {
        return length;
    }

    /** foxglove.CompressedImage: an encoded image (format "jpeg", "png", ...) kept byte for byte. */
    public int compressedImage(long timeNs, String frameId, String format, DirectBuffer data, int offset, int len) {
        return compressed(timeNs, 1, frameId, 4, format, 3, data, offset, len, 2);
    }

    /** foxglove.CompressedVideo: one access unit of a video stream (format "h264" in Annex B, ...). */
    public int compressedVideo(long timeNs, String frameId, String format, DirectBuffer data, int offset, int len) {
        return compressed(timeNs, 1, frameId, 2, format, 4, data, offset, len, 3);
    }

    private int compressed(long timeNs, int timeField, String frameId, int frameField, String format, int formatField,
                           DirectBuffer data, int offset, int len, int dataField) {
        ensure(len + 256 + frameId.length() * 3 + format.length() * 3);
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            timestamp(out, timeField, timeNs);
            out.writeString(frameField, frameId);
            out.writeString(formatField, format);
            int at = bytesHeader(out, dataField, len);
            data.getBytes(offset, bytes, at, len);
            length = at + len;
            return length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // an array that is large enough cannot fail
        }
    }

    /**
     * foxglove.PointCloud in the sensor's frame (identity pose).
     *
     * @param fields the point layout, e.g. {@link PointLayout#XYZ_INTENSITY_RING_TIME}
     * @param data   {@code points × stride} bytes, little-endian, in that layout
     */
    public int pointCloud(long timeNs, String frameId, PointLayout fields, DirectBuffer data, int offset, int len) {
        ensure(len + 512 + frameId.length() * 3 + fields.encodedFields().length);
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            timestamp(out, 1, timeNs);
            out.writeString(2, frameId);
            // pose: position (0,0,0) and the identity orientation w = 1 (an empty Pose would be a zero quaternion)
            out.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            int quaternion = CodedOutputStream.computeDoubleSize(4, 1.0);
            int pose = CodedOutputStream.computeTagSize(1) + 1 + CodedOutputStream.computeTagSize(2)
                    + CodedOutputStream.computeUInt32SizeNoTag(quaternion) + quaternion;
            out.writeUInt32NoTag(pose);
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(0);
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(quaternion);
            out.writeDouble(4, 1.0);
            out.writeFixed32(4, fields.stride());
            out.writeRawBytes(fields.encodedFields());
            int at = bytesHeader(out, 6, len);
            data.getBytes(offset, bytes, at, len);
            length = at + len;
            return length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * foxglove.LocationFix.
     *
     * @param covariance 9 values (row-major ENU, m²) or null when unknown
     * @param covarianceType 0 unknown, 1 approximated, 2 diagonal known, 3 known
     */
    public int locationFix(long timeNs, String frameId, double latitude, double longitude, double altitude,
                           double[] covariance, int covarianceType) {
        ensure(512 + frameId.length() * 3);
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeDouble(1, latitude);
            out.writeDouble(2, longitude);
            out.writeDouble(3, altitude);
            if (covariance != null) {
                out.writeTag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(covariance.length * 8);
                for (double c : covariance) {
                    out.writeDoubleNoTag(c);
                }
            }
            out.writeEnum(5, covarianceType);
            timestamp(out, 6, timeNs);
            out.writeString(7, frameId);
            out.flush();
            length = out.getTotalBytesWritten();
            return length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void timestamp(CodedOutputStream out, int field, long timeNs) throws IOException {
        long seconds = Math.floorDiv(timeNs, 1_000_000_000L);
        int nanos = (int) Math.floorMod(timeNs, 1_000_000_000L);
        int size = (seconds != 0 ? CodedOutputStream.computeInt64Size(1, seconds) : 0)
                + (nanos != 0 ? CodedOutputStream.computeInt32Size(2, nanos) : 0);
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
        if (seconds != 0) {
            out.writeInt64(1, seconds);
        }
        if (nanos != 0) {
            out.writeInt32(2, nanos);
        }
    }

    /** Writes a bytes field's tag and length; returns where its content goes. */
    private static int bytesHeader(CodedOutputStream out, int field, int len) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(len);
        out.flush();
        return out.getTotalBytesWritten();
    }

    private void ensure(int capacity) {
        if (bytes.length < capacity) {
            bytes = new byte[Math.max(capacity, bytes.length * 2)];
            view.wrap(bytes);
        }
    }
}
