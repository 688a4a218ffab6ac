#!/bin/bash
# kafka.sh: a real Apache Kafka broker (3.9, KRaft, one node) on loopback, for tests.
#   tests/kafka/kafka.sh start DIR   resolve the broker from Maven Central (cached), format a
#                                    storage directory under DIR, start, wait until it accepts
#                                    connections; prints the bootstrap address
#   tests/kafka/kafka.sh stop DIR    stop it cleanly (SIGTERM, then wait)
#   tests/kafka/kafka.sh restart DIR stop it (if running) and start it again on the same storage
#                                    directory and ports: topics and records are kept; prints the
#                                    same bootstrap address
# SLUICE_KAFKA_AUTO_CREATE=false starts it with topic auto-creation off. Needs java and mvn (Debian: default-jre-headless, maven). Nothing downloaded is committed:
# jars land in ~/.m2 and in $SLUICE_KAFKA_LIB (default ~/.cache/sluice/kafka-lib).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lib=${SLUICE_KAFKA_LIB:-$HOME/.cache/sluice/kafka-lib}
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: kafka.sh start|stop|restart DIR" >&2; exit 2; }

# A free TCP port on loopback.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the broker of $dir/server.properties in the background and waits until $port accepts
# connections; prints the bootstrap address.
launch() {
    java -Xmx512m -cp "$lib/*" kafka.Kafka "$dir/server.properties" >>"$dir/kafka.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 240); do
        if (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
            echo "127.0.0.1:$port" | tee "$dir/bootstrap"
            return 0
        fi
        kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "kafka exited; see $dir/kafka.log" >&2; return 1; }
        sleep 0.25
    done
    echo "kafka did not start within 60 s; see $dir/kafka.log" >&2
    return 1
}

# Stops the broker of $dir (SIGTERM, up to 30 s for a clean shutdown, then SIGKILL).
stop_broker() {
    local pid
    pid=$(cat "$dir/pid" 2>/dev/null || true)
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    sleep 1
}

case "$cmd" in
start)
    if [ ! -f "$lib/.complete" ]; then
        mkdir -p "$lib"
        mvn -q -B -f "$here/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies -DoutputDirectory="$lib" >&2
        touch "$lib/.complete"
    fi
    mkdir -p "$dir/data"
    port=$(free_port)
    cport=$(free_port)
    cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=${SLUICE_KAFKA_AUTO_CREATE:-true}
PROPS
    id=$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java -cp "$lib/*" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >"$dir/format.log" 2>&1
    : >"$dir/kafka.log"
    launch
    ;;
stop)
    stop_broker
    ;;
restart)
    [ -f "$dir/server.properties" ] && [ -f "$dir/bootstrap" ] || { echo "kafka.sh restart: no broker was started on $dir" >&2; exit 1; }
    stop_broker
    port=$(sed -n 's|^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*|\1|p' "$dir/server.properties")
    [ -n "$port" ] || { echo "kafka.sh restart: no PLAINTEXT port in $dir/server.properties" >&2; exit 1; }
    echo "---- restart $(date +%T)" >>"$dir/kafka.log"
    launch
    ;;
*) echo "usage: kafka.sh start|stop|restart DIR" >&2; exit 2 ;;
esac
