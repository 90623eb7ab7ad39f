"""Run a command with the deploy role's temporary credentials in its environment."""

import os
import subprocess
import sys

import boto3


def main() -> int:
    role_arn = os.environ["DEPLOY_ROLE_ARN"]
    creds = boto3.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="deploy")["Credentials"]
    env = dict(os.environ)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
        }
    )
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
        }
    )
    return subprocess.call(sys.argv[1:], env=env)


if __name__ == "__main__":
    sys.exit(main())
