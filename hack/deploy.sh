#!/usr/bin/env bash
# make deploy / make undeploy: applies or deletes the kustomize tree under deploy/ with the kubectl that
# hack/build-binaries.sh builds (as hack/run.sh does), against the current kube context, else against the local
# control plane when it runs (make cluster). Its pods are simulated by kwok, so there the operator Deployment only
# shows that the manifests apply and roll out; the operator itself runs with make run.
#   hack/deploy.sh apply [with-registry]   CRDs, RBAC, operator (and the in-cluster registry); waits for the rollout
#   hack/deploy.sh delete                  removes all of it, the registry and the CRDs included
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

action="${1:-}"
tree="$REPO_DIR/deploy"
case "$action" in
  apply) [ "${2:-}" = with-registry ] && tree="$REPO_DIR/deploy/with-registry" ;;
  # The superset, so that a registry deployed with WITH_REGISTRY=1 goes too.
  delete) tree="$REPO_DIR/deploy/with-registry" ;;
  *) echo "usage: $0 apply [with-registry] | delete" >&2; exit 2 ;;
esac

"$HACK_DIR/build-binaries.sh" >/dev/null
kubectl_bin="$BIN_DIR/kubectl"

if "$kubectl_bin" config current-context >/dev/null 2>&1 \
    && "$kubectl_bin" get --raw /readyz --request-timeout=5s >/dev/null 2>&1; then
  log "using the current kube context: $("$kubectl_bin" config current-context)"
elif "$HACK_DIR/cluster.sh" status; then
  export KUBECONFIG="$KUBECONFIG_PATH"
  log "no reachable kube context; using the local control plane ($KUBECONFIG_PATH)"
else
  echo "no reachable kube context, and no local control plane: set KUBECONFIG, or start one with make cluster" >&2
  exit 1
fi

if [ "$action" = apply ]; then
  # deploy/ owns what it lists: take over fields that make run or make cluster applied before (the CRDs).
  "$kubectl_bin" apply --server-side --force-conflicts --field-manager=terrarium-deploy -k "$tree"
  "$kubectl_bin" wait --for=condition=Established --timeout=60s \
    crd/environments.terrarium.dev crd/imagebuilds.terrarium.dev crd/workloads.terrarium.dev >/dev/null
  "$kubectl_bin" -n terrarium-system rollout status deployment/terrarium-operator \
    --timeout="${TERRARIUM_ROLLOUT_TIMEOUT:-180s}"
else
  # No finalizers hold Terrarium's objects: deleting the CRDs deletes every Environment, ImageBuild and Workload,
  # and their owned children are garbage-collected.
  "$kubectl_bin" delete --ignore-not-found --wait=true -k "$tree"
fi
