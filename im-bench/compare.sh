#!/usr/bin/env bash
# Reef versus Mosquitto and HiveMQ CE on the plain-MQTT im-bench scenarios, and Reef alone on the IM scenarios;
# writes docs/benchmarks.md and docs/benchmarks-latency.svg. Run `im-bench/compare.sh --help` for the settings.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
HELPERS="$SCRIPT_DIR/compare"

usage() {
    cat <<'EOF'
usage: im-bench/compare.sh [--help]

Starts Reef (`mvn -Prun`, in its own process group, on free loopback ports, a fresh embedded
database) and two other brokers as anchors, each on another free loopback port with a generated
config and persistence on disk:
  - Mosquitto (Debian package `mosquitto`, installed with apt-get when missing): single-threaded C;
  - HiveMQ Community Edition 2025.5, embedded (`com.hivemq:hivemq-community-edition-embedded`, run
    by the small launcher in im-bench/hivemq/, which this script builds with Maven): a
    multi-threaded JVM broker on Netty, the stronger anchor. It needs Java 21 or newer: the script
    takes COMPARE_HIVEMQ_JAVA_HOME, else the first JDK >= 21 among $JAVA_HOME,
    /usr/lib/jvm/temurin-25-jdk-amd64 and /usr/lib/jvm/*, and stops with an error when there is
    none (COMPARE_BROKERS=mosquitto skips HiveMQ). Its JVM gets the same -Xms/-Xmx as Reef's
    server JVM (read from Reef's running JVM; WildFly's standalone.conf gives -Xms64m -Xmx512m),
    plus the JVM options of HiveMQ's own start script (bin/run.sh).
Runs the plain-MQTT im-bench scenarios against all of them in alternation (Reef, Mosquitto, HiveMQ,
Reef, Mosquitto, HiveMQ, ...), then the IM scenarios against Reef alone (the anchors have no IM
protocol: they are reported absolutely), and writes docs/benchmarks.md and
docs/benchmarks-latency.svg. Raw results, per-run output and server logs go to
im-bench/target/compare-<timestamp>/. Every server is stopped at the end, on error and on Ctrl-C.
Works from any directory. Keep other load off the machine while it runs.

Order: `connections` first, each round on a freshly started server (Reef started, measured,
stopped; then Mosquitto likewise, then HiveMQ); then all servers are started fresh once and every
other plain-MQTT scenario runs COMPARE_ROUNDS rounds, alternating servers within each scenario;
then Reef is started fresh once more for the IM scenarios, COMPARE_ROUNDS rounds each. Their
accounts are registered in the first round and reused (logged in again) in the next ones.

Memory per connection: the growth of the server process's resident memory (VmRSS) over the
connections run, divided by the connections; for the two JVMs (Reef, HiveMQ) each reading follows
a full GC in the server (`connections --full-gc`, jcmd GC.run; for HiveMQ with its own JDK's jcmd).

Reef always runs with REEF_SEND_RATE=0 and REEF_MQTT_CONNECT_RATE=0: all the load comes from one
loopback address and a few hundred accounts, which Reef's per-user send limit and per-address
connection-rate limit exist to hold back, so with them on the runs would measure the limits. And
with REEF_PASSWORD_ITERATIONS=100000 (the server's minimum) to shorten the IM setup, which
registers and logs in hundreds of users (PBKDF2 on purpose); it is not part of any measurement.
And with REEF_MQTT_PERSISTENT_ANONYMOUS_SESSIONS=true: the plain-MQTT scenarios' clients are
anonymous, and by default Reef ends an anonymous client's session with its connection, which would
leave the offline scenario nothing to measure (Mosquitto and HiveMQ keep such sessions).

Settings (environment variables, defaults in brackets):
  COMPARE_ROUNDS           rounds per scenario and server, at least 3 for a real comparison [3]
  COMPARE_WARMUP           seconds of publishing before each flow measurement [2]
  COMPARE_DURATION         seconds measured in each pairs/fanout run [10]
  COMPARE_DRAIN            longest wait for messages in flight after a measurement [5]
  COMPARE_SETTLE           pause between runs, seconds [3]
  COMPARE_PAIRS            sender/receiver pairs [100]
  COMPARE_SIZE             payload bytes [64]
  COMPARE_FIXED_RATE       total msg/s of the fixed-rate QoS 1 latency run [4000]
  COMPARE_FANOUT_SUBS      fanout subscribers (one publisher) [200]
  COMPARE_OFFLINE_MSGS     QoS 1 messages queued for the offline session [10000]
  COMPARE_CONN_CLIENTS     idle connections [15000]
  COMPARE_CONN_RATE        connections opened per second [3000]
  COMPARE_CONN_HOLD        seconds the connections are held [10]
  COMPARE_MAX_QUEUED       per-session queue bound of every server [20000] (Reef REEF_MQTT_MAX_QUEUED,
                           Mosquitto max_queued_messages, HiveMQ <queued-messages><max-queue-size>)
  COMPARE_BROKERS          the anchors Reef is compared with, space separated, of: mosquitto hivemq
                           [mosquitto hivemq]
  COMPARE_HIVEMQ_JAVA_HOME the JDK (21 or newer) that builds and runs HiveMQ [the first one found]
  COMPARE_IM_WARMUP        seconds of an unmeasured im-chat run flat out before the IM rounds, to warm
                           the fresh server's JIT up (0: none) [60]
  COMPARE_IM_PAIRS         im-chat pairs (QoS 1, every message stored before PUBACK) [100]
  COMPARE_IM_FIXED_RATE    total msg/s of the fixed-rate im-chat latency run [5000]
  COMPARE_IM_MEMBERS       im-group members, one receiving device each [500]
  COMPARE_IM_GROUP_RATE    im-group messages sent per second (one sender) [10]
  COMPARE_IM_SETUP_TIMEOUT bound on an IM run's setup (accounts, tokens, group), seconds [600]
  COMPARE_START_TIMEOUT    bound on a server start, seconds [300]
  COMPARE_JMH              1 to build and run the JMH microbenchmarks first (im-microbench), 0 to skip [1]
  COMPARE_SCENARIOS        subset to run, space separated, of: connections pairs-q0 pairs-q1
                           pairs-q1-fixed fanout-q0 offline im-chat im-chat-fixed im-group [all]
  COMPARE_DOC              the Markdown document to write [docs/benchmarks.md]
  COMPARE_SVG              the latency plot to write [docs/benchmarks-latency.svg]

Exit status: 0 when the document was written (missed targets and failed runs are in it),
1 when a server failed to start or something else went wrong.
EOF
}

if [[ $# -gt 0 ]]; then
    case "$1" in
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
fi

ROUNDS=${COMPARE_ROUNDS:-3}
WARMUP=${COMPARE_WARMUP:-2}
DURATION=${COMPARE_DURATION:-10}
DRAIN=${COMPARE_DRAIN:-5}
SETTLE=${COMPARE_SETTLE:-3}
PAIRS=${COMPARE_PAIRS:-100}
SIZE=${COMPARE_SIZE:-64}
FIXED_RATE=${COMPARE_FIXED_RATE:-4000}
FANOUT_SUBS=${COMPARE_FANOUT_SUBS:-200}
OFFLINE_MSGS=${COMPARE_OFFLINE_MSGS:-10000}
CONN_CLIENTS=${COMPARE_CONN_CLIENTS:-15000}
CONN_RATE=${COMPARE_CONN_RATE:-3000}
CONN_HOLD=${COMPARE_CONN_HOLD:-10}
MAX_QUEUED=${COMPARE_MAX_QUEUED:-20000}
IM_WARMUP=${COMPARE_IM_WARMUP:-60}
IM_PAIRS=${COMPARE_IM_PAIRS:-100}
IM_FIXED_RATE=${COMPARE_IM_FIXED_RATE:-5000}
IM_MEMBERS=${COMPARE_IM_MEMBERS:-500}
IM_GROUP_RATE=${COMPARE_IM_GROUP_RATE:-10}
IM_SETUP_TIMEOUT=${COMPARE_IM_SETUP_TIMEOUT:-600}
START_TIMEOUT=${COMPARE_START_TIMEOUT:-300}
STOP_TIMEOUT=90
ALL_SCENARIOS="connections pairs-q0 pairs-q1 pairs-q1-fixed fanout-q0 offline im-chat im-chat-fixed im-group"
SCENARIOS=${COMPARE_SCENARIOS:-$ALL_SCENARIOS}
ALL_BROKERS="mosquitto hivemq"
BROKERS=${COMPARE_BROKERS-$ALL_BROKERS}
DOC=${COMPARE_DOC:-$ROOT/docs/benchmarks.md}
SVG=${COMPARE_SVG:-$ROOT/docs/benchmarks-latency.svg}

for n in ROUNDS WARMUP DURATION DRAIN SETTLE PAIRS SIZE FIXED_RATE FANOUT_SUBS OFFLINE_MSGS \
         CONN_CLIENTS CONN_RATE CONN_HOLD MAX_QUEUED IM_PAIRS IM_FIXED_RATE IM_MEMBERS IM_GROUP_RATE \
         IM_SETUP_TIMEOUT START_TIMEOUT; do
    if ! [[ ${!n} =~ ^[0-9]+$ ]]; then
        echo "compare.sh: COMPARE_$n must be a whole number, not '${!n}'" >&2
        exit 2
    fi
done
for s in $SCENARIOS; do
    [[ " $ALL_SCENARIOS " == *" $s "* ]] || { echo "compare.sh: unknown scenario '$s' in COMPARE_SCENARIOS" >&2; exit 2; }
done
for b in $BROKERS; do
    [[ " $ALL_BROKERS " == *" $b "* ]] || { echo "compare.sh: unknown broker '$b' in COMPARE_BROKERS (mosquitto, hivemq)" >&2; exit 2; }
done
[[ -n "${BROKERS// /}" ]] || { echo "compare.sh: COMPARE_BROKERS names no broker; give mosquitto, hivemq or both" >&2; exit 2; }
(( ROUNDS >= 1 )) || { echo "compare.sh: COMPARE_ROUNDS must be at least 1" >&2; exit 2; }
(( ROUNDS >= 3 )) || echo "compare.sh: warning: COMPARE_ROUNDS=$ROUNDS; the comparison asks for at least 3" >&2

log() { printf '%s compare: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }
uses() { [[ " $BROKERS " == *" $1 "* ]]; }

command -v python3 >/dev/null || die "python3 is needed"
command -v java >/dev/null || die "java is needed"
# The load tool runs on this java; HiveMQ's connections runs put HiveMQ's JDK first on PATH (for its jcmd).
JAVA_CMD=$(command -v java)
command -v mvn >/dev/null || die "mvn is needed"
command -v timeout >/dev/null || die "timeout (coreutils) is needed"
command -v setsid >/dev/null || die "setsid (util-linux) is needed"

START_EPOCH=$(date +%s)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/im-bench/target/compare-$STAMP"
mkdir -p "$OUT/runs" "$OUT/logs"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reef-compare.XXXXXX")
log "results, run output and server logs: $OUT"

REEF_PID=""; REEF_PGID=""; REEF_JVM_PID=""; REEF_PG_PID=""; REEF_DATA=""
MOSQ_PID=""
HIVEMQ_PID=""

# --- cleanup -------------------------------------------------------------------------------------

stop_reef() {
    [[ -n "$REEF_PGID" ]] || return 0
    log "stopping Reef (SIGTERM to process group $REEF_PGID)"
    kill -TERM -- "-$REEF_PGID" 2>/dev/null || true
    local i
    for ((i = 0; i < STOP_TIMEOUT; i++)); do
        kill -0 -- "-$REEF_PGID" 2>/dev/null || break
        sleep 1
    done
    if kill -0 -- "-$REEF_PGID" 2>/dev/null; then
        log "Reef did not stop within ${STOP_TIMEOUT}s; SIGKILL to process group $REEF_PGID"
        kill -KILL -- "-$REEF_PGID" 2>/dev/null || true
    fi
    wait "$REEF_PID" 2>/dev/null || true
    # The embedded PostgreSQL runs in a session of its own; the launcher stops it. Make sure.
    if [[ -n "$REEF_PG_PID" ]] && kill -0 "$REEF_PG_PID" 2>/dev/null; then
        log "embedded PostgreSQL $REEF_PG_PID still running; stopping it"
        kill -TERM "$REEF_PG_PID" 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do kill -0 "$REEF_PG_PID" 2>/dev/null || break; sleep 1; done
        kill -KILL "$REEF_PG_PID" 2>/dev/null || true
    fi
    REEF_PID=""; REEF_PGID=""; REEF_JVM_PID=""; REEF_PG_PID=""; REEF_DATA=""
}

stop_mosquitto() {
    [[ -n "$MOSQ_PID" ]] || return 0
    log "stopping Mosquitto ($MOSQ_PID)"
    kill -TERM "$MOSQ_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 30; i++)); do
        kill -0 "$MOSQ_PID" 2>/dev/null || break
        sleep 1
    done
    kill -KILL "$MOSQ_PID" 2>/dev/null || true
    wait "$MOSQ_PID" 2>/dev/null || true
    MOSQ_PID=""
}

stop_hivemq() {
    [[ -n "$HIVEMQ_PID" ]] || return 0
    log "stopping HiveMQ (SIGTERM to $HIVEMQ_PID)"
    kill -TERM "$HIVEMQ_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < STOP_TIMEOUT; i++)); do
        kill -0 "$HIVEMQ_PID" 2>/dev/null || break
        sleep 1
    done
    if kill -0 "$HIVEMQ_PID" 2>/dev/null; then
        log "HiveMQ did not stop within ${STOP_TIMEOUT}s; SIGKILL to $HIVEMQ_PID"
        kill -KILL "$HIVEMQ_PID" 2>/dev/null || true
    fi
    wait "$HIVEMQ_PID" 2>/dev/null || true
    HIVEMQ_PID=""
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_reef || true
    stop_mosquitto || true
    stop_hivemq || true
    rm -rf "$WORK" || true
    if (( status != 0 )); then
        log "failed (exit $status); logs in $OUT"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# --- prerequisites ---------------------------------------------------------------------------------

MOSQUITTO=""; MOSQ_VERSION=""
uses mosquitto && MOSQUITTO=$(command -v mosquitto || true)
uses mosquitto && [[ -z "$MOSQUITTO" && -x /usr/sbin/mosquitto ]] && MOSQUITTO=/usr/sbin/mosquitto
if uses mosquitto && [[ -z "$MOSQUITTO" ]]; then
    log "installing Debian's mosquitto package"
    SUDO=""
    (( EUID == 0 )) || SUDO=sudo
    $SUDO apt-get update -q >"$OUT/logs/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q mosquitto >>"$OUT/logs/apt.log" 2>&1 \
        || die "apt-get install mosquitto failed; see $OUT/logs/apt.log"
    MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    [[ -x "$MOSQUITTO" ]] || die "mosquitto not found after installing it"
fi
if uses mosquitto; then
    MOSQ_VERSION=$({ "$MOSQUITTO" -h 2>&1 || true; } | sed -n 's/^mosquitto version \([^ ]*\).*/\1/p' | head -1)
    log "Mosquitto $MOSQ_VERSION at $MOSQUITTO"
fi

# HiveMQ CE needs Java 21+; Reef and im-bench stay on the default java (17 is enough for them).
java_feature() { # the feature release of JAVA_HOME $1 (0 when it is no JDK)
    [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] || { echo 0; return; }
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1 | grep . || echo 0
}
HIVEMQ_JAVA_HOME=""; HIVEMQ_JAVA_FEATURE=0; HIVEMQ_JAVA_VERSION=""; HIVEMQ_VERSION=""
HIVEMQ_DIR="$ROOT/im-bench/hivemq"
if uses hivemq; then
    if [[ -n "${COMPARE_HIVEMQ_JAVA_HOME:-}" ]]; then
        candidates=("$COMPARE_HIVEMQ_JAVA_HOME")
    else
        candidates=(${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*)
    fi
    for jh in "${candidates[@]}"; do
        f=$(java_feature "$jh")
        if (( f >= 21 )); then HIVEMQ_JAVA_HOME=$jh; HIVEMQ_JAVA_FEATURE=$f; break; fi
    done
    [[ -n "$HIVEMQ_JAVA_HOME" ]] || die "HiveMQ CE needs a JDK 21 or newer and none was found (looked at: ${candidates[*]}); \
set COMPARE_HIVEMQ_JAVA_HOME to one, or run without HiveMQ: COMPARE_BROKERS=mosquitto"
    HIVEMQ_JAVA_VERSION=$("$HIVEMQ_JAVA_HOME/bin/java" -version 2>&1 | head -1)
    HIVEMQ_VERSION=$(sed -n 's:.*<version.hivemq>\([^<]*\)</version.hivemq>.*:\1:p' "$HIVEMQ_DIR/pom.xml" | head -1)
    log "building the HiveMQ CE $HIVEMQ_VERSION launcher (im-bench/hivemq) with $HIVEMQ_JAVA_HOME"
    # Its own Maven project, outside the root reactor (Java 21): offline first, online once to fetch HiveMQ.
    (cd "$HIVEMQ_DIR" && export JAVA_HOME="$HIVEMQ_JAVA_HOME" \
        && { mvn -q -o clean package || mvn -q clean package; }) >"$OUT/logs/build-hivemq.log" 2>&1 \
        || die "building the HiveMQ launcher failed; see $OUT/logs/build-hivemq.log"
    log "HiveMQ CE $HIVEMQ_VERSION (embedded) on $HIVEMQ_JAVA_VERSION"
fi

JAR_SRC="$ROOT/im-bench/target/im-bench.jar"
if [[ ! -f "$JAR_SRC" ]]; then
    log "building im-bench"
    (cd "$ROOT" && { mvn -q -o -pl im-bench package -DskipTests || mvn -q -pl im-bench package -DskipTests; }) \
        >"$OUT/logs/build-im-bench.log" 2>&1 || die "building im-bench failed; see $OUT/logs/build-im-bench.log"
fi
# A copy: `mvn -Prun` rebuilds every module, im-bench too, while the servers start.
JAR="$OUT/im-bench.jar"
cp "$JAR_SRC" "$JAR"

# Microbenchmarks first, while no server runs: JMH on the broker's hot paths (PUBLISH decode/encode, topic matching).
if [[ "${COMPARE_JMH:-1}" == 1 ]]; then
    log "building and running the JMH microbenchmarks (about 1 minute)"
    if (cd "$ROOT" && { mvn -q -o -pl mqtt-resource-adapter,im-microbench package -DskipTests \
            || mvn -q -pl mqtt-resource-adapter,im-microbench package -DskipTests; }) \
            >"$OUT/logs/build-im-microbench.log" 2>&1; then
        "$ROOT/im-microbench/run.sh" "$OUT/jmh.json" >"$OUT/logs/jmh.log" 2>&1 \
            || log "the microbenchmarks failed; see $OUT/logs/jmh.log"
    else
        log "building im-microbench failed; see $OUT/logs/build-im-microbench.log"
    fi
fi

mapfile -t PORTS < <(python3 "$HELPERS/net.py" ports 5)
REEF_MQTT_PORT=${PORTS[0]}; REEF_HTTP_PORT=${PORTS[1]}; REEF_MGMT_PORT=${PORTS[2]}; MOSQ_PORT=${PORTS[3]}
HIVEMQ_PORT=${PORTS[4]}
log "ports: Reef MQTT $REEF_MQTT_PORT, HTTP $REEF_HTTP_PORT, management $REEF_MGMT_PORT; Mosquitto $MOSQ_PORT; HiveMQ $HIVEMQ_PORT"

# --- servers ---------------------------------------------------------------------------------------

REEF_STARTS=0
REEF_COMMAND="mvn -q -o -Prun"
start_reef() {
    local label=$1 data="$WORK/reef-data-$1" logf="$OUT/logs/reef-$1.log" flag
    REEF_STARTS=$((REEF_STARTS + 1))
    mkdir -p "$data"
    for flag in -o ""; do
        log "starting Reef ($label): mvn -q ${flag:+$flag }-Prun"
        (
            cd "$ROOT"
            # No per-user send limit and no per-address connection-rate or connection-count limit (the load
            # comes from one loopback address), persistent sessions for anonymous clients (the offline scenario's),
            # and the server's minimum PBKDF2 iterations (shorter IM setup); see --help.
            exec env REEF_MQTT_ALLOW_ANONYMOUS=true REEF_MQTT_PORT="$REEF_MQTT_PORT" \
                REEF_HTTP_PORT="$REEF_HTTP_PORT" REEF_MANAGEMENT_PORT="$REEF_MGMT_PORT" \
                REEF_MQTT_WS_PORT=-1 REEF_MQTT_MAX_QUEUED="$MAX_QUEUED" REEF_DATA_DIR="$data" \
                REEF_SEND_RATE=0 REEF_MQTT_CONNECT_RATE=0 REEF_MQTT_MAX_CONNECTIONS_PER_ADDRESS=0 \
                REEF_MQTT_PERSISTENT_ANONYMOUS_SESSIONS=true REEF_PASSWORD_ITERATIONS=100000 \
                setsid -w mvn -q $flag -Prun
        ) >"$logf" 2>&1 </dev/null &
        REEF_PID=$!
        sleep 1
        REEF_PGID=$(ps -o pgid= -p "$REEF_PID" 2>/dev/null | tr -d ' ' || true)
        if [[ -n "$REEF_PGID" && "$REEF_PGID" != "$REEF_PID" ]]; then
            # setsid had to fork: the new group is its child's.
            local child
            child=$(pgrep -P "$REEF_PID" | head -1 || true)
            [[ -n "$child" ]] && REEF_PGID=$(ps -o pgid= -p "$child" | tr -d ' ')
        fi
        local waited=0 code=000
        while (( waited < START_TIMEOUT )); do
            code=$(python3 "$HELPERS/net.py" http "http://127.0.0.1:$REEF_HTTP_PORT/api/v1/health")
            [[ "$code" == 200 ]] && break
            kill -0 "$REEF_PID" 2>/dev/null || break
            sleep 2
            waited=$((waited + 2))
        done
        if [[ "$code" == 200 ]]; then
            REEF_COMMAND="mvn -q ${flag:+$flag }-Prun"
            break
        fi
        if ! kill -0 "$REEF_PID" 2>/dev/null && [[ "$flag" == -o ]]; then
            log "Reef's run command exited early in offline mode (see $logf); retrying without -o"
            wait "$REEF_PID" 2>/dev/null || true
            REEF_PID=""; REEF_PGID=""
            cp "$logf" "$logf.offline-attempt" 2>/dev/null || true
            continue
        fi
        tail -n 30 "$logf" >&2 || true
        stop_reef
        die "Reef did not answer 200 on /api/v1/health within ${START_TIMEOUT}s (last status $code); see $logf"
    done
    local i
    for ((i = 0; i < 30; i++)); do
        REEF_JVM_PID=$(pgrep -g "$REEF_PGID" -f 'D\[Standalone\]' | head -1 || true)
        [[ -n "$REEF_JVM_PID" ]] && break
        sleep 1
    done
    [[ -n "$REEF_JVM_PID" ]] || die "Reef is up but its server JVM (-D[Standalone]) was not found in process group $REEF_PGID"
    REEF_PG_PID=$(pgrep -f -- "-D $data/postgres" | head -1 || true)
    REEF_DATA=$data
    tr '\0' '\n' <"/proc/$REEF_JVM_PID/cmdline" >"$OUT/reef-jvm-cmdline.txt" || true
    # HiveMQ's JVM gets the heap bounds Reef's server JVM runs with (the last -Xms/-Xmx on its command line wins).
    local xms xmx
    xms=$(grep -E '^-Xms[0-9]+[kKmMgG]?$' "$OUT/reef-jvm-cmdline.txt" | tail -1 || true)
    xmx=$(grep -E '^-Xmx[0-9]+[kKmMgG]?$' "$OUT/reef-jvm-cmdline.txt" | tail -1 || true)
    [[ -n "$xms" ]] && REEF_XMS=$xms
    [[ -n "$xmx" ]] && REEF_XMX=$xmx
    if command -v jcmd >/dev/null; then
        timeout 30 jcmd "$REEF_JVM_PID" VM.flags >"$OUT/reef-jvm-flags.txt" 2>&1 || true
    fi
    grep -o 'WildFly [0-9][^ ]*Final' "$logf" | head -1 >"$OUT/wildfly-version.txt" || true
    if [[ -n "$REEF_PG_PID" ]]; then
        local pgbin
        pgbin=$(readlink "/proc/$REEF_PG_PID/exe" 2>/dev/null || true)
        [[ -n "$pgbin" ]] && { "$pgbin" --version >"$OUT/postgres-version.txt" 2>/dev/null || true; }
    fi
    log "Reef is up ($label): server JVM $REEF_JVM_PID, MQTT port $REEF_MQTT_PORT"
}

MOSQ_STARTS=0
start_mosquitto() {
    local label=$1 dir="$WORK/mosquitto-$1" logf="$OUT/logs/mosquitto-$1.log"
    MOSQ_STARTS=$((MOSQ_STARTS + 1))
    mkdir -p "$dir/data"
    # `user`: when started as root Mosquitto would switch to the mosquitto user, who cannot
    # write the persistence directory; naming the current user keeps it as it is.
    cat >"$dir/mosquitto.conf" <<EOF
# generated by im-bench/compare.sh
user $(id -un)
listener $MOSQ_PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $dir/data/
max_connections -1
set_tcp_nodelay true
max_queued_messages $MAX_QUEUED
log_dest stderr
log_type error
log_type warning
EOF
    cp "$dir/mosquitto.conf" "$OUT/mosquitto.conf"
    log "starting Mosquitto ($label) on port $MOSQ_PORT"
    "$MOSQUITTO" -c "$dir/mosquitto.conf" >"$logf" 2>&1 </dev/null &
    MOSQ_PID=$!
    local i
    for ((i = 0; i < 30; i++)); do
        python3 "$HELPERS/net.py" tcp 127.0.0.1 "$MOSQ_PORT" && break
        kill -0 "$MOSQ_PID" 2>/dev/null || break
        sleep 1
    done
    if ! python3 "$HELPERS/net.py" tcp 127.0.0.1 "$MOSQ_PORT"; then
        cat "$logf" >&2 || true
        stop_mosquitto
        die "Mosquitto did not accept connections on port $MOSQ_PORT within 30s; see $logf"
    fi
    log "Mosquitto is up ($label): pid $MOSQ_PID"
}

# Reef's heap bounds until its JVM is seen (WildFly's bin/standalone.conf defaults); start_reef reads the real ones.
REEF_XMS=-Xms64m
REEF_XMX=-Xmx512m
HIVEMQ_STARTS=0
HIVEMQ_COMMAND=""
start_hivemq() {
    local label=$1 dir="$WORK/hivemq-$1" logf="$OUT/logs/hivemq-$1.log"
    HIVEMQ_STARTS=$((HIVEMQ_STARTS + 1))
    mkdir -p "$dir"
    # The heap Reef's server JVM gets, so that neither broker has more memory to work with; the rest are the
    # options of HiveMQ's own start script (bin/run.sh) minus remote JMX, plus what keeps Java 22+ from
    # warning about HiveMQ's libraries (native access, sun.misc.Unsafe).
    local -a opts=("$REEF_XMS" "$REEF_XMX" -Djava.net.preferIPv4Stack=true
        --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
        --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
        --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+CrashOnOutOfMemoryError
        --enable-native-access=ALL-UNNAMED)
    (( HIVEMQ_JAVA_FEATURE >= 24 )) && opts+=(--sun-misc-unsafe-memory-access=allow)
    HIVEMQ_COMMAND="$HIVEMQ_JAVA_HOME/bin/java ${opts[*]} -jar im-bench/hivemq/target/reef-hivemq.jar --port $HIVEMQ_PORT --dir <fresh temporary directory> --max-queued $MAX_QUEUED"
    log "starting HiveMQ ($label) on port $HIVEMQ_PORT ($REEF_XMS $REEF_XMX)"
    "$HIVEMQ_JAVA_HOME/bin/java" "${opts[@]}" -jar "$HIVEMQ_DIR/target/reef-hivemq.jar" --port "$HIVEMQ_PORT" \
        --dir "$dir" --max-queued "$MAX_QUEUED" >"$logf" 2>&1 </dev/null &
    HIVEMQ_PID=$!
    local waited=0
    while (( waited < START_TIMEOUT )); do
        grep -q '^reef-hivemq: started' "$logf" 2>/dev/null && break
        kill -0 "$HIVEMQ_PID" 2>/dev/null || break
        sleep 1
        waited=$((waited + 1))
    done
    if ! grep -q '^reef-hivemq: started' "$logf" 2>/dev/null || ! python3 "$HELPERS/net.py" tcp 127.0.0.1 "$HIVEMQ_PORT"; then
        tail -n 30 "$logf" >&2 || true
        stop_hivemq
        die "HiveMQ did not start within ${START_TIMEOUT}s on port $HIVEMQ_PORT; see $logf"
    fi
    cp "$dir/conf/config.xml" "$OUT/hivemq-config.xml"
    tr '\0' '\n' <"/proc/$HIVEMQ_PID/cmdline" >"$OUT/hivemq-jvm-cmdline.txt" || true
    timeout 30 "$HIVEMQ_JAVA_HOME/bin/jcmd" "$HIVEMQ_PID" VM.flags >"$OUT/hivemq-jvm-flags.txt" 2>&1 || true
    log "HiveMQ is up ($label): JVM $HIVEMQ_PID"
}

start_broker() { if [[ $1 == mosquitto ]]; then start_mosquitto "$2"; else start_hivemq "$2"; fi; }
stop_broker() { if [[ $1 == mosquitto ]]; then stop_mosquitto; else stop_hivemq; fi; }
broker_pid() { if [[ $1 == mosquitto ]]; then echo "$MOSQ_PID"; else echo "$HIVEMQ_PID"; fi; }

# --- runs ------------------------------------------------------------------------------------------

FLOW_TIMING=(--warmup "$WARMUP" --duration "$DURATION" --drain "$DRAIN")
RUNS_OK=0
RUNS_FAILED=0

# run_bench KEY SERVER ROUND SCENARIO ARGS... : one im-bench run, its JSON line appended to results.jsonl
run_bench() {
    local key=$1 server=$2 round=$3 scenario=$4
    shift 4
    local port bound name rc json path=$PATH
    case $server in
        reef) port=$REEF_MQTT_PORT ;;
        mosquitto) port=$MOSQ_PORT ;;
        hivemq) port=$HIVEMQ_PORT
                path="$HIVEMQ_JAVA_HOME/bin:$PATH" ;; # `connections --full-gc` calls jcmd: HiveMQ's JDK's
    esac
    case $scenario in
        connections) bound=$((CONN_CLIENTS / (CONN_RATE > 0 ? CONN_RATE : 1000) + CONN_HOLD + 180)) ;;
        offline) bound=240 ;;
        im-*) bound=$((IM_SETUP_TIMEOUT + 300 + WARMUP + DURATION + DRAIN + 180)) ;; # + setup, settling
        *) bound=$((WARMUP + DURATION + DRAIN + 180)) ;;
    esac
    name="$key-$server-$round"
    log "round $round $server: $scenario $*"
    local started=$SECONDS
    set +e
    local -a extra=()
    [[ $scenario == im-* ]] && extra=(--http-port "$REEF_HTTP_PORT" --setup-timeout "$IM_SETUP_TIMEOUT")
    PATH=$path timeout --foreground -k 10 "$bound" "$JAVA_CMD" -jar "$JAR" "$scenario" --port "$port" \
        ${extra[@]+"${extra[@]}"} "$@" >"$OUT/runs/$name.out" 2>"$OUT/runs/$name.err"
    rc=$?
    set -e
    json=$(grep -m1 '^{' "$OUT/runs/$name.out" || true)
    [[ -n "$json" ]] || json=null
    if [[ $rc -eq 0 && $json != null ]]; then RUNS_OK=$((RUNS_OK + 1)); else RUNS_FAILED=$((RUNS_FAILED + 1)); fi
    printf '{"key":"%s","server":"%s","round":%d,"exit":%d,"seconds":%d,"result":%s}\n' \
        "$key" "$server" "$round" "$rc" "$((SECONDS - started))" "$json" >>"$RESULTS"
    if [[ $json == null ]]; then
        log "  run failed (exit $rc, no JSON line); see $OUT/runs/$name.err"
    else
        sed -n '1,/^{/p' "$OUT/runs/$name.out" | grep -v '^{' | sed 's/^/    /' >&2 || true
        (( rc == 0 )) || log "  exit status $rc"
    fi
    sleep "$SETTLE"
}

