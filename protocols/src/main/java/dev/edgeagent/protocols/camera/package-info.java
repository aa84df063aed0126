/**
 * Camera sources and the formats they read.
 *
 * <h2>Sources (all {@link dev.edgeagent.protocols.source.Source}s writing one record per frame)</h2>
 * <ul>
 *   <li>{@link dev.edgeagent.protocols.camera.MjpegHttpSource}: an IP camera's MJPEG over HTTP/1.1
 *       ({@code multipart/x-mixed-replace}); payload = the JPEG, key = camera name, sensor time = the part's
 *       {@code X-Timestamp} or none; reconnects by itself. Driven on the agent thread by a non-blocking socket.</li>
 *   <li>{@link dev.edgeagent.protocols.camera.ImageSequenceSource}: JPEG/PNG files of a directory by name, or a
 *       EuRoC {@code data.csv} with sensor times; a replay (pacing, loop, resume).</li>
 *   <li>{@link dev.edgeagent.protocols.camera.Mp4H264ReplaySource}: the H.264 track of an MP4 as Annex B access
 *       units (SPS/PPS on every keyframe), sensor time = base + presentation time; a replay.</li>
 *   <li>{@link dev.edgeagent.protocols.camera.V4l2CameraSource}: a local V4L2 camera in MJPEG mode through JNI
 *       ({@code native/v4l2/}); <b>untested with a camera</b> (no {@code /dev/video*} on the build machines).</li>
 * </ul>
 *
 * <h2>Formats</h2>
 * {@link dev.edgeagent.protocols.camera.ImageHeader} (JPEG SOFn / PNG IHDR metadata),
 * {@link dev.edgeagent.protocols.camera.MjpegStreamDecoder} (HTTP head, chunked coding, multipart parts),
 * {@link dev.edgeagent.protocols.camera.Mp4H264Demuxer} (isoparser's sample tables, AVCC to Annex B) and
 * {@link dev.edgeagent.protocols.camera.H264#isKeyframe} for the batcher. Parsers throw
 * {@link dev.edgeagent.protocols.camera.ImageFormatException} (kind code + byte offset); sources report it to their
 * {@link dev.edgeagent.protocols.source.BadInputListener} and skip the frame. Nothing here allocates per frame once
 * warm (CameraAllocationTest), except the image sequence's file opening.
 */
package dev.edgeagent.protocols.camera;
