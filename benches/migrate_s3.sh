#!/usr/bin/env bash
# Measures `defrost migrate` of one large archive against `aws s3 cp` of the
# same bytes, side by side, into the same S3 server (moto's, over loopback).
#
# 1. A local sandbox holds one archive of SIZE (default 4GiB; its bytes are
#    generated on demand) in the vault `bench`; its clock runs 300 times
#    Glacier's so the job is ready in a second and its output window (288 s) outlasts the copy.
# 2. `defrost migrate` copies it into the bucket: wall time and peak memory
#    (target: at most 128 MiB), from the command's start to its end, the job's
#    short wait included.
# 3. The same bytes, restored into a local file beforehand (`defrost restore`),
#    are uploaded with `aws s3 cp` (the aws CLI's own multipart upload, 10
#    requests at a time): its wall time.
# Reports the ratio defrost / aws. Each side is run ROUNDS times (default 1),
# alternating, and the medians are compared.
#
# Usage: benches/migrate_s3.sh [SIZE [ROUNDS]]
# Needs GNU time at /usr/bin/time and the test environment target/test-venv
# (moto and the aws CLI), which ./tests/run makes. Uses target/bench-migrate.
# DEFROST=BINARY measures that build instead of building this one.
set -euo pipefail
cd "$(dirname "$0")/.."

size=${1:-4GiB}
rounds=${2:-1}
work=target/bench-migrate
venv=target/test-venv
if ! "$venv/bin/python" -c 'import awscli, moto' 2>/dev/null; then
    echo "benches/migrate_s3.sh needs moto and the aws CLI in $venv; run ./tests/run once to make it" >&2
    exit 2
fi
rm -rf "$work"
mkdir -p "$work"
if [ -z "${DEFROST:-}" ]; then
    cargo build --release --locked --quiet
fi
defrost=${DEFROST:-target/release/defrost}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
glacier_port=$(free_port)
s3_port=$(free_port)
glacier="http://127.0.0.1:$glacier_port"
s3="http://127.0.0.1:$s3_port"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
    AWS_DEFAULT_REGION=us-east-1
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; true' EXIT

wait_for() {
    for _ in $(seq 300); do
        curl -s "$1" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "nothing answered at $1; see $work/*.log" >&2
    exit 1
}

"$venv/bin/python" -m moto.server -H 127.0.0.1 -p "$s3_port" >"$work/moto.log" 2>&1 &
pids+=($!)
cat >"$work/seed.toml" <<EOF
[[vaults]]
name = "bench"
created = "2016-01-01T00:00:00Z"

[[vaults.archives]]
name = "disk-images/big.img"
format = "mt2"
size = "$size"
created = "2016-01-02T00:00:00Z"
EOF
"$defrost" sandbox --addr "127.0.0.1:$glacier_port" --speedup 300 \
    --seed "$work/seed.toml" >"$work/sandbox.log" 2>&1 &
pids+=($!)
wait_for "$s3"
wait_for "$glacier"

aws=("$venv/bin/aws" --endpoint-url "$s3")
"${aws[@]}" s3 mb s3://bench >/dev/null
common=(--data-dir "$work/data" --endpoint-url "$glacier" --sandbox-speedup 300)
"$defrost" "${common[@]}" inventory fetch --vault bench --wait >/dev/null
"$defrost" "${common[@]}" restore --vault bench --all --to "$work/local" --tier Expedited \
    --yes >/dev/null 2>&1
local_copy="$work/local/disk-images/big.img"

# Wall seconds and peak KiB.
measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" ||
        { cat "$work/err" >&2; exit 1; }
    tail -n 1 "$work/time"
}

median() {
    python3 -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"
}

defrost_seconds=()
defrost_kib=()
aws_seconds=()
for round in $(seq "$rounds"); do
    read -r seconds kib < <(measure "$defrost" "${common[@]}" migrate --vault bench --all \
        --bucket bench --prefix "round-$round" --storage-class STANDARD --tier Expedited \
        --s3-endpoint-url "$s3" --yes)
    defrost_seconds+=("$seconds")
    defrost_kib+=("$kib")
    read -r seconds _ < <(measure "${aws[@]}" s3 cp "$local_copy" "s3://bench/aws-$round/big.img" --quiet)
    aws_seconds+=("$seconds")
done

bytes=$(stat -c %s "$local_copy")
defrost_median=$(median "${defrost_seconds[@]}")
aws_median=$(median "${aws_seconds[@]}")
peak=$(printf '%s\n' "${defrost_kib[@]}" | sort -n | tail -n 1)
python3 - "$bytes" "$defrost_median" "$aws_median" "$peak" "$rounds" <<'EOF'
import sys
size, ours, theirs, peak_kib, rounds = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
mib = size / 2**20
print(f"{mib:,.0f} MiB, median of {rounds}: defrost migrate {ours:.1f} s ({mib / ours:,.0f} MiB/s), "
      f"aws s3 cp {theirs:.1f} s ({mib / theirs:,.0f} MiB/s); ratio defrost/aws {ours / theirs:.2f}; "
      f"defrost peak memory {peak_kib / 1024:.0f} MiB")
EOF
