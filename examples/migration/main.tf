# The migration of one Heroku app: config vars into SSM Parameter Store
# (never stored in the plan or state), the Heroku Postgres database copied
# into PostgreSQL on AWS and verified, and a weighted DNS pair that moves
# traffic from Heroku to AWS; `phase` runs the cutover window: freeze
# Heroku, the final copy verified, then DNS to AWS, and a rollback in one
# apply; every shift towards AWS is gated on the AWS side's health. The
# generator's migration/ does the same per app through the
# heroku-app-migration module.
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

variable "phase" {
  description = "rehearsal (copy, Heroku serves), cutover (freeze, final copy verified, DNS to AWS 100), rollback (unfreeze, DNS to Heroku 100) or done (stay frozen at AWS 100)."
  type        = string
  default     = "rehearsal"

  validation {
    condition     = contains(["rehearsal", "cutover", "rollback", "done"], var.phase)
    error_message = "phase must be one of rehearsal, cutover, rollback, done."
  }
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

variable "restore_database" {
  description = "Copy the app's Heroku Postgres database into database_target_url."
  type        = bool
  default     = false
}

variable "database_target_url" {
  description = "postgres:// URL of the target database, such as the RDS instance's. Ephemeral: never stored in the plan or the state."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "database_target_url_version" {
  description = "Bump to copy again with a new database_target_url: Terraform cannot see an ephemeral value change."
  type        = number
  default     = 1
}

variable "database_run" {
  description = "Change to run the copy again, for example for the final copy in the maintenance window."
  type        = string
  default     = "rehearsal-1"
}

# Maintenance mode on, every process type but web and release scaled to 0,
# and the database read-only, while phase is cutover or done. Turning it off
# restores exactly what it recorded.
resource "heroku2aws_app_freeze" "this" {
  app     = data.heroku2aws_app.this.id
  enabled = contains(["cutover", "done"], var.phase)

  dynamic "database" {
    for_each = var.restore_database ? ["DATABASE"] : []
    content {
      attachment = database.value
    }
  }
}

# Copies run in a rehearsal and in the cutover only: a rollback, or an
# apply after the cutover (done), never overwrites what AWS has written.
resource "heroku2aws_pg_restore_job" "database" {
  count = var.restore_database && contains(["rehearsal", "cutover"], var.phase) ? 1 : 0

  source {
    heroku_backup {
      app     = data.heroku2aws_app.this.name
      capture = true
    }
  }
  # Write-only: the URL is never stored.
  target_url_wo         = var.database_target_url
  target_url_wo_version = var.database_target_url_version
  clean                 = true
  verify                = "row_counts"
  triggers              = { run = var.database_run, freeze = heroku2aws_app_freeze.this.generation }
  depends_on            = [heroku2aws_app_freeze.this]
}

output "database_restore" {
  description = "The last copy: backup, duration, and rows per table (source -> target)."
  value = length(heroku2aws_pg_restore_job.database) > 0 ? {
    backup  = heroku2aws_pg_restore_job.database[0].backup_id
    seconds = heroku2aws_pg_restore_job.database[0].duration_seconds
    tables = {
      for t in heroku2aws_pg_restore_job.database[0].tables :
      "${t.schema}.${t.name}" => "${t.source_rows} -> ${t.target_rows} ${t.match ? "ok" : "MISMATCH"}"
    }
    warnings = heroku2aws_pg_restore_job.database[0].warnings
  } : null
}

variable "zone_id" {
  description = "Route 53 hosted zone of hostname. Leave null to skip the DNS cutover."
  type        = string
  default     = null
}

variable "hostname" {
  description = "Custom domain of the app to cut over; its Heroku DNS target comes from heroku2aws_domains."
  type        = string
  default     = "api.acme.com"
}

variable "aws_target" {
  description = "DNS name of the AWS side, such as the load balancer's."
  type        = string
  default     = "acme-alb-1234567890.us-east-1.elb.amazonaws.com"
}

variable "aws_weight" {
  description = "Share of traffic for AWS out of 100 in the rehearsal phase; cutover and done send 100, rollback 0."
  type        = number
  default     = 0
}

variable "health_path" {
  description = "Path that answers 2xx or 3xx when the app is healthy on AWS, such as /health: the health gate requests it before every shift towards AWS."
  type        = string
  default     = "/"
}

locals {
  aws_weight = { rehearsal = var.aws_weight, cutover = 100, rollback = 0, done = 100 }[var.phase]
}

data "heroku2aws_domains" "this" {
  app = data.heroku2aws_app.this.id
}

resource "heroku2aws_weighted_dns_record" "cutover" {
  count   = var.zone_id == null ? 0 : 1
  zone_id = var.zone_id
  name    = var.hostname
  ttl     = 60

  heroku {
    target = one([for d in data.heroku2aws_domains.this.domains : d.cname if d.hostname == var.hostname])
    weight = 100 - local.aws_weight
  }

  aws {
    target = var.aws_target
    weight = local.aws_weight
  }

  # Before any shift that raises the AWS weight, probe the AWS side: 20
  # HTTPS requests to health_path over 30 s, with the hostname as Host and
  # TLS server name. If under 95 % answer 2xx or 3xx, or p95 latency is over
  # 2 s, the shift is refused and the weights stay as they were. A rollback
  # (the AWS weight falling) is never gated.
  gate {
    path = var.health_path
  }

  # After the verified copy (cutover) and after Heroku is unfrozen (rollback).
  depends_on = [heroku2aws_pg_restore_job.database, heroku2aws_app_freeze.this]
}

output "traffic" {
  description = "Where the hostname's traffic goes, by Route 53's rule."
  value = var.zone_id == null ? null : format("%s: heroku %.0f%% / aws %.0f%% (change %s, %s)", var.hostname,
    heroku2aws_weighted_dns_record.cutover[0].heroku_traffic_percent, heroku2aws_weighted_dns_record.cutover[0].aws_traffic_percent,
  heroku2aws_weighted_dns_record.cutover[0].change_id, heroku2aws_weighted_dns_record.cutover[0].status)
}

output "gate_result" {
  description = "The last health gate that let a shift through: requests, successes, success ratio, p95 latency (ms), when it ran."
  value       = var.zone_id == null ? null : heroku2aws_weighted_dns_record.cutover[0].gate_result
}

output "freeze" {
  description = "Whether Heroku is frozen, and what the freeze changed (restored on rollback)."
  value = {
    in_effect       = heroku2aws_app_freeze.this.in_effect
    generation      = heroku2aws_app_freeze.this.generation
    frozen_at       = heroku2aws_app_freeze.this.frozen_at
    prior_formation = heroku2aws_app_freeze.this.prior_formation
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