check_alive() {
    if [[ -n "$REEF_PGID" ]] && ! kill -0 "$REEF_JVM_PID" 2>/dev/null; then
        die "Reef's server JVM ($REEF_JVM_PID) is gone; see $OUT/logs/"
    fi
    # An anchor that died (HiveMQ out of heap in the QoS 0 flood, say) is started again for the next run: its run is
    # in the results as it ended, and the comparison goes on instead of losing every other scenario.
    if [[ -n "$MOSQ_PID" ]] && ! kill -0 "$MOSQ_PID" 2>/dev/null; then
        ANCHOR_RESTARTS=$((ANCHOR_RESTARTS + 1))
        log "Mosquitto ($MOSQ_PID) is gone (see $OUT/logs/); starting it again"
        MOSQ_PID=""
        start_broker mosquitto "restart-$ANCHOR_RESTARTS"
    fi
    if [[ -n "$HIVEMQ_PID" ]] && ! kill -0 "$HIVEMQ_PID" 2>/dev/null; then
        ANCHOR_RESTARTS=$((ANCHOR_RESTARTS + 1))
        log "HiveMQ ($HIVEMQ_PID) is gone (see $OUT/logs/); starting it again"
        HIVEMQ_PID=""
        start_broker hivemq "restart-$ANCHOR_RESTARTS"
    fi
}
ANCHOR_RESTARTS=0

