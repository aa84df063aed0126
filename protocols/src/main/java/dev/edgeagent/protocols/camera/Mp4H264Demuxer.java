package dev.edgeagent.protocols.camera;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import dev.edgeagent.protocols.camera.ImageFormatException.Kind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.mp4parser.IsoFile;
import org.mp4parser.PropertyBoxParserImpl;

import java.util.Properties;
import org.mp4parser.boxes.iso14496.part12.ChunkOffsetBox;
import org.mp4parser.boxes.iso14496.part12.CompositionTimeToSample;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.MovieExtendsBox;
import org.mp4parser.boxes.iso14496.part12.SampleSizeBox;
import org.mp4parser.boxes.iso14496.part12.SampleTableBox;
import org.mp4parser.boxes.iso14496.part12.SyncSampleBox;
import org.mp4parser.boxes.iso14496.part12.TimeToSampleBox;
import org.mp4parser.boxes.iso14496.part12.TrackBox;
import org.mp4parser.boxes.iso14496.part15.AvcConfigurationBox;
import org.mp4parser.boxes.sampleentry.VisualSampleEntry;

/**
 * Reads the H.264 video track of an MP4 file as Annex B access units, one per sample, in decode order.
 *
 * <p>The boxes are parsed by isoparser ({@code org.mp4parser:isoparser}), with {@code mdat} skipped (isoparser
 * would otherwise copy it to a temporary file); from the parsed sample tables ({@code stsz}, {@code stsc},
 * {@code stco}/{@code co64}, {@code stts}, {@code ctts}, {@code stss}) this class computes each sample's file offset,
 * size, presentation time and sync flag once, at open. Each {@link #next()} then reads one sample with a positional
 * {@link FileChannel} read into a reused buffer and rewrites it into another reused buffer: every AVCC
 * length-prefixed NAL unit gets a 4-byte start code {@code 00 00 00 01}, and a sync sample (keyframe) that carries
 * no SPS of its own gets the avcC's SPS and PPS in front, so that every keyframe can be decoded on its own.
 * Nothing is allocated per sample.
 *
 * <p>Presentation time: {@code (dts + ctts offset - min over all samples of (dts + ctts offset)) / timescale}, in ns:
 * the first frame shown is at 0. Edit lists are not applied (for the usual files, whose edit list only removes the
 * initial composition delay, this gives the same times). Not supported (open fails with {@code unsupported-mp4}):
 * fragmented MP4 ({@code moof}), video tracks other than {@code avc1}/{@code avc3} with an {@code avcC}; only the
 * first sample description is used.
 */
public final class Mp4H264Demuxer implements AutoCloseable {

    private static final int START_CODE_LENGTH = 4;

    private final Path file;
    private final FileChannel channel;
    private final long[] sampleOffsets;
    private final int[] sampleSizes;
    private final long[] presentationNs;
    private final boolean[] sync;
    private final byte[][] sps;
    private final byte[][] pps;
    private final int nalLengthSize;
    private final int width;
    private final int height;
    private final long timescale;
    private final int syncCount;

    private byte[] sample = new byte[256 * 1024];
    private final UnsafeBuffer sampleView = new UnsafeBuffer(sample);
    private ByteBuffer sampleRead = ByteBuffer.wrap(sample);
    private byte[] out = new byte[256 * 1024];
    private final UnsafeBuffer outView = new UnsafeBuffer(out);
    private int outLength;
    private int index = -1;
    private int nextIndex;

    private Mp4H264Demuxer(Path file, FileChannel channel, long[] offsets, int[] sizes, long[] pts, boolean[] sync,
                           byte[][] sps, byte[][] pps, int nalLengthSize, int width, int height, long timescale) {
        this.file = file;
        this.channel = channel;
        this.sampleOffsets = offsets;
        this.sampleSizes = sizes;
        this.presentationNs = pts;
        this.sync = sync;
        this.sps = sps;
        this.pps = pps;
        this.nalLengthSize = nalLengthSize;
        this.width = width;
        this.height = height;
        this.timescale = timescale;
        int n = 0;
        for (boolean s : sync) {
            n += s ? 1 : 0;
        }
        this.syncCount = n;
    }

