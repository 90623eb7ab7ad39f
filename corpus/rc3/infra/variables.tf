variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "state_access_key" {
  type      = string
  sensitive = true
}

variable "state_secret_key" {
  type      = string
  sensitive = true
  default   = "{{SECRET:state}}"
}
