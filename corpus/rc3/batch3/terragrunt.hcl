include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "../../modules/vpc"
}

inputs = {
  name           = "shop-vpc"
  cidr           = "10.20.0.0/16"
  aws_access_key = "{{AKIA:tg}}"
  aws_secret_key = "{{SECRET:tg}}"
}
