# Developer workstation setup (Windows)
$env:AWS_DEFAULT_REGION = "eu-west-1"
$env:AWS_ACCESS_KEY_ID = "{{AKIA:ps}}"
$env:AWS_SECRET_ACCESS_KEY = "{{SECRET:ps}}"
choco install awscli -y
aws sts get-caller-identity
