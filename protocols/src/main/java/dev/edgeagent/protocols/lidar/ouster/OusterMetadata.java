package dev.edgeagent.protocols.lidar.ouster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The parts of an Ouster sensor metadata JSON that decoding needs. Reads both layouts: the flat one of firmware
 * 2.x ({@code beam_altitude_angles}, {@code data_format}, {@code lidar_mode} at the top level) and the nested
 * one of later firmware and SDKs ({@code beam_intrinsics}, {@code lidar_intrinsics}, {@code lidar_data_format},
 * {@code config_params}, {@code sensor_info}). A missing or malformed field fails with an
 * {@link IllegalArgumentException} naming it: metadata is configuration, read once at start.
 *
 * @param beamToLidarTransform   row-major 4x4, mm; without one in the file: identity with
 *                               {@code [0][3] = lidar_origin_to_beam_origin_mm}
 * @param lidarToSensorTransform row-major 4x4, mm
 * @param imuToSensorTransform   row-major 4x4, mm (identity if absent)
 * @param columnWindow           first and last column the sensor sends (inclusive)
 */
public record OusterMetadata(String prodLine, String serial, long initId, String lidarMode, int columnsPerFrame,
                             int frequencyHz, int columnsPerPacket, int pixelsPerColumn, OusterProfile profile,
                             String imuProfile, double[] beamAltitudeDeg, double[] beamAzimuthDeg,
                             double lidarOriginToBeamOriginMm, double[] beamToLidarTransform,
                             double[] lidarToSensorTransform, double[] imuToSensorTransform, int[] columnWindow,
                             int udpPortLidar, int udpPortImu) {

    public static final int DEFAULT_LIDAR_PORT = 7502;
    public static final int DEFAULT_IMU_PORT = 7503;

    public static OusterMetadata read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(new ObjectMapper().readTree(in), file.toString());
        }
    }

    public static OusterMetadata parse(String json) throws IOException {
        return parse(new ObjectMapper().readTree(json), "metadata");
    }

    private static OusterMetadata parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        JsonNode beam = obj(root, "beam_intrinsics");
        JsonNode lidarIntr = obj(root, "lidar_intrinsics");
        JsonNode imuIntr = obj(root, "imu_intrinsics");
        JsonNode format = root.has("lidar_data_format") ? root.get("lidar_data_format") : root.get("data_format");
        JsonNode config = obj(root, "config_params");
        JsonNode info = obj(root, "sensor_info");
        if (format == null || !format.isObject()) {
            throw new IllegalArgumentException(where + ": data_format (or lidar_data_format) object is missing");
        }

        double[] alt = doubles(first(beam, root, "beam_altitude_angles"), where, "beam_altitude_angles");
        double[] azi = doubles(first(beam, root, "beam_azimuth_angles"), where, "beam_azimuth_angles");
        int ppc = integer(format.get("pixels_per_column"), where, "data_format.pixels_per_column");
        int cpp = integer(format.get("columns_per_packet"), where, "data_format.columns_per_packet");
        if (alt.length != ppc || azi.length != ppc) {
            throw new IllegalArgumentException(where + ": beam_altitude_angles and beam_azimuth_angles must have "
                    + "pixels_per_column (" + ppc + ") entries, have " + alt.length + " and " + azi.length);
        }
        String mode = text(first(config, root, "lidar_mode"), where, "lidar_mode");
        int x = mode.indexOf('x');
        int cols;
        int hz;
        try {
            cols = Integer.parseInt(mode.substring(0, x));
            hz = Integer.parseInt(mode.substring(x + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": lidar_mode '" + mode + "' must be COLUMNSxRATE, e.g. 1024x10");
        }
        if (format.has("columns_per_frame")) {
            cols = integer(format.get("columns_per_frame"), where, "data_format.columns_per_frame");
        }
        String profileName = format.has("udp_profile_lidar") ? format.get("udp_profile_lidar").asText() : "LEGACY";
        OusterProfile profile = OusterProfile.of(profileName);
        if (profile == null) {
            throw new IllegalArgumentException(where + ": udp_profile_lidar '" + profileName + "' is not one of "
                    + "LEGACY, RNG19_RFL8_SIG16_NIR16, RNG15_RFL8_NIR8, RNG19_RFL8_SIG16_NIR16_DUAL");
        }
        String imuProfile = format.has("udp_profile_imu") ? format.get("udp_profile_imu").asText() : "LEGACY";
        int[] window = {0, cols - 1};
        if (format.has("column_window")) {
            double[] w = doubles(format.get("column_window"), where, "data_format.column_window");
            if (w.length != 2) {
                throw new IllegalArgumentException(where + ": data_format.column_window must have 2 entries");
            }
            window = new int[] {(int) w[0], (int) w[1]};
        }
        double n = number(first(beam, root, "lidar_origin_to_beam_origin_mm"), where,
                "lidar_origin_to_beam_origin_mm");
        JsonNode b2lNode = first(beam, root, "beam_to_lidar_transform");
        double[] b2l = b2lNode != null ? matrix(b2lNode, where, "beam_to_lidar_transform") : identity();
        if (b2lNode == null) {
            b2l[3] = n;
        }
        double[] l2s = matrix(first(lidarIntr, root, "lidar_to_sensor_transform"), where,
                "lidar_to_sensor_transform");
        JsonNode i2sNode = first(imuIntr, root, "imu_to_sensor_transform");
        double[] i2s = i2sNode != null ? matrix(i2sNode, where, "imu_to_sensor_transform") : identity();

        JsonNode portL = first(config, root, "udp_port_lidar");
        JsonNode portI = first(config, root, "udp_port_imu");
        int pl = portL != null && portL.asInt() > 0 ? portL.asInt() : DEFAULT_LIDAR_PORT;
        int pi = portI != null && portI.asInt() > 0 ? portI.asInt() : DEFAULT_IMU_PORT;
        JsonNode prod = first(info, root, "prod_line");
        JsonNode sn = first(info, root, "prod_sn");
        JsonNode init = first(info, root, "initialization_id");
        return new OusterMetadata(prod == null ? "OS" : prod.asText(), sn == null ? "" : sn.asText(),
                init == null ? -1 : init.asLong(), mode, cols, hz, cpp, ppc, profile, imuProfile, alt, azi, n, b2l,
                l2s, i2s, window, pl, pi);
    }

    /** Bytes of one lidar packet in this configuration. */
    public int lidarPacketBytes() {
        return profile.packetBytes(columnsPerPacket, pixelsPerColumn);
    }

    private static JsonNode obj(JsonNode root, String name) {
        JsonNode n = root.get(name);
        return n != null && n.isObject() ? n : null;
    }

    /** The field in the nested object if there is one, else at the top level. */
    private static JsonNode first(JsonNode nested, JsonNode root, String name) {
        if (nested != null && nested.has(name)) {
            return nested.get(name);
        }
        return root.get(name);
    }

    private static double[] doubles(JsonNode n, String where, String field) {
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException(where + ": " + field + " must be an array of numbers");
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (e.isArray()) {
                for (JsonNode f : e) {
                    out.add(num(f, where, field));
                }
            } else {
                out.add(num(e, where, field));
            }
        }
        double[] a = new double[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static double num(JsonNode e, String where, String field) {
        if (!e.isNumber()) {
            throw new IllegalArgumentException(where + ": " + field + " holds '" + e + "', expected a number");
        }
        return e.asDouble();
    }

    private static double[] matrix(JsonNode n, String where, String field) {
        double[] m = doubles(n, where, field);
        if (m.length != 16) {
            throw new IllegalArgumentException(where + ": " + field + " must hold 16 numbers (4x4 row-major), has "
                    + m.length);
        }
        return m;
    }

    private static double[] identity() {
        return new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    }

    private static int integer(JsonNode n, String where, String field) {
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new IllegalArgumentException(where + ": " + field + " must be a positive integer");
        }
        return n.asInt();
    }

    private static double number(JsonNode n, String where, String field) {
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException(where + ": " + field + " must be a number");
        }
        return n.asDouble();
    }

    private static String text(JsonNode n, String where, String field) {
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(where + ": " + field + " must be a string");
        }
        return n.asText();
    }
}
