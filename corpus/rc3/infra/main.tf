terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }

  backend "s3" {
    bucket     = "example-terraform-state"
    key        = "shop/prod.tfstate"
    region     = "eu-west-1"
    access_key = var.state_access_key
    secret_key = var.state_secret_key
  }
}

provider "aws" {
  region     = var.region
  access_key = "{{AKIA:tf}}"
  secret_key = "{{SECRET:tf}}"

  default_tags {
    tags = {
      Project = "shop"
    }
  }
}

provider "aws" {
  alias  = "audit"
  region = var.region

  assume_role {
    role_arn     = "arn:aws:iam::444455556666:role/audit-reader"
    session_name = "terraform"
  }
}

resource "aws_iam_user" "ci" {
  name = "shop-ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

output "ci_access_key_id" {
  value = aws_iam_access_key.ci.id
}

output "ci_secret_access_key" {
  value = aws_iam_access_key.ci.secret
}
