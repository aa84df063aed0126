package dev.edgeagent.agent.decode;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import dev.edgeagent.agent.decode.foxglove.FoxgloveEncoder;
import dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas;
import dev.edgeagent.agent.decode.foxglove.PointLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Messages the encoder writes, read back by protobuf-java's generic parser through the schema the batch carries. */
public class FoxgloveEncoderTest {

    /** What a reader does with an MCAP protobuf schema: build the descriptors from the FileDescriptorSet. */
    public static Descriptors.Descriptor descriptor(DerivedSchema schema) throws Exception {
        FileDescriptorSet set = FileDescriptorSet.parseFrom(schema.data());
        Map<String, Descriptors.FileDescriptor> built = new HashMap<>();
        Descriptors.FileDescriptor last = null;
        for (FileDescriptorProto f : set.getFileList()) {
            Descriptors.FileDescriptor[] deps = f.getDependencyList().stream().map(built::get)
                    .toArray(Descriptors.FileDescriptor[]::new);
            last = Descriptors.FileDescriptor.buildFrom(f, deps);
            built.put(f.getName(), last);
        }
        return last.findMessageTypeByName(schema.name().substring("foxglove.".length()));
    }

    static DynamicMessage parse(DerivedSchema schema, FoxgloveEncoder e) throws Exception {
        byte[] bytes = new byte[e.length()];
        e.buffer().getBytes(0, bytes);
        return DynamicMessage.parseFrom(descriptor(schema), bytes);
    }

    static Object get(Message m, String field) {
        return m.getField(m.getDescriptorForType().findFieldByName(field));
    }

    @Test
    void compressedImageCarriesTheFrameByteForByteWithItsTimeAndFormat() throws Exception {
        byte[] jpeg = new byte[100_000];
        for (int i = 0; i < jpeg.length; i++) {
            jpeg[i] = (byte) (i * 31 + 7);
        }
        FoxgloveEncoder e = new FoxgloveEncoder();
        e.compressedImage(1_700_000_123_456_789_012L, "cam0", "jpeg", new UnsafeBuffer(jpeg), 0, jpeg.length);
        DynamicMessage m = parse(FoxgloveSchemas.COMPRESSED_IMAGE, e);
        assertEquals("cam0", get(m, "frame_id"));
        assertEquals("jpeg", get(m, "format"));
        assertArrayEquals(jpeg, ((com.google.protobuf.ByteString) get(m, "data")).toByteArray());
        Message ts = (Message) get(m, "timestamp");
        assertEquals(1_700_000_123L, get(ts, "seconds"));
        assertEquals(456_789_012, get(ts, "nanos"));
    }

    @Test
    void compressedVideoUsesItsOwnFieldNumbers() throws Exception {
        byte[] au = {0, 0, 0, 1, 0x65, 1, 2, 3};
        FoxgloveEncoder e = new FoxgloveEncoder();
        e.compressedVideo(2_000_000_001L, "dash", "h264", new UnsafeBuffer(au), 0, au.length);
        DynamicMessage m = parse(FoxgloveSchemas.COMPRESSED_VIDEO, e);
        assertEquals("dash", get(m, "frame_id"));
        assertEquals("h264", get(m, "format"));
        assertArrayEquals(au, ((com.google.protobuf.ByteString) get(m, "data")).toByteArray());
        assertEquals(2L, get((Message) get(m, "timestamp"), "seconds"));
        assertEquals(1, get((Message) get(m, "timestamp"), "nanos"));
    }

    @Test
    void pointCloudNamesItsFieldsAndHasAnIdentityPose() throws Exception {
        byte[] points = new byte[3 * PointLayout.STRIDE];
        Arrays.fill(points, (byte) 0x5a);
        FoxgloveEncoder e = new FoxgloveEncoder();
        e.pointCloud(5_000_000_000L, "lidar", PointLayout.XYZ_INTENSITY_RING_TIME, new UnsafeBuffer(points), 0,
                points.length);
        DynamicMessage m = parse(FoxgloveSchemas.POINT_CLOUD, e);
        assertEquals(24, get(m, "point_stride"));
        @SuppressWarnings("unchecked")
        List<Message> fields = (List<Message>) get(m, "fields");
        assertEquals(List.of("x", "y", "z", "intensity", "ring", "t"),
                fields.stream().map(f -> (String) get(f, "name")).toList());
        assertEquals(List.of(0, 4, 8, 12, 16, 20), fields.stream().map(f -> (Integer) get(f, "offset")).toList());
        assertEquals(List.of("FLOAT32", "FLOAT32", "FLOAT32", "FLOAT32", "UINT16", "UINT32"),
                fields.stream().map(f -> ((Descriptors.EnumValueDescriptor) get(f, "type")).getName()).toList());
        Message orientation = (Message) get((Message) get(m, "pose"), "orientation");
        assertEquals(1.0, get(orientation, "w"));
        assertEquals(0.0, get(orientation, "x"));
        assertArrayEquals(points, ((com.google.protobuf.ByteString) get(m, "data")).toByteArray());
    }

    @Test
    void locationFixKeepsPositionAndCovariance() throws Exception {
        FoxgloveEncoder e = new FoxgloveEncoder();
        double[] cov = {1, 0, 0, 0, 2, 0, 0, 0, 9};
        e.locationFix(-1L, "gnss", 48.1173, 11.5167, 545.4, cov, 2);
        DynamicMessage m = parse(FoxgloveSchemas.LOCATION_FIX, e);
        assertEquals(48.1173, get(m, "latitude"));
        assertEquals(11.5167, get(m, "longitude"));
        assertEquals(545.4, get(m, "altitude"));
        assertEquals(List.of(1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 9.0), get(m, "position_covariance"));
        assertEquals("DIAGONAL_KNOWN", ((Descriptors.EnumValueDescriptor) get(m, "position_covariance_type")).getName());
        // -1 ns is 1 ns before the epoch: protobuf Timestamps keep nanos non-negative
        assertEquals(-1L, get((Message) get(m, "timestamp"), "seconds"));
        assertEquals(999_999_999, get((Message) get(m, "timestamp"), "nanos"));
    }
}
