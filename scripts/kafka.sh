#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft: broker and controller in one process) for development,
# tests and CI.
#
#   scripts/kafka.sh start    fetch the broker's jars once (Maven), format a fresh data folder,
#                             start the broker, and wait until clients can use it
#   scripts/kafka.sh stop     stop it (SIGTERM, then SIGKILL after a grace period), remove its data
#   scripts/kafka.sh status   exit 0 when it runs and accepts connections, 1 otherwise
#
# Settings (environment):
#   EVENTO_KAFKA_HOST             listener address            (default 127.0.0.1)
#   EVENTO_KAFKA_PORT             client listener port        (default 9092)
#   EVENTO_KAFKA_CONTROLLER_PORT  KRaft controller port       (default: client port + 1)
#   EVENTO_KAFKA_HEAP             JVM heap options            (default "-Xms512m -Xmx768m")
#   EVENTO_KAFKA_START_TIMEOUT    seconds to wait for start   (default 120)
#   EVENTO_KAFKA_HOME             jars and run state          (default <repo>/.kafka)
#   EVENTO_KAFKA_DATA_DIR         keep the data in this folder across restarts (formatted on
#                                 first use, never deleted); default a new temporary folder
#
# The jars are copied from the local Maven repository into $EVENTO_KAFKA_HOME/lib and reused while
# the version recorded there matches scripts/kafka/pom.xml. Each start gets a new temporary data
# folder (with broker.log in it) and a random cluster id; stop deletes it.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
POM="$ROOT/scripts/kafka/pom.xml"
LOG_CONFIG="$ROOT/scripts/kafka/log4j2.properties"
READY_CHECK="$ROOT/scripts/kafka/ready.js"
KAFKA_HOME="${EVENTO_KAFKA_HOME:-$ROOT/.kafka}"
LIB="$KAFKA_HOME/lib"
HOST="${EVENTO_KAFKA_HOST:-127.0.0.1}"
PORT="${EVENTO_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${EVENTO_KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HEAP="${EVENTO_KAFKA_HEAP:--Xms512m -Xmx768m}"
START_TIMEOUT="${EVENTO_KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT=30
RUN_DIR="$KAFKA_HOME/run"
PID_FILE="$RUN_DIR/broker-$PORT.pid"
DATA_FILE="$RUN_DIR/broker-$PORT.data"
KEEP_DATA="${EVENTO_KAFKA_DATA_DIR:-}"

say() { echo "kafka: $*"; }
fail() { echo "kafka: $*" >&2; exit 1; }

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM"
}

# True when something accepts TCP connections on HOST:PORT.
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# The pid of the broker this script started on PORT, if that process still runs.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

fetch_jars() {
  local version
  version="$(kafka_version)"
  [ -n "$version" ] || fail "no <kafka.version> in $POM"
  if [ -f "$LIB/.version" ] && [ "$(cat "$LIB/.version")" = "$version" ]; then
    return 0
  fi
  command -v mvn >/dev/null || fail "Maven (mvn) is needed to fetch the broker's jars; install it (apt-get install maven)"
  say "fetching Apache Kafka $version and its dependencies with Maven into $LIB"
  local tmp="$LIB.tmp"
  rm -rf "$tmp"
  mvn -B -q -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    || fail "Maven could not fetch org.apache.kafka:kafka_2.13:$version (see above)"
  echo "$version" >"$tmp/.version"
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
}

