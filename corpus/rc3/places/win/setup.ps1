Import-Module AWS.Tools.Common
Set-AWSCredential -AccessKey {{AKIA}} -SecretKey {{SECRET}} -StoreAs deploy
Initialize-AWSDefaultConfiguration -AccessKey {{AKIA}} -SecretKey {{SECRET}} -Region us-west-2
$env:AWS_ACCESS_KEY_ID = "{{AKIA}}"
$env:AWS_SECRET_ACCESS_KEY = "{{SECRET}}"
$env:AWS_SESSION_TOKEN = "{{TOKEN}}"
[Environment]::SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "{{AKIA}}", "User")
[Environment]::SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "{{SECRET}}", "User")
Set-AWSCredential -AccessKey {{ASIA}} -SecretKey {{SECRET}} -SessionToken {{TOKEN}}
$creds = @{
    AccessKey = '{{AKIA}}'
    SecretKey = '{{SECRET}}'
}
Set-AWSCredential @creds -StoreAs splat
