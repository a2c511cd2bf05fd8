#!/usr/bin/env bash
# Installs what the build and the tests need and the machine lacks. Idempotent: a second run installs nothing.
# JDK 17, Maven and Go are prerequisites (README); this adds the Debian packages and the Python module the tests use.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in java mvn go python3; do
  command -v "$tool" >/dev/null || { echo "missing prerequisite: $tool (see README)" >&2; exit 1; }
done

# command -> Debian package
declare -A PACKAGES=(
  [docker-registry]=docker-registry
  [htpasswd]=apache2-utils
  [openssl]=openssl
  [curl]=curl
  # Real builds in the tests: buildah runs build pods, debootstrap makes their base image.
  [buildah]=buildah
  [debootstrap]=debootstrap
  [bwrap]=bubblewrap
  # Runs the Argo CD health checks of deploy/health in the unit tests.
  [lua5.4]=lua5.4
)
missing=()
for cmd in "${!PACKAGES[@]}"; do
  command -v "$cmd" >/dev/null || missing+=("${PACKAGES[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian package starts a system-wide registry on :5000; the tests run their own on 127.0.0.1 instead.
if command -v systemctl >/dev/null && systemctl is-active --quiet docker-registry 2>/dev/null; then
  systemctl stop docker-registry || true
fi

if ! python3 -c 'import packaging' 2>/dev/null; then
  log "installing the Python module 'packaging' (reference parser for PEP 508 in the tests)"
  python3 -m pip install --quiet packaging
fi
