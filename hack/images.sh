#!/usr/bin/env bash
# The project's own images, made without a Docker engine and pushed to a registry:
#   terrarium/base/jre   Debian bookworm (debootstrap minbase) with Debian's openjdk-17-jre-headless, user 185
#   terrarium/builder    Debian bookworm with buildah, skopeo, uidmap, python3 and a tools venv (py-rattler, uv),
#                        user build (1000) set up for rootless buildah (vfs storage, chroot isolation)
#   terrarium/operator   the Quarkus fast-jar, put on terrarium/base/jre (pinned by digest) by Quarkus' Jib extension
#
#   hack/images.sh [registry host:port [image...]]   registry default: the local registry of hack/lib.sh, started
#                                                   when it is not running; images: jre, builder, operator (all
#                                                   by default; operator needs jre, which it makes too)
#
# Prints one line per image made, <name>=<registry>/<repository>@sha256:<digest>; when all three are made, writes the
# same references to target/images.env as TERRARIUM_{OPERATOR,BUILDER,JRE}_IMAGE=... lines. Tests that only need
# the builder image ask for it alone, so that they do not package the operator again.
#
# Each image is tagged inputs-<hash of what it is made from>, the project version and the git revision (short
# commit, -dirty when the work tree has changes). An image whose inputs tag the registry already has is not built
# again, only tagged. Root filesystems are cached as tarballs under $TERRARIUM_CACHE/base, keyed by Debian suite,
# package list and pip pins. Registries on loopback are spoken to over plain HTTP; IMAGES_INSECURE=true does the same
# for another one. Credentials come from the usual files (~/.docker/config.json, containers' auth.json), which
# buildah, skopeo and Jib all read.
#
# Runs as root (debootstrap, chroot). It keeps its own buildah storage and builds the operator from a copy of the
# sources, so it can run while the tests use the work tree and the machine's buildah; a second run waits for the first.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

registry="${1:-$LOCAL_REGISTRY}"
wanted=" ${*:2} "
[ "$wanted" != "  " ] || wanted=" jre builder operator "
for name in $wanted; do
  case "$name" in
    jre|builder|operator) ;;
    *) echo "hack/images.sh: unknown image $name (jre, builder or operator)" >&2; exit 2 ;;
  esac
done
[[ "$wanted" != *" operator "* ]] || wanted+="jre "
wants() { [[ "$wanted" == *" $1 "* ]]; }
[ "$(id -u)" -eq 0 ] || { echo "hack/images.sh runs as root (debootstrap and chroot need it)" >&2; exit 1; }

suite=bookworm
arch="$(dpkg --print-architecture)"
host_bundle=/etc/ssl/certs/ca-certificates.crt
jre_packages=openjdk-17-jre-headless,ca-certificates
# netavark only because containers-common depends on a network stack (debootstrap cannot pick for a virtual
# package); chroot isolation runs build steps in the host's network namespace. git because uv clones the git
# references of a conda environment's pip packages with it, and openssh-client for git+ssh:// ones.
builder_packages=buildah,skopeo,uidmap,netavark,ca-certificates,python3,python3-venv,git,openssh-client
builder_pins="py-rattler==0.28.0 uv==0.13.8"
builder_overlay="$REPO_DIR/images/builder/rootfs"
source_url="${IMAGES_SOURCE_URL:-$(git -C "$REPO_DIR" remote get-url origin 2>/dev/null \
  || echo https://github.com/terrarium-dev/terrarium)}"

state="$TERRARIUM_CACHE/images"
mkdir -p "$state/tmp" "$TERRARIUM_CACHE/base"
exec 9>"$state/lock"
flock 9

case "${registry%:*}" in
  127.*|localhost|\[::1\]) insecure=true ;;
  *) insecure="${IMAGES_INSECURE:-false}" ;;
esac
if [ "$insecure" = true ]; then
  scheme=http tls_verify=false
else
  scheme=https tls_verify=true
fi

if [ "$registry" = "$LOCAL_REGISTRY" ] && ! curl -fsS -o /dev/null "http://$registry/v2/" 2>/dev/null; then
  # Without the lock's descriptor, which the registry would otherwise hold for as long as it runs.
  "$HACK_DIR/registry.sh" start "$REGISTRY_DIR" "${LOCAL_REGISTRY##*:}" >/dev/null 9>&-
