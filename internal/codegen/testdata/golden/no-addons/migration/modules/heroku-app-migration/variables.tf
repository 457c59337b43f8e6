variable "app" {
  description = "Name or id of the Heroku app to migrate."
  type        = string
}

variable "environment" {
  description = "Environment name used in the SSM path, such as prod."
  type        = string
  default     = "prod"
}

variable "config_vars_version" {
  description = "Bump to rewrite every parameter, for example after rotating secrets on Heroku."
  type        = number
  default     = 1
}

variable "extra_exclude" {
  description = "Config var names or globs to leave behind, besides the add-on-owned ones."
  type        = list(string)
  default     = []
}

variable "databases" {
  description = "Heroku Postgres attachments to copy (such as DATABASE); each needs an entry in database_target_urls."
  type        = list(string)
  default     = []
}

variable "database_target_urls" {
  description = "Target postgres:// URL per attachment in databases."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "database_run" {
  description = "Change to copy the databases again, for example \"cutover\" in the maintenance window."
  type        = string
  default     = "rehearsal-1"
}

variable "dns_zones" {
  description = "Route 53 hosted zone id per custom domain to cut over, such as { \"api.acme.com\" = \"Z0123...\" }."
  type        = map(string)
  default     = {}
}

variable "aws_target" {
  description = "DNS name of the AWS side of every domain, such as the load balancer's."
  type        = string
  default     = ""
}

variable "aws_weight" {
  description = "Share of traffic for AWS out of 100, for every domain: 0, then 10, 50, 100."
  type        = number
  default     = 0

  validation {
    condition     = var.aws_weight >= 0 && var.aws_weight <= 100
    error_message = "aws_weight is a percentage: 0 to 100."
  }
}
