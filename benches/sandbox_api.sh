#!/usr/bin/env bash
# Shared by the benchmarks that drive a release sandbox through Glacier's own API
# with curl; sourced by them, not run. The caller sets $size (the bytes of the one
# archive) and $speedup; this builds defrost in release, and start_sandbox sets
# $base, $vault and $archive_id.

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

glacier() {
    curl -sS --fail-with-body -H 'x-amz-glacier-version: 2012-06-01' "$@"
}

json_field() { # json_field FIELD < JSON
    python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# Waits for a line matching PATTERN in FILE and prints its first URL.
url_from_log() {
    local file=$1 pattern=$2
    for _ in $(seq 1 100); do
        if grep -q "$pattern" "$file"; then
            grep -o 'http://[0-9.:]*[^ ]*' "$file" | head -n 1
            return
        fi
        sleep 0.1
    done
    echo "no '$pattern' from the server; its output:" >&2
    cat "$file" >&2
    exit 1
}

cargo build --release --locked --quiet
defrost=${CARGO_TARGET_DIR:-target}/release/defrost

start_sandbox() {
    cat >"$work/seed.toml" <<SEED
[[vaults]]
name = "bench"
created = "2020-01-01T00:00:00Z"

[[vaults.archives]]
description = "benchmark archive"
size = $size
created = "2020-01-02T00:00:00Z"
SEED
    "$defrost" sandbox --addr 127.0.0.1:0 --seed "$work/seed.toml" \
        --speedup "$speedup" >"$work/sandbox.log" 2>&1 &
    sandbox_pid=$!
    pids+=("$sandbox_pid")
    base=$(url_from_log "$work/sandbox.log" 'endpoint at')
    vault="$base/-/vaults/bench"
    archive_id=$(run_job '{"Type": "inventory-retrieval"}' inventory | python3 -c '
import json, sys
archives = json.load(sys.stdin)["ArchiveList"]
print(next(a["ArchiveId"] for a in archives if a["Size"] == int(sys.argv[1])))' "$size")
}

# Initiates a job, waits until it succeeds, and prints its output (inventory) or
# its id (archive).
run_job() {
    local parameters=$1 what=$2 job='' status=''
    # A seeded vault may wait for its first inventory; InitiateJob refuses until then.
    for _ in $(seq 1 600); do
        if job=$(glacier -D - -o /dev/null -X POST -d "$parameters" "$vault/jobs" 2>"$work/initiate.err" |
            tr -d '\r' | awk -F': ' 'tolower($1) == "x-amz-job-id" { print $2 }') && [ -n "$job" ]; then
            break
        fi
        sleep 0.1
    done
    if [ -z "$job" ]; then
        echo "InitiateJob for the $what job failed: $(cat "$work/initiate.err")" >&2
        exit 1
    fi
    for _ in $(seq 1 1200); do
        status=$(glacier "$vault/jobs/$job" | json_field StatusCode)
        [ "$status" != InProgress ] && break
        sleep 0.05
    done
    if [ "$status" != Succeeded ]; then
        echo "the $what job ended $status" >&2
        exit 1
    fi
    if [ "$what" = inventory ]; then glacier "$vault/jobs/$job/output"; else echo "$job"; fi
}


# The URL of a job's output.
output_url() {
    echo "$vault/jobs/$1/output"
}
