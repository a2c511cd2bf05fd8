#!/usr/bin/env bash
# The local control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok nodes, run by
# kwokctl's binary runtime from binaries built by hack/build-binaries.sh, and a registry (Debian's docker-registry),
# all listening on 127.0.0.1 only.
#   hack/cluster.sh up       start it, or reuse it when it already answers; apply nodes and CRDs
#   hack/cluster.sh down     stop every process it started (kwokctl tracks their pids) and remove its state
#   hack/cluster.sh status   exit 0 when it answers
#   hack/cluster.sh env      print the exports a shell needs (KUBECONFIG, PATH with the built kubectl)
#   hack/cluster.sh paths    print KUBECONFIG, BIN_DIR, AUDIT_LOG, REGISTRY and HELM as KEY=value, for programs
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kubectl_local() { "$BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

answers() {
  [ -f "$KUBECONFIG_PATH" ] && [ -x "$BIN_DIR/kubectl" ] &&
    kubectl_local get --raw /readyz --request-timeout=3s >/dev/null 2>&1
}

write_config() {
  local state="$1"
  mkdir -p "$state"
  cp "$HACK_DIR/kwok/canned-build-log.txt" "$state/build.log"
  cat > "$state/kwokctl.yaml" <<YAML
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: ${KUBE_VERSION}
  kubeAuthorization: true
  kubeAuditPolicy: $HACK_DIR/kwok/audit-policy.yaml
  # Logs as objects: a test harness can serve a pod's own log (see SimulatedBuildLogs); others get ClusterLogs.
  enableCRDs: [Logs]
  kubeApiserverBinary: $BIN_DIR/kube-apiserver
  kubeControllerManagerBinary: $BIN_DIR/kube-controller-manager
  kubeSchedulerBinary: $BIN_DIR/kube-scheduler
  kubectlBinary: $BIN_DIR/kubectl
  etcdBinary: $BIN_DIR/etcd
  kwokControllerBinary: $BIN_DIR/kwok
# kwok plays only the nodes annotated as fake; a test harness may play another node itself (RealBuildNode).
# The default Service range (a /24) holds about 250 Services; make bench makes thousands of Workloads.
componentsPatches:
- name: kwok-controller
  extraArgs:
  - {key: manage-all-nodes, value: "false", override: true}
  - {key: manage-nodes-with-annotation-selector, value: "kwok.x-k8s.io/node=fake"}
- name: kube-apiserver
  extraArgs:
  - key: service-cluster-ip-range
    value: 10.0.0.0/16
# One instance of each, so no election: on a loaded machine a lease renewal that times out makes an elected
# controller manager or scheduler exit, and nothing restarts it (no garbage collection, Deployments, namespace
# deletion or scheduling after that).
- name: kube-controller-manager
  extraArgs:
  - {key: leader-elect, value: "false"}
- name: kube-scheduler
  extraArgs:
  - {key: leader-elect, value: "false"}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: builder-logs
spec:
  logs:
  - containers: [build]
    logsFile: $state/build.log
YAML
}

up() {
  "$HACK_DIR/build-binaries.sh" >/dev/null
  if answers; then
    log "local cluster '$CLUSTER_NAME' already answers; reusing it"
  else
    log "creating local cluster '$CLUSTER_NAME' (state in $CLUSTER_DIR)"
    "$BIN_DIR/kwokctl" --name "$CLUSTER_NAME" delete cluster >/dev/null 2>&1 || true
    local state="$TERRARIUM_CACHE/cluster-config-$CLUSTER_NAME"
    write_config "$state"
    mkdir -p "$(dirname "$KUBECONFIG_PATH")"
    rm -f "$KUBECONFIG_PATH"
    PATH="$BIN_DIR:$PATH" KWOK_KUBECTL_BINARY="$BIN_DIR/kubectl" \
      "$BIN_DIR/kwokctl" --name "$CLUSTER_NAME" \
        --config "$state/kwokctl.yaml" --config "$HACK_DIR/kwok/stages.yaml" \
        create cluster --runtime binary --wait 2m --kubeconfig "$KUBECONFIG_PATH"
  fi
  if ! curl -fsS -o /dev/null "http://$LOCAL_REGISTRY/v2/" 2>/dev/null; then
    "$HACK_DIR/registry.sh" start "$REGISTRY_DIR" "${LOCAL_REGISTRY##*:}" >/dev/null
  fi
  kubectl_local apply --server-side --force-conflicts -f "$HACK_DIR/kwok/nodes.yaml" >/dev/null
  kubectl_local wait --for=condition=Ready node --all --timeout=120s >/dev/null
  kubectl_local apply --server-side --force-conflicts -k "$REPO_DIR/crds" >/dev/null
  kubectl_local wait --for=condition=Established crd --all --timeout=60s >/dev/null
  log "registry at $LOCAL_REGISTRY (the operator's default repository is $LOCAL_REGISTRY/terrarium/environments)"
  log "cluster ready; use it with: export KUBECONFIG=$KUBECONFIG_PATH PATH=$BIN_DIR:\$PATH"
}

down() {
  if [ -x "$BIN_DIR/kwokctl" ]; then
    "$BIN_DIR/kwokctl" --name "$CLUSTER_NAME" delete cluster 2>&1 | sed 's/^/    /' >&2 || true
  fi
  # kwokctl stops what it recorded; anything of ours still alive under the cluster dir is stopped by its pid file.
  if [ -d "$CLUSTER_DIR/pids" ]; then
    for pidfile in "$CLUSTER_DIR"/pids/*.pid; do
      [ -f "$pidfile" ] || continue
      kill "$(cat "$pidfile")" 2>/dev/null || true
    done
  fi
  "$HACK_DIR/registry.sh" stop "$REGISTRY_DIR" || true
  rm -rf "$CLUSTER_DIR" "$KUBECONFIG_PATH" "$REGISTRY_DIR"
  log "cluster '$CLUSTER_NAME' removed"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) answers ;;
  env) echo "export KUBECONFIG=$KUBECONFIG_PATH PATH=$BIN_DIR:\$PATH" ;;
  paths) printf 'KUBECONFIG=%s\nBIN_DIR=%s\nAUDIT_LOG=%s\nREGISTRY=%s\nHELM=%s\n' "$KUBECONFIG_PATH" "$BIN_DIR" \
    "$CLUSTER_DIR/logs/audit.log" "$LOCAL_REGISTRY" "$HELM_BIN" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