    /**
     * Opens the file and reads its sample tables.
     *
     * @throws ImageFormatException {@code not-mp4} or {@code unsupported-mp4} (offset -1: isoparser gives none)
     * @throws IOException          when the file cannot be read
     */
    public static Mp4H264Demuxer open(Path file) throws IOException {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            final Mp4H264Demuxer d = build(file, channel);
            return d;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Largest moov box accepted: isoparser holds it in memory. */
    static final long MAX_MOOV_BYTES = 64L << 20;

    /**
     * Walks the top-level box headers (size and type only) before isoparser sees the file: isoparser allocates
     * whatever a box header declares, so a garbage file would make it try to allocate gigabytes.
     */
    private static void checkTopLevel(Path file, FileChannel ch) throws IOException {
        final long size = ch.size();
        final ByteBuffer h = ByteBuffer.allocate(16);
        long pos = 0;
        boolean moov = false;
        while (pos < size) {
            h.clear();
            if (size - pos < 8) {
                throw new ImageFormatException(Kind.NOT_MP4, pos, file + ": " + (size - pos)
                        + " bytes left at the end, expected a whole box header (8 bytes)");
            }
            ch.read(h, pos);
            h.flip();
            long boxSize = h.getInt() & 0xFFFFFFFFL;
            final int type = h.getInt();
            for (int shift = 24; shift >= 0; shift -= 8) {
                final int c = (type >>> shift) & 0xFF;
                if (c < 0x20 || c > 0x7E) {
                    throw new ImageFormatException(Kind.NOT_MP4, pos + 4, file + ": box type is not four printable "
                            + "characters, expected an MP4 box header");
                }
            }
            if (boxSize == 1) {
                if (h.remaining() < 8) {
                    throw new ImageFormatException(Kind.NOT_MP4, pos, file + ": the file ends inside a 64-bit box size");
                }
                boxSize = h.getLong();
            } else if (boxSize == 0) {
                boxSize = size - pos; // to the end of the file
            }
            if (boxSize < 8 || boxSize > size - pos) {
                throw new ImageFormatException(Kind.NOT_MP4, pos, file + ": box size " + boxSize + " at the top level, "
                        + "expected 8.." + (size - pos) + " (the bytes left in the file)");
            }
            if (type == 0x6D6F6F76) { // 'moov'
                if (boxSize > MAX_MOOV_BYTES) {
                    throw new ImageFormatException(Kind.UNSUPPORTED_MP4, pos, file + ": moov box of " + boxSize
                            + " bytes, over the " + MAX_MOOV_BYTES + " this reader holds in memory");
                }
                moov = true;
            }
            pos += boxSize;
        }
        if (!moov) {
            throw new ImageFormatException(Kind.NOT_MP4, -1, file + ": no movie box (moov), expected an MP4 file");
        }
    }

    private static volatile Properties boxTypes;

    /**
     * isoparser's box type table, loaded through this class's loader: its default constructor asks the system
     * class loader, which does not see the application's jars when it runs from the packaged Quarkus app.
     */
    private static Properties boxTypes() throws IOException {
        Properties p = boxTypes;
        if (p == null) {
            p = new Properties();
            try (java.io.InputStream in = PropertyBoxParserImpl.class.getClassLoader()
                    .getResourceAsStream("isoparser2-default.properties")) {
                if (in == null) {
                    throw new IOException("isoparser2-default.properties is not on the class path of isoparser");
                }
                p.load(in);
            }
            boxTypes = p;
        }
        return p;
    }

    private static Mp4H264Demuxer build(Path file, FileChannel channel) throws IOException {
        checkTopLevel(file, channel);
        final MovieBox moov;
        try {
            // a separate channel for isoparser: IsoFile.close() closes it, and parsing moves its position
            final IsoFile iso = new IsoFile(FileChannel.open(file, StandardOpenOption.READ),
                    new PropertyBoxParserImpl(boxTypes()).skippingBoxes("mdat"));
            try {
                moov = iso.getMovieBox();
            } finally {
                iso.close();
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw new ImageFormatException(Kind.NOT_MP4, -1, file + ": isoparser cannot read it as an MP4 file: " + e);
        }
        if (moov == null) {
            throw new ImageFormatException(Kind.NOT_MP4, -1, file + ": no movie box (moov), expected an MP4 file");
        }
        if (!moov.getBoxes(MovieExtendsBox.class).isEmpty()) {
            throw new ImageFormatException(Kind.UNSUPPORTED_MP4, -1, file
                    + ": fragmented MP4 (mvex/moof) is not supported, expected a progressive MP4");
        }
        for (TrackBox trak : moov.getBoxes(TrackBox.class)) {
            if (trak.getMediaBox() == null || trak.getMediaBox().getHandlerBox() == null
                    || !"vide".equals(trak.getMediaBox().getHandlerBox().getHandlerType())) {
                continue;
            }
            final SampleTableBox stbl = trak.getSampleTableBox();
            if (stbl == null || stbl.getSampleDescriptionBox() == null) {
                continue;
            }
            final List<VisualSampleEntry> entries = stbl.getSampleDescriptionBox().getBoxes(VisualSampleEntry.class);
            if (entries.isEmpty()) {
                continue;
            }
            final VisualSampleEntry entry = entries.get(0);
            final List<AvcConfigurationBox> avcc = entry.getBoxes(AvcConfigurationBox.class);
            if (avcc.isEmpty()) {
                continue; // hvc1, mp4v, ...: not H.264
            }
            return fromTrack(file, channel, trak, stbl, entry, avcc.get(0));
        }
        throw new ImageFormatException(Kind.UNSUPPORTED_MP4, -1, file
                + ": no H.264 video track (a 'vide' track with an avc1/avc3 sample entry and an avcC box)");
    }

    private static Mp4H264Demuxer fromTrack(Path file, FileChannel channel, TrackBox trak, SampleTableBox stbl,
                                            VisualSampleEntry entry, AvcConfigurationBox avcc) throws IOException {
        final SampleSizeBox stsz = stbl.getSampleSizeBox();
        final ChunkOffsetBox stco = stbl.getChunkOffsetBox();
        final TimeToSampleBox stts = stbl.getTimeToSampleBox();
        if (stsz == null || stco == null || stbl.getSampleToChunkBox() == null || stts == null) {
            throw new ImageFormatException(Kind.UNSUPPORTED_MP4, -1, file
                    + ": the video track lacks one of the sample tables stsz, stco/co64, stsc, stts");
        }
        final long timescale = trak.getMediaBox().getMediaHeaderBox().getTimescale();
        if (timescale <= 0) {
            throw new ImageFormatException(Kind.UNSUPPORTED_MP4, -1, file + ": media timescale " + timescale
                    + ", expected > 0");
        }
        final int n = (int) stsz.getSampleCount();
        if (n <= 0) {
            throw new ImageFormatException(Kind.UNSUPPORTED_MP4, -1, file + ": the H.264 track has no samples");
        }
        final long fileSize = channel.size();
        final int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            final long s = stsz.getSampleSizeAtIndex(i);
            if (s < 0 || s > Integer.MAX_VALUE - 1024) {
                throw new ImageFormatException(Kind.UNSUPPORTED_MP4, -1, file + ": sample " + (i + 1) + " size " + s
                        + " is out of range");
            }
            sizes[i] = (int) s;
        }
        final long[] chunkOffsets = stco.getChunkOffsets();
        final long[] perChunk = stbl.getSampleToChunkBox().blowup(chunkOffsets.length);
        final long[] offsets = new long[n];
        int s = 0;
        for (int c = 0; c < chunkOffsets.length && s < n; c++) {
            long off = chunkOffsets[c];
            for (long k = 0; k < perChunk[c] && s < n; k++) {
                offsets[s] = off;
                off += sizes[s];
                s++;
            }
        }
        if (s < n) {
            throw new ImageFormatException(Kind.UNSUPPORTED_MP4, -1, file + ": stsc/stco place " + s + " of " + n
                    + " samples");
        }
        for (int i = 0; i < n; i++) {
            if (offsets[i] < 0 || offsets[i] + sizes[i] > fileSize) {
                throw new ImageFormatException(Kind.UNSUPPORTED_MP4, offsets[i], file + ": sample " + (i + 1)
                        + " lies outside the file (" + sizes[i] + " bytes at " + offsets[i] + ", file " + fileSize + ")");
            }
        }
        final long[] deltas = TimeToSampleBox.blowupTimeToSamples(stts.getEntries());
        final CompositionTimeToSample ctts = stbl.getCompositionTimeToSample();
        final int[] cts = ctts == null ? null : CompositionTimeToSample.blowupCompositionTimes(ctts.getEntries());
        final long[] pts = new long[n];
        long dts = 0;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            pts[i] = dts + (cts != null && i < cts.length ? cts[i] : 0);
            min = Math.min(min, pts[i]);
            dts += i < deltas.length ? deltas[i] : (deltas.length > 0 ? deltas[deltas.length - 1] : 0);
        }
        for (int i = 0; i < n; i++) {
            // ticks to ns without overflow for any realistic duration
            final long t = pts[i] - min;
            pts[i] = (t / timescale) * 1_000_000_000L + (t % timescale) * 1_000_000_000L / timescale;
        }
        final boolean[] sync = new boolean[n];
        final SyncSampleBox stss = stbl.getSyncSampleBox();
        if (stss == null) {
            java.util.Arrays.fill(sync, true); // no stss: every sample is a sync sample
        } else {
            for (long number : stss.getSampleNumber()) {
                if (number >= 1 && number <= n) {
                    sync[(int) number - 1] = true;
                }
            }
        }
        final byte[][] sps = toArrays(avcc.getSequenceParameterSets());
        final byte[][] pps = toArrays(avcc.getPictureParameterSets());
        return new Mp4H264Demuxer(file, channel, offsets, sizes, pts, sync, sps, pps, avcc.getLengthSizeMinusOne() + 1,
                entry.getWidth(), entry.getHeight(), timescale);
    }

