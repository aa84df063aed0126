/*
 * JNI part of dev.edgeagent.protocols.camera.V4l2CameraSource: MJPEG capture from a V4L2 device with mmap'd
 * buffers. UNTESTED against a camera (the build machines have no /dev/video*); see ../README.md.
 *
 * Calls (all on the source's agent thread):
 *   open(device, width, height, fps, buffers) -> handle; throws java.io.IOException naming the failing step
 *   dequeue(handle, long[5] meta) -> buffer index, or -1 when no frame is ready (non-blocking);
 *        meta = {address of the mapped buffer, bytesused, timestamp ns, sequence, flags}
 *   requeue(handle, index)   hands the buffer back to the driver
 *   close(handle)            STREAMOFF, munmap, close
 * Nothing is allocated per frame: the Java side wraps the mapped memory and appends it to the sink directly.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/videodev2.h>

#define MAX_BUFFERS 32

typedef struct {
    int fd;
    unsigned count;
    void *start[MAX_BUFFERS];
    size_t length[MAX_BUFFERS];
} capture_t;

static void throw_io(JNIEnv *env, const char *device, const char *step, int err) {
    char msg[512];
    snprintf(msg, sizeof msg, "V4L2 %s: %s failed: %s (errno %d)", device, step, strerror(err), err);
    jclass cls = (*env)->FindClass(env, "java/io/IOException");
    if (cls != NULL) {
        (*env)->ThrowNew(env, cls, msg);
    }
}

static int xioctl(int fd, unsigned long request, void *arg) {
    int r;
    do {
        r = ioctl(fd, request, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

static void release(capture_t *c) {
    for (unsigned i = 0; i < c->count; i++) {
        if (c->start[i] != NULL && c->start[i] != MAP_FAILED) {
            munmap(c->start[i], c->length[i]);
        }
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c);
}

JNIEXPORT jlong JNICALL Java_dev_edgeagent_protocols_camera_V4l2Native_open(
        JNIEnv *env, jclass cls, jstring jdevice, jint width, jint height, jint fps, jint buffers) {
    (void) cls;
    const char *device = (*env)->GetStringUTFChars(env, jdevice, NULL);
    if (device == NULL) {
        return 0;
    }
    capture_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        throw_io(env, device, "calloc", ENOMEM);
        (*env)->ReleaseStringUTFChars(env, jdevice, device);
        return 0;
    }
    c->fd = open(device, O_RDWR | O_NONBLOCK);
    if (c->fd < 0) {
        throw_io(env, device, "open", errno);
        goto fail;
    }
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(c->fd, VIDIOC_QUERYCAP, &cap) == -1) {
        throw_io(env, device, errno == ENOTTY ? "VIDIOC_QUERYCAP (not a V4L2 device)" : "VIDIOC_QUERYCAP", errno);
        goto fail;
    }
    __u32 caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        throw_io(env, device, "capability check (needs VIDEO_CAPTURE and STREAMING)", ENODEV);
        goto fail;
    }
    struct v4l2_format fmt;
    memset(&fmt, 0, sizeof fmt);
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt.fmt.pix.width = (__u32) width;
    fmt.fmt.pix.height = (__u32) height;
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_MJPEG;
    fmt.fmt.pix.field = V4L2_FIELD_ANY;
    if (xioctl(c->fd, VIDIOC_S_FMT, &fmt) == -1) {
        throw_io(env, device, "VIDIOC_S_FMT (MJPEG)", errno);
        goto fail;
    }
    if (fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_MJPEG) {
        throw_io(env, device, "VIDIOC_S_FMT (the device does not offer MJPEG)", EINVAL);
        goto fail;
    }
    if (fps > 0) {
        struct v4l2_streamparm parm;
        memset(&parm, 0, sizeof parm);
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        parm.parm.capture.timeperframe.numerator = 1;
        parm.parm.capture.timeperframe.denominator = (__u32) fps;
        xioctl(c->fd, VIDIOC_S_PARM, &parm); /* best effort: not every driver supports it */
    }
    struct v4l2_requestbuffers req;
    memset(&req, 0, sizeof req);
    req.count = (__u32) (buffers < 2 ? 2 : (buffers > MAX_BUFFERS ? MAX_BUFFERS : buffers));
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(c->fd, VIDIOC_REQBUFS, &req) == -1 || req.count < 2) {
        throw_io(env, device, "VIDIOC_REQBUFS (mmap)", req.count < 2 ? ENOMEM : errno);
        goto fail;
    }
    c->count = req.count > MAX_BUFFERS ? MAX_BUFFERS : req.count;
    for (unsigned i = 0; i < c->count; i++) {
        struct v4l2_buffer buf;
        memset(&buf, 0, sizeof buf);
        buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buf.memory = V4L2_MEMORY_MMAP;
        buf.index = i;
        if (xioctl(c->fd, VIDIOC_QUERYBUF, &buf) == -1) {
            throw_io(env, device, "VIDIOC_QUERYBUF", errno);
            goto fail;
        }
        c->length[i] = buf.length;
        c->start[i] = mmap(NULL, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, buf.m.offset);
        if (c->start[i] == MAP_FAILED) {
            throw_io(env, device, "mmap", errno);
            goto fail;
        }
        if (xioctl(c->fd, VIDIOC_QBUF, &buf) == -1) {
            throw_io(env, device, "VIDIOC_QBUF", errno);
            goto fail;
        }
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(c->fd, VIDIOC_STREAMON, &type) == -1) {
        throw_io(env, device, "VIDIOC_STREAMON", errno);
        goto fail;
    }
    (*env)->ReleaseStringUTFChars(env, jdevice, device);
    return (jlong) (intptr_t) c;
