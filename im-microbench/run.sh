#!/usr/bin/env bash
# Runs the broker microbenchmarks (JMH) from the jar the build made, with short but honest settings, prints JMH's
# result table and writes the results as JSON.
#
#   im-microbench/run.sh [RESULT.json] [JMH options or benchmark regex...]
#
# Build first: mvn -pl mqtt-resource-adapter,im-microbench install -DskipTests
# Settings (environment): JMH_FORKS (1), JMH_WARMUP_ITERATIONS (5), JMH_WARMUP_TIME (1s), JMH_ITERATIONS (5),
# JMH_TIME (1s), JAVA (java). One fork with 5 x 1 s warm-up and 5 x 1 s measurement takes about 11 s per benchmark
# and parameter: enough for steady state on these small paths, not for fine comparisons (use more forks for those).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jar="$here/target/im-microbench.jar"
result="${1:-$here/target/jmh-result.json}"
shift || true

if [[ ! -f $jar ]]; then
    echo "run.sh: $jar not found; build it with: mvn -pl mqtt-resource-adapter,im-microbench install -DskipTests" >&2
    exit 1
fi
mkdir -p "$(dirname "$result")"

exec "${JAVA:-java}" -jar "$jar" \
    -f "${JMH_FORKS:-1}" \
    -wi "${JMH_WARMUP_ITERATIONS:-5}" -w "${JMH_WARMUP_TIME:-1s}" \
    -i "${JMH_ITERATIONS:-5}" -r "${JMH_TIME:-1s}" \
    -rf json -rff "$result" \
    "$@"