    private static byte[][] toArrays(List<ByteBuffer> list) {
        final byte[][] r = new byte[list.size()][];
        for (int i = 0; i < r.length; i++) {
            final ByteBuffer b = list.get(i).duplicate();
            b.rewind();
            r[i] = new byte[b.remaining()];
            b.get(r[i]);
        }
        return r;
    }

    /**
     * Reads and converts the next sample.
     *
     * @return false at the end of the track
     * @throws ImageFormatException {@code bad-h264} for a sample whose NAL lengths do not fit it (offset: in the
     *                              file); the next call goes on with the following sample
     * @throws IOException          on a read error
     */
    public boolean next() throws IOException {
        if (nextIndex >= sampleSizes.length) {
            return false;
        }
        index = nextIndex++;
        final int size = sampleSizes[index];
        if (sample.length < size) {
            sample = new byte[Math.max(size, sample.length * 2)];
            sampleView.wrap(sample);
            sampleRead = ByteBuffer.wrap(sample);
        }
        sampleRead.clear().limit(size);
        long pos = sampleOffsets[index];
        while (sampleRead.hasRemaining()) {
            final int r = channel.read(sampleRead, pos);
            if (r < 0) {
                throw new ImageFormatException(Kind.BAD_H264, sampleOffsets[index], file + ": sample " + (index + 1)
                        + " ends past the end of the file");
            }
            pos += r;
        }
        toAnnexB(size);
        return true;
    }

