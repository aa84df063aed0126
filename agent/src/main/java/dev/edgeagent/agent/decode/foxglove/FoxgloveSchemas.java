package dev.edgeagent.agent.decode.foxglove;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.TimestampProto;
import dev.edgeagent.agent.decode.DerivedSchema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Foxglove message schemas the agent writes, as protobuf schemas the way MCAP carries them: the schema name
 * is the full message name and its data a serialized {@code FileDescriptorSet} holding the message's file and
 * every file it imports. Field names and numbers are those of Foxglove's published {@code .proto} files
 * (foxglove-sdk {@code schemas/proto/foxglove}), built here with protobuf-java's descriptor builders, so Foxglove
 * and any protobuf reader decode the messages. {@code LocationFix} carries the subset of fields the agent fills
 * (1 to 7); protobuf readers take a subset schema as it is.
 */
public final class FoxgloveSchemas {

    private static final String TIMESTAMP = ".google.protobuf.Timestamp";

    private static final FileDescriptorProto TIMESTAMP_FILE = TimestampProto.getDescriptor().toProto();
    private static final FileDescriptorProto VECTOR3 = file("Vector3", List.of(), message("Vector3",
            field("x", 1, Type.TYPE_DOUBLE), field("y", 2, Type.TYPE_DOUBLE), field("z", 3, Type.TYPE_DOUBLE)));
    private static final FileDescriptorProto QUATERNION = file("Quaternion", List.of(), message("Quaternion",
            field("x", 1, Type.TYPE_DOUBLE), field("y", 2, Type.TYPE_DOUBLE), field("z", 3, Type.TYPE_DOUBLE),
            field("w", 4, Type.TYPE_DOUBLE)));
    private static final FileDescriptorProto POSE = file("Pose", List.of("foxglove/Vector3.proto",
            "foxglove/Quaternion.proto"), message("Pose",
            field("position", 1, ".foxglove.Vector3"), field("orientation", 2, ".foxglove.Quaternion")));
    private static final FileDescriptorProto PACKED_ELEMENT_FIELD = file("PackedElementField", List.of(),
            message("PackedElementField",
                    field("name", 1, Type.TYPE_STRING), field("offset", 2, Type.TYPE_FIXED32),
                    enumField("type", 3, ".foxglove.PackedElementField.NumericType"))
                    .toBuilder().addEnumType(enumType("NumericType", "UNKNOWN", "UINT8", "INT8", "UINT16", "INT16",
                            "UINT32", "INT32", "FLOAT32", "FLOAT64")).build());

    public static final DerivedSchema COMPRESSED_IMAGE = schema("CompressedImage", message("CompressedImage",
            field("timestamp", 1, TIMESTAMP), field("frame_id", 4, Type.TYPE_STRING),
            field("data", 2, Type.TYPE_BYTES), field("format", 3, Type.TYPE_STRING)),
            List.of(TIMESTAMP_FILE));

    public static final DerivedSchema COMPRESSED_VIDEO = schema("CompressedVideo", message("CompressedVideo",
            field("timestamp", 1, TIMESTAMP), field("frame_id", 2, Type.TYPE_STRING),
            field("data", 3, Type.TYPE_BYTES), field("format", 4, Type.TYPE_STRING)),
            List.of(TIMESTAMP_FILE));

    public static final DerivedSchema POINT_CLOUD = schema("PointCloud", message("PointCloud",
            field("timestamp", 1, TIMESTAMP), field("frame_id", 2, Type.TYPE_STRING),
            field("pose", 3, ".foxglove.Pose"), field("point_stride", 4, Type.TYPE_FIXED32),
            repeated(field("fields", 5, ".foxglove.PackedElementField")), field("data", 6, Type.TYPE_BYTES)),
            List.of(TIMESTAMP_FILE, VECTOR3, QUATERNION, POSE, PACKED_ELEMENT_FIELD));

