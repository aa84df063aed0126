package dev.edgeagent.agent.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import dev.edgeagent.agent.decode.DerivedSchema;
import dev.edgeagent.agent.decode.FoxgloveEncoderTest;
import dev.edgeagent.agent.testing.AgentProcess;
import dev.edgeagent.agent.testing.UploadedBatches;
import dev.edgeagent.protocols.mcap.McapMessage;
import dev.edgeagent.protocols.mcap.McapReferenceCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 4, acceptance 2: config/examples/all-sensors-replay.yaml runs LiDAR, CAN, GNSS, camera and IMU captures
 * together through the packaged agent; every batch is accepted by the reference MCAP reader, every channel has
 * the schema its data needs, every protobuf/JSON message decodes by it (the reference reader decodes them as
 * Foxglove does), and the decoded values agree with facts this test reads from the capture files itself.
 */
class AllSensorsReplayIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everySensorFamilyLandsInMcapWithTheRightSchemas() throws Exception {
        Path repo = AgentProcess.repoRoot();
        Path upload = dir.resolve("upload");
        try (AgentProcess agent = AgentProcess.start(repo, dir, Map.of(
                "AGENT_DATA_DIR", dir.resolve("data").toString(),
                "AGENT_UPLOAD_TARGET", "file:" + upload),
                "--config", "config/examples/all-sensors-replay.yaml", "--once")) {
            assertEquals(0, agent.waitFor(240), agent.output());
            assertTrue(agent.output().contains("OK: everything captured was sealed and uploaded"), agent.output());
        }
        UploadedBatches uploaded = UploadedBatches.read(upload);

        // schemas per topic as the reference reader saw them, and every decodable message decoded
        List<Path> objects;
        try (Stream<Path> files = Files.walk(upload)) {
            objects = files.filter(p -> p.toString().endsWith(".mcap")).sorted().toList();
        }
        Map<String, String> schemaOf = new java.util.TreeMap<>();
        for (McapReferenceCheck.Result r : McapReferenceCheck.check(objects)) {
            assertTrue(r.ok(), r.toString());
            r.topics().forEach((topic, t) -> {
                schemaOf.put(topic, t.schema());
                if (t.messageEncoding().equals("protobuf") || t.messageEncoding().equals("json")) {
                    assertEquals(t.messages(), t.decoded(), topic + " decodes by its schema " + t.schema());
                }
            });
        }
        assertEquals("foxglove.PointCloud", schemaOf.get("/lidar-ouster/points"));
        assertEquals("foxglove.PointCloud", schemaOf.get("/lidar-vlp16/points"));
        assertEquals("foxglove.PointCloud", schemaOf.get("/lidar-hdl32/points"));
        assertEquals("edgeagent.can.ENGINE_DATA", schemaOf.get("/can-civic/signals/ENGINE_DATA"));
        assertEquals("foxglove.LocationFix", schemaOf.get("/gnss-m9n/fix"));
        assertEquals("foxglove.LocationFix", schemaOf.get("/gnss-m8l/fix"));
        assertEquals("edgeagent.imu.Sample", schemaOf.get("/imu-xio/imu"));
        assertEquals("foxglove.CompressedVideo", schemaOf.get("/camera-dash/camera-dash"));
        assertEquals("foxglove.CompressedImage", schemaOf.get("/camera-euroc/camera-euroc"));

        // LiDAR: the Ouster capture is frames 1795-1797, each 64 packets x 16 columns x 128 beams
        assertEquals(192, uploaded.stream("lidar-ouster").size());
        assertEquals(3, uploaded.derived("lidar-ouster", "points").size());
        for (McapMessage m : uploaded.derived("lidar-ouster", "sweeps")) {
            JsonNode s = JSON.readTree(m.message().data());
            assertEquals(64, s.get("packets").asInt());
            assertEquals(0, s.get("lost_packets").asInt());
            assertEquals(128 * 1024, s.get("points").asInt() + s.get("zero_range_skipped").asInt());
        }
        // the HDL-32E file: 91 data + 9 position packets; its factory byte does not decide the model
        assertEquals(100, uploaded.stream("lidar-hdl32").size());
        assertEquals("HDL-32E", JSON.readTree(uploaded.derived("lidar-hdl32", "sweeps").get(0).message().data())
                .get("model").asText());
        assertEquals("VLP-16", JSON.readTree(uploaded.derived("lidar-vlp16", "sweeps").get(0).message().data())
                .get("model").asText());