fi
# Any HTTP answer will do: 401 is how a registry that wants credentials says hello.
if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$scheme://$registry/v2/" || true)" = 000 ]; then
  echo "no registry answers at $scheme://$registry/v2/" >&2
  exit 1
fi

version="$(python3 -c 'import sys, xml.etree.ElementTree as tree
print(tree.parse(sys.argv[1]).getroot().findtext("{http://maven.apache.org/POM/4.0.0}version"))' "$REPO_DIR/pom.xml")"
commit="$(git -C "$REPO_DIR" rev-parse HEAD)"
revision="$(git -C "$REPO_DIR" rev-parse --short=12 HEAD)"
if [ -n "$(git -C "$REPO_DIR" status --porcelain)" ]; then
  commit+=-dirty
  revision+=-dirty
fi
# A tag is at most 128 of [A-Za-z0-9_.-]; a version such as 1.0.0+build.5 keeps its shape with - for +.
as_tag() { local tag="${1//[^A-Za-z0-9_.-]/-}"; echo "${tag:0:128}"; }
extra_tags=("$(as_tag "$version")" "$(as_tag "$revision")")

store=(--root "$state/storage" --runroot "$state/runroot" --storage-driver vfs)
bah() { buildah "${store[@]}" "$@"; }

scratch=()
containers=()
cleanup() {
  local item
  for item in ${containers[@]+"${containers[@]}"}; do bah rm "$item" >/dev/null 2>&1 || true; done
  for item in ${scratch[@]+"${scratch[@]}"}; do rm -rf --one-file-system "$item"; done
}
trap cleanup EXIT
# The storage and scratch space are this script's alone and the lock is held: what is left there, a run killed
# half-way left.
bah rm --all >/dev/null 2>&1 || true
bah rmi --all --force >/dev/null 2>&1 || true
find "$state/tmp" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} +

new_scratch() {
  scratch_dir="$(mktemp -d "$state/tmp/$1.XXXXXX")"
  scratch+=("$scratch_dir")
}

sha() { sha256sum | cut -c1-"${1:-64}"; }

# Content and modes of files, with fixed owners and times: the hash of a tree as an image would hold it.
files_hash() {
  local dir="$1"
  shift
  [ $# -gt 0 ] || { printf '' | sha; return; }
  printf '%s\0' "$@" | LC_ALL=C sort -z \
    | tar -C "$dir" --null --no-recursion --format=gnu --mtime=@0 --owner=0 --group=0 --numeric-owner -T - -cf - \
    | sha
}

# Runs a command chrooted into a root filesystem, with /proc and /dev, in a mount namespace of its own: no mount
# outlives the command, so none can hold the host's /proc or /dev under a directory that is removed later. The
# environment is only PATH, HOME and LANG, plus NAME=value arguments given before the command.
in_root() {
  local root="$1"
  shift
  unshare --mount --propagation private -- /bin/sh -c '
    root="$1"
    shift
    mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" || exit 1
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 "$@"' in-root "$root" "$@"
}

# A Debian root filesystem made by debootstrap (minbase) with the given packages and, when pip pins are given, a
# tools venv at /opt/terrarium/tools with those pins installed from the index pip knows by default. Cached as a
# tarball keyed by suite, packages and pins; sets $rootfs to its path.
make_rootfs() {
  local name="$1" packages="$2" pins="$3" key root
  key="$(printf '%s\n' "$suite" "$arch" "$packages" "$pins" | sha 16)"
  rootfs="$TERRARIUM_CACHE/base/$suite-minbase-$name-$key.tar"
  [ -f "$rootfs" ] && return 0
  log "debootstrap $suite ($packages) for $name"
  new_scratch "rootfs-$name"
  root="$scratch_dir"
  unshare --mount --propagation private -- debootstrap --variant=minbase --include="$packages" "$suite" "$root" >&2
  if [ -n "$pins" ]; then
    log "installing $pins into /opt/terrarium/tools"
    rm -f "$root/etc/resolv.conf"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    cp "$host_bundle" "$root/tmp/host-ca.crt"
    in_root "$root" python3 -m venv /opt/terrarium/tools
    # shellcheck disable=SC2086 # the pins are words
    in_root "$root" PIP_CERT=/tmp/host-ca.crt /opt/terrarium/tools/bin/pip install --quiet --no-cache-dir \
      --disable-pip-version-check $pins >&2
    ln -s /opt/terrarium/tools/bin/uv "$root/usr/local/bin/uv"
    in_root "$root" /opt/terrarium/tools/bin/python -c 'import rattler' >&2
    in_root "$root" /usr/local/bin/uv --version >&2
    rm -f "$root/tmp/host-ca.crt"
  fi
  # Runtimes provide /dev and the name service files; apt's lists and archives are only download caches.
  : >"$root/etc/resolv.conf"
  : >"$root/etc/hostname"
  rm -rf "${root:?}"/dev/* "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
  tar -C "$root" --numeric-owner --xattrs --xattrs-include=security.capability -cf "$rootfs.tmp" .
  mv "$rootfs.tmp" "$rootfs"
  # Tarballs of older keys of the same image are never read again.
  find "$TERRARIUM_CACHE/base" -maxdepth 1 -name "$suite-minbase-$name-*.tar" ! -name "${rootfs##*/}" -delete
}

