#!/usr/bin/env bash
# make deploy / make undeploy: applies or deletes the kustomize tree under deploy/ (generated from the Helm chart by
# make manifests) with the kubectl that
# hack/build-binaries.sh builds (as hack/run.sh does), against the current kube context, else against the local
# control plane when it runs (make cluster). Its pods are simulated by kwok, so there the operator Deployment only
# shows that the manifests apply and roll out; the operator itself runs with make run.
#   hack/deploy.sh apply [with-registry]   CRDs, RBAC, operator, roles, admission policy (and the in-cluster
#                                          registry with its push credentials); waits for the rollout
#   hack/deploy.sh delete                  removes all of it, the registry and the CRDs included
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

action="${1:-}"
tree="$REPO_DIR/deploy"
registry=
case "$action" in
  apply) [ "${2:-}" = with-registry ] && tree="$REPO_DIR/deploy/with-registry" && registry=1 ;;
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

# The in-cluster registry's credentials, made once with a random password, as the chart makes them at install: the
# bcrypt hash for its nginx in terrarium-system, the password for build pods in the build namespace only. Names and
# host are the chart's for release "terrarium" (deploy/helm/manifests-values.yaml). The password goes through
# stdin and pipes, never an argument or a file.
registry_credentials() {
  local host=terrarium-registry.terrarium-system.svc:5000 user=push password
  if "$kubectl_bin" -n terrarium-builds get secret terrarium-registry-push >/dev/null 2>&1 &&
      "$kubectl_bin" -n terrarium-system get secret terrarium-registry-htpasswd >/dev/null 2>&1; then
    return 0
  fi
  log "creating the in-cluster registry's push credentials"
  password="$(openssl rand -hex 24)"
  htpasswd -niBC 10 "$user" <<<"$password" | sed '/^$/d' | "$kubectl_bin" -n terrarium-system create secret generic \
    terrarium-registry-htpasswd --from-file=htpasswd=/dev/stdin --dry-run=client -o yaml |
    "$kubectl_bin" apply --server-side --force-conflicts --field-manager=terrarium-deploy -f - >/dev/null
  printf '{"auths":{"%s":{"username":"%s","password":"%s","auth":"%s"}}}' "$host" "$user" "$password" \
      "$(printf '%s:%s' "$user" "$password" | base64 -w0)" |
    "$kubectl_bin" -n terrarium-builds create secret generic terrarium-registry-push \
      --type=kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson=/dev/stdin --dry-run=client -o yaml |
    "$kubectl_bin" apply --server-side --force-conflicts --field-manager=terrarium-deploy -f - >/dev/null
}

if [ "$action" = apply ]; then
  # deploy/ owns what it lists: take over fields that make run or make cluster applied before (the CRDs).
  "$kubectl_bin" apply --server-side --force-conflicts --field-manager=terrarium-deploy -k "$tree"
  if [ -n "$registry" ]; then registry_credentials; fi
  "$kubectl_bin" wait --for=condition=Established --timeout=60s \
    crd/environments.terrarium.dev crd/imagebuilds.terrarium.dev crd/workloads.terrarium.dev >/dev/null
  "$kubectl_bin" -n terrarium-system rollout status deployment/terrarium-operator \
    --timeout="${TERRARIUM_ROLLOUT_TIMEOUT:-180s}"
  if [ -n "$registry" ]; then
    "$kubectl_bin" -n terrarium-system rollout status deployment/terrarium-registry \
      --timeout="${TERRARIUM_ROLLOUT_TIMEOUT:-180s}"
  fi
else
  # No finalizers hold Terrarium's objects: deleting the CRDs deletes every Environment, ImageBuild and Workload,
  # and their owned children are garbage-collected. The registry's Secrets go with their namespaces.
  "$kubectl_bin" delete --ignore-not-found --wait=true -k "$tree"
fi