# A Kafka cluster id: 16 random bytes, base64url without padding (22 characters).
random_cluster_id() {
  head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

write_config() {
  local data="$1"
  cat >"$data/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data/logs
# Topics are created on purpose, with the partition count their keys are spread over: a produce
# or subscribe to a misspelt topic fails instead of creating an empty one.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests start consumer groups all the time: no 3 s wait for more members before the first join,
# and session timeouts down to 1 s so a test can see an instance dropped quickly.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
# A small machine: few threads, small segments, data kept briefly.
num.network.threads=2
num.io.threads=4
background.threads=4
log.segment.bytes=16777216
log.retention.hours=1
EOF
}

print_log_tail() {
  local data="$1"
  if [ -f "$data/broker.log" ]; then
    echo "---- last lines of $data/broker.log ----" >&2
    tail -n 60 "$data/broker.log" >&2
    echo "----" >&2
  fi
}

start() {
  local pid
  if pid="$(running_pid)"; then
    say "already running (pid $pid) on $HOST:$PORT"
    return 0
  fi
  if port_open "$PORT"; then
    fail "something else already listens on $HOST:$PORT; stop it, or choose another port with EVENTO_KAFKA_PORT"
  fi
  if port_open "$CONTROLLER_PORT"; then
    fail "something else already listens on $HOST:$CONTROLLER_PORT (controller); choose another with EVENTO_KAFKA_CONTROLLER_PORT"
  fi
  command -v java >/dev/null || fail "Java 17 or later is needed to run the broker; install it (apt-get install openjdk-17-jre-headless)"
  fetch_jars

  mkdir -p "$RUN_DIR"
  local data
  if [ -n "$KEEP_DATA" ]; then
    mkdir -p "$KEEP_DATA"
    data="$(cd "$KEEP_DATA" && pwd)"
    rm -f "$DATA_FILE" # a kept folder is never deleted by stop
  else
    data="$(mktemp -d "${TMPDIR:-/tmp}/evento-kafka-$PORT.XXXXXX")"
    echo "$data" >"$DATA_FILE"
  fi
  write_config "$data"

  local cluster_id
  cluster_id="$(random_cluster_id)"
  if [ -f "$data/logs/meta.properties" ]; then
    say "reusing the data in $data"
  elif ! java -Xmx256m -Dlog4j2.configurationFile="$LOG_CONFIG" -cp "$LIB/*" kafka.tools.StorageTool \
    format --cluster-id "$cluster_id" --config "$data/server.properties" >"$data/format.log" 2>&1; then
    cat "$data/format.log" >&2
    fail "could not format the data folder $data"
  fi

  # setsid: the broker outlives this shell and is not hit by a Ctrl-C meant for the caller.
  # shellcheck disable=SC2086
  setsid java $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG_CONFIG" \
    -cp "$LIB/*" kafka.Kafka "$data/server.properties" >"$data/broker.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  say "starting Apache Kafka $(kafka_version) (pid $pid) on $HOST:$PORT, data in $data"

  local deadline=$((SECONDS + START_TIMEOUT))
  until port_open "$PORT" && grep -q 'Kafka Server started' "$data/broker.log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      print_log_tail "$data"
      rm -f "$PID_FILE"
      fail "the broker exited during start"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      print_log_tail "$data"
      stop_pid "$pid"
      fail "the broker did not accept connections on $HOST:$PORT within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done

  # Accepting connections is not yet serving metadata: wait until a kafkajs admin lists topics.
  if (cd "$ROOT" && node -e 'require.resolve("kafkajs")') >/dev/null 2>&1; then
    local left=$((deadline - SECONDS))
    [ "$left" -gt 5 ] || left=5
    if ! (cd "$ROOT" && node "$READY_CHECK" "$HOST:$PORT" "$left"); then
      print_log_tail "$data"
      stop_pid "$pid"
      fail "the broker on $HOST:$PORT did not answer a kafkajs admin"
    fi
  else
    say "kafkajs is not installed (npm ci), so only the listener was checked"
  fi
  say "ready on $HOST:$PORT after ${SECONDS}s"
}

# SIGTERM (a controlled shutdown), wait up to STOP_TIMEOUT seconds, then SIGKILL.
stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "no exit ${STOP_TIMEOUT}s after SIGTERM: sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  # SIGKILL is not refused; wait (bounded) until the process is gone and its ports are free.
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  rm -f "$PID_FILE"
  if [ -f "$DATA_FILE" ]; then
    local data
    data="$(cat "$DATA_FILE")"
    case "$data" in
      */evento-kafka-*) rm -rf "$data" ;;
    esac
    rm -f "$DATA_FILE"
  fi
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running on $HOST:$PORT"
    rm -f "$PID_FILE"
    return 0
  fi
  stop_pid "$pid"
  say "stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)" && port_open "$PORT"; then
    say "running (pid $pid) on $HOST:$PORT, data in $(cat "$DATA_FILE" 2>/dev/null || echo "${KEEP_DATA:-?}")"
    return 0
  fi
  if port_open "$PORT"; then
    say "a process this script did not start listens on $HOST:$PORT"
    return 1
  fi
  say "not running on $HOST:$PORT"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
