#!/usr/bin/env bash
# Installs what the test suite runs against, where missing: a real Mosquitto broker, Node.js + npm for the
# reference MCAP reader (@mcap/core), the lz4 command line (benchmark baseline), gpsd + gpsfake (the GNSS
# client is tested against a real gpsd), ffmpeg (serves MJPEG over HTTP as IP cameras do) and openssl (test PKI).
# Idempotent; needs root or sudo only when something is missing. Called by the Maven build (agent module,
# phase "initialize") unless -DskipTests, and by .ci/run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v lz4 >/dev/null 2>&1 || missing+=(lz4)
command -v gpsd >/dev/null 2>&1 || [ -x /usr/sbin/gpsd ] || missing+=(gpsd)
command -v gpsfake >/dev/null 2>&1 || missing+=(gpsd-clients)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
# client certificates for the MQTT control link tests (TLS broker, ACL by certificate identity)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-test-deps: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # the Debian package enables a system-wide broker on 1883; tests start their own on free ports
  # (gpsd likewise on 2947): tests start their own on free ports
  if command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl disable --now mosquitto gpsd gpsd.socket >/dev/null 2>&1 || true
  fi
fi

# The reference MCAP reader, pinned by package-lock.json.
validator="$here/tools/mcap-validate"
if [ -f "$validator/package.json" ] && [ ! -f "$validator/node_modules/@mcap/core/package.json" ]; then
  (cd "$validator" && npm ci --silent --no-audit --no-fund >/dev/null)
fi
