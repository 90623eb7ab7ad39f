@echo off
rem Deploy the static site from a build agent
setlocal
set "AWS_ACCESS_KEY_ID={{AKIA}}"
set "AWS_SECRET_ACCESS_KEY={{SECRET}}"
set AWS_DEFAULT_REGION=eu-west-1
aws s3 sync public\ s3://example-site/ --delete
endlocal
