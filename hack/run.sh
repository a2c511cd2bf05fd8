#!/usr/bin/env bash
# make run: builds the operator and runs it against the current kube context; when no context answers, starts the
# local control plane first (hack/cluster.sh up). Ctrl-C stops the operator cleanly (Quarkus shuts down on SIGINT).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$HACK_DIR/build-binaries.sh" >/dev/null
kubectl_bin="$BIN_DIR/kubectl"

if "$kubectl_bin" config current-context >/dev/null 2>&1 \
    && "$kubectl_bin" get --raw /readyz --request-timeout=5s >/dev/null 2>&1; then
  log "using the current kube context: $("$kubectl_bin" config current-context)"
else
  log "no reachable kube context; starting the local control plane"
  "$HACK_DIR/cluster.sh" up
  export KUBECONFIG="$KUBECONFIG_PATH"
fi
"$kubectl_bin" apply --server-side --force-conflicts -k "$REPO_DIR/crds" >/dev/null

log "building the operator"
(cd "$REPO_DIR" && mvn -B -q package -DskipTests)

cat >&2 <<MSG

==> The operator runs against context $("$kubectl_bin" config current-context). In a second terminal:
      export KUBECONFIG=${KUBECONFIG:-$HOME/.kube/config} PATH=$BIN_DIR:\$PATH
      kubectl apply -f deploy/examples/
      kubectl get terrarium
    Ctrl-C stops the operator.

MSG
exec java -jar "$REPO_DIR/target/quarkus-app/quarkus-run.jar"
