#!/usr/bin/env bash
# A venv base image made on this machine, for real builds without a Docker Hub: Debian bookworm (minbase) with
# python3 and python3-venv, made by debootstrap, imported with buildah, and pushed to the local registry. Like an
# organisation's mirror image, it trusts what this machine trusts: the host's CA bundle goes in, and pip and uv are
# pointed at it (networks that intercept TLS need that; elsewhere it is the usual public bundle).
#   hack/base-image.sh [registry host:port]   prints the pushed reference, repo:tag@digest
# The root filesystem is cached (by Debian suite and package list) outside the repo; a second run rebuilds nothing
# when the registry already holds the image.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

registry="${1:-$LOCAL_REGISTRY}"
suite=bookworm
packages=python3,python3-venv,ca-certificates
host_bundle=/etc/ssl/certs/ca-certificates.crt
trust="$(sha256sum "$host_bundle" | cut -c1-12)"
tag="3.11-$suite-ca$trust"
reference="$registry/terrarium/base/python:$tag"
cache="$TERRARIUM_CACHE/base/$suite-minbase-${packages//,/-}.tar"

digest="$(curl -fsS -o /dev/null -w '%header{docker-content-digest}' \
  -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  -I "http://$registry/v2/terrarium/base/python/manifests/$tag" 2>/dev/null || true)"
if [ -n "$digest" ]; then
  echo "$reference@$digest"
  exit 0
fi

# Nothing stays behind but the cached tarball and the pushed image: every test run pushes to a new registry, and
# what each left in /tmp or in the machine's container storage would add up until the disk is full.
root="" container="" image=""
cleanup() {
  [ -z "$root" ] || rm -rf "$root"
  [ -z "$container" ] || buildah --storage-driver vfs rm "$container" >/dev/null 2>&1 || true
  [ -z "$image" ] || buildah --storage-driver vfs rmi "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ ! -f "$cache" ]; then
  log "debootstrap $suite ($packages) into the cache"
  root="$(mktemp -d)"
  debootstrap --variant=minbase --include="$packages" "$suite" "$root" >&2
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  mkdir -p "$(dirname "$cache")"
  tar -C "$root" -cf "$cache.tmp" .
  mv "$cache.tmp" "$cache"
fi

log "importing $cache and pushing $reference"
container="$(buildah --storage-driver vfs from scratch)"
buildah --storage-driver vfs add "$container" "$cache" / >/dev/null
buildah --storage-driver vfs copy "$container" "$host_bundle" /etc/ssl/certs/ca-certificates.crt >/dev/null
buildah --storage-driver vfs config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env LANG=C.UTF-8 --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --env PIP_CERT=/etc/ssl/certs/ca-certificates.crt --env REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
  --cmd /usr/bin/python3 \
  --label org.opencontainers.image.description="Debian $suite minbase with python3 and python3-venv" "$container"
image="$(buildah --storage-driver vfs commit --quiet --rm "$container" "terrarium/base/python:$tag")"
container=""
digestfile="$(mktemp)"
buildah --storage-driver vfs push --tls-verify=false --digestfile "$digestfile" "$image" "docker://$reference" >&2
echo "$reference@$(cat "$digestfile")"
rm -f "$digestfile"
