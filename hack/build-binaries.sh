#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok and kwokctl from Go modules
# into a cache directory named by their versions. A second run finds them there and builds nothing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KUBE_BINS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
ALL_BINS=("${KUBE_BINS[@]}" etcd kwok kwokctl)

missing=()
for b in "${ALL_BINS[@]}"; do [ -x "$BIN_DIR/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "$BIN_DIR"
  exit 0
fi
log "building ${missing[*]} into $BIN_DIR"
mkdir -p "$BIN_DIR"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
work="$TERRARIUM_CACHE/build"
mkdir -p "$work"

need() { [[ " ${missing[*]} " == *" $1 "* ]]; }

build_kube() {
  local mod="$work/kube-$KUBE_VERSION"
  local minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
  local staging_version="v0.${KUBE_VERSION#v1.}"
  mkdir -p "$mod"
  if [ ! -f "$mod/go.sum" ]; then
    local upstream_gomod
    upstream_gomod="$(cd "$work" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')"
    local go_line godebug_line
    go_line="$(grep -m1 '^go ' "$upstream_gomod")"
    godebug_line="$(grep -m1 '^godebug ' "$upstream_gomod" || true)"
    {
      echo "module terrarium.dev/hack/kube"
      echo
      echo "$go_line"
      [ -n "$godebug_line" ] && echo "$godebug_line"
      echo
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      echo
      # Every staging module the upstream go.mod requires at v0.0.0 is replaced by its published tag.
      awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$upstream_gomod" | sort -u | while read -r m; do
        echo "replace $m => $m $staging_version"
      done
    } > "$mod/go.mod"
    cat > "$mod/tools.go" <<GO
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
    (cd "$mod" && go mod tidy)
  fi
  local ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for b in "${KUBE_BINS[@]}"; do
    need "$b" || continue
    log "go build $b $KUBE_VERSION"
    (cd "$mod" && go build -trimpath -ldflags "-s -w$ldflags" -o "$BIN_DIR/$b.tmp" "k8s.io/kubernetes/cmd/$b")
    mv "$BIN_DIR/$b.tmp" "$BIN_DIR/$b"
  done
}

build_etcd() {
  local mod="$work/etcd-$ETCD_VERSION"
  mkdir -p "$mod"
  if [ ! -f "$mod/go.sum" ]; then
    printf 'module terrarium.dev/hack/etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > "$mod/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > "$mod/tools.go"
    (cd "$mod" && go mod tidy)
  fi
  log "go build etcd $ETCD_VERSION"
  (cd "$mod" && go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$BIN_DIR/etcd.tmp" "$BIN_DIR/etcd"
}

build_kwok() {
  log "go install kwok, kwokctl $KWOK_VERSION"
  GOBIN="$BIN_DIR" go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
}

if need kwok || need kwokctl; then build_kwok; fi
if need etcd; then build_etcd; fi
for b in "${KUBE_BINS[@]}"; do if need "$b"; then build_kube; break; fi; done
echo "$BIN_DIR"
