resource "aws_iam_user" "legacy" {
  name = "legacy-batch"
}

resource "aws_iam_access_key" "legacy" {
  user    = aws_iam_user.legacy.name
  pgp_key = "keybase:example"
}

output "legacy_secret" {
  value = aws_iam_access_key.legacy.encrypted_secret
}