# 1. connections: each run on a freshly started server, so resident memory growth is not hidden
#    by a heap that earlier scenarios already grew.
if wants connections; then
    for ((r = 1; r <= ROUNDS; r++)); do
        start_reef "connections-$r"
        sleep "$SETTLE"
        run_bench connections reef "$r" connections --clients "$CONN_CLIENTS" --rate "$CONN_RATE" \
            --hold "$CONN_HOLD" --pid "$REEF_JVM_PID" --full-gc
        stop_reef
        for b in $BROKERS; do
            start_broker "$b" "connections-$r"
            sleep "$SETTLE"
            # Mosquitto has no collector; HiveMQ is a JVM, measured like Reef's (a full GC before each reading)
            gc=()
            [[ $b == hivemq ]] && gc=(--full-gc)
            run_bench connections "$b" "$r" connections --clients "$CONN_CLIENTS" --rate "$CONN_RATE" \
                --hold "$CONN_HOLD" --pid "$(broker_pid "$b")" ${gc[@]+"${gc[@]}"}
            stop_broker "$b"
        done
    done
fi

# 2. the flow scenarios and offline, every server started fresh once.
FLOW_SCENARIOS=""
for s in pairs-q0 pairs-q1 pairs-q1-fixed fanout-q0 offline; do
    wants "$s" && FLOW_SCENARIOS+=" $s"
