source "amazon-ebs" "base" {
  ami_name      = "shop-base-{{timestamp}}"
  instance_type = "t3.micro"
  region        = "eu-west-1"
  access_key    = "{{AKIA:pk}}"
  secret_key    = "{{SECRET:pk}}"
  source_ami_filter {
    filters = {
      name = "al2023-ami-*-x86_64"
    }
    owners      = ["amazon"]
    most_recent = true
  }
  ssh_username = "ec2-user"
}

build {
  sources = ["source.amazon-ebs.base"]
}
