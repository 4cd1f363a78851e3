#!/usr/bin/env bash
# Cross-node against same-node IM latency on a local two-node Reef cluster (issue 12): starts `mvn -Prun
# -Dreef.nodes=2` on its own ports and data directory, then runs im-chat at a fixed rate twice, alternating, ROUNDS
# times: senders on reef-1 and receivers on reef-1 (same node), then senders on reef-1 and receivers on reef-2 (every
# message crosses nodes). Prints each run's stored-and-delivered rate and latency percentiles, and their medians.
#
#   im-bench/cluster-latency.sh [RATE] [DURATION] [ROUNDS]     # defaults: 1000 msg/s, 20 s, 2 rounds
#
# Needs what compare.sh needs (Java 17+, Maven, python3). Nothing else should run on the machine meanwhile.
set -euo pipefail

RATE=${1:-1000}
DURATION=${2:-20}
ROUNDS=${3:-2}
PAIRS=${CLUSTER_LATENCY_PAIRS:-100}
OFFSET=${CLUSTER_LATENCY_PORT_OFFSET:-3100}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/im-bench/target/cluster-latency-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
log() { printf '[cluster-latency] %s\n' "$*" >&2; }

MQTT_ONE=$((1883 + OFFSET)); MQTT_TWO=$((1983 + OFFSET))
HTTP_ONE=$((8080 + OFFSET)); HTTP_TWO=$((8180 + OFFSET))

(cd "$ROOT" && mvn -q -o package -pl im-bench -DskipTests) || (cd "$ROOT" && mvn -q package -pl im-bench -DskipTests)
cp "$ROOT"/im-bench/target/im-bench.jar "$OUT/im-bench.jar"

log "starting two nodes: mvn -o -Prun -Dreef.nodes=2, port offset $OFFSET (log: $OUT/reef.log)"
(
    cd "$ROOT"
    exec env REEF_PORT_OFFSET="$OFFSET" REEF_MQTT_WS_PORT=-1 REEF_DATA_DIR="$OUT/data" REEF_SEND_RATE=0 \
        REEF_MQTT_CONNECT_RATE=0 REEF_MQTT_MAX_CONNECTIONS_PER_ADDRESS=0 REEF_PASSWORD_ITERATIONS=100000 \
        setsid -w mvn -q -o -Prun -Dreef.nodes=2
) >"$OUT/reef.log" 2>&1 </dev/null &
REEF_PID=$!
stop_reef() {
    local pgid
    pgid=$(ps -o pgid= -p "$REEF_PID" 2>/dev/null | tr -d ' ' || true)
    [[ -n "$pgid" ]] && kill -TERM -- "-$pgid" 2>/dev/null || true
    wait "$REEF_PID" 2>/dev/null || true
}
trap stop_reef EXIT

for port in "$HTTP_ONE" "$HTTP_TWO"; do
    for ((i = 0; i < 120; i++)); do
        members=$(curl -s "http://127.0.0.1:$port/api/v1/cluster" || true)
        [[ $members == *'"reef-1"'* && $members == *'"reef-2"'* ]] && break
        kill -0 "$REEF_PID" 2>/dev/null || { log "the cluster did not start; see $OUT/reef.log"; exit 1; }
        sleep 2
    done
    [[ $members == *'"reef-1"'* && $members == *'"reef-2"'* ]] || { log "no cluster of two on $port in 240 s"; exit 1; }
done
log "cluster of two up"

bench() { # NAME SECONDS ARGS...
    local name=$1 seconds=$2
    shift 2
    java -jar "$OUT/im-bench.jar" im-chat --port "$MQTT_ONE" --http-port "$HTTP_ONE" --user-prefix clat \
        --pairs "$PAIRS" --rate "$RATE" --warmup 3 --duration "$seconds" --drain 10 "$@" \
        >"$OUT/$name.out" 2>"$OUT/$name.err" || log "$name ended with status $?"
    grep -m1 '^{' "$OUT/$name.out" >"$OUT/$name.json" || echo null >"$OUT/$name.json"
}
log "warm-up (accounts, JIT on both nodes)"
bench warmup-same 10
bench warmup-cross 10 --receiver-port "$MQTT_TWO"
for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r: receivers on reef-1 (same node)"
    bench "same-$r" "$DURATION"
    log "round $r: receivers on reef-2 (cross node)"
    bench "cross-$r" "$DURATION" --receiver-port "$MQTT_TWO"
done

python3 - "$OUT" "$ROUNDS" <<'EOF'
import json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
summary = {}
for kind in ("same", "cross"):
    runs = []
    for r in range(1, rounds + 1):
        with open(os.path.join(out, f"{kind}-{r}.json")) as f:
            j = json.load(f)
        if not j or "latencyMicros" not in j:
            print(f"{kind}-{r}: failed: {j}")
            continue
        lat = j["latencyMicros"]
        runs.append(j)
        print(f"{kind}-{r}: published {j['publishedPerSecond']:.0f}/s, delivered {j['messagesPerSecond']:.0f}/s, "
              f"lost {j['lost']}, duplicates {j['duplicates']}, out of order {j['outOfOrder']}, "
              f"p50 {lat['p50'] / 1000:.1f} ms, p99 {lat['p99'] / 1000:.1f} ms, max {lat['max'] / 1000:.1f} ms")
    summary[kind] = {"runs": len(runs),
                     "p50_ms": statistics.median(j["latencyMicros"]["p50"] / 1000 for j in runs) if runs else None,
                     "p99_ms": statistics.median(j["latencyMicros"]["p99"] / 1000 for j in runs) if runs else None}
print(json.dumps(summary))
if summary["same"]["p99_ms"] and summary["cross"]["p99_ms"]:
    print(f"cross-node p99 / same-node p99 = {summary['cross']['p99_ms'] / summary['same']['p99_ms']:.2f}")
with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f)
EOF
log "results in $OUT"
