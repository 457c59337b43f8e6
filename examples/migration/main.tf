# The migration of one Heroku app, as far as this provider version goes:
# config vars into SSM Parameter Store, never stored in the plan or state.
# `make demo` applies it against the local sandboxes. Later releases add the
# database restore and the DNS cutover here.
terraform {
  required_version = ">= 1.11"
  required_providers {
    heroku2aws = {
      source = "heroku2aws/heroku2aws"
    }
  }
}

# Heroku credentials from HEROKU_API_KEY (or ~/.netrc); AWS from the standard
# SDK chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...).
provider "heroku2aws" {
  aws {}
}

variable "app" {
  description = "Name or id of the Heroku app to migrate."
  type        = string
  default     = "acme-api"
}

variable "environment" {
  description = "Environment name used in the SSM path, such as prod or staging."
  type        = string
  default     = "prod"
}

variable "config_vars_version" {
  description = "Bump to rewrite every parameter, for example after rotating secrets on Heroku."
  type        = number
  default     = 1
}

data "heroku2aws_app" "this" {
  name = var.app
}

data "heroku2aws_addons" "this" {
  app = data.heroku2aws_app.this.id
}

ephemeral "heroku2aws_config_vars" "this" {
  app = data.heroku2aws_app.this.id
}

resource "heroku2aws_secret_import" "config_vars" {
  values_wo         = ephemeral.heroku2aws_config_vars.this.values
  values_wo_version = var.config_vars_version
  # DATABASE_URL, REDIS_URL, ... will come from RDS and ElastiCache.
  exclude = data.heroku2aws_addons.this.config_var_names

  ssm {
    path_prefix = "/${data.heroku2aws_app.this.name}/${var.environment}/"
    tags = {
      app         = data.heroku2aws_app.this.name
      environment = var.environment
      source      = "heroku"
    }
  }
}

output "parameter_arns" {
  description = "SSM parameter ARNs by config var, for the secrets of an ECS task definition."
  value       = heroku2aws_secret_import.config_vars.arns
}

output "written_count" {
  value = heroku2aws_secret_import.config_vars.written_count
}

output "cost_estimate_usd_month" {
  value = heroku2aws_secret_import.config_vars.cost_estimate_usd_month
}

output "left_on_heroku_addons" {
  description = "Config vars that add-ons own; they move with the data stores, not here."
  value       = data.heroku2aws_addons.this.config_var_names
}
