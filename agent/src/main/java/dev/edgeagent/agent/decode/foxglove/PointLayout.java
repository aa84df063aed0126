package dev.edgeagent.agent.decode.foxglove;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The point layout the agent writes LiDAR sweeps in, as foxglove.PackedElementField entries (encoded once):
 * {@code x, y, z} float32 metres in the sensor frame, {@code intensity} float32, {@code ring} uint16 (laser
 * index, 0 = lowest beam), {@code t} uint32 ns since the sweep's first point; 24 bytes a point, little-endian.
 */
public final class PointLayout {

    public static final int X = 0;
    public static final int Y = 4;
    public static final int Z = 8;
    public static final int INTENSITY = 12;
    public static final int RING = 16;
    public static final int TIME = 20;
    public static final int STRIDE = 24;

    private static final int UINT16 = 3;
    private static final int UINT32 = 5;
    private static final int FLOAT32 = 7;

    public static final PointLayout XYZ_INTENSITY_RING_TIME = new PointLayout(STRIDE,
            new Object[][]{{"x", X, FLOAT32}, {"y", Y, FLOAT32}, {"z", Z, FLOAT32}, {"intensity", INTENSITY, FLOAT32},
                    {"ring", RING, UINT16}, {"t", TIME, UINT32}});

    private final int stride;
    private final byte[] encodedFields;

    private PointLayout(int stride, Object[][] fields) {
        this.stride = stride;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            for (Object[] f : fields) {
                String name = (String) f[0];
                int offset = (Integer) f[1];
                int type = (Integer) f[2];
                int size = CodedOutputStream.computeStringSize(1, name) + CodedOutputStream.computeFixed32Size(2, offset)
                        + CodedOutputStream.computeEnumSize(3, type);
                out.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);   // PointCloud.fields
                out.writeUInt32NoTag(size);
                out.writeString(1, name);
                out.writeFixed32(2, offset);
                out.writeEnum(3, type);
            }
            out.flush();
            this.encodedFields = bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int stride() {
        return stride;
    }

    /** The repeated {@code fields} entries of a PointCloud message, tags included. */
    byte[] encodedFields() {
        return encodedFields;
    }
}
