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
  # Real builds in the tests: debootstrap and buildah make their base image; the test node runs pods with its own
  # runtime (hack/node-runtime.sh, built with Go) and enters containers for exec probes with util-linux's nsenter.
  [buildah]=buildah
  [debootstrap]=debootstrap
  # make images: skopeo reads and tags images in registries, setcap gives the builder's newuidmap its capability.
  [skopeo]=skopeo
  [setcap]=libcap2-bin
  [nsenter]=util-linux
  # Runs the Argo CD health checks of deploy/health in the unit tests.
  [lua5.4]=lua5.4
  # The in-cluster registry's front (push needs a password, pulls do not), run for real in the unit tests.
  [nginx]=nginx-light
  # The tests serve a git repository over SSH on 127.0.0.1 with their own sshd (git+ssh requirements with a deploy key).
  [sshd]=openssh-server
)
missing=()
for cmd in "${!PACKAGES[@]}"; do
  # sshd and setcap live in /usr/sbin, which is not on every user's PATH.
  command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || missing+=("${PACKAGES[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian packages start a system-wide registry on :5000 and nginx on :80; the tests run their own on 127.0.0.1.
services=(docker-registry nginx)
# Likewise sshd on :22, but only one this run installed: a machine's own sshd may be how its user reaches it.
if [[ " ${missing[*]} " == *" openssh-server "* ]]; then
  services+=(ssh)
fi
for service in "${services[@]}"; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service" || true
  fi
done

if ! python3 -c 'import packaging' 2>/dev/null; then
  log "installing the Python module 'packaging' (reference parser for PEP 508 in the tests)"
  python3 -m pip install --quiet packaging
fi
# py-rattler: the reference parser of conda match specs in the tests, and the indexer of the tests' conda channels
# (the builder image carries the same version for the conda builds themselves).
if ! python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version("py-rattler") != "0.28.0")' 2>/dev/null; then
  log "installing the Python module 'py-rattler' 0.28.0 (conda match specs and test channels)"
  python3 -m pip install --quiet py-rattler==0.28.0
fi
