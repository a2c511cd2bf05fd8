#!/usr/bin/env bash
# Builds sigstore's cosign from its Go module into a cache directory named by its version, for the tests that check
# Terrarium's image signatures with an independent verifier. A second run finds it there and builds nothing.
# Prints the directory that holds the cosign binary.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COSIGN_BIN_DIR="$TERRARIUM_CACHE/bin/cosign-$COSIGN_VERSION"

if [ -x "$COSIGN_BIN_DIR/cosign" ]; then
  echo "$COSIGN_BIN_DIR"
  exit 0
fi
log "go install cosign $COSIGN_VERSION into $COSIGN_BIN_DIR (a large module: several minutes on a fresh machine)"
mkdir -p "$COSIGN_BIN_DIR"
# Installed into a scratch directory first so that an interrupted build never leaves a half-written binary behind.
scratch="$(mktemp -d "$COSIGN_BIN_DIR/.build.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
CGO_ENABLED=0 GOBIN="$scratch" go install -trimpath \
  -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN_VERSION" \
  "github.com/sigstore/cosign/v2/cmd/cosign@$COSIGN_VERSION"
mv "$scratch/cosign" "$COSIGN_BIN_DIR/cosign"
echo "$COSIGN_BIN_DIR"
