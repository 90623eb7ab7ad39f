terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region     = var.region
  access_key = "{{AKIA:tf}}"
  secret_key = "{{SECRET:tf}}"
}

provider "aws" {
  alias      = "replica"
  region     = "us-west-2"
  access_key = var.replica_access_key
  secret_key = var.replica_secret_key
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs-${var.env}"
  tags = {
    Owner    = "platform"
    Checksum = "{{HEX40}}"
  }
}

resource "aws_iam_role" "ci" {
  name               = "ci-deploy"
  assume_role_policy = data.aws_iam_policy_document.github_oidc.json
}
