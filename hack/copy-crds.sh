#!/usr/bin/env bash
# Copies the CRDs that the build generated from the API classes (target/kubernetes) into crds/, where they are
# committed; CrdDriftTest fails when the two differ.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mkdir -p "$REPO_DIR/crds"
rm -f "$REPO_DIR"/crds/*.yml
for f in "$REPO_DIR"/target/kubernetes/*.terrarium.dev-v1.yml; do
  cp "$f" "$REPO_DIR/crds/$(basename "$f")"
done
ls "$REPO_DIR/crds"
