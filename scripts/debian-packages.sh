# Sourced by test.sh and bench.sh: installs a Debian package when the command it provides is missing, saying so.
apt_updated=false
need_package() { # $1 = command to look for, $2 = Debian package that provides it, $3 = what needs it
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "Installing Debian package '$2' (needed by $3: $1 is missing)..."
    if [ "$apt_updated" = false ]; then
      apt-get update -qq
      apt_updated=true
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}
