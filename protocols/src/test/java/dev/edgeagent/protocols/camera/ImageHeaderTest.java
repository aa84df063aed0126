package dev.edgeagent.protocols.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;

import dev.edgeagent.protocols.camera.ImageFormatException.Kind;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The header parser against the JDK's own image readers (javax.imageio decodes the same files independently): width,
 * height, components and progressive / interlaced must agree; every truncation and corruption must end in a typed
 * {@link ImageFormatException} with the right kind and offset, never another exception.
 */
class ImageHeaderTest {

    /** What the JDK's ImageIO reader says about a file. */
    private record Reference(int width, int height, int components, boolean progressive) {
    }

    private static Reference reference(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader r = readers.next();
            r.setInput(in);
            int w = r.getWidth(0);
            int h = r.getHeight(0);
            IIOMetadata md = r.getImageMetadata(0);
            Node root = md.getAsTree(md.getNativeMetadataFormatName());
            if (md.getNativeMetadataFormatName().startsWith("javax_imageio_jpeg")) {
                Element sof = (Element) ((Element) root).getElementsByTagName("sof").item(0);
                return new Reference(w, h, Integer.parseInt(sof.getAttribute("numFrameComponents")),
                        Integer.parseInt(sof.getAttribute("process")) == 2);
            }
            Element ihdr = (Element) ((Element) root).getElementsByTagName("IHDR").item(0);
            int comps = switch (ihdr.getAttribute("colorType")) {
                case "Grayscale", "Palette" -> 1;
                case "GrayAlpha" -> 2;
                case "RGB" -> 3;
                default -> 4;
            };
            return new Reference(w, h, comps, ihdr.getAttribute("interlaceMethod").equals("adam7"));
        }
    }

    private static ImageHeader parse(byte[] bytes) {
        // an exactly sized buffer: any read past the end would throw IndexOutOfBoundsException, not our exception
        return new ImageHeader().parse(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    @Test
    void agreesWithImageIoOnEverySample() throws IOException {
        Path[] files = {
                TestData.sample("camera/udacity_solidWhiteCurve.jpg"),
                TestData.sample("camera/udacity_solidYellowCurve.jpg"),
                TestData.sample("euroc/cam0/data/1403715273262142976.png"),
        };
        int progressiveSeen = 0;
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            Reference ref = reference(bytes);
            ImageHeader h = parse(bytes);
            assertEquals(ref.width(), h.width(), f + " width");
            assertEquals(ref.height(), h.height(), f + " height");
            assertEquals(ref.components(), h.components(), f + " components");
            assertEquals(ref.progressive(), h.progressive(), f + " progressive");
            assertEquals(f.toString().endsWith(".png") ? ImageHeader.Format.PNG : ImageHeader.Format.JPEG, h.format());
            progressiveSeen += h.progressive() ? 1 : 0;
        }
        // the samples hold one baseline and one progressive JPEG (SOURCES.md): both paths are covered
        assertEquals(1, progressiveSeen);
    }

    @Test
    void headerIsReusedWithoutLeftovers() throws IOException {
        ImageHeader h = new ImageHeader();
        byte[] png = Files.readAllBytes(TestData.sample("euroc/cam0/data/1403715273262142976.png"));
        byte[] jpg = Files.readAllBytes(TestData.sample("camera/udacity_solidYellowCurve.jpg"));
        h.parse(new UnsafeBuffer(png), 0, png.length);
        assertEquals(0, h.pngColorType()); // EuRoC cam0 is 8-bit grey
        assertEquals(-1, h.jpegFrameMarker());
        byte[] padded = new byte[jpg.length + 10];
        System.arraycopy(jpg, 0, padded, 7, jpg.length);
        h.parse(new UnsafeBuffer(padded), 7, jpg.length);
        assertEquals(0xC2, h.jpegFrameMarker());
        assertEquals(-1, h.pngColorType());
    }

    @Test
    void everyTruncatedHeaderIsReportedAsTruncated() throws IOException {
        for (String name : new String[] {"camera/udacity_solidWhiteCurve.jpg", "euroc/cam0/data/1403715273262142976.png"}) {
            byte[] bytes = Files.readAllBytes(TestData.sample(name));
            int headerEnd = name.endsWith(".png") ? 33 : sofEnd(bytes);
            for (int n = 2; n < headerEnd; n++) {
                byte[] cut = Arrays.copyOf(bytes, n);
                ImageFormatException e = assertThrows(ImageFormatException.class, () -> parse(cut), name + " cut at " + n);
                assertEquals(Kind.TRUNCATED, e.kind(), name + " cut at " + n + ": " + e.getMessage());
                assertTrue(e.offset() >= 0 && e.offset() <= n, e.getMessage());
            }
            parse(Arrays.copyOf(bytes, headerEnd)); // exactly the header is enough
        }
    }

    /** Where the SOF segment ends, found by the test's own walk over the segment lengths. */
    private static int sofEnd(byte[] b) {
        int p = 2;
        while (true) {
            int marker = b[p + 1] & 0xFF;
            int len = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            if (marker >= 0xC0 && marker <= 0xC2) {
                return p + 10; // marker, length, P, Y, X, Nf: what the parser needs
            }
            p += 2 + len;
        }
    }

    @Test
    void corruptionIsReportedWithKindAndOffset() throws IOException {
        byte[] jpg = Files.readAllBytes(TestData.sample("camera/udacity_solidWhiteCurve.jpg"));
        // the second marker starts right after the first segment (APP0): 2 + 2 + its length
        int second = 4 + (((jpg[4] & 0xFF) << 8) | (jpg[5] & 0xFF));
        byte[] bad = jpg.clone();
        bad[second] = 0x12;
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> parse(bad));
        assertEquals(Kind.BAD_JPEG_SEGMENT, e.kind());
        assertEquals(second, e.offset());

        byte[] zeroLen = jpg.clone();
        zeroLen[4] = 0;
        zeroLen[5] = 1;
        e = assertThrows(ImageFormatException.class, () -> parse(zeroLen));
        assertEquals(Kind.BAD_JPEG_SEGMENT, e.kind());
        assertEquals(2, e.offset());

        byte[] noSof = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2};
        e = assertThrows(ImageFormatException.class, () -> parse(noSof));
        assertEquals(Kind.NO_FRAME_HEADER, e.kind());
        assertEquals(2, e.offset());

        byte[] png = Files.readAllBytes(TestData.sample("euroc/cam0/data/1403715273262142976.png"));
        byte[] badCrc = png.clone();
        badCrc[17] ^= 1; // a width bit: the CRC no longer matches
        e = assertThrows(ImageFormatException.class, () -> parse(badCrc));
        assertEquals(Kind.BAD_PNG_HEADER, e.kind());
        assertEquals(29, e.offset());

        e = assertThrows(ImageFormatException.class, () -> parse("GIF89a....".getBytes()));
        assertEquals(Kind.NOT_AN_IMAGE, e.kind());
        assertEquals(0, e.offset());
    }

    @Test
    void garbageNeverThrowsAnythingElse() {
        Random rnd = new Random(42);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            if (b.length >= 2 && rnd.nextBoolean()) {
                b[0] = (byte) 0xFF;
                b[1] = (byte) 0xD8;
            }
            try {
                ImageHeader h = parse(b);
                assertTrue(h.width() > 0 && h.height() > 0);
                accepted++;
            } catch (ImageFormatException expected) {
                assertTrue(expected.offset() >= 0 && expected.offset() <= b.length);
            }
        }
        assertFalse(accepted > 1000, "random bytes are rarely a valid header: " + accepted);
    }

    @Test
    void soiAndEoiHelpers() throws IOException {
        byte[] jpg = Files.readAllBytes(TestData.sample("camera/udacity_solidWhiteCurve.jpg"));
        UnsafeBuffer b = new UnsafeBuffer(jpg);
        assertTrue(ImageHeader.startsWithSoi(b, 0, jpg.length));
        assertEquals(jpg[jpg.length - 1] == (byte) 0xD9 && jpg[jpg.length - 2] == (byte) 0xFF,
                ImageHeader.endsWithEoi(b, 0, jpg.length));
        assertFalse(ImageHeader.endsWithEoi(b, 0, jpg.length - 1));
    }
}
