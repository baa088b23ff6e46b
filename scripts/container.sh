#!/usr/bin/env bash
# Builds the portal's container image with the .NET SDK (no Dockerfile, no Docker daemon) and writes it as a tarball
# that `docker load`, `podman load` or `skopeo copy docker-archive:...` take. README, "Deploying", says how to run it.
#
#   scripts/container.sh                 the production build: framework-dependent, on the SDK's default base image
#                                        (mcr.microsoft.com/dotnet/aspnet:10.0), so it needs that registry
#   scripts/container.sh --local-base    a build that needs no registry but Debian's and NuGet: a minimal base image is
#                                        made here from Debian packages (glibc, ICU, OpenSSL, CA certificates, tzdata,
#                                        zlib, and the non-root user 1654), served from a loopback registry, and the
#                                        portal is published self-contained onto it
#   --verify                             then reads the image's configuration (non-root user, port 8080, entrypoint,
#                                        environment), unpacks its layers into a root file system and runs the
#                                        entrypoint there as the image's user, in its own mount and PID namespaces,
#                                        on an embedded SQLite database in a temporary App_Data, until /health/live
#                                        and /health/ready answer 200
#   --verify-only                        only verifies the tarball already at --output
#   --output PATH                        the tarball (default artifacts/container/nhs-open-api-portal.tar)
#   --tag TAG                            the image tag (default latest)
#
# Needs root for --local-base (installing Debian packages) and --verify (mount namespace, chroot, switching user).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

local_base=false
verify=false
build=true
output="$root/artifacts/container/nhs-open-api-portal.tar"
tag=latest
while [ $# -gt 0 ]; do
  case "$1" in
    --local-base) local_base=true ;;
    --verify) verify=true ;;
    --verify-only) verify=true; build=false ;;
    --output) output=$(realpath -m "$2"); shift ;;
    --tag) tag="$2"; shift ;;
    *) echo "Unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

