#!/usr/bin/env bash
# Builds Helm from its Go module (helm.sh/helm/v4, no replace directives, so go install takes it as it is) into a
# cache directory named by its version, stamped with that version as Helm's own Makefile stamps a release. A second
# run finds it there and builds nothing. Prints the binary's path.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -x "$HELM_BIN" ]; then
  echo "$HELM_BIN"
  exit 0
fi
dir="$(dirname "$HELM_BIN")"
mkdir -p "$dir"
log "go install helm $HELM_VERSION into $dir"
pkg=helm.sh/helm/v4/internal/version
# GOBIN receives the binary only once the build succeeded; a temporary GOBIN keeps a half-written one out of the cache.
tmp="$(mktemp -d "$dir/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath \
  -ldflags "-s -w -X $pkg.version=$HELM_VERSION -X $pkg.metadata= -X $pkg.gitTreeState=clean" \
  "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
mv "$tmp/helm" "$HELM_BIN"
"$HELM_BIN" version --short >&2
echo "$HELM_BIN"