# Adds the certificates of this machine's CA bundle that the image's Debian bundle lacks as local CAs, the Debian
# way (update-ca-certificates), so the PEM bundle and, where a JRE is installed, Java's cacerts trust what this
# machine trusts: networks that intercept TLS need that, elsewhere the host adds nothing.
trust_host_cas() {
  local root="$1" dir="$1/usr/local/share/ca-certificates" added output
  mkdir -p "$dir"
  awk -v dir="$dir" '
    FNR == 1 { file++ }
    /-----BEGIN CERTIFICATE-----/ { inside = 1; body = ""; pem = $0 "\n"; next }
    inside { pem = pem $0 "\n" }
    inside && /-----END CERTIFICATE-----/ {
      inside = 0
      if (file == 1) { known[body] = 1 }
      else if (!(body in known)) {
        n++
        out = sprintf("%s/terrarium-host-%03d.crt", dir, n)
        printf "%s", pem > out
        close(out)
      }
      next
    }
    inside { gsub(/[ \t\r]/, ""); body = body $0 }
  ' "$root/etc/ssl/certs/ca-certificates.crt" "$host_bundle"
  added="$(find "$dir" -name 'terrarium-host-*.crt' | wc -l)"
  if [ "$added" -gt 0 ]; then
    log "trusting $added CA certificate(s) of this machine that Debian's bundle lacks"
    # Its rehash step warns about the bundle file itself on every run; only a failure's output is worth showing.
    if ! output="$(in_root "$root" update-ca-certificates 2>&1)"; then
      printf '%s\n' "$output" >&2
      return 1
    fi
  fi
}

# A working container holding the cached root filesystem; sets $container and $root (its mounted directory).
new_image_root() {
  container="$(bah from --name "terrarium-images-$1-$$" scratch)"
  containers+=("$container")
  root="$(bah mount "$container")"
  tar -C "$root" --numeric-owner --xattrs --xattrs-include=security.capability -xpf "$rootfs"
}

# Commits the working container and pushes it as <repository>:<tag>; sets $digest.
commit_and_push() {
  local repository="$1" tag="$2" local_name="localhost/terrarium-images/$1:$2" digest_file
  bah config --label org.opencontainers.image.source="$source_url" --label org.opencontainers.image.version="$version" \
    --label org.opencontainers.image.revision="$commit" "$container"
  bah commit --quiet --rm "$container" "$local_name" >/dev/null
  new_scratch digest
  digest_file="$scratch_dir/digest"
  bah push --quiet --tls-verify="$tls_verify" --digestfile "$digest_file" "$local_name" \
    "docker://$registry/$repository:$tag" >&2
  bah rmi "$local_name" >/dev/null
  digest="$(cat "$digest_file")"
}

jre_recipe() {
  local repository="$1" tag="$2"
  make_rootfs jre "$jre_packages" ""
  new_image_root jre
  trust_host_cas "$root"
  # uid 185 and home /home/jboss, as in the UBI OpenJDK images: Quarkus' Jib extension makes /home/jboss the working
  # directory, owned by 185, and deploy/ runs the operator as 185.
  in_root "$root" groupadd --system --gid 185 jboss
  in_root "$root" useradd --system --uid 185 --gid 185 --home-dir /home/jboss --create-home \
    --shell /usr/sbin/nologin jboss
  bah config --user 185:185 --workingdir /home/jboss \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 \
    --env JAVA_HOME="/usr/lib/jvm/java-17-openjdk-$arch" --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --cmd '["java", "-version"]' \
    --label org.opencontainers.image.title=terrarium-jre \
    --label org.opencontainers.image.description="Debian $suite minbase, Debian's OpenJDK 17 JRE (headless), user 185" \
    "$container"
  commit_and_push "$repository" "$tag"
}