done
if [[ -n "$FLOW_SCENARIOS" ]]; then
    start_reef flows
    for b in $BROKERS; do start_broker "$b" flows; done
    sleep "$SETTLE"
    for s in $FLOW_SCENARIOS; do
        for ((r = 1; r <= ROUNDS; r++)); do
            for server in reef $BROKERS; do
                check_alive
                case $s in
                    pairs-q0) run_bench "$s" "$server" "$r" pairs --pairs "$PAIRS" --size "$SIZE" --qos 0 \
                                  --rate 0 "${FLOW_TIMING[@]}" ;;
                    pairs-q1) run_bench "$s" "$server" "$r" pairs --pairs "$PAIRS" --size "$SIZE" --qos 1 \
                                  --rate 0 "${FLOW_TIMING[@]}" ;;
                    pairs-q1-fixed) run_bench "$s" "$server" "$r" pairs --pairs "$PAIRS" --size "$SIZE" --qos 1 \
                                  --rate "$FIXED_RATE" "${FLOW_TIMING[@]}" ;;
                    fanout-q0) run_bench "$s" "$server" "$r" fanout --publishers 1 --subscribers "$FANOUT_SUBS" \
                                  --size "$SIZE" --qos 0 --rate 0 "${FLOW_TIMING[@]}" ;;
                    offline) run_bench "$s" "$server" "$r" offline --messages "$OFFLINE_MSGS" --size "$SIZE" \
                                  --client-id "bench-offline-$STAMP-$server-$r" ;;
                esac
            done
        done
    done
    check_alive
    stop_reef
    stop_mosquitto
    stop_hivemq