        // GNSS: the first fix of the NEO-M9N log is its first RMC sentence, ddmm.mmmm worked out here
        String rmc = Files.readAllLines(repo.resolve("samples/gnss/gpsd_ublox-neo-m9n-nmea.log"), StandardCharsets.ISO_8859_1)
                .stream().filter(l -> l.matches("^\\$G.RMC,.*")).findFirst().orElseThrow();
        String[] f = rmc.split(",");
        double lat = (Integer.parseInt(f[3].substring(0, 2)) + Double.parseDouble(f[3].substring(2)) / 60) * (f[4].equals("S") ? -1 : 1);
        double lon = (Integer.parseInt(f[5].substring(0, 3)) + Double.parseDouble(f[5].substring(3)) / 60) * (f[6].equals("W") ? -1 : 1);
        JsonNode firstFix = JSON.readTree(uploaded.derived("gnss-m9n", "fix-detail").get(0).message().data());
        assertEquals(lat, firstFix.get("latitude").asDouble(), 1e-9);
        assertEquals(lon, firstFix.get("longitude").asDouble(), 1e-9);
        long rmcCount = Files.readAllLines(repo.resolve("samples/gnss/gpsd_ublox-neo-m9n-nmea.log"), StandardCharsets.ISO_8859_1)
                .stream().filter(l -> l.matches("^\\$G.RMC,.*")).count();
        // one fix per epoch; the last epoch stays open at the end of the file (no later time closes it)
        assertEquals(rmcCount - 1, uploaded.derived("gnss-m9n", "fix").size());
        DynamicMessage fix = DynamicMessage.parseFrom(FoxgloveEncoderTest.descriptor(
                schema(uploaded.derived("gnss-m9n", "fix").get(0))), uploaded.derived("gnss-m9n", "fix").get(0).message().data());
        assertEquals(lat, (Double) fix.getField(fix.getDescriptorForType().findFieldByName("latitude")), 1e-9);

        // IMU: every x-io row is a sample; the first one's gyro in rad/s from the CSV's deg/s
        List<String> rows = Files.readAllLines(repo.resolve("samples/imu/xio_fusion_sensor_data.csv"));
        assertEquals(rows.size() - 1, uploaded.stream("imu-xio").size());
        assertEquals(rows.size() - 1, uploaded.derived("imu-xio", "imu").size());
        String[] row = rows.get(1).split(",");
        JsonNode imu = JSON.readTree(uploaded.derived("imu-xio", "imu").get(0).message().data());
        assertEquals(Double.parseDouble(row[1]) * Math.PI / 180, imu.get("gyro_x_rad_s").asDouble(), 1e-12);
        assertEquals(Double.parseDouble(row[4]) * 9.80665, imu.get("accel_x_m_s2").asDouble(), 1e-9);