fail:
    release(c);
    (*env)->ReleaseStringUTFChars(env, jdevice, device);
    return 0;
}

JNIEXPORT jint JNICALL Java_dev_edgeagent_protocols_camera_V4l2Native_dequeue(
        JNIEnv *env, jclass cls, jlong handle, jlongArray jmeta) {
    (void) cls;
    capture_t *c = (capture_t *) (intptr_t) handle;
    struct v4l2_buffer buf;
    memset(&buf, 0, sizeof buf);
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    if (xioctl(c->fd, VIDIOC_DQBUF, &buf) == -1) {
        if (errno == EAGAIN) {
            return -1;
        }
        throw_io(env, "device", "VIDIOC_DQBUF", errno);
        return -1;
    }
    if (buf.index >= c->count) {
        throw_io(env, "device", "VIDIOC_DQBUF (buffer index out of range)", EINVAL);
        return -1;
    }
    jlong meta[5];
    meta[0] = (jlong) (intptr_t) c->start[buf.index];
    meta[1] = (jlong) (buf.bytesused <= c->length[buf.index] ? buf.bytesused : c->length[buf.index]);
    meta[2] = (jlong) buf.timestamp.tv_sec * 1000000000LL + (jlong) buf.timestamp.tv_usec * 1000LL;
    meta[3] = (jlong) buf.sequence;
    meta[4] = (jlong) buf.flags;
    (*env)->SetLongArrayRegion(env, jmeta, 0, 5, meta);
    return (jint) buf.index;
}

JNIEXPORT void JNICALL Java_dev_edgeagent_protocols_camera_V4l2Native_requeue(
        JNIEnv *env, jclass cls, jlong handle, jint index) {
    (void) cls;
    capture_t *c = (capture_t *) (intptr_t) handle;
    struct v4l2_buffer buf;
    memset(&buf, 0, sizeof buf);
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    buf.index = (__u32) index;
    if (xioctl(c->fd, VIDIOC_QBUF, &buf) == -1) {
        throw_io(env, "device", "VIDIOC_QBUF", errno);
    }
}

JNIEXPORT void JNICALL Java_dev_edgeagent_protocols_camera_V4l2Native_close(
        JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    capture_t *c = (capture_t *) (intptr_t) handle;
    if (c == NULL) {
        return;
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    xioctl(c->fd, VIDIOC_STREAMOFF, &type);
    release(c);
}
