#!/usr/bin/env bash
# How fast the sandbox serves job output: a 4 GiB virtual archive downloaded over
# loopback with curl, side by side with python3's http.server serving a 4 GiB sparse
# file in the same run. Reports GB/s (10^9 bytes/s) of each, their ratio, and the
# sandbox's peak RSS (VmHWM) after serving.
#
# Usage: benches/sandbox_output.sh [ROUNDS]      (default 3; rounds alternate which
#                                                 server goes first; medians reported)
#
# The bytes are reached through Glacier's own API: `defrost sandbox --seed` with one
# 4 GiB archive, an inventory job for the archive id, then per round InitiateJob
# (Expedited, whole archive) → DescribeJob until Succeeded → GetJobOutput.
#
# Needs curl, python3 and a release build (made here). Targets: at least 1 GB/s and
# a peak RSS under 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
size=$((4 << 30))
speedup=20000
# shellcheck source=benches/sandbox_api.sh
source benches/sandbox_api.sh

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Prints "HTTP_CODE BYTES BYTES_PER_SECOND" of one download to /dev/null.
download() {
    curl -sS -o /dev/null -w '%{http_code} %{size_download} %{speed_download}\n' \
        -H 'x-amz-glacier-version: 2012-06-01' "$1"
}

sandbox_url() {
    output_url "$(run_job "{\"Type\": \"archive-retrieval\", \"ArchiveId\": \"$archive_id\", \"Tier\": \"Expedited\"}" archive)"
}

# --- The peer: python3's http.server on a sparse file of the same size ---------
start_peer() {
    mkdir -p "$work/peer"
    truncate -s "$size" "$work/peer/archive.bin"
    local port
    port=$(free_port)
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/peer" \
        >"$work/peer.log" 2>&1 &
    peer_pid=$!
    pids+=("$peer_pid")
    peer_url="http://127.0.0.1:$port/archive.bin"
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null -r 0-0 "$peer_url" && return
        sleep 0.1
    done
    echo "python3 -m http.server did not start" >&2
    exit 1
}

start_sandbox
start_peer

measure() { # measure NAME URL → appends GB/s to NAME's list
    local code bytes speed
    read -r code bytes speed < <(download "$2")
    if [ "$code" != 200 ] || [ "$bytes" != "$size" ]; then
        echo "$1: HTTP $code, $bytes of $size bytes" >&2
        exit 1
    fi
    awk -v s="$speed" 'BEGIN { printf "%.3f\n", s / 1e9 }'
}

echo "$("$defrost" --version), $(nproc) cores, $rounds rounds of 4 GiB over loopback"
sandbox_speeds=() peer_speeds=()
for round in $(seq 1 "$rounds"); do
    url=$(sandbox_url)
    if ((round % 2)); then
        s=$(measure sandbox "$url")
        p=$(measure peer "$peer_url")
    else
        p=$(measure peer "$peer_url")
        s=$(measure sandbox "$url")
    fi
    printf 'round %d: sandbox %.2f GB/s | http.server %.2f GB/s\n' "$round" "$s" "$p"
    sandbox_speeds+=("$s") peer_speeds+=("$p")
done

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
peak_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

s_median=$(printf '%s\n' "${sandbox_speeds[@]}" | median)
p_median=$(printf '%s\n' "${peer_speeds[@]}" | median)
awk -v s="$s_median" -v p="$p_median" -v sk="$(peak_kib "$sandbox_pid")" \
    -v pk="$(peak_kib "$peer_pid")" 'BEGIN {
    printf "median: sandbox %.2f GB/s (target >= 1: %s), http.server %.2f GB/s, ratio %.2f\n",
        s, (s >= 1 ? "met" : "missed"), p, s / p
    printf "peak RSS: sandbox %.1f MiB (target < 64 MiB: %s), http.server %.1f MiB\n",
        sk / 1024, (sk < 64 * 1024 ? "met" : "missed"), pk / 1024
}'
