#!/usr/bin/env bash
# Builds the device package: native/target/edge-agent-<version>.tar.gz, unpacked to /opt/edge-agent:
#   bin/edge-agent, lib/quarkus-app/ (the JVM build with jvm.options), config/ (examples, DBC, sensors),
#   edge-agent.service. Run from the repository root after ./mvnw -B package -DskipTests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/agent/target/quarkus-app"
[ -f "$app/quarkus-run.jar" ] || { echo "package.sh: build first: ./mvnw -B package -DskipTests" >&2; exit 2; }
version=$(sed -n 's/^version=//p' <(unzip -p "$app"/app/agent-*.jar edge-agent.properties))
stage="$root/native/target/edge-agent-$version"
rm -rf "$stage" && mkdir -p "$stage/lib"
cp -r "$app" "$stage/lib/quarkus-app"
cp -r "$root/bin" "$root/config" "$stage/"
cp "$root/native/edge-agent.service" "$stage/"
tar -C "$root/native/target" -czf "$root/native/target/edge-agent-$version.tar.gz" "edge-agent-$version"
echo "native/target/edge-agent-$version.tar.gz"
