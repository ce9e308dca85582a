#!/usr/bin/env bash
# Installs GridAtlas's build and run dependencies from Debian 12's packages (idempotent),
# then configures and builds Release into build/. Usage: bash scripts/setup.sh [--no-app]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config ccache git
  qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools libgl-dev
  libgdal-dev gdal-bin libproj-dev proj-bin libgeos-dev
  libsqlite3-dev sqlite3 libspatialite-dev libsqlite3-mod-spatialite spatialite-bin libsodium-dev
  fonts-noto-cjk libgtest-dev googletest
  poppler-utils xvfb xauth libpng-dev
  python3-qgis osmium-tool
  postgresql-15-postgis-3 libpq-dev
)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "[setup] all Debian packages present"
fi

APP=ON
[[ "${1:-}" == "--no-app" ]] && APP=OFF
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGRIDATLAS_BUILD_APP="$APP" >/dev/null
cmake --build build -j"$(nproc)"
echo "[setup] built: $(ls build/bin | tr '\n' ' ')"
