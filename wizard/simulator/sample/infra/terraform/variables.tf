variable "environment_name" {
  description = "azd environment name; used in resource names and the azd-env-name tag."
  type        = string

  validation {
    condition     = length(var.environment_name) >= 1 && length(var.environment_name) <= 64
    error_message = "environment_name must be 1-64 characters."
  }
}

variable "location" {
  description = "Azure region for every regional resource."
  type        = string
}

variable "principal_id" {
  description = "Object id of the deploying user; gets data-plane roles. Empty skips them."
  type        = string
  default     = ""
}

variable "principal_type" {
  description = "User or ServicePrincipal (CI logins)."
  type        = string
  default     = "User"
}

variable "name" {
  description = "Short workload name used in resource names (letters and digits only)."
  type        = string
  default     = "rtagent"
}

variable "acs_data_location" {
  description = "Data location of the Communication Services resource."
  type        = string
  default     = "United States"
}

variable "openai_chat_capacity" {
  description = "Capacity (thousands of tokens per minute) for the gpt-4o deployment."
  type        = number
  default     = 50
}

variable "enable_redis" {
  description = "Create an Azure Cache for Redis for session state."
  type        = bool
  default     = false
}

variable "backend_min_replicas" {
  description = "Minimum replicas of the backend container app."
  type        = number
  default     = 1
}
