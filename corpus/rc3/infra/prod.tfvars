region           = "eu-west-1"
state_access_key = "{{AKIA:state}}"
instance_type    = "t3.small"
