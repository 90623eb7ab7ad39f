aws_region     = "us-west-2"
aws_access_key = "{{AKIA:tfv}}"
aws_secret_key = "{{SECRET:tfv}}"
