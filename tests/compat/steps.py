"""Runs named steps against a Glacier endpoint and reports each as a JSON line.

A client script defines its steps with @step, in the order they run; later steps
read what earlier ones found from the shared context. The caller chooses which
steps run (--steps), so a server that lacks an operation is never silently skipped.
"""

import argparse
import json
import os
import sys
import traceback

STEPS = {}

# A 2 MiB + 17 byte body: more than one tree-hash chunk, so a client that sent a
# plain SHA-256 instead of the tree hash would be refused.
ARCHIVE_BODY = bytes((i * 7 + i // 4099) % 256 for i in range(2 * 1024 * 1024 + 17))


def step(function):
    """Registers a step under its function's name."""
    STEPS[function.__name__] = function
    return function


class StepFailed(Exception):
    """A step found the server's answer wrong."""


def check(condition, message):
    if not condition:
        raise StepFailed(message)


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("endpoint", help="the sandbox URL, e.g. http://127.0.0.1:9070")
    parser.add_argument("--vault", default="compat", help="vault to create and use")
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help="comma-separated steps to run, in order (default: all: %(default)s)",
    )
    args = parser.parse_args()
    args.steps = [name for name in args.steps.split(",") if name]
    unknown = [name for name in args.steps if name not in STEPS]
    if unknown:
        parser.error(f"unknown steps {unknown}; known: {list(STEPS)}")
    return args


def offline_aws_environment():
    """Credentials and region for a local endpoint, without the user's AWS config."""
    defaults = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


def run(args, context):
    """Runs the chosen steps; prints one JSON line per step; exits 1 on the first failure."""
    for name in args.steps:
        try:
            facts = STEPS[name](args, context) or {}
        except Exception as err:  # any failure ends the run, reported with its step
            traceback.print_exc(file=sys.stderr)
            print(json.dumps({"step": name, "ok": False, "error": f"{type(err).__name__}: {err}"}))
            sys.exit(1)
        print(json.dumps({"step": name, "ok": True, **facts}), flush=True)