    public static final DerivedSchema LOCATION_FIX = schema("LocationFix", message("LocationFix",
            field("latitude", 1, Type.TYPE_DOUBLE), field("longitude", 2, Type.TYPE_DOUBLE),
            field("altitude", 3, Type.TYPE_DOUBLE),
            repeated(field("position_covariance", 4, Type.TYPE_DOUBLE)),
            enumField("position_covariance_type", 5, ".foxglove.LocationFix.PositionCovarianceType"),
            field("timestamp", 6, TIMESTAMP), field("frame_id", 7, Type.TYPE_STRING))
            .toBuilder().addEnumType(enumType("PositionCovarianceType", "UNKNOWN", "APPROXIMATED",
                    "DIAGONAL_KNOWN", "KNOWN")).build(),
            List.of(TIMESTAMP_FILE));

    private FoxgloveSchemas() {
    }

    private static DerivedSchema schema(String name, DescriptorProto message, List<FileDescriptorProto> deps) {
        FileDescriptorProto file = file(name, deps.stream().map(FileDescriptorProto::getName).toList(), message);
        FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
        Map<String, FileDescriptorProto> all = new LinkedHashMap<>();
        for (FileDescriptorProto d : deps) {
            all.put(d.getName(), d);
        }
        all.put(file.getName(), file);
        set.addAllFile(all.values());
        verify(all);
        return new DerivedSchema("foxglove." + name, "protobuf", set.build().toByteArray(), "protobuf");
    }

    /** Builds the descriptors once: a wrong type name or number fails at class load, not in a viewer. */
    private static void verify(Map<String, FileDescriptorProto> files) {
        Map<String, Descriptors.FileDescriptor> built = new LinkedHashMap<>();
        for (FileDescriptorProto f : files.values()) {
            Descriptors.FileDescriptor[] deps = f.getDependencyList().stream().map(built::get)
                    .toArray(Descriptors.FileDescriptor[]::new);
            try {
                built.put(f.getName(), Descriptors.FileDescriptor.buildFrom(f, deps));
            } catch (Descriptors.DescriptorValidationException e) {
                throw new IllegalStateException("Foxglove schema " + f.getName() + " is invalid: " + e.getMessage(), e);
            }
        }
    }

    private static FileDescriptorProto file(String name, List<String> deps, DescriptorProto message) {
        return FileDescriptorProto.newBuilder().setName("foxglove/" + name + ".proto").setPackage("foxglove")
                .setSyntax("proto3").addAllDependency(deps).addMessageType(message).build();
    }

    private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
        return DescriptorProto.newBuilder().setName(name).addAllField(List.of(fields)).build();
    }

    private static FieldDescriptorProto field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(Label.LABEL_OPTIONAL).setJsonName(jsonName(name)).build();
    }

    private static FieldDescriptorProto field(String name, int number, String messageType) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(Type.TYPE_MESSAGE)
                .setTypeName(messageType).setLabel(Label.LABEL_OPTIONAL).setJsonName(jsonName(name)).build();
    }

    private static FieldDescriptorProto enumField(String name, int number, String enumType) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(Type.TYPE_ENUM)
                .setTypeName(enumType).setLabel(Label.LABEL_OPTIONAL).setJsonName(jsonName(name)).build();
    }

    private static FieldDescriptorProto repeated(FieldDescriptorProto f) {
        return f.toBuilder().setLabel(Label.LABEL_REPEATED).build();
    }

    private static EnumDescriptorProto enumType(String name, String... values) {
        EnumDescriptorProto.Builder b = EnumDescriptorProto.newBuilder().setName(name);
        for (int i = 0; i < values.length; i++) {
            b.addValue(EnumValueDescriptorProto.newBuilder().setName(values[i]).setNumber(i));
        }
        return b.build();
    }

    private static String jsonName(String name) {
        StringBuilder s = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                s.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return s.toString();
    }
}