# buildah as uid 1000 without privileges: it maps a user namespace from the ranges in /etc/subuid and /etc/subgid
# with uidmap's newuidmap and newgidmap, keeps layers with the vfs driver (no overlay mounts, no /dev/fuse) and runs
# build steps with chroot isolation (no runc) in the container's own network namespace.
builder_recipe() {
  local repository="$1" tag="$2"
  make_rootfs builder "$builder_packages" "$builder_pins"
  new_image_root builder
  trust_host_cas "$root"
  in_root "$root" groupadd --gid 1000 build
  in_root "$root" useradd --uid 1000 --gid 1000 --home-dir /home/build --create-home --shell /bin/bash build
  # File capabilities rather than Debian's setuid root: in a pod that drops every capability but SETUID and SETGID,
  # a setuid-root newuidmap runs as root without CAP_DAC_OVERRIDE and cannot open the uid_map of a process that
  # uid 1000 owns; run as uid 1000 with CAP_SETUID alone, it can.
  chmod 0755 "$root/usr/bin/newuidmap" "$root/usr/bin/newgidmap"
  setcap cap_setuid=ep "$root/usr/bin/newuidmap"
  setcap cap_setgid=ep "$root/usr/bin/newgidmap"
  printf 'build:100000:65536\n' >"$root/etc/subuid"
  printf 'build:100000:65536\n' >"$root/etc/subgid"
  cat >"$root/etc/containers/storage.conf" <<'EOF'
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
EOF
  cat >"$root/etc/containers/containers.conf" <<'EOF'
[containers]
netns = "host"
userns = "host"
ipcns = "host"
utsns = "host"
cgroupns = "host"
cgroups = "disabled"
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  mkdir -p "$root/home/build/.config/containers" "$root/home/build/.local/share/containers"
  cat >"$root/home/build/.config/containers/storage.conf" <<'EOF'
[storage]
driver = "vfs"
graphroot = "/home/build/.local/share/containers/storage"
EOF
  chown -R 1000:1000 "$root/home/build"
  if [ -d "$builder_overlay" ]; then
    tar -C "$builder_overlay" --owner=0 --group=0 --numeric-owner -cf - . | tar -C "$root" --no-overwrite-dir -xpf -
  fi
  bah config --user 1000:1000 --workingdir /home/build \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 \
    --env HOME=/home/build --env BUILDAH_ISOLATION=chroot --env STORAGE_DRIVER=vfs \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --env PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    --cmd '["/bin/bash"]' \
    --label org.opencontainers.image.title=terrarium-builder \
    --label org.opencontainers.image.description="Debian $suite with buildah, skopeo, uidmap, py-rattler and uv \
(/opt/terrarium/tools) for rootless builds as uid 1000" \
    "$container"
  commit_and_push "$repository" "$tag"
}

# The operator image: the Quarkus build of a copy of the sources, with Jib pushing the fast-jar on the JRE image.
# Jib runs `java ... -jar quarkus-run.jar` in /home/jboss as the base image's user, 185. Jib's layer caches go with
# the copy: its defaults (the user's cache and /tmp) keep every layer of every build, for good, and each build has
# new ones (a new base image in each test run's registry, a new jar).
operator_recipe() {
  local repository="$1" tag="$2" base="$3" src
  new_scratch operator-src
  src="$scratch_dir"
  printf '%s\0' "${operator_files[@]}" | tar -C "$REPO_DIR" --null --no-recursion -T - -cf - | tar -C "$src" -xf -
  (cd "$src" && mvn -B -q package -DskipTests \
    -Dquarkus.container-image.build=true -Dquarkus.container-image.push=true \
    -Dquarkus.container-image.registry="$registry" -Dquarkus.container-image.group="${repository%/*}" \
    -Dquarkus.container-image.name="${repository##*/}" -Dquarkus.container-image.tag="$tag" \
    -Dquarkus.container-image.insecure="$insecure" \
    -Dquarkus.jib.base-jvm-image="$base" -Dquarkus.jib.user=185 \
    -Dquarkus.jib.base-image-layers-cache="$src/target/jib-base-layers" \
    -Dquarkus.jib.application-layers-cache="$src/target/jib-application-layers" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.title\"=terrarium-operator" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.description\"=The Terrarium operator (Quarkus, JVM)" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.source\"=$source_url" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.version\"=$version" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.revision\"=$commit") >&2
  digest="$(cat "$src/target/jib-image.digest")"
}

