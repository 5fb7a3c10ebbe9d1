#!/usr/bin/env bash
# Installs @confluentinc/kafka-javascript (librdkafka) into .kafka/confluent, outside the
# project's dependencies, so the Kafka seam tests can run against it as well as kafkajs.
#
# Its install script first downloads a prebuilt binary and, failing that, builds librdkafka
# (bundled in the package) from source; by default that build also downloads zlib, OpenSSL and
# zstd sources. CKJS_LINKING=dynamic makes it link against the system's libraries instead (found
# with pkg-config), so it builds with no download but the npm package. It takes 3 to 4 minutes
# on 2 cores, once: the folder is reused while the version matches.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION=1.10.1
DIR="${EVENTO_KAFKA_HOME:-$ROOT/.kafka}/confluent"
PKG="$DIR/node_modules/@confluentinc/kafka-javascript"

if [ -f "$PKG/package.json" ] && [ "$(node -p "require('$PKG/package.json').version")" = "$VERSION" ] \
  && [ -n "$(ls "$PKG"/build/Release/*.node 2>/dev/null)" ]; then
  echo "confluent-client: @confluentinc/kafka-javascript $VERSION already in $DIR"
  exit 0
fi
echo "confluent-client: building @confluentinc/kafka-javascript $VERSION into $DIR (a few minutes)"
rm -rf "$DIR"
mkdir -p "$DIR"
echo '{ "name": "evento-confluent-client", "private": true }' >"$DIR/package.json"
(cd "$DIR" && CKJS_LINKING=dynamic npm install --no-audit --no-fund --loglevel=error \
  "@confluentinc/kafka-javascript@$VERSION" >"$DIR/install.log" 2>&1) || {
  tail -n 40 "$DIR/install.log" >&2
  echo "confluent-client: the install failed (log above, whole log in $DIR/install.log)" >&2
  exit 1
}
node -e "require('$PKG')" || { echo "confluent-client: installed but cannot be loaded" >&2; exit 1; }
echo "confluent-client: ready"
