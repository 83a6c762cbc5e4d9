#!/usr/bin/env bash
# Measures `defrost restore` at scale, in two parts.
#
# 1. Planning: a batch of COUNT archives (default 100,000) chosen by --ids out of
#    a large cached inventory (INVENTORY.json, for example the 1 M-archive one
#    made by `gen-inventory.py --count 1000000 > target/inv-1m.json`), against a
#    local sandbox holding an empty vault of that name. Reports the wall time and
#    peak memory from the start of the command to the summary (the command is
#    then refused, as no terminal can answer its question: nothing is started).
#    Target: within 2 s.
# 2. Following: a sandbox vault seeded with FOLLOW small archives (default
#    COUNT), its inventory fetched, then the whole vault restored with Expedited
#    jobs (the clock 3,600 times Glacier's), at most 300 jobs in flight so that
#    outputs are downloaded before their windows close. Reports the wall time per
#    1,000 archives, how many jobs were renewed, and the peak memory of the
#    restoring process. Target: at most 150 MB.
#
# Usage: benches/restore_scale.sh INVENTORY.json [COUNT [FOLLOW]]
# Needs GNU time at /usr/bin/time and python3. Uses target/bench-restore, or
# target/bench-restore-NAME with DEFROST_BENCH_NAME=NAME. DEFROST=BINARY
# measures that build instead of building this one (an earlier build, say, to
# compare the two in the same hour); COUNT=0 skips the planning part.
set -euo pipefail
cd "$(dirname "$0")/.."

inventory=${1:?usage: benches/restore_scale.sh INVENTORY.json [COUNT]}
count=${2:-100000}
follow=${3:-$count}
work=target/bench-restore${DEFROST_BENCH_NAME:+-$DEFROST_BENCH_NAME}
port=${DEFROST_BENCH_PORT:-9179}
# Planning needs no job to run; following needs output windows (24 hours divided
# by the speedup) long enough to download a round of outputs.
speedup=100000
follow_speedup=3600
rm -rf "$work"
mkdir -p "$work"

if [ -z "${DEFROST:-}" ]; then
    cargo build --release --locked --quiet
fi
defrost=${DEFROST:-target/release/defrost}
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
sandbox_pid=
trap '[ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; true' EXIT

vault=$(python3 - "$inventory" <<'EOF'
import json, re, sys
with open(sys.argv[1], 'rb') as f:
    head = f.read(4096).decode('utf-8', 'replace')
print(re.search(r'vaults/([^"]+)"', head).group(1))
EOF
)

# A sandbox on SEED at SPEEDUP; its state lives in memory only, as a state
# directory would be rewritten whole on every change.
start_sandbox() {
    "$defrost" sandbox --addr "127.0.0.1:$port" --speedup "$2" \
        --seed "$1" >"$work/sandbox.log" 2>&1 &
    sandbox_pid=$!
    for _ in $(seq 100); do
        curl -s "$endpoint" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "the sandbox did not start; see $work/sandbox.log" >&2
    exit 1
}

stop_sandbox() {
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=
}

# Wall seconds, peak KiB, and CPU seconds (user and system).
measure() {
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true
    tail -n 1 "$work/time"
}

# CPU seconds the running sandbox has used: on a shared machine the wall time
# of the following part is partly the sandbox's and other processes', so
# defrost's own CPU is reported too.
sandbox_cpu() {
    python3 - "$sandbox_pid" <<'EOF'
import os, sys
fields = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
EOF
}

# --- 1. planning ----------------------------------------------------------
plan() {
cat >"$work/empty-seed.toml" <<EOF
[[vaults]]
name = "$vault"
created = "2016-01-01T00:00:00Z"
EOF
start_sandbox "$work/empty-seed.toml" "$speedup"
"$defrost" --data-dir "$work/plan" inventory import "$inventory" --vault "$vault" >/dev/null
python3 - "$inventory" "$count" >"$work/ids.txt" <<'EOF'
import json, sys
archives = json.load(open(sys.argv[1]))["ArchiveList"]
step = max(1, len(archives) // int(sys.argv[2]))
for archive in archives[::step][: int(sys.argv[2])]:
    print(archive["ArchiveId"])
EOF
read -r seconds kib _ _ < <(measure "$defrost" --data-dir "$work/plan" --endpoint-url "$endpoint" \
    --sandbox-speedup "$speedup" restore --vault "$vault" --ids "$work/ids.txt" \
    --to "$work/to-plan" </dev/null)
grep -q "^To start" "$work/err" || { cat "$work/err" >&2; exit 1; }
echo "planning $count archives of $(wc -l <"$work/ids.txt") ids: ${seconds} s to the summary, peak $((kib / 1024)) MB"
stop_sandbox
}
if [ "$count" -gt 0 ]; then plan; fi

# --- 2. following -----------------------------------------------------------
cat >"$work/seed.toml" <<EOF
[[vaults]]
name = "bench"
created = "2016-01-01T00:00:00Z"

[[vaults.generated]]
count = $follow
seed = 7
max_size = "16KiB"
EOF
start_sandbox "$work/seed.toml" "$follow_speedup"
common=(--data-dir "$work/follow" --endpoint-url "$endpoint" --sandbox-speedup "$follow_speedup")
"$defrost" "${common[@]}" inventory fetch --vault bench --wait >/dev/null
sandbox_before=$(sandbox_cpu)
read -r seconds kib user system < <(measure "$defrost" "${common[@]}" restore --vault bench --all \
    --to "$work/to-follow" --tier Expedited --requests-per-second 2000 \
    --max-jobs-in-flight 300 --yes --json)
restored=$(tail -n 1 "$work/out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["restored"])')
renewed=$(grep -c '"why":"renewal"' "$work/out" || true)
sandbox_after=$(sandbox_cpu)
per_thousand=$(python3 -c "print(f'{$seconds / ($follow / 1000):.2f}')")
cpu=$(python3 -c "print(f'{($user + $system) / ($follow / 1000):.2f}')")
sandbox=$(python3 -c "print(f'{($sandbox_after - $sandbox_before) / ($follow / 1000):.2f}')")
echo "following $follow archives: $restored restored in ${seconds} s (${per_thousand} s per 1,000; CPU per 1,000: defrost ${cpu} s, the sandbox ${sandbox} s), $renewed renewed, peak $((kib / 1024)) MB"
stop_sandbox
