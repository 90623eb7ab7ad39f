resource "azurerm_storage_account" "logs" {
  name                     = "acmelogs"
  resource_group_name      = azurerm_resource_group.main.name
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  shared_access_key_enabled = false
}

output "connection_string" {
  value     = "DefaultEndpointsProtocol=https;AccountName=${azurerm_storage_account.logs.name};AccountKey=${azurerm_storage_account.logs.primary_access_key}"
  sensitive = true
}

resource "tls_private_key" "bastion" {
  algorithm = "ED25519"
}

locals {
  legacy_ca_key = <<-EOT
{{RSA_PEM}}  EOT
}
