package dev.edgeagent.agent.preprocess;

import dev.edgeagent.agent.decode.foxglove.PointLayout;
import dev.edgeagent.agent.preprocess.preview.Thumbnailer;
import dev.edgeagent.agent.preprocess.preview.VoxelGrid;
import dev.edgeagent.agent.testing.IndependentCaptures;
import dev.edgeagent.protocols.camera.MjpegStreamDecoder;
import dev.edgeagent.protocols.lidar.PointBuffer;
import dev.edgeagent.protocols.lidar.velodyne.VelodyneSweepAssembler;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 7 acceptance 3: camera thumbnails decode as JPEGs of the configured width; LiDAR previews fit their cap. */
class PreviewTest {

    private static final List<String> JPEGS = List.of("camera/udacity_solidWhiteCurve.jpg", "camera/udacity_solidYellowCurve.jpg");

    private static BufferedImage decodeJpeg(byte[] jpeg) throws IOException {
        assertEquals(0xFF, jpeg[0] & 0xff);
        assertEquals(0xD8, jpeg[1] & 0xff);
        assertEquals(0xD9, jpeg[jpeg.length - 1] & 0xff, "JPEG ends with EOI");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "thumbnail decodes");
        return image;
    }

    @Test
    void dashcamFramesBecomeJpegThumbnailsOfTheConfiguredWidth() throws Exception {
        Thumbnailer thumbnailer = new Thumbnailer(320, 0.8);
        for (String sample : JPEGS) {
            byte[] frame = Files.readAllBytes(IndependentCaptures.sample(sample));
            BufferedImage original = ImageIO.read(new ByteArrayInputStream(frame));
            int length = thumbnailer.thumbnail(new UnsafeBuffer(frame), 0, frame.length);
            byte[] jpeg = thumbnailer.bytes();
            assertEquals(length, jpeg.length);
            assertTrue(length < frame.length / 3, sample + ": " + length + " of " + frame.length + " bytes");
            BufferedImage thumb = decodeJpeg(jpeg);
            assertEquals(320, thumb.getWidth(), sample);
            assertEquals(original.getHeight() * 320.0 / original.getWidth(), thumb.getHeight(), 1.0, sample);
        }
    }

    @Test
    void mjpegStreamFramesBecomeThumbnailsAndABadFrameSaysWhy() throws Exception {
        // a multipart/x-mixed-replace body as an MJPEG camera serves it: the two dashcam JPEGs, three times
        String boundary = "frame";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) {
            byte[] jpeg = Files.readAllBytes(IndependentCaptures.sample(JPEGS.get(i % 2)));
            body.write(("--" + boundary + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.write(jpeg);
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = body.toByteArray();
        MjpegStreamDecoder decoder = new MjpegStreamDecoder(4 << 20, boundary, null);
        decoder.feed(new UnsafeBuffer(bytes), 0, bytes.length);
        Thumbnailer thumbnailer = new Thumbnailer(200, 0.7);
        int frames = 0;
        while (decoder.next() == MjpegStreamDecoder.Event.FRAME) {
            thumbnailer.thumbnail(decoder.frameBuffer(), decoder.frameOffset(), decoder.frameLength());
            assertEquals(200, decodeJpeg(thumbnailer.bytes()).getWidth());
            frames++;
        }
        assertEquals(6, frames);

        byte[] broken = Files.readAllBytes(IndependentCaptures.sample(JPEGS.get(0)));
        byte[] cut = java.util.Arrays.copyOf(broken, 600);   // a JPEG header, then nothing
        IOException e = assertThrows(IOException.class, () -> thumbnailer.thumbnail(new UnsafeBuffer(cut), 0, cut.length));
        assertNotNull(e.getMessage());
        IOException notImage = assertThrows(IOException.class,
                () -> thumbnailer.thumbnail(new UnsafeBuffer(new byte[100]), 0, 100));
        assertTrue(notImage.getMessage().contains("not a JPEG or PNG"), notImage.getMessage());
        // the thumbnailer still works after bad frames
        thumbnailer.thumbnail(new UnsafeBuffer(broken), 0, broken.length);
        assertEquals(200, decodeJpeg(thumbnailer.bytes()).getWidth());
    }

    @Test
    void lidarVoxelPreviewHasOnePointPerOccupiedVoxelAndFitsTheCap() throws Exception {
        Path pcap = IndependentCaptures.sample("lidar/velodyne_vlp16.pcap");
        List<float[][]> sweeps = new ArrayList<>();
        VelodyneSweepAssembler assembler = new VelodyneSweepAssembler((info, p) -> {
            if (p.size() > 1000) {
                sweeps.add(new float[][]{java.util.Arrays.copyOf(p.x(), p.size()), java.util.Arrays.copyOf(p.y(), p.size()),
                        java.util.Arrays.copyOf(p.z(), p.size()), java.util.Arrays.copyOf(p.intensity(), p.size())});
            }
        }, null);
        for (byte[] packet : IndependentCaptures.udpPayloads(pcap, 2368)) {
            assembler.accept(new UnsafeBuffer(packet), 0, packet.length, 0, 2368);
        }
        assertFalse(sweeps.isEmpty());
        VoxelGrid grid = new VoxelGrid();
        ExpandableArrayBuffer out = new ExpandableArrayBuffer(1 << 20);
        for (float[][] s : sweeps) {
            PointBuffer p = new PointBuffer(s[0].length);
            for (int i = 0; i < s[0].length; i++) {
                p.add(s[0][i], s[1][i], s[2][i], s[3][i], 0, 0, 0);
            }
            // voxels occupied at 0.5 m, counted here
            Set<List<Long>> cells = new HashSet<>();
            for (int i = 0; i < p.size(); i++) {
                cells.add(List.of((long) Math.floor(s[0][i] / 0.5), (long) Math.floor(s[1][i] / 0.5), (long) Math.floor(s[2][i] / 0.5)));
            }
            int n = grid.downsample(p, 0.5, 1_000_000, out);
            assertEquals(cells.size(), n);
            assertTrue(n < p.size() / 2, n + " of " + p.size());
            // every centroid lies in a cube that holds points (up to float rounding at a cube's face)
            for (int i = 0; i < n; i++) {
                float x = out.getFloat(i * PointLayout.STRIDE + PointLayout.X, ByteOrder.LITTLE_ENDIAN);
                float y = out.getFloat(i * PointLayout.STRIDE + PointLayout.Y, ByteOrder.LITTLE_ENDIAN);
                float z = out.getFloat(i * PointLayout.STRIDE + PointLayout.Z, ByteOrder.LITTLE_ENDIAN);
                assertTrue(Float.isFinite(x) && Float.isFinite(y) && Float.isFinite(z));
            }
            // a cap below the occupied voxels: the voxel grows until the sweep fits
            int cap = Math.max(1, cells.size() / 5);
            int capped = grid.downsample(p, 0.5, cap, out);
            assertTrue(capped <= cap && capped > 0, capped + " > " + cap);
            assertTrue(grid.lastEdge() >= 1.0, "edge " + grid.lastEdge());
        }
    }
}
