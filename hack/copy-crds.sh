#!/usr/bin/env bash
# Copies the CRDs that the build generated from the API classes (target/kubernetes) into crds/, where they are
# committed, and into the Helm chart (deploy/helm/terrarium/files/crds), which installs them as templates;
# CrdDriftIT fails when crds/ and the build differ, ChartCrdsTest when the chart's copies and crds/ differ.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
chart_crds="$REPO_DIR/deploy/helm/terrarium/files/crds"
mkdir -p "$REPO_DIR/crds" "$chart_crds"
rm -f "$REPO_DIR"/crds/*.yml "$chart_crds"/*.yml
for f in "$REPO_DIR"/target/kubernetes/*.terrarium.dev-v1.yml; do
  cp "$f" "$REPO_DIR/crds/$(basename "$f")"
  cp "$f" "$chart_crds/$(basename "$f")"
done
ls "$REPO_DIR/crds" "$chart_crds"
