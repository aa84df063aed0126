package dev.edgeagent.protocols.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JNI entry points of {@code native/v4l2/v4l2_capture.c} ({@code libedgeagent_v4l2.so}, built by
 * {@code native/v4l2/build.sh}, not by Maven). UNTESTED against a camera; see {@link V4l2CameraSource}.
 */
final class V4l2Native {

    static final String LIBRARY = "edgeagent_v4l2";

    private static volatile boolean loaded;

    private V4l2Native() {
    }

    /**
     * Loads the library from {@code libraryPath} (a file) when given, else from {@code java.library.path}.
     *
     * @throws IllegalStateException naming where it looked and how to build it
     */
    static synchronized void load(Path libraryPath) {
        if (loaded) {
            return;
        }
        try {
            if (libraryPath != null) {
                if (!Files.isRegularFile(libraryPath)) {
                    throw new UnsatisfiedLinkError("no such file");
                }
                System.load(libraryPath.toAbsolutePath().toString());
            } else {
                System.loadLibrary(LIBRARY);
            }
            loaded = true;
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("V4L2 camera source: native library "
                    + (libraryPath != null ? libraryPath.toString()
                    : "lib" + LIBRARY + ".so not found on java.library.path (" + System.getProperty("java.library.path")
                    + ")") + " cannot be loaded (" + e.getMessage() + "); build it with native/v4l2/build.sh and set "
                    + "the source's libraryPath or -Djava.library.path", e);
        }
    }

    static native long open(String device, int width, int height, int fps, int buffers) throws IOException;

    /** @return the dequeued buffer's index, or -1 when no frame is ready; meta = {address, bytes, ts ns, seq, flags} */
    static native int dequeue(long handle, long[] meta) throws IOException;

    static native void requeue(long handle, int index) throws IOException;

    static native void close(long handle);
}
