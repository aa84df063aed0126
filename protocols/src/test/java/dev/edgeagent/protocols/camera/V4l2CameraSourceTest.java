package dev.edgeagent.protocols.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.Programs;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of the V4L2 source without a camera (there is no /dev/video* here): the clear failures when
 * the library or the device is missing, and the real native code, built by native/v4l2/build.sh, refusing a device
 * node that is not a V4L2 device. Capturing frames is not tested.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class V4l2CameraSourceTest {

    private static V4l2CameraSource.Settings settings(Path device, Path library) {
        return new V4l2CameraSource.Settings(device, "usb0", 1280, 720, 30, 4, library, Duration.ofMillis(10));
    }

    @Test
    @Order(1)
    void missingDeviceIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new V4l2CameraSource(
                settings(Path.of("/dev/video-none-here"), null), new CollectingSink(), null));
        assertTrue(e.getMessage().contains("/dev/video-none-here does not exist"), e.getMessage());
    }

    @Test
    @Order(2)
    void missingLibrarySaysHowToBuildIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new V4l2CameraSource(
                settings(Path.of("/dev/null"), Path.of("/nonexistent/libedgeagent_v4l2.so")), new CollectingSink(), null));
        assertTrue(e.getMessage().contains("native/v4l2/build.sh"), e.getMessage());
        assertTrue(e.getMessage().contains("/nonexistent/libedgeagent_v4l2.so"), e.getMessage());
    }

    @Test
    @Order(3)
    void nativeCodeRefusesANonV4l2Device(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")) && Files.exists(Path.of("/usr/include/linux/videodev2.h")),
                "gcc and the Linux UAPI headers are needed to build the JNI library");
        Path script = TestData.repoRoot().resolve("native/v4l2/build.sh");
        String built = Programs.run(List.of("bash", script.toString(), dir.toString())).strip();
        Path library = Path.of(built);
        assertTrue(Files.isRegularFile(library), built);
        CollectingSink sink = new CollectingSink();
        V4l2CameraSource s = new V4l2CameraSource(settings(Path.of("/dev/null"), library), sink, null);
        assertEquals(1, s.doWork()); // one open attempt: it fails, the source does not throw
        assertFalse(s.streaming());
        // the native side ran: open() worked, the V4L2 capability query did not (ENOTTY on /dev/null)
        assertTrue(s.lastError().contains("VIDIOC_QUERYCAP (not a V4L2 device)"), s.lastError());
        assertEquals(0, sink.size());
        s.onClose();
    }
}
