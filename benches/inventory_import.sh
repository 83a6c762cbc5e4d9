#!/usr/bin/env bash
# Compares `defrost inventory import` of a large JSON inventory with what the
# scripts people use today do first: `python3 -c "import json; json.load(...)"`
# on the same file. Reports the median wall time of each, their ratio and the
# peak memory, then times browsing the new cache (benches/inventory_query.rs).
#
# Usage: benches/inventory_import.sh INVENTORY.json [ROUNDS]   (default 3 rounds)
#
# Make a synthetic inventory with the team's generator, for example
#   gen-inventory.py --count 1000000 > target/inv-1m.json     (about 400 MB)
#   gen-inventory.py --count 10000000 > target/inv-10m.json   (about 4 GB)
# Needs python3 and GNU time at /usr/bin/time. Both programs run interleaved,
# alternating which goes first, from a warm page cache. Each import goes into a
# fresh cache under target/bench-cache. Targets at 1 M archives: ratio
# defrost/python <= 0.5, defrost peak <= 200 MB; at 10 M, peak <= 300 MB.
set -euo pipefail
cd "$(dirname "$0")/.."

inventory=${1:?usage: benches/inventory_import.sh INVENTORY.json [ROUNDS]}
rounds=${2:-3}
cache=target/bench-cache
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

cargo build --release --locked --quiet
cat "$inventory" >/dev/null

# Runs a command under GNU time; prints "SECONDS KIB".
measure() {
    /usr/bin/time -f '%e %M' -o "$timing" "$@" >/dev/null
    tail -n 1 "$timing"
}

run_defrost() {
    rm -rf "$cache"
    measure target/release/defrost --data-dir "$cache" inventory import "$inventory" --vault "$vault"
}

run_python() {
    measure python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$inventory"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The vault the inventory names, for --vault.
vault=$(head -c 300 "$inventory" | grep -o 'vaults/[A-Za-z0-9_.-]*' | head -n 1 | cut -d/ -f2)
echo "defrost $(target/release/defrost --version | cut -d' ' -f2), $(python3 --version), $(nproc) cores, $rounds rounds on $(du -h "$inventory" | cut -f1) ($inventory, vault $vault)"
defrost_times=() python_times=() defrost_peak=0 python_peak=0
for round in $(seq 1 "$rounds"); do
    if ((round % 2)); then
        read -r d_secs d_kib < <(run_defrost)
        read -r p_secs p_kib < <(run_python)
    else
        read -r p_secs p_kib < <(run_python)
        read -r d_secs d_kib < <(run_defrost)
    fi
    printf 'round %d: defrost %5.2f s %7.1f MB | python %5.2f s %7.1f MB\n' \
        "$round" "$d_secs" "$(echo "$d_kib * 1024 / 1000000" | bc -l)" \
        "$p_secs" "$(echo "$p_kib * 1024 / 1000000" | bc -l)"
    defrost_times+=("$d_secs") python_times+=("$p_secs")
    ((d_kib > defrost_peak)) && defrost_peak=$d_kib
    ((p_kib > python_peak)) && python_peak=$p_kib
done
d_median=$(printf '%s\n' "${defrost_times[@]}" | median)
p_median=$(printf '%s\n' "${python_times[@]}" | median)
printf 'median: defrost %.2f s, python %.2f s, ratio %.2f; peak: defrost %.1f MB, python %.1f MB\n' \
    "$d_median" "$p_median" "$(echo "$d_median / $p_median" | bc -l)" \
    "$(echo "$defrost_peak * 1024 / 1000000" | bc -l)" "$(echo "$python_peak * 1024 / 1000000" | bc -l)"

cargo bench --quiet --bench inventory_query -- "$cache" "$vault"