    private void toAnnexB(int size) {
        // pass 1: check the NAL lengths, see whether the sample has its own SPS, and size the output
        int p = 0;
        int outSize = 0;
        boolean hasSps = false;
        while (p < size) {
            if (p + nalLengthSize > size) {
                throw badSample(p, "a " + nalLengthSize + "-byte NAL length field runs past the sample's end");
            }
            final int len = nalLength(p);
            if (len <= 0 || len > size - p - nalLengthSize) {
                throw badSample(p, "NAL length " + len + " does not fit the " + (size - p - nalLengthSize)
                        + " bytes left in the sample");
            }
            hasSps |= (sample[p + nalLengthSize] & 0x1F) == H264.NAL_SPS;
            outSize += START_CODE_LENGTH + len;
            p += nalLengthSize + len;
        }
        final boolean prepend = sync[index] && !hasSps;
        if (prepend) {
            for (byte[] x : sps) {
                outSize += START_CODE_LENGTH + x.length;
            }
            for (byte[] x : pps) {
                outSize += START_CODE_LENGTH + x.length;
            }
        }
        if (out.length < outSize) {
            out = new byte[Math.max(outSize, out.length * 2)];
            outView.wrap(out);
        }
        int o = 0;
        if (prepend) {
            for (byte[] x : sps) {
                o = put(o, x, 0, x.length);
            }
            for (byte[] x : pps) {
                o = put(o, x, 0, x.length);
            }
        }
        p = 0;
        while (p < size) {
            final int len = nalLength(p);
            o = put(o, sample, p + nalLengthSize, len);
            p += nalLengthSize + len;
        }
        outLength = o;
    }

    private int nalLength(int p) {
        int len = 0;
        for (int i = 0; i < nalLengthSize; i++) {
            len = (len << 8) | (sample[p + i] & 0xFF);
        }
        return len;
    }

    private int put(int o, byte[] src, int off, int len) {
        out[o] = 0;
        out[o + 1] = 0;
        out[o + 2] = 0;
        out[o + 3] = 1;
        System.arraycopy(src, off, out, o + START_CODE_LENGTH, len);
        return o + START_CODE_LENGTH + len;
    }

    private ImageFormatException badSample(int at, String what) {
        outLength = 0;
        return new ImageFormatException(Kind.BAD_H264, sampleOffsets[index] + at, file + ": sample " + (index + 1)
                + " (" + sampleSizes[index] + " bytes): " + what);
    }

    /** Starts over at the first sample. */
    public void rewind() {
        nextIndex = 0;
        index = -1;
    }

    /** The current access unit in Annex B form. */
    public DirectBuffer accessUnit() {
        return outView;
    }

    public int accessUnitLength() {
        return outLength;
    }

    /** The current sample is a sync sample (stss), i.e. a keyframe. */
    public boolean keyframe() {
        return sync[index];
    }

    /** Presentation time of the current sample in ns from the first frame shown. */
    public long presentationTimeNs() {
        return presentationNs[index];
    }

    /** 0-based index of the current sample in decode order. */
    public int sampleIndex() {
        return index;
    }

    /** File offset of the current sample. */
    public long sampleFileOffset() {
        return sampleOffsets[index];
    }

    public int sampleCount() {
        return sampleSizes.length;
    }

    public int syncSampleCount() {
        return syncCount;
    }

    /** Width and height from the visual sample entry. */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public long timescale() {
        return timescale;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
