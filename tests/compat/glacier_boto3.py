"""Glacier's vault, archive and job operations through boto3 against a sandbox.

Usage: glacier_boto3.py ENDPOINT [--vault NAME] [--steps create_vault,list_vaults,...]
Prints one JSON line per step; exits non-zero on the first step that fails.
"""

import io
import time

import boto3
from botocore.utils import calculate_tree_hash

from steps import ARCHIVE_BODY, check, offline_aws_environment, parse_args, run, step


@step
def create_vault(args, context):
    answer = context["glacier"].create_vault(vaultName=args.vault)
    check(answer["location"].endswith(f"/vaults/{args.vault}"), f"location {answer['location']}")
    return {"location": answer["location"]}


@step
def list_vaults(args, context):
    names = [vault["VaultName"] for vault in context["glacier"].list_vaults()["VaultList"]]
    check(args.vault in names, f"{args.vault} not in {names}")
    return {"vaults": names}


@step
def describe_vault(args, context):
    vault = context["glacier"].describe_vault(vaultName=args.vault)
    check(vault["VaultName"] == args.vault, f"described {vault['VaultName']}")
    return {"vault_arn": vault["VaultARN"], "archives": vault.get("NumberOfArchives")}


@step
def upload_archive(args, context):
    # boto3 computes the tree hash and the linear hash headers itself.
    answer = context["glacier"].upload_archive(
        vaultName=args.vault, archiveDescription="compat boto3", body=ARCHIVE_BODY
    )
    expected = calculate_tree_hash(io.BytesIO(ARCHIVE_BODY))
    check(answer["checksum"] == expected, f"checksum {answer['checksum']} != {expected}")
    context["archive_id"] = answer["archiveId"]
    return {"archive_id": answer["archiveId"], "checksum": answer["checksum"]}


@step
def initiate_job(args, context):
    answer = context["glacier"].initiate_job(
        vaultName=args.vault,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": context["archive_id"]},
    )
    context["job_id"] = answer["jobId"]
    return {"job_id": answer["jobId"]}


@step
def describe_job(args, context):
    job = context["glacier"].describe_job(vaultName=args.vault, jobId=context["job_id"])
    check(job["Action"] == "ArchiveRetrieval", f"action {job['Action']}")
    check(job["ArchiveSizeInBytes"] == len(ARCHIVE_BODY), f"size {job['ArchiveSizeInBytes']}")
    return {"status": job["StatusCode"]}


@step
def get_job_output(args, context):
    glacier, job_id = context["glacier"], context["job_id"]
    deadline = time.monotonic() + 60
    while not glacier.describe_job(vaultName=args.vault, jobId=job_id)["Completed"]:
        check(time.monotonic() < deadline, "the job did not complete within 60 s")
        time.sleep(0.2)
    output = glacier.get_job_output(vaultName=args.vault, jobId=job_id)
    body = output["body"].read()
    check(body == ARCHIVE_BODY, f"the output differs from the upload ({len(body)} bytes)")
    checksum = output.get("checksum")
    expected = calculate_tree_hash(io.BytesIO(ARCHIVE_BODY))
    check(checksum in (None, expected), f"output checksum {checksum} != {expected}")
    return {"bytes": len(body), "checksum": checksum}


def main():
    args = parse_args(__doc__)
    offline_aws_environment()
    glacier = boto3.client("glacier", endpoint_url=args.endpoint)
    run(args, {"glacier": glacier})


if __name__ == "__main__":
    main()
