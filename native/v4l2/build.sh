#!/usr/bin/env bash
# Builds libedgeagent_v4l2.so, the JNI part of V4l2CameraSource (not built by Maven).
# Usage: native/v4l2/build.sh [output dir, default native/v4l2/build]
# Needs gcc, the Linux UAPI headers (linux/videodev2.h) and a JDK (jni.h under $JAVA_HOME/include).
# Then start the agent with -Djava.library.path=<output dir> or set the source's library path setting.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/build}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}"
if [ ! -f "$java_home/include/jni.h" ]; then
  echo "build.sh: no jni.h under $java_home/include: set JAVA_HOME to a JDK" >&2
  exit 1
fi
mkdir -p "$out"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -fPIC -shared \
  -I"$java_home/include" -I"$java_home/include/linux" \
  -o "$out/libedgeagent_v4l2.so" "$here/v4l2_capture.c"
echo "$out/libedgeagent_v4l2.so"
