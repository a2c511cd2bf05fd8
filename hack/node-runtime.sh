#!/usr/bin/env bash
# Builds terrarium-node-runtime, the container runtime of the test node (hack/node-runtime: standard-library Go, no
# module downloads), with this machine's Go, into a cache directory named by the hash of its sources. Prints the
# binary's path; a second run with the same sources builds nothing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src="$HACK_DIR/node-runtime"
sum="$(cat "$src/go.mod" "$src"/*.go | sha256sum | cut -c1-16)"
out="$TERRARIUM_CACHE/bin/node-runtime-$sum/terrarium-node-runtime"
if [ ! -x "$out" ]; then
  log "building $out"
  mkdir -p "$(dirname "$out")"
  (cd "$src" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -trimpath -o "$out.tmp" .)
  mv "$out.tmp" "$out"
fi
echo "$out"
