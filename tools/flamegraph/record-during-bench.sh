#!/bin/bash
# tools/flamegraph/record-during-bench.sh <service> <bench log> <trigger text> <occurrence> <seconds> <out.svg> <title>
# Waits until the benchmark log shows <trigger text> for the <occurrence>th time, then samples
# <seconds> of the service's CPU with async-profiler (every thread, Java and native frames,
# one sample per millisecond of CPU) and draws them as a flame graph (flamegraph.py).
# Give the log and the SVG as absolute paths (the script runs from the repository root).
# Example, run 2's cached reads of agent-state (the line before them is "-- run 2 of 3 --"):
#   ./fleet bench agent-state > /tmp/bench.log 2>&1 &
#   tools/flamegraph/record-during-bench.sh agent-state /tmp/bench.log \
#     "-- run 2 of" 1 8 "$PWD/docs/flamegraphs/reads.svg" "agent-state cached reads"
#
# async-profiler attaches to the running JVM (jcmd JVMTI.agent_load) and samples with
# AsyncGetCallTrace: unlike a JFR recording started and stopped in a running service, which
# here deoptimised the compiled code (agent-state's reads fell from 3,467/s to 483/s in the
# recorded run, C2 recompiling for a minute after), it leaves the JIT's code alone. Its
# library comes from Maven Central (tools.profiler:async-profiler, pinned, SHA-256 checked)
# into $FLEET_HOME/tools; nothing is committed.
set -euo pipefail
svc=$1; log=$2; trig=$3; occ=$4; secs=$5; out=$6; title=$7
cd "$(dirname "$0")/../.."
version=4.2
sha256=445b7bdc6a3ed03d45a9d4b61b5a5fc072b3e9952d7f2b63722312f48ea9ee18
dir=${FLEET_HOME:-$PWD/.fleet}/tools/async-profiler-$version
lib=$dir/linux-x64/libasyncProfiler.so
if [ ! -f "$lib" ]; then
  mkdir -p "$dir"
  jar=$dir/async-profiler-$version.jar
  curl -fsSL -o "$jar" "https://repo1.maven.org/maven2/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
  echo "$sha256  $jar" | sha256sum -c --quiet -
  (cd "$dir" && unzip -q -o "$jar" linux-x64/libasyncProfiler.so)
fi
until [ "$(grep -cF -- "$trig" "$log" 2>/dev/null)" -ge "$occ" ]; do sleep 0.2; done
pid=$(./fleet status 2>/dev/null | awk -v s="$svc" '$1==s && $2=="running" {print $4}')
samples=${TMPDIR:-/tmp}/$svc-samples.collapsed
rm -f "$samples"
echo "sampling $svc pid $pid for $secs s at $(date +%T)"
# jcmd reads key=value as its own options: the agent's options go quoted, as one argument.
jcmd "$pid" JVMTI.agent_load "$lib" "\"start,event=cpu,interval=1ms\"" > /dev/null
sleep "$secs"
jcmd "$pid" JVMTI.agent_load "$lib" "\"stop,file=$samples,collapsed\"" > /dev/null
python3 tools/flamegraph/flamegraph.py "$samples" "$out" "$title"
