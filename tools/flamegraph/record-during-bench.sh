#!/bin/bash
# tools/flamegraph/record-during-bench.sh <service> <bench log> <trigger text> <occurrence> <seconds> <out.svg> <title>
# Waits until the benchmark log shows <trigger text> for the <occurrence>th time, then records
# <seconds> of the service's CPU samples with JFR and draws them as a flame graph.
# Give the log and the SVG as absolute paths (the script runs from the repository root).
# Example, run 2's compare-and-set phase of agent-state:
#   ./fleet bench agent-state > /tmp/bench.log 2>&1 &
#   tools/flamegraph/record-during-bench.sh agent-state /tmp/bench.log \
#     "latest-checkpoint reads, warm cache" 2 8 "$PWD/docs/flamegraphs/cas.svg" "agent-state CAS saves"
set -euo pipefail
svc=$1; log=$2; trig=$3; occ=$4; secs=$5; out=$6; title=$7
cd "$(dirname "$0")/../.."
until [ "$(grep -cF -- "$trig" "$log" 2>/dev/null)" -ge "$occ" ]; do sleep 0.2; done
pid=$(./fleet status 2>/dev/null | awk -v s="$svc" '$1==s && $2=="running" {print $4}')
echo "recording $svc pid $pid for $secs s at $(date +%T)"
rm -f ${TMPDIR:-/tmp}/$svc.jfr
jcmd "$pid" JFR.start settings=profile duration=${secs}s filename=${TMPDIR:-/tmp}/$svc.jfr
sleep $((secs + 3))
jfr print --events jdk.ExecutionSample --stack-depth 128 ${TMPDIR:-/tmp}/$svc.jfr > ${TMPDIR:-/tmp}/$svc-samples.txt
python3 tools/flamegraph/jfr-flamegraph.py ${TMPDIR:-/tmp}/$svc-samples.txt "$out" "$title"
echo "samples: $(grep -c jdk.ExecutionSample ${TMPDIR:-/tmp}/$svc-samples.txt)"
