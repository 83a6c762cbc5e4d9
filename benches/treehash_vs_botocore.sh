#!/usr/bin/env bash
# Compares `defrost treehash` with botocore's calculate_tree_hash (what the aws CLI
# and boto3 use) on a 1 GiB file of random bytes: both must print the same hash;
# it reports the median wall time of each, their ratio and the peak memory.
#
# Usage: benches/treehash_vs_botocore.sh [ROUNDS]      (default 5 rounds)
#
# Needs python3 with venv, GNU time at /usr/bin/time, and PyPI the first time
# (botocore goes into target/bench-venv). The data file, target/bench/random-1GiB.bin,
# is made once and reused. The two programs run interleaved, alternating which
# goes first, from a warm page cache, so both read from memory, not the disk.
# Targets: ratio defrost/botocore <= 0.40, defrost peak RSS <= 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-5}
venv=target/bench-venv
data=target/bench/random-1GiB.bin
size=$((1 << 30))
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import botocore' 2>/dev/null; then
    "$venv/bin/pip" install --quiet botocore
fi

if [ ! -f "$data" ] || [ "$(stat -c %s "$data")" -ne "$size" ]; then
    mkdir -p "$(dirname "$data")"
    head -c "$size" /dev/urandom >"$data.partial"
    mv "$data.partial" "$data"
fi

cargo build --release --locked --quiet
cat "$data" >/dev/null

# Runs a command under GNU time; prints "HASH SECONDS KIB" (hash = first word out).
measure() {
    local out
    out=$(/usr/bin/time -f '%e %M' -o "$timing" "$@")
    echo "${out%% *} $(tail -n 1 "$timing")"
}

run_defrost() {
    measure target/release/defrost treehash "$data"
}

run_botocore() {
    measure "$venv/bin/python" -c '
import sys
from botocore.utils import calculate_tree_hash
with open(sys.argv[1], "rb") as f:
    print(calculate_tree_hash(f))
' "$data"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "defrost $(target/release/defrost --version | cut -d' ' -f2), botocore $("$venv/bin/python" -c 'import botocore; print(botocore.__version__)'), $(nproc) cores, $rounds rounds on 1 GiB"
defrost_times=() botocore_times=() defrost_peak=0 botocore_peak=0
for round in $(seq 1 "$rounds"); do
    if ((round % 2)); then
        read -r d_hash d_secs d_kib < <(run_defrost)
        read -r b_hash b_secs b_kib < <(run_botocore)
    else
        read -r b_hash b_secs b_kib < <(run_botocore)
        read -r d_hash d_secs d_kib < <(run_defrost)
    fi
    if [ "$d_hash" != "$b_hash" ]; then
        echo "round $round: the hashes differ: defrost $d_hash, botocore $b_hash" >&2
        exit 1
    fi
    printf 'round %d: defrost %5.2f s %6.1f MiB | botocore %5.2f s %6.1f MiB | %s\n' \
        "$round" "$d_secs" "$(echo "$d_kib / 1024" | bc -l)" \
        "$b_secs" "$(echo "$b_kib / 1024" | bc -l)" "$d_hash"
    defrost_times+=("$d_secs") botocore_times+=("$b_secs")
    ((d_kib > defrost_peak)) && defrost_peak=$d_kib
    ((b_kib > botocore_peak)) && botocore_peak=$b_kib
done

d_median=$(printf '%s\n' "${defrost_times[@]}" | median)
b_median=$(printf '%s\n' "${botocore_times[@]}" | median)
awk -v d="$d_median" -v b="$b_median" -v dp="$defrost_peak" -v bp="$botocore_peak" 'BEGIN {
    ratio = d / b
    printf "median wall time: defrost %.2f s, botocore %.2f s\n", d, b
    printf "ratio defrost/botocore: %.2f (target <= 0.40: %s)\n", ratio, ratio <= 0.40 ? "met" : "missed"
    printf "peak RSS: defrost %.1f MiB (target <= 64 MiB: %s), botocore %.1f MiB\n",
        dp / 1024, dp <= 64 * 1024 ? "met" : "missed", bp / 1024
}'