        // cameras: 221 H.264 access units, keyframes = access units holding an IDR NAL (type 5), scanned here
        List<UploadedBatches.Message> video = uploaded.stream("camera-dash");
        assertEquals(221, video.size());
        long idr = 0;
        for (UploadedBatches.Message m : video) {
            byte[] au = bytesField(uploaded, m, "foxglove.CompressedVideo");
            for (int i = 0; i + 3 < au.length; i++) {
                if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1 && (au[i + 3] & 0x1f) == 5) {
                    idr++;
                    break;
                }
            }
        }
        assertEquals(idr, uploaded.derived("camera-dash", "keyframes").size());
        assertTrue(idr >= 1);
        // EuRoC frames: the PNG files byte for byte, in data.csv order
        List<String> csv = new ArrayList<>(Files.readAllLines(repo.resolve("samples/euroc/cam0/data.csv")));
        csv.removeIf(l -> l.startsWith("#") || l.isBlank());
        List<UploadedBatches.Message> frames = uploaded.stream("camera-euroc");
        assertEquals(csv.size(), frames.size());
        for (int i = 0; i < csv.size(); i++) {
            byte[] png = Files.readAllBytes(repo.resolve("samples/euroc/cam0/data").resolve(csv.get(i).split(",")[1].trim()));
            assertArrayEquals(png, bytesField(uploaded, frames.get(i), "foxglove.CompressedImage"), "frame " + i);
        }

        // issue 7: the preprocess blocks of the example give their derived streams (the reference reader accepted
        // them above, and decoded every JSON and protobuf message by its schema)
        assertEquals("edgeagent.features.Window", schemaOf.get("/can-civic-features/ENGINE_DATA.XMISSION_SPEED/1s"));
        assertEquals("edgeagent.features.Window", schemaOf.get("/imu-xio-features/accel.x/1s"));
        assertEquals("edgeagent.quality.Event", schemaOf.get("/can-civic-quality/stuck"));   // parked for 20 s
        assertEquals("foxglove.PointCloud", schemaOf.get("/lidar-vlp16-preview"));
        assertEquals("foxglove.CompressedImage", schemaOf.get("/camera-euroc-preview"));
        List<String> decimatedTopics = schemaOf.keySet().stream().filter(t -> t.startsWith("/can-civic-decimated/")).toList();
        assertFalse(decimatedTopics.isEmpty(), schemaOf.toString());
        for (String t : decimatedTopics) {
            assertEquals(schemaOf.get(t.replace("/can-civic-decimated/", "/can-civic/")), schemaOf.get(t), t);
        }
        assertEquals((uploaded.stream("can-civic").size() + 9) / 10, uploaded.stream("can-civic-decimated").size());
        assertTrue(uploaded.manifests.stream().anyMatch(m -> m.streamId().equals("can-civic-quality")
                && m.tier().equals("critical")));
        // thumbnails: every 5th EuRoC frame as a 160-pixel JPEG
        List<UploadedBatches.Message> thumbs = uploaded.stream("camera-euroc-preview");
        assertEquals((csv.size() + 4) / 5, thumbs.size());
        for (UploadedBatches.Message m : thumbs) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    bytesField(uploaded, m, "foxglove.CompressedImage")));
            assertEquals(160, img.getWidth());
        }
        // LiDAR voxel previews: no more points than max-points (24-byte points)
        assertFalse(uploaded.stream("lidar-vlp16-preview").isEmpty());
        for (UploadedBatches.Message m : uploaded.stream("lidar-vlp16-preview")) {
            DynamicMessage cloud = DynamicMessage.parseFrom(FoxgloveEncoderTest.descriptor(
                    dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas.POINT_CLOUD), m.payload());
            int bytes = ((ByteString) cloud.getField(cloud.getDescriptorForType().findFieldByName("data"))).size();
            assertTrue(bytes > 0 && bytes / 24 <= 5000, bytes + " bytes");
        }
        // issue 5: one aligned set per EuRoC frame; the IMU samples at the frame's own instant (the rig shares
        // one clock), so the interpolated values are that IMU row's
        List<UploadedBatches.Message> sets = uploaded.stream("align-euroc");
        assertEquals(csv.size(), sets.size());
        List<String> imuRows = Files.readAllLines(repo.resolve("samples/euroc/imu0/data.csv"));
        for (int i = 0; i < sets.size(); i++) {
            JsonNode set = JSON.readTree(sets.get(i).payload());
            long frameTime = Long.parseLong(csv.get(i).split(",")[0].trim());
            assertEquals(frameTime, set.path("ref").path("sensorTime").asLong(), set.toString());
            assertEquals(frameTime, sets.get(i).publishTime(), "the set's time (the frame's, sensor clock) as publish time");
            JsonNode imuMember = set.path("members").get(0);
            assertEquals("interpolated", imuMember.path("status").asText(), set.toString());
            assertEquals(0, imuMember.path("skewNs").asLong(), set.toString());
            assertEquals(0, set.path("missing").asLong());
            String imuRow = imuRows.stream().filter(r -> r.startsWith(frameTime + ",")).findFirst().orElseThrow();
            assertEquals(Double.parseDouble(imuRow.split(",")[1]), imuMember.path("values").path("gyro.x").asDouble(), 1e-9, set.toString());
            assertEquals(Double.parseDouble(imuRow.split(",")[6]), imuMember.path("values").path("accel.z").asDouble(), 1e-9, set.toString());
        }
        // the batches say how their log times were made: --once replays faster than real time, so receive times
        assertTrue(uploaded.manifests.stream().filter(m -> m.streamId().equals("imu-euroc"))
                .allMatch(m -> m.alignment() != null && m.alignment().clock().equals("receive")), "imu-euroc manifests");
    }

    private static DerivedSchema schema(McapMessage m) {
        return new DerivedSchema(m.schema().name(), m.schema().encoding(), m.schema().data(), m.channel().messageEncoding());
    }

    /** The {@code data} field of a camera message, decoded with the schema the batch carries. */
    private static byte[] bytesField(UploadedBatches uploaded, UploadedBatches.Message m, String schemaName) throws Exception {
        DerivedSchema schema = switch (schemaName) {
            case "foxglove.CompressedVideo" -> dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas.COMPRESSED_VIDEO;
            default -> dev.edgeagent.agent.decode.foxglove.FoxgloveSchemas.COMPRESSED_IMAGE;
        };
        DynamicMessage d = DynamicMessage.parseFrom(FoxgloveEncoderTest.descriptor(schema), m.payload());
        return ((ByteString) d.getField(d.getDescriptorForType().findFieldByName("data"))).toByteArray();
    }
}
