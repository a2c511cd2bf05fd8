# Shared paths for hack/*.sh. Source it; it defines no behaviour of its own.
HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$HACK_DIR/.." && pwd)"
# shellcheck source=hack/versions.env
. "$HACK_DIR/versions.env"
TERRARIUM_CACHE="${TERRARIUM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terrarium}"
BIN_DIR="$TERRARIUM_CACHE/bin/kube-${KUBE_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
# Helm has a directory of its own, so that a new Helm version does not rebuild Kubernetes, nor the reverse.
HELM_BIN="$TERRARIUM_CACHE/bin/helm-${HELM_VERSION}/helm"
CLUSTER_NAME="${TERRARIUM_CLUSTER:-terrarium}"
KWOK_WORKDIR="${KWOK_WORKDIR:-$TERRARIUM_CACHE/kwok}"
export KWOK_WORKDIR
CLUSTER_DIR="$KWOK_WORKDIR/clusters/$CLUSTER_NAME"
KUBECONFIG_PATH="${TERRARIUM_KUBECONFIG:-$TERRARIUM_CACHE/kubeconfig}"
# The local registry that the operator's default repository points at (terrarium.registry.default-repository).
LOCAL_REGISTRY="127.0.0.1:${TERRARIUM_REGISTRY_PORT:-5001}"
REGISTRY_DIR="$TERRARIUM_CACHE/registry-$CLUSTER_NAME"
log() { printf '==> %s\n' "$*" >&2; }