# The manifest digest the registry serves for <repository>:<tag>, or nothing.
registry_digest() {
  skopeo inspect --no-tags --tls-verify="$tls_verify" --format '{{.Digest}}' "docker://$registry/$1:$2" 2>/dev/null \
    || true
}

# Points the version and revision tags at <repository>@<digest>. Only the manifest is written: the blobs are there.
add_tags() {
  local repository="$1" digest="$2" tag
  for tag in "${extra_tags[@]}"; do
    skopeo copy --quiet --preserve-digests --src-tls-verify="$tls_verify" --dest-tls-verify="$tls_verify" \
      "docker://$registry/$repository@$digest" "docker://$registry/$repository:$tag" >&2
  done
}

# Builds <repository> with <recipe> unless the registry has its inputs tag; tags it and sets $reference. A recipe
# takes the repository, the tag and the arguments after the recipe's name, pushes, and sets $digest.
image() {
  local repository="$1" inputs="$2" recipe="$3" tag started
  shift 3
  tag="inputs-$(printf '%s' "$inputs" | sha 16)"
  digest="$(registry_digest "$repository" "$tag")"
  if [ -n "$digest" ]; then
    log "$repository:$tag is in the registry, not rebuilt"
  else
    started=$SECONDS
    log "building $repository:$tag"
    "$recipe" "$repository" "$tag" "$@"
    log "pushed $registry/$repository:$tag@$digest in $((SECONDS - started)) s"
  fi
  add_tags "$repository" "$digest"
  reference="$registry/$repository@$digest"
}

# What each image is made from. The recipes' own text is part of it (declare -f), so an edit to a recipe rebuilds
# that image and no other; the commit is not (labels name the commit an image was built at).
ca_hash="$(sha <"$host_bundle")"
common_inputs="$(printf '%s\n' "version=$version" "source=$source_url" "suite=$suite" "arch=$arch" "ca=$ca_hash"
  declare -f in_root make_rootfs trust_host_cas new_image_root commit_and_push)"

if wants jre; then
  image terrarium/base/jre "$common_inputs
packages=$jre_packages
$(declare -f jre_recipe)" jre_recipe
  jre_reference="$reference"
  printf 'jre=%s\n' "$jre_reference"
fi

if wants builder; then
  overlay_files=()
  if [ -d "$builder_overlay" ]; then
    mapfile -d '' overlay_files < <(cd "$builder_overlay" && find . -mindepth 1 -print0)
  fi
  overlay_hash="$(files_hash "$builder_overlay" ${overlay_files[@]+"${overlay_files[@]}"})"
  image terrarium/builder "$common_inputs
packages=$builder_packages
pins=$builder_pins
overlay=$overlay_hash
$(declare -f builder_recipe)" builder_recipe
  builder_reference="$reference"
  printf 'builder=%s\n' "$builder_reference"
fi

if wants operator; then
  # The operator is made from pom.xml and src/main as they are in the work tree, committed or not (ignored files
  # aside), so a dirty tree builds what it holds.
  operator_files=()
  while IFS= read -r -d '' file; do
    [ -e "$REPO_DIR/$file" ] && operator_files+=("$file")
  done < <(git -C "$REPO_DIR" ls-files -z --cached --others --exclude-standard -- pom.xml .mvn src/main)
  sources_hash="$(files_hash "$REPO_DIR" "${operator_files[@]}")"
  image terrarium/operator "version=$version
source=$source_url
base=$jre_reference
sources=$sources_hash
$(declare -f operator_recipe)" operator_recipe "$jre_reference"
  operator_reference="$reference"
  printf 'operator=%s\n' "$operator_reference"
fi

wants jre && wants builder && wants operator || exit 0
mkdir -p "$REPO_DIR/target"
printf 'TERRARIUM_OPERATOR_IMAGE=%s\nTERRARIUM_BUILDER_IMAGE=%s\nTERRARIUM_JRE_IMAGE=%s\n' \
  "$operator_reference" "$builder_reference" "$jre_reference" >"$REPO_DIR/target/images.env.tmp"
mv "$REPO_DIR/target/images.env.tmp" "$REPO_DIR/target/images.env"
