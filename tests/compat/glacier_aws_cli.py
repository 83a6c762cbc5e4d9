"""Glacier's vault, archive and job operations through the aws CLI against a sandbox.

Usage: glacier_aws_cli.py ENDPOINT [--vault NAME] [--steps create_vault,list_vaults,...]
Runs the `aws` next to this Python (the one a venv installs). Prints one JSON line
per step; exits non-zero on the first step that fails.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from botocore.utils import calculate_tree_hash

from steps import ARCHIVE_BODY, check, offline_aws_environment, parse_args, run, step

AWS = os.path.join(os.path.dirname(sys.executable), "aws")


def aws(context, *words):
    """Runs `aws glacier WORDS…` and returns its JSON answer ({} when it prints none)."""
    command = [AWS, "glacier", *words, "--account-id", "-", "--output", "json"]
    command += ["--endpoint-url", context["endpoint"]]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(words[:1])} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout) if done.stdout.strip() else {}


@step
def create_vault(args, context):
    answer = aws(context, "create-vault", "--vault-name", args.vault)
    check(answer["location"].endswith(f"/vaults/{args.vault}"), f"location {answer['location']}")
    return {"location": answer["location"]}


@step
def list_vaults(args, context):
    names = [vault["VaultName"] for vault in aws(context, "list-vaults")["VaultList"]]
    check(args.vault in names, f"{args.vault} not in {names}")
    return {"vaults": names}


@step
def describe_vault(args, context):
    vault = aws(context, "describe-vault", "--vault-name", args.vault)
    check(vault["VaultName"] == args.vault, f"described {vault['VaultName']}")
    return {"vault_arn": vault["VaultARN"], "archives": vault.get("NumberOfArchives")}


@step
def upload_archive(args, context):
    path = os.path.join(context["workdir"], "archive.bin")
    with open(path, "wb") as file:
        file.write(ARCHIVE_BODY)
    # The CLI computes the tree hash of --body itself.
    answer = aws(context, "upload-archive", "--vault-name", args.vault, "--body", path)
    with open(path, "rb") as file:
        expected = calculate_tree_hash(file)
    check(answer["checksum"] == expected, f"checksum {answer['checksum']} != {expected}")
    context["archive_id"] = answer["archiveId"]
    return {"archive_id": answer["archiveId"], "checksum": answer["checksum"]}


@step
def initiate_job(args, context):
    parameters = json.dumps({"Type": "archive-retrieval", "ArchiveId": context["archive_id"]})
    answer = aws(context, "initiate-job", "--vault-name", args.vault, "--job-parameters", parameters)
    context["job_id"] = answer["jobId"]
    return {"job_id": answer["jobId"]}


def describe(args, context):
    return aws(context, "describe-job", "--vault-name", args.vault, "--job-id", context["job_id"])


@step
def describe_job(args, context):
    job = describe(args, context)
    check(job["Action"] == "ArchiveRetrieval", f"action {job['Action']}")
    check(job["ArchiveSizeInBytes"] == len(ARCHIVE_BODY), f"size {job['ArchiveSizeInBytes']}")
    return {"status": job["StatusCode"]}


@step
def get_job_output(args, context):
    deadline = time.monotonic() + 60
    while not describe(args, context)["Completed"]:
        check(time.monotonic() < deadline, "the job did not complete within 60 s")
        time.sleep(0.2)
    path = os.path.join(context["workdir"], "output.bin")
    answer = aws(context, "get-job-output", "--vault-name", args.vault,
                 "--job-id", context["job_id"], path)
    with open(path, "rb") as file:
        body = file.read()
    check(body == ARCHIVE_BODY, f"the output differs from the upload ({len(body)} bytes)")
    with open(path, "rb") as file:
        expected = calculate_tree_hash(file)
    checksum = answer.get("checksum")
    check(checksum in (None, expected), f"output checksum {checksum} != {expected}")
    return {"bytes": len(body), "checksum": checksum}


def main():
    args = parse_args(__doc__)
    offline_aws_environment()
    with tempfile.TemporaryDirectory() as workdir:
        run(args, {"endpoint": args.endpoint, "workdir": workdir})


if __name__ == "__main__":
    main()