fi

# 3. the IM scenarios, Reef alone (Mosquitto has no IM protocol), on a freshly started Reef. Each
#    scenario's accounts are registered in its first round and reused afterwards (--user-prefix).
record_postgres_settings() {
    # The embedded PostgreSQL's settings as the server runs them (SHOW over the wire protocol, no psql
    # needed); its port is in postmaster.pid (line 4). zonky's embedded server trusts local connections.
    local pid_file="$REEF_DATA/postgres/postmaster.pid" port
    port=$(sed -n 4p "$pid_file" 2>/dev/null || true)
    if [[ -z "$port" ]] || ! python3 "$HELPERS/net.py" pgshow 127.0.0.1 "$port" postgres postgres reef \
            synchronous_commit fsync wal_sync_method full_page_writes shared_buffers max_connections \
            server_version >"$OUT/postgres-settings.txt" 2>"$OUT/logs/postgres-settings.err"; then
        log "could not read the embedded PostgreSQL's settings (see $OUT/logs/postgres-settings.err)"
        rm -f "$OUT/postgres-settings.txt"
    fi
}

IM_SCENARIOS=""
for s in im-chat im-chat-fixed im-group; do
    wants "$s" && IM_SCENARIOS+=" $s"
done
if [[ -n "$IM_SCENARIOS" ]]; then
    start_reef im
    record_postgres_settings
    if [[ "$IM_WARMUP" -gt 0 ]]; then
        # not a round: nothing of it is recorded; it also registers im-chat's accounts
        log "IM warm-up: im-chat flat out for $IM_WARMUP s (not measured)"
        timeout --foreground -k 10 $((IM_SETUP_TIMEOUT + IM_WARMUP + 120)) "$JAVA_CMD" -jar "$JAR" im-chat \
            --port "$REEF_MQTT_PORT" --http-port "$REEF_HTTP_PORT" --setup-timeout "$IM_SETUP_TIMEOUT" \
            --user-prefix cmp-chat --pairs "$IM_PAIRS" --size "$SIZE" --rate 0 --warmup 2 --duration "$IM_WARMUP" \
            --drain "$DRAIN" >"$OUT/runs/im-warmup.out" 2>"$OUT/runs/im-warmup.err" \
            || log "IM warm-up ended with status $? (see $OUT/runs/im-warmup.err)"
    fi
    sleep "$SETTLE"
    for s in $IM_SCENARIOS; do
        for ((r = 1; r <= ROUNDS; r++)); do
            check_alive
            case $s in
                im-chat) run_bench "$s" reef "$r" im-chat --user-prefix cmp-chat --pairs "$IM_PAIRS" \
                             --size "$SIZE" --rate 0 "${FLOW_TIMING[@]}" ;;
                im-chat-fixed) run_bench "$s" reef "$r" im-chat --user-prefix cmp-chat --pairs "$IM_PAIRS" \
                             --size "$SIZE" --rate "$IM_FIXED_RATE" "${FLOW_TIMING[@]}" ;;
                im-group) run_bench "$s" reef "$r" im-group --user-prefix cmp-group --members "$IM_MEMBERS" \
                             --senders 1 --size "$SIZE" --rate "$IM_GROUP_RATE" "${FLOW_TIMING[@]}" ;;
            esac
        done
    done
    check_alive
    stop_reef
