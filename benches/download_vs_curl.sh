#!/usr/bin/env bash
# How fast `defrost download` fetches a job's output, verified (every chunk's tree
# hash, the whole against DescribeJob's), next to curl fetching the same output
# unverified in one request, in the same run. Reports the median GB/s (10^9 bytes/s)
# of each, their ratio, and defrost's peak RSS (GNU time's %M).
#
# Usage: benches/download_vs_curl.sh [ROUNDS]    (default 3; rounds alternate which
#                                                 goes first; medians reported)
#
# A release sandbox serves a 4 GiB virtual archive; its id comes from an inventory
# job, then each round starts one Expedited job for the whole archive, waits until
# it succeeds, and downloads its output with `curl -s -o FILE` and with
# `defrost download JOB --vault bench --to DIR --overwrite`. Both write to the same
# file system (a temporary folder); defrost also syncs each chunk before recording
# it, as a resumable download must.
#
# Needs curl, python3, GNU time (/usr/bin/time) and a release build (made here).
# Targets: defrost at least 0.7x curl's throughput, at most 64 MiB peak.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
size=$((4 << 30))
# Slow enough that a job's output stays downloadable (24 h / 1000 = 86 s) for both
# downloads of a round; the first inventory then takes about 15 s.
speedup=1000
# shellcheck source=benches/sandbox_api.sh
source benches/sandbox_api.sh

now() { date +%s.%N; }
gbps() { awk -v b="$size" -v s="$1" -v e="$2" 'BEGIN { printf "%.3f\n", b / (e - s) / 1e9 }'; }

measure_curl() { # measure_curl JOB → GB/s
    local start end bytes
    rm -f "$work/curl.out"
    start=$(now)
    glacier -s -o "$work/curl.out" "$vault/jobs/$1/output"
    end=$(now)
    bytes=$(stat -c %s "$work/curl.out")
    if [ "$bytes" != "$size" ]; then
        echo "curl: $bytes of $size bytes" >&2
        exit 1
    fi
    rm -f "$work/curl.out"
    gbps "$start" "$end"
}

# defrost sees test credentials and nothing of this machine's AWS set-up.
mkdir -p "$work/aws" "$work/data" "$work/restore"
: >"$work/aws/config"
: >"$work/aws/credentials"
defrost_download() {
    env -u AWS_PROFILE -u AWS_REGION -u AWS_DEFAULT_REGION -u AWS_SESSION_TOKEN \
        -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_GLACIER \
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
        AWS_CONFIG_FILE="$work/aws/config" AWS_SHARED_CREDENTIALS_FILE="$work/aws/credentials" \
        /usr/bin/time -f %M -o "$work/rss" \
        "$defrost" --region us-east-1 --endpoint-url "$base" --data-dir "$work/data" \
        download "$1" --vault bench --to "$work/restore" --overwrite >"$work/defrost.out"
}

measure_defrost() { # measure_defrost JOB → GB/s; appends the peak RSS (KiB) to $work/peaks
    local start end
    start=$(now)
    defrost_download "$1"
    end=$(now)
    if ! grep -q '^verified ' "$work/defrost.out"; then
        echo "defrost did not verify the download: $(cat "$work/defrost.out")" >&2
        exit 1
    fi
    cat "$work/rss" >>"$work/peaks"
    # Deleted like curl's file, so neither program's next round finds the page
    # cache full of the other's output (writing into freshly freed pages is
    # much faster here than into pages the system must find first).
    rm -rf "${work:?}/restore" && mkdir -p "$work/restore"
    gbps "$start" "$end"
}

start_sandbox

echo "$("$defrost" --version), $(nproc) cores, $rounds rounds of 4 GiB over loopback"
curl_speeds=() defrost_speeds=()
for round in $(seq 1 "$rounds"); do
    job=$(run_job "{\"Type\": \"archive-retrieval\", \"ArchiveId\": \"$archive_id\", \"Tier\": \"Expedited\"}" archive)
    if ((round % 2)); then
        c=$(measure_curl "$job")
        d=$(measure_defrost "$job")
    else
        d=$(measure_defrost "$job")
        c=$(measure_curl "$job")
    fi
    printf 'round %d: curl %.2f GB/s | defrost download %.2f GB/s, %.1f MiB peak\n' \
        "$round" "$c" "$d" "$(tail -n 1 "$work/peaks" | awk '{ print $1 / 1024 }')"
    curl_speeds+=("$c") defrost_speeds+=("$d")
done

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
c_median=$(printf '%s\n' "${curl_speeds[@]}" | median)
d_median=$(printf '%s\n' "${defrost_speeds[@]}" | median)
peak=$(sort -n "$work/peaks" | tail -n 1)
awk -v c="$c_median" -v d="$d_median" -v pk="$peak" 'BEGIN {
    printf "median: curl %.2f GB/s, defrost download %.2f GB/s, ratio %.2f (target >= 0.7: %s)\n",
        c, d, d / c, (d / c >= 0.7 ? "met" : "missed")
    printf "peak RSS of defrost download: %.1f MiB (target <= 64 MiB: %s)\n",
        pk / 1024, (pk <= 64 * 1024 ? "met" : "missed")
}'