. scripts/debian-packages.sh
work=$(mktemp -d -t portal-container.XXXXXX)
registry_pid=""
runner_pid=""
cleanup() {
  if [ -n "$runner_pid" ]; then stop_portal; fi
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  # The run's mounts lived in its own mount namespace, gone with it; --one-file-system keeps rm on this disk anyway.
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# The portal is the one child of the outer unshare (env, sh and the inner unshare each exec the next). unshare ignores
# SIGTERM while it waits, and the portal's parent-death signal is dropped when it switches user, so the portal itself
# is told to stop, then the namespace goes with it.
stop_portal() {
  local portal waited=0
  portal=$(ps -o pid= --ppid "$runner_pid" 2>/dev/null | tr -d ' ' || true)
  if [ -n "$portal" ]; then kill -TERM "$portal" 2>/dev/null || true; fi
  while kill -0 "$runner_pid" 2>/dev/null && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  if [ -n "$portal" ]; then kill -KILL "$portal" 2>/dev/null || true; fi
  kill -KILL "$runner_pid" 2>/dev/null || true
  wait "$runner_pid" 2>/dev/null || true
  runner_pid=""
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# A minimal base image in an OCI layout at $work/base-oci: one layer with what a self-contained .NET app needs at run
# time (what Microsoft's runtime-deps images hold), taken from Debian's packages, and the user app (1654:1654).
build_local_base() {
  local rootfs="$work/base-rootfs" debs="$work/debs" oci="$work/base-oci"
  mkdir -p "$rootfs" "$debs" "$oci/blobs/sha256"
  local icu
  icu=$(apt-cache pkgnames libicu | grep -E '^libicu[0-9]+$' | sort -V | tail -1)
  local packages=(libc6 libgcc-s1 libstdc++6 "$icu" libssl3 zlib1g tzdata ca-certificates)
  echo "Making the local base image from Debian packages: ${packages[*]}..."
  # The folder is private to this run, so apt downloads as root rather than as its sandbox user.
  (cd "$debs" && apt-get -o APT::Sandbox::User=root download -qq "${packages[@]}" >/dev/null)
  # Debian's merged /usr: /lib, /lib64, /bin and /sbin are links into /usr, as in Debian's own images.
  mkdir -p "$rootfs"/usr/{lib,lib64,bin,sbin} "$rootfs"/{etc,tmp,home/app,app}
  ln -s usr/lib "$rootfs/lib"; ln -s usr/lib64 "$rootfs/lib64"; ln -s usr/bin "$rootfs/bin"; ln -s usr/sbin "$rootfs/sbin"
  local deb
  for deb in "$debs"/*.deb; do
    dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$rootfs"
  done
  # What the packages' maintainer scripts would have done: the CA bundle (where OpenSSL looks for it) and the
  # dynamic linker's cache.
  mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/usr/lib/ssl"
  cat "$rootfs"/usr/share/ca-certificates/mozilla/*.crt > "$rootfs/etc/ssl/certs/ca-certificates.crt"
  ln -sfn /etc/ssl/certs "$rootfs/usr/lib/ssl/certs"
  ln -sfn /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/lib/ssl/cert.pem"
  ln -sfn /usr/share/zoneinfo/Etc/UTC "$rootfs/etc/localtime"
  ldconfig -r "$rootfs"
  rm -rf "$rootfs"/usr/share/{doc,man,info,lintian,locale}
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654:app:/home/app:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' > "$rootfs/etc/group"
  printf 'PRETTY_NAME="Portal local base (Debian %s packages)"\nID=debian\nVERSION_ID="%s"\n' \
    "$(cut -d. -f1 /etc/debian_version)" "$(cut -d. -f1 /etc/debian_version)" > "$rootfs/etc/os-release"
  chmod 1777 "$rootfs/tmp"
  chown 1654:1654 "$rootfs/home/app"

  local layer="$work/base-layer.tar"
  tar --sort=name --mtime=@0 --numeric-owner -C "$rootfs" -cf "$layer" .
  local diff_id; diff_id=$(sha256 "$layer")
  gzip -n -1 "$layer"
  local layer_digest; layer_digest=$(sha256 "$layer.gz")
  local layer_size; layer_size=$(stat -c %s "$layer.gz")
  mv "$layer.gz" "$oci/blobs/sha256/$layer_digest"

  jq -n --arg diff "sha256:$diff_id" '{
    architecture: "amd64", os: "linux",
    config: {
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_UID=1654",
            "DOTNET_RUNNING_IN_CONTAINER=true"],
      User: "1654", WorkingDir: "/app"
    },
    rootfs: {type: "layers", diff_ids: [$diff]},
    history: [{created_by: "scripts/container.sh --local-base: Debian packages for a self-contained .NET app"}]
  }' > "$work/base-config.json"
  local config_digest; config_digest=$(sha256 "$work/base-config.json")
  local config_size; config_size=$(stat -c %s "$work/base-config.json")
  mv "$work/base-config.json" "$oci/blobs/sha256/$config_digest"

  jq -n --arg c "sha256:$config_digest" --argjson cs "$config_size" --arg l "sha256:$layer_digest" --argjson ls "$layer_size" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
    layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]
  }' > "$work/base-manifest.json"
  local manifest_digest; manifest_digest=$(sha256 "$work/base-manifest.json")
  local manifest_size; manifest_size=$(stat -c %s "$work/base-manifest.json")
  mv "$work/base-manifest.json" "$oci/blobs/sha256/$manifest_digest"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$oci/oci-layout"
  jq -n --arg m "sha256:$manifest_digest" --argjson ms "$manifest_size" '{
    schemaVersion: 2,
    manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
                 annotations: {"org.opencontainers.image.ref.name": "local"}}]
  }' > "$oci/index.json"
  echo "Local base image: $((layer_size / 1024 / 1024)) MB compressed."
}

# Debian's docker-registry (the CNCF distribution registry) on a free loopback port, storing in $work/registry.
start_local_registry() {
  registry_port=$(free_port)
  cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$registry_port
YML
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  local waited=0
  until curl -fsS "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1; do
    if ! kill -0 "$registry_pid" 2>/dev/null || [ "$waited" -ge 300 ]; then
      echo "The local registry did not start:" >&2; cat "$work/registry.log" >&2; exit 1
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}

if [ "$build" = true ]; then
  mkdir -p "$(dirname "$output")"
  rm -f "$output"
  publish=(dotnet publish Portal/Portal.csproj -c Release -t:PublishContainer --nologo -v quiet
           "-p:ContainerArchiveOutputPath=$output" "-p:ContainerImageTag=$tag")
  if [ "$local_base" = true ]; then
    need_package docker-registry docker-registry "the local base image's registry"
    need_package skopeo skopeo "pushing the local base image"
    need_package jq jq "writing the local base image"
    need_package curl curl "waiting for the local registry"
    build_local_base
    start_local_registry
    skopeo --insecure-policy copy -q --dest-tls-verify=false \
      "oci:$work/base-oci:local" "docker://127.0.0.1:$registry_port/portal-base:local"
    # Plain HTTP to the loopback registry: the SDK allows it for registries named in this variable.
    export DOTNET_CONTAINER_INSECURE_REGISTRIES="127.0.0.1:$registry_port"
    publish+=(-r linux-x64 --self-contained "-p:ContainerBaseImage=127.0.0.1:$registry_port/portal-base:local")
  fi
  echo "Publishing the container image (${publish[*]})..."
  "${publish[@]}"
  echo "Wrote $output ($(( $(stat -c %s "$output") / 1024 / 1024 )) MB)."
fi

[ "$verify" = true ] || exit 0

# ---- Verification: what the image says about itself, then the image run without a container engine. ----
need_package jq jq "reading the image's configuration"
need_package curl curl "calling the health checks"
[ -f "$output" ] || { echo "No image at $output; build it first." >&2; exit 1; }
image="$work/image"
mkdir -p "$image"
tar -xf "$output" -C "$image"
if [ -f "$image/manifest.json" ]; then # docker-archive: [{Config, RepoTags, Layers}]
  config_file="$image/$(jq -r '.[0].Config' "$image/manifest.json")"
  mapfile -t layers < <(jq -r '.[0].Layers[]' "$image/manifest.json")
else # OCI layout: index.json -> manifest -> config and layers
  manifest="$image/blobs/$(jq -r '.manifests[0].digest' "$image/index.json" | tr : /)"
  config_file="$image/blobs/$(jq -r '.config.digest' "$manifest" | tr : /)"
  mapfile -t layers < <(jq -r '.layers[].digest | sub(":"; "/") | "blobs/" + .' "$manifest")
fi

echo "The image's configuration:"
jq '.config | {User, WorkingDir, Entrypoint, Cmd, ExposedPorts, Env, Labels}' "$config_file"
failures=()
user=$(jq -r '.config.User // ""' "$config_file")
uid=${user%%:*}
case "$uid" in
  "" | 0 | root) failures+=("the image runs as root (User is '${user}')") ;;
  *[!0-9]*) failures+=("the image's user '$user' is not numeric, so an orchestrator cannot check it is not root") ;;
esac
jq -e '.config.ExposedPorts | has("8080/tcp")' "$config_file" >/dev/null || failures+=("port 8080/tcp is not exposed")
jq -e '.config.Env | index("ASPNETCORE_HTTP_PORTS=8080")' "$config_file" >/dev/null || failures+=("ASPNETCORE_HTTP_PORTS is not 8080")
jq -e '.config.Env | index("ASPNETCORE_ENVIRONMENT=Production")' "$config_file" >/dev/null || failures+=("ASPNETCORE_ENVIRONMENT is not Production")
workdir=$(jq -r '.config.WorkingDir // "/"' "$config_file")
mapfile -t command < <(jq -r '(.config.Entrypoint // []) + (.config.Cmd // []) | .[]' "$config_file")
[ "${#command[@]}" -gt 0 ] || failures+=("the image has no entrypoint")
if [ "${#failures[@]}" -gt 0 ]; then
  printf 'The image is not as expected: %s\n' "${failures[@]}" >&2
  exit 1
fi

echo "Unpacking ${#layers[@]} layer(s)..."
rootfs="$work/rootfs"
mkdir -p "$rootfs"
for layer in "${layers[@]}"; do
  # OCI whiteouts: .wh..wh..opq empties its folder, .wh.NAME removes NAME from the layers below.
  while IFS= read -r entry; do
    entry=${entry#./}
    dir=$(dirname "$entry"); name=$(basename "$entry")
    if [ "$name" = ".wh..wh..opq" ]; then
      find "$rootfs/$dir" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} +
    else
      rm -rf --one-file-system "${rootfs:?}/$dir/${name#.wh.}"
    fi
  done < <(tar -tf "$image/$layer" | grep -E '(^|/)\.wh\.' || true)
  tar -xf "$image/$layer" -C "$rootfs" --numeric-owner --exclude='.wh.*' --exclude='*/.wh.*'
done

# The embedded defaults keep everything under App_Data beside the app; an operator mounts writeable storage there.
data="$work/App_Data"
mkdir -p "$data" "$rootfs/${workdir%/}/App_Data" "$rootfs/proc" "$rootfs/dev"
chown "$uid" "$data"
port=$(free_port)
env_args=()
while IFS= read -r line; do env_args+=("$line"); done < <(jq -r '.config.Env[]' "$config_file")
env_args+=(
  "ASPNETCORE_HTTP_PORTS=$port" # the host's network is shared, so a free port rather than 8080
  "HOME=/home/app"
  # Production refuses to start without Entra ID settings; these are placeholders: nothing here signs in.
  "AzureAd__TenantId=00000000-0000-0000-0000-000000000001"
  "AzureAd__ClientId=00000000-0000-0000-0000-000000000002"
)
echo "Running ${command[*]} as user $uid in $workdir, on http://127.0.0.1:$port, App_Data at $data..."
# unshare: a mount namespace for /proc, /dev and App_Data (so nothing is mounted on the host) and a PID namespace;
# the inner unshare changes root and directory, then switches to the image's user and group (dropping supplementary
# groups) before it runs the entrypoint. --kill-child ends the portal with the namespace.
unshare --mount --pid --fork --kill-child --propagation private -- \
  env -i "${env_args[@]}" sh -c '
    rootfs=$1; data=$2; workdir=$3; uid=$4; shift 4
    mount -t proc proc "$rootfs/proc"
    mount --rbind /dev "$rootfs/dev"
    mount --bind "$data" "$rootfs/${workdir%/}/App_Data"
    exec unshare --root="$rootfs" --wd="$workdir" --setuid "$uid" --setgid "$uid" -- "$@"
  ' verify "$rootfs" "$data" "$workdir" "$uid" "${command[@]}" >"$work/portal.log" 2>&1 &
runner_pid=$!

health() { curl -s -o "$work/health.json" -w '%{http_code}' "http://127.0.0.1:$port$1" 2>/dev/null || true; }
waited=0
until [ "$(health /health/live)" = 200 ]; do
  if ! kill -0 "$runner_pid" 2>/dev/null || [ "$waited" -ge 1800 ]; then
    echo "The portal in the image did not answer /health/live within 180 s. Its output:" >&2
    cat "$work/portal.log" >&2
    exit 1
  fi
  sleep 0.1; waited=$((waited + 1))
done
echo "GET /health/live: 200 after $((waited / 10)) s"
ready=$(health /health/ready)
echo "GET /health/ready: $ready $(cat "$work/health.json")"
owner=$(stat -c %u "$data/portal.db" 2>/dev/null || echo none)
echo "App_Data/portal.db is owned by user $owner."
if [ "$ready" != 200 ] || [ "$owner" != "$uid" ]; then
  echo "The portal in the image is not ready, or did not write as user $uid. Its output:" >&2
  cat "$work/portal.log" >&2
  exit 1
fi
echo "The image runs as user $uid and answers its health checks."
