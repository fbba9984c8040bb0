# azd stores every output in .azure/<env>/.env; the hooks read them from there.

output "AZURE_RESOURCE_GROUP" {
  value = azurerm_resource_group.main.name
}

output "AZURE_CONTAINER_REGISTRY_ENDPOINT" {
  value = azurerm_container_registry.main.login_server
}

output "AZURE_CONTAINER_APPS_ENVIRONMENT_ID" {
  value = azurerm_container_app_environment.main.id
}

output "AZURE_APPCONFIG_ENDPOINT" {
  value = azurerm_app_configuration.main.endpoint
}

output "ACS_ENDPOINT" {
  value = "https://${azurerm_communication_service.main.hostname}"
}

output "ACS_RESOURCE_NAME" {
  value = azurerm_communication_service.main.name
}

output "AZURE_OPENAI_ENDPOINT" {
  value = azurerm_cognitive_account.openai.endpoint
}

output "AZURE_KEY_VAULT_NAME" {
  value = azurerm_key_vault.main.name
}

output "FRONTEND_CONTAINER_APP_NAME" {
  value = azurerm_container_app.frontend.name
}

output "BACKEND_CONTAINER_APP_NAME" {
  value = azurerm_container_app.backend.name
}

output "WEBCHAT_CONTAINER_APP_NAME" {
  value = azurerm_container_app.webchat.name
}

output "FRONTEND_CONTAINER_APP_FQDN" {
  value = azurerm_container_app.frontend.ingress[0].fqdn
}

output "BACKEND_CONTAINER_APP_FQDN" {
  value = azurerm_container_app.backend.ingress[0].fqdn
}

output "BACKEND_API_URL" {
  value = "https://${azurerm_container_app.backend.ingress[0].fqdn}"
}

output "FRONTEND_URL" {
  value = "https://${azurerm_container_app.frontend.ingress[0].fqdn}"
}
