#!/usr/bin/env bash
# Builds the project twice from scratch into two separate build folders and compares the SHA-256 of
# every jar the library modules produce (main, sources, javadoc, test). Exit 0 when all are
# identical, 1 when one differs, 2 when a build fails. Needs only Java 17 and Maven; takes a few
# minutes; no tests run.
#   bash scripts/check-reproducible.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cleanup() {
  rm -rf booking-core/target-repro-a booking-core/target-repro-b \
    booking-core-jdbc/target-repro-a booking-core-jdbc/target-repro-b
}
trap cleanup EXIT

build() {
  local dir="$1" log
  log="$(mktemp)"
  if ! mvn -B -Dbuild.dirName="$dir" clean package -DskipTests -pl booking-core,booking-core-jdbc -am >"$log" 2>&1; then
    grep -E 'ERROR' "$log" | head -20 >&2
    echo "the build into $dir failed" >&2
    exit 2
  fi
  rm -f "$log"
}

sums() {
  local dir="$1"
  for module in booking-core booking-core-jdbc; do
    (cd "$module/$dir" && sha256sum ./*.jar | sed "s|\./|$module/|")
  done
}

build target-repro-a
build target-repro-b
a="$(sums target-repro-a)"
b="$(sums target-repro-b)"
echo "$a"
if [ "$a" == "$b" ]; then
  echo "reproducible: $(echo "$a" | wc -l) jars identical in two clean builds"
  status=0
else
  echo "NOT reproducible:" >&2
  diff <(echo "$a") <(echo "$b") >&2 || true
  status=1
fi
exit "$status"
