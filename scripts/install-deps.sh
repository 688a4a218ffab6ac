#!/bin/sh
# Installs what Sluice needs to build, run and test on Debian 12 (only Debian packages).
set -e
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential pkg-config meson ninja-build lemon \
  librdkafka-dev libsqlite3-dev libreadline-dev libavro-dev libsimdjson-dev libxxhash-dev \
  kcat python3 python3-kafka python3-confluent-kafka sqlite3 \
  default-jre-headless maven >/dev/null
echo "install-deps: done"
