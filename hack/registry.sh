#!/usr/bin/env bash
# Runs Debian's docker-registry (distribution 2.8) on loopback for tests and local builds.
#
#   registry.sh start <dir> <port> [<user> <password>]
#       anonymous registry, or one that requires htpasswd (bcrypt) basic auth for that single user
#   registry.sh start <dir> <port> --token <realm> <service> <issuer>
#       registry that accepts only bearer tokens from <realm>; it trusts <dir>/token.crt, whose RSA key
#       <dir>/token.key (PKCS#8 PEM) a token server signs its JWTs with (RS256, certificate in the x5c header)
#   registry.sh stop <dir>
#
# start prints 127.0.0.1:<port> once /v2/ answers; stop ends the registry named by <dir>/registry.pid.
# Storage, config, log and pid file all live under <dir>. Missing packages are installed with apt-get when
# running as root, which is how CI runs.
set -euo pipefail

usage() {
  { echo "usage:"; sed -n '4,9s/^#//p' "${BASH_SOURCE[0]}"; } >&2
  exit 2
}

log() { printf '==> %s\n' "$*" >&2; }

# Each entry is "command:package"; only the commands this run needs are checked.
ensure_commands() {
  local missing_packages=() entry
  for entry in "$@"; do
    command -v "${entry%%:*}" >/dev/null 2>&1 || missing_packages+=("${entry#*:}")
  done
  [ ${#missing_packages[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: ${missing_packages[*]} (install them, or run as root)"
    exit 1
  fi
  log "installing ${missing_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have empty package lists; update only when the first attempt cannot find a package.
  if ! apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
  fi
}

# A registry that exited stays a zombie until PID 1 reaps it, which can take seconds, so `kill -0` is not enough.
process_running() {
  local state
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [ -n "$state" ] && [ "$state" != "Z" ] && [ "$state" != "X" ]
}

pid_alive() { [ -f "$1" ] && process_running "$(cat "$1")"; }

stop_registry() {
  [ -d "$1" ] || return 0
  local dir pid_file pid
  dir="$(cd "$1" && pwd)"
  pid_file="$dir/registry.pid"
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file")"
  # A stale pid file may name a process that reused the pid: only a registry serving this config is ours.
  if process_running "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "serve $dir/config.yml"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      process_running "$pid" || break
      sleep 0.05
    done
    if process_running "$pid"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_file"
}

write_htpasswd() {
  local file="$1" user="$2" password="$3"
  htpasswd -Bbn "$user" "$password" | sed '/^$/d' >"$file"
}

write_token_certificate() {
  local dir="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=terrarium test token issuer" \
    -keyout "$dir/token.key" -out "$dir/token.crt" 2>/dev/null
}

start_registry() {
  [ $# -eq 2 ] || [ $# -eq 4 ] || { [ $# -eq 6 ] && [ "$3" = "--token" ]; } || usage
  local dir="$1" port="$2"
  [[ "$port" =~ ^[0-9]+$ ]] || usage
  local needs=(docker-registry:docker-registry curl:curl)
  local auth_mode=none
  if [ $# -eq 4 ]; then
    auth_mode=htpasswd
    needs+=(htpasswd:apache2-utils)
  elif [ $# -eq 6 ]; then
    auth_mode=token
    needs+=(openssl:openssl)
  fi
  ensure_commands "${needs[@]}"

  mkdir -p "$dir/storage"
  dir="$(cd "$dir" && pwd)"
  local pid_file="$dir/registry.pid" config="$dir/config.yml"
  stop_registry "$dir"

  local auth_section=""
  case "$auth_mode" in
    htpasswd)
      write_htpasswd "$dir/htpasswd" "$3" "$4"
      auth_section="auth:
  htpasswd:
    realm: terrarium-test
    path: $dir/htpasswd"
      ;;
    token)
      write_token_certificate "$dir"
      auth_section="auth:
  token:
    realm: \"$4\"
    service: \"$5\"
    issuer: \"$6\"
    rootcertbundle: $dir/token.crt"
      ;;
  esac

  cat >"$config" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: terrarium-test-registry-$port
$auth_section
EOF

  # setsid detaches the registry from the caller's process group, so it outlives this script.
  setsid /usr/bin/docker-registry serve "$config" >"$dir/registry.log" 2>&1 </dev/null &
  echo $! >"$pid_file"

  for _ in $(seq 150); do
    if ! pid_alive "$pid_file"; then
      log "docker-registry exited; last lines of $dir/registry.log:"
      tail -n 20 "$dir/registry.log" >&2
      rm -f "$pid_file"
      exit 1
    fi
    # Any HTTP answer counts: 401 is the normal answer of a registry that requires authentication.
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v2/" || true)" != "000" ]; then
      echo "127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  log "docker-registry did not answer on 127.0.0.1:$port within 15 s; last lines of $dir/registry.log:"
  tail -n 20 "$dir/registry.log" >&2
  stop_registry "$dir"
  exit 1
}

[ $# -ge 1 ] || usage
command="$1"
shift
case "$command" in
  start) start_registry "$@" ;;
  stop) [ $# -eq 1 ] || usage; stop_registry "$1" ;;
  *) usage ;;
esac
