# Prints the inventory of one Heroku app: the list that becomes a migration
# checklist. `make demo` applies it against the local sandbox.
terraform {
  required_version = ">= 1.5"
  required_providers {
    heroku2aws = {
      source = "heroku2aws/heroku2aws"
    }
  }
}

provider "heroku2aws" {}

variable "app" {
  description = "Name or id of the Heroku app to inventory."
  type        = string
  default     = "acme-api"
}

data "heroku2aws_app" "this" {
  name = var.app
}

data "heroku2aws_formation" "this" {
  app = data.heroku2aws_app.this.id
}

data "heroku2aws_addons" "this" {
  app = data.heroku2aws_app.this.id
}

data "heroku2aws_domains" "this" {
  app = data.heroku2aws_app.this.id
}

# The data source stores values in state (marked sensitive). The outputs
# below use names only; a migration moves values through the
# heroku2aws_config_vars ephemeral resource instead.
data "heroku2aws_config_vars" "this" {
  app = data.heroku2aws_app.this.id
}

output "app" {
  value = {
    name   = data.heroku2aws_app.this.name
    region = data.heroku2aws_app.this.region
    stack  = data.heroku2aws_app.this.stack
    team   = data.heroku2aws_app.this.team
  }
}

output "formation" {
  description = "Process types with their Fargate task size."
  value = {
    for p in data.heroku2aws_formation.this.processes :
    p.type => "${p.quantity} x ${p.size}: ${p.command} (Fargate cpu=${p.fargate_cpu} memory=${p.fargate_memory})"
  }
}

output "addons" {
  description = "Add-ons and where each one lands on AWS."
  value = {
    for a in data.heroku2aws_addons.this.addons :
    a.name => "${a.plan} -> ${coalesce(a.aws_service, "(keep vendor)")}${a.aws_instance_class == null ? "" : " ${a.aws_instance_class}"}"
  }
}

output "domains" {
  description = "Custom domains and the DNS target each points at today."
  value       = { for d in data.heroku2aws_domains.this.domains : d.hostname => d.cname }
}

output "config_var_names" {
  description = "Config var names: the add-on-owned ones come from AWS after the move, the rest are imported."
  value = {
    from_addons = data.heroku2aws_config_vars.this.addon_config_var_names
    to_import   = data.heroku2aws_config_vars.this.user_config_var_names
  }
}

output "monthly_addon_cost_usd" {
  value = data.heroku2aws_addons.this.total_billed_price_cents / 100
}