fi

END_EPOCH=$(date +%s)
log "runs done: $RUNS_OK complete, $RUNS_FAILED failed; writing $DOC and $SVG"

export COMPARE_ROUNDS_USED=$ROUNDS COMPARE_WARMUP_USED=$WARMUP COMPARE_DURATION_USED=$DURATION \
    COMPARE_DRAIN_USED=$DRAIN COMPARE_SETTLE_USED=$SETTLE COMPARE_PAIRS_USED=$PAIRS COMPARE_SIZE_USED=$SIZE \
    COMPARE_FIXED_RATE_USED=$FIXED_RATE COMPARE_FANOUT_SUBS_USED=$FANOUT_SUBS \
    COMPARE_OFFLINE_MSGS_USED=$OFFLINE_MSGS COMPARE_CONN_CLIENTS_USED=$CONN_CLIENTS \
    COMPARE_CONN_RATE_USED=$CONN_RATE COMPARE_CONN_HOLD_USED=$CONN_HOLD COMPARE_MAX_QUEUED_USED=$MAX_QUEUED \
    COMPARE_IM_WARMUP_USED=$IM_WARMUP COMPARE_IM_PAIRS_USED=$IM_PAIRS COMPARE_IM_FIXED_RATE_USED=$IM_FIXED_RATE COMPARE_IM_MEMBERS_USED=$IM_MEMBERS \
    COMPARE_IM_GROUP_RATE_USED=$IM_GROUP_RATE COMPARE_IM_SETUP_TIMEOUT_USED=$IM_SETUP_TIMEOUT \
    COMPARE_SCENARIOS_USED=$SCENARIOS COMPARE_START_EPOCH=$START_EPOCH COMPARE_END_EPOCH=$END_EPOCH \
    COMPARE_MOSQ_VERSION=$MOSQ_VERSION COMPARE_MOSQUITTO=$MOSQUITTO COMPARE_REEF_STARTS=$REEF_STARTS \
    COMPARE_MOSQ_STARTS=$MOSQ_STARTS COMPARE_REEF_COMMAND=$REEF_COMMAND COMPARE_BROKERS_USED=$BROKERS \
    COMPARE_HIVEMQ_VERSION=$HIVEMQ_VERSION COMPARE_HIVEMQ_JAVA=$HIVEMQ_JAVA_VERSION \
    COMPARE_HIVEMQ_JAVA_HOME_USED=$HIVEMQ_JAVA_HOME COMPARE_HIVEMQ_STARTS=$HIVEMQ_STARTS \
    COMPARE_HIVEMQ_COMMAND=$HIVEMQ_COMMAND
env | grep '^COMPARE_.*_USED=\|^COMPARE_[A-Z_]*EPOCH=\|^COMPARE_MOSQ\|^COMPARE_REEF_\|^COMPARE_HIVEMQ_' | sort >"$OUT/params.env"
mkdir -p "$(dirname "$DOC")" "$(dirname "$SVG")"
python3 "$HELPERS/report.py" --root "$ROOT" --run-dir "$OUT" --doc "$DOC" --svg "$SVG"
log "wrote $DOC and $SVG in $(( (END_EPOCH - START_EPOCH) / 60 )) min $(( (END_EPOCH - START_EPOCH) % 60 )) s"
