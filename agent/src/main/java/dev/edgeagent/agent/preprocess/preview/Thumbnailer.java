package dev.edgeagent.agent.preprocess.preview;

import net.coobird.thumbnailator.Thumbnails;
import org.agrona.DirectBuffer;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Downscaled JPEG thumbnails of camera frames (JPEG or PNG), with Thumbnailator for the resampling and JPEG
 * writing. Frames much wider than the thumbnail are decoded subsampled (every k-th pixel, ImageIO) first, which
 * is most of the saving: a 960-pixel frame for a 320-pixel thumbnail is decoded at 480. Runs for 1 in N frames,
 * so it may allocate.
 */
public final class Thumbnailer {

    private final int width;
    private final double quality;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    private byte[] frame = new byte[256 * 1024];

    public Thumbnailer(int width, double quality) {
        this.width = width;
        this.quality = quality;
    }

    /**
     * @return the thumbnail's JPEG bytes, {@code [0, size())} of {@link #bytes()}
     * @throws IOException when the frame does not decode as an image (the message says why)
     */
    public int thumbnail(DirectBuffer data, int offset, int length) throws IOException {
        if (frame.length < length) {
            frame = new byte[Math.max(length, frame.length * 2)];
        }
        data.getBytes(offset, frame, 0, length);
        BufferedImage image = decode(frame, length);
        out.reset();
        Thumbnails.of(image).width(width).outputFormat("jpg").outputQuality(quality).toOutputStream(out);
        return out.size();
    }

    private BufferedImage decode(byte[] bytes, int length) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes, 0, length))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a JPEG or PNG image (" + length + " bytes, first byte 0x"
                        + (length > 0 ? Integer.toHexString(bytes[0] & 0xff) : "--") + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int sourceWidth = reader.getWidth(0);
                ImageReadParam param = reader.getDefaultReadParam();
                int k = sourceWidth / (2 * width);   // keep at least twice the target width for a clean downscale
                if (k > 1) {
                    param.setSourceSubsampling(k, k, 0, 0);
                }
                BufferedImage image = reader.read(0, param);
                if (image == null) {
                    throw new IOException("image did not decode");
                }
                return image;
            } catch (RuntimeException e) {
                throw new IOException("image did not decode: " + e, e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** The last thumbnail's bytes (valid until the next call); a copy. */
    public byte[] bytes() {
        return out.toByteArray();
    }

    public int width() {
        return width;
    }
}
