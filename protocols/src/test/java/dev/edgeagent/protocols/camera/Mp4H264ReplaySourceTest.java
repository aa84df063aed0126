package dev.edgeagent.protocols.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.replay.ReplayPacing;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.Programs;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MP4 H.264 replay against ffprobe / ffmpeg reading the same file: one record per video packet, keyframes
 * exactly where ffprobe flags them, sensor times equal to ffprobe's pts, and the Annex B stream decoding to the very
 * same pictures (frame MD5s) as the MP4 itself.
 */
class Mp4H264ReplaySourceTest {

    private static final Path VIDEO = TestData.sample("camera/udacity_solidWhiteRight.mp4");
    private static final long BASE = 1_700_000_000_000_000_000L;

    private record Packet(long pts, boolean key, long pos, int size) {
    }

    private record Bad(String kind, long offset, String detail) {
    }

    private static List<Packet> ffprobePackets(Path file) throws Exception {
        String csv = Programs.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "packet=pts,flags,pos,size", "-of", "csv=p=0", file.toString()));
        List<Packet> r = new ArrayList<>();
        for (String line : csv.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(",");
            // field order as ffprobe prints: pts, size, pos, flags
            r.add(new Packet(Long.parseLong(f[0]), f[3].startsWith("K"), Long.parseLong(f[2]), Integer.parseInt(f[1])));
        }
        return r;
    }

    /** ffprobe's stream time base, e.g. {1, 12800}. */
    private static long[] timeBase(Path file) throws Exception {
        String tb = Programs.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=time_base", "-of", "csv=p=0", file.toString())).strip();
        String[] f = tb.split("/");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    private static List<CollectingSink.Captured> play(Mp4ReplaySettings settings, List<Bad> bad) {
        CollectingSink sink = new CollectingSink();
        Mp4H264ReplaySource s = new Mp4H264ReplaySource(settings, sink, (k, o, d) -> bad.add(new Bad(k, o, d)));
        for (int i = 0; i < 10_000 && !s.exhausted(); i++) {
            s.doWork();
        }
        assertTrue(s.exhausted());
        s.onClose();
        return sink.records();
    }

    private static List<String> frameMd5s(List<String> command) throws Exception {
        List<String> md5 = new ArrayList<>();
        for (String line : Programs.run(command).split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.split(",");
                md5.add(f[f.length - 1].strip());
            }
        }
        return md5;
    }

    @Test
    void oneRecordPerPacketKeyframesAndTimesAsFfprobeSeesThem() throws Exception {
        List<Packet> packets = ffprobePackets(VIDEO);
        long[] tb = timeBase(VIDEO);
        assertEquals(221, packets.size());
        List<Bad> bad = new ArrayList<>();
        List<CollectingSink.Captured> records = play(Mp4ReplaySettings.of(VIDEO).withBaseTimeNs(BASE), bad);
        assertTrue(bad.isEmpty(), bad.toString());
        assertEquals(packets.size(), records.size());
        long firstPts = packets.stream().mapToLong(Packet::pts).min().orElseThrow();
        int keyframes = 0;
        for (int i = 0; i < records.size(); i++) {
            CollectingSink.Captured r = records.get(i);
            Packet p = packets.get(i);
            byte[] au = r.payload();
            assertEquals(p.key(), H264.isKeyframe(new UnsafeBuffer(au), 0, au.length), "keyframe flag of packet " + i);
            assertEquals(BASE + (p.pts() - firstPts) * tb[0] * 1_000_000_000L / tb[1], r.sensorTimeNs(), "packet " + i);
            assertEquals("h264", r.keyString());
            // Annex B: starts with a 4-byte start code
            assertEquals(0, au[0]);
            assertEquals(0, au[1]);
            assertEquals(0, au[2]);
            assertEquals(1, au[3]);
            if (p.key()) {
                keyframes++;
                assertEquals(H264.NAL_SPS, au[4] & 0x1F, "keyframe " + i + " starts with the SPS");
            } else {
                assertTrue(au.length >= p.size(), "start codes replace 4-byte lengths: no byte is lost");
            }
        }
        assertEquals(packets.stream().filter(Packet::key).count(), keyframes);
        assertEquals(8, keyframes); // every 30th frame of 221, as ffprobe also says
    }

    @Test
    void annexBStreamDecodesToTheSamePictures(@TempDir Path dir) throws Exception {
        List<CollectingSink.Captured> records = play(Mp4ReplaySettings.of(VIDEO), new ArrayList<>());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (CollectingSink.Captured r : records) {
            all.writeBytes(r.payload());
        }
        Path es = dir.resolve("all.h264");
        Files.write(es, all.toByteArray());
        List<String> fromMp4 = frameMd5s(List.of("ffmpeg", "-v", "error", "-i", VIDEO.toString(), "-map", "0:v:0",
                "-f", "framemd5", "-"));
        List<String> fromAnnexB = frameMd5s(List.of("ffmpeg", "-v", "error", "-f", "h264", "-i", es.toString(),
                "-f", "framemd5", "-"));
        assertEquals(221, fromMp4.size());
        assertEquals(fromMp4, fromAnnexB);

        // a keyframe other than the first decodes on its own: its SPS/PPS travel with it
        int second = -1;
        for (int i = 1; i < records.size() && second < 0; i++) {
            byte[] au = records.get(i).payload();
            if (H264.isKeyframe(new UnsafeBuffer(au), 0, au.length)) {
                second = i;
            }
        }
        assertEquals(30, second);
        Path one = dir.resolve("keyframe.h264");
        Files.write(one, records.get(second).payload());
        List<String> alone = frameMd5s(List.of("ffmpeg", "-v", "error", "-f", "h264", "-i", one.toString(),
                "-f", "framemd5", "-"));
        assertEquals(List.of(fromMp4.get(second)), alone);
    }

    @Test
    void originalTimingReleasesFramesAtTheirPresentationTime() {
        AtomicLong mono = new AtomicLong(5_000_000_000L);
        CollectingSink sink = new CollectingSink();
        Mp4H264ReplaySource s = new Mp4H264ReplaySource(Mp4ReplaySettings.of(VIDEO)
                .withPacing(ReplayPacing.originalTiming(1.0)), sink, null, () -> 1L, mono::get);
        s.doWork();
        assertEquals(1, sink.size());
        long frame = 40_000_000L; // 25 fps, read from ffprobe above as well
        mono.addAndGet(frame - 1);
        s.doWork();
        assertEquals(1, sink.size());
        mono.addAndGet(1);
        s.doWork();
        assertEquals(2, sink.size());
        assertEquals(frame, sink.records().get(1).sensorTimeNs() - sink.records().get(0).sensorTimeNs());
        s.onClose();
    }

    @Test
    void badFilesAndSamplesAreReported(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.mp4");
        Files.write(garbage, "this is not an mp4 file at all, just text".getBytes());
        List<Bad> bad = new ArrayList<>();
        assertEquals(0, play(Mp4ReplaySettings.of(garbage), bad).size());
        assertEquals(1, bad.size());
        // "this" read as a box size is far past the end of the file: refused before isoparser would allocate it
        assertEquals(new Bad("not-mp4", 0, bad.get(0).detail()), bad.get(0));

        Path truncated = dir.resolve("truncated.mp4");
        byte[] whole = Files.readAllBytes(VIDEO);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        bad.clear();
        assertEquals(0, play(Mp4ReplaySettings.of(truncated), bad).size());
        assertEquals("not-mp4", bad.get(0).kind(), bad.toString());

        Path audioOnly = dir.resolve("audio.mp4");
        Programs.run(List.of("ffmpeg", "-v", "error", "-i", VIDEO.toString(), "-vn", "-c:a", "copy", audioOnly.toString()));
        bad.clear();
        assertEquals(0, play(Mp4ReplaySettings.of(audioOnly), bad).size());
        assertEquals(List.of("unsupported-mp4"), bad.stream().map(Bad::kind).toList());

        // packet 5's first NAL length made impossible: that one sample is skipped, reported at its file offset
        List<Packet> packets = ffprobePackets(VIDEO);
        byte[] bytes = Files.readAllBytes(VIDEO);
        long pos = packets.get(5).pos();
        bytes[(int) pos] = 0x7F;
        Path broken = dir.resolve("broken.mp4");
        Files.write(broken, bytes);
        bad.clear();
        List<CollectingSink.Captured> records = play(Mp4ReplaySettings.of(broken), bad);
        assertEquals(220, records.size());
        assertEquals(List.of(new Bad("bad-h264", pos, bad.get(0).detail())), bad);
    }

    @Test
    void loopingRewindsWithoutReopening() {
        CollectingSink sink = new CollectingSink();
        Mp4H264ReplaySource s = new Mp4H264ReplaySource(Mp4ReplaySettings.of(VIDEO).withLoop(true), sink, null);
        while (sink.size() < 221 + 10) {
            s.doWork();
        }
        assertTrue(s.passesCompleted() >= 1);
        assertEquals(java.util.Arrays.toString(sink.records().get(0).payload()),
                java.util.Arrays.toString(sink.records().get(221).payload()));
        assertEquals(sink.records().get(0).sensorTimeNs(), sink.records().get(221).sensorTimeNs());
        assertEquals(960, s.demuxer().width());
        assertEquals(540, s.demuxer().height());
        s.onClose();
    }
}
