package dev.edgeagent.protocols.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real ffmpeg serving a video as MJPEG over HTTP on loopback, as an IP camera would: {@code ffmpeg -i VIDEO -an
 * -c:v mjpeg -q:v 5 -f mpjpeg -listen 1 http://127.0.0.1:PORT/cam.mjpg}. With {@code -listen 1} ffmpeg waits for
 * one client, streams to it and exits (ffmpeg 5.1 answers {@code Content-Type: application/octet-stream} unless
 * {@code -content_type} is given, always with chunked transfer coding).
 */
public final class FfmpegMjpegServer implements AutoCloseable {

    private static final Pattern FRAMES = Pattern.compile("frame=\\s*(\\d+)");

    private final Process process;
    private final Path log;

    private FfmpegMjpegServer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** A free loopback TCP port (closed again: a small race with other programs, fine for tests). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /**
     * @param realtime       {@code -re}: read the input at its frame rate
     * @param seconds        {@code -t}: stop after this much input; 0 = the whole video
     * @param multipartHead  also send {@code -content_type multipart/x-mixed-replace;boundary=ffmpeg}
     */
    public static FfmpegMjpegServer start(Path video, int port, boolean realtime, double seconds, boolean multipartHead)
            throws IOException {
        return start(video, port, realtime, seconds, multipartHead, false);
    }

    /** As {@link #start}, the video played over and over ({@code -stream_loop -1}) until {@link #close()}. */
    public static FfmpegMjpegServer startLooping(Path video, int port) throws IOException {
        return start(video, port, false, 0, true, true);
    }

    private static FfmpegMjpegServer start(Path video, int port, boolean realtime, double seconds,
                                           boolean multipartHead, boolean loop) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info"));
        if (realtime) {
            cmd.add("-re");
        }
        if (loop) {
            cmd.addAll(List.of("-stream_loop", "-1"));
        }
        cmd.addAll(List.of("-i", video.toString(), "-an"));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", Double.toString(seconds)));
        }
        cmd.addAll(List.of("-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg"));
        if (multipartHead) {
            cmd.addAll(List.of("-content_type", "multipart/x-mixed-replace;boundary=ffmpeg"));
        }
        cmd.addAll(List.of("-listen", "1", "http://127.0.0.1:" + port + "/cam.mjpg"));
        Path log = Files.createTempFile("ffmpeg-mjpeg", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new FfmpegMjpegServer(p, log);
    }

    /** Waits for ffmpeg to exit (it does after its one client's stream); returns its exit code. */
    public int await(long timeout, TimeUnit unit) throws InterruptedException, IOException {
        if (!process.waitFor(timeout, unit)) {
            throw new AssertionError("ffmpeg still running after " + timeout + " " + unit + ": " + output());
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** ffmpeg's own count of frames it encoded and wrote: the last "frame= N" of its progress output. */
    public int framesWritten() throws IOException {
        Matcher m = FRAMES.matcher(output());
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        if (last < 0) {
            throw new AssertionError("no frame count in ffmpeg's output: " + output());
        }
        return last;
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
