# Hard negative: role-based setup. Keys come from IAM Identity Center, never the script.
Import-Module AWS.Tools.Common
Initialize-AWSDefaultConfiguration -ProfileName deploy-sso -Region us-west-2
$env:AWS_PROFILE = "deploy-sso"
# Documentation placeholders stay quiet:
# Set-AWSCredential -AccessKey <Access Key ID> -SecretKey <Secret Access Key> -StoreAs default
$AccessKey = "YOUR_AWS_ACCESS_KEY_ID"
$SecretKey = "YOUR_AWS_SECRET_ACCESS_KEY"
Set-AWSCredential -AccessKey $AccessKey -SecretKey $SecretKey -StoreAs placeholder
