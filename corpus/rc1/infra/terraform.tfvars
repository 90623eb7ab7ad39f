region             = "eu-west-1"
env                = "staging"
replica_access_key = "{{AKIA_PLACEHOLDER}}"
replica_secret_key = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
