#!/usr/bin/env python3
"""Where a benchmark phase's CPU goes, by component of the local stack.

    tools/flamegraph/cpu-by-component.py <database> <table> <rows/s>
        [--after <text> --until <text>] -- <command...>

Runs the command (a `./fleet bench ...`) and samples, once a second, every process's CPU
time (/proc/<pid>/stat) and how many rows the table has had inserted
(pg_stat_user_tables.n_tup_ins, as the stack's Postgres superuser). The seconds in which
the table grew faster than <rows/s> are the phase measured: for them it prints each
component's cores and CPU per inserted row (a negative <rows/s> takes every second, for a
phase that inserts nothing, such as reads: then only cores). Example, agent-state's compare-and-set saves:

    tools/flamegraph/cpu-by-component.py agent_state checkpoints 300 -- ./fleet bench agent-state

With --after and --until, a second also counts only while the phase is on, as the command's
output tells: from each line containing the first text to the next line containing the
second (a benchmark prints a phase's figures when the phase ends, so --after names the
line printed just before it starts). Example, audit's Kafka ingest, which follows its gRPC
Append phase in every run:

    tools/flamegraph/cpu-by-component.py audit audit_records 1000 \
        --after "gRPC Append, batches of" --until "Kafka ingest, " -- ./fleet bench audit

Components are told apart by command line: each service by its jar's path, the benchmark
(Maven's JVM, which runs it), Postgres, Redis, Kafka, OPA, Keycloak, the object store; the
rest is "other".
"""
import os
import subprocess
import sys
import threading
import time

COMPONENTS = [(name, f"services/{name}/target/quarkus-app") for name in
              ("agent-state", "audit", "config", "ledger", "tenant")] + [
    ("benchmark", "plexus-classworlds"), ("postgres", "postgres"), ("redis", "redis-server"),
    ("kafka", "kafka"), ("opa", "opa"), ("keycloak", "keycloak"), ("object-store", "s3proxy"),
]
TICKS = os.sysconf("SC_CLK_TCK")


def component(cmdline):
    for name, marker in COMPONENTS:
        if marker in cmdline:
            return name
    return "other"


def cpu_seconds():
    totals = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as cmd:
                cmdline = cmd.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = component(cmdline)
        totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICKS
    return totals


def inserted(database, table):
    port = os.environ.get("FLEET_PG_PORT", "15432")
    password = os.environ.get("FLEET_PG_SUPERUSER_PASSWORD", "fleet-dev")
    out = subprocess.run(
        ["psql", "-X", "-At", f"host=127.0.0.1 port={port} user=postgres dbname={database} sslmode=require",
         "-c", f"SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = '{table}'"],
        capture_output=True, text=True, env=dict(os.environ, PGPASSWORD=password))
    return int(out.stdout.strip() or 0)


def main():
    args = sys.argv[1:]
    if len(args) < 5 or "--" not in args:
        sys.exit(__doc__)
    split = args.index("--")
    options, command = args[:split], args[split + 1:]
    if len(options) not in (3, 7) or (len(options) == 7 and (options[3], options[5]) != ("--after", "--until")):
        sys.exit(__doc__)
    database, table, threshold = options[0], options[1], float(options[2])
    after, until = (options[4], options[6]) if len(options) == 7 else (None, None)
    bench = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1)
    phase = {"on": after is None}

    def follow():
        # Echoes the command's output; turns the phase on and off by its lines.
        for line in bench.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if after is not None and after in line:
                phase["on"] = True
            elif until is not None and until in line:
                phase["on"] = False

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    samples = []
    while bench.poll() is None:
        samples.append((time.monotonic(), inserted(database, table), cpu_seconds(), phase["on"]))
        time.sleep(1)
    reader.join(timeout=5)
    seconds, rows, spent = 0.0, 0, {}
    for (t0, rows0, cpu0, on0), (t1, rows1, cpu1, on1) in zip(samples, samples[1:]):
        if on0 and on1 and (rows1 - rows0) / (t1 - t0) > threshold:
            seconds += t1 - t0
            rows += rows1 - rows0
            for name, value in cpu1.items():
                spent[name] = spent.get(name, 0.0) + max(0.0, value - cpu0.get(name, value))
    if seconds == 0:
        sys.exit(f"no second with more than {threshold:.0f} rows/s inserted into {table}")
    during = f", between \"{after}\" and \"{until}\"" if after is not None else ""
    print(f"\n== CPU by component while {table} grew faster than {threshold:.0f} rows/s{during}:"
          f" {seconds:.1f} s, {rows} rows, {rows / seconds:.0f}/s ==")
    for name, value in sorted(spent.items(), key=lambda item: -item[1]):
        per_row = f"  {value * 1000 / rows:6.3f} ms per row" if rows > 0 else ""
        print(f"  {name:<13} {value / seconds:5.2f} cores{per_row}")
    print(f"  {'total':<13} {sum(spent.values()) / seconds:5.2f} cores of {os.cpu_count()}")
    sys.exit(bench.returncode)


if __name__ == "__main__":
    main()
