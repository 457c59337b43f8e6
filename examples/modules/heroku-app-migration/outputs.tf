output "parameter_arns" {
  description = "SSM parameter ARNs by config var, for the secrets of an ECS task definition."
  value       = heroku2aws_secret_import.config_vars.arns
}

output "config_vars_written" {
  description = "Parameters the last apply wrote."
  value       = heroku2aws_secret_import.config_vars.written_count
}

output "addon_config_var_names" {
  description = "Config vars that add-ons own: they move with the data stores, not through SSM."
  value       = data.heroku2aws_addons.this.config_var_names
}

output "database_restores" {
  description = "Per copied database: the backup, the duration, and rows per table (source -> target)."
  value = {
    for name, job in heroku2aws_pg_restore_job.database : name => {
      backup  = job.backup_id
      seconds = job.duration_seconds
      tables  = { for t in job.tables : "${t.schema}.${t.name}" => "${t.source_rows} -> ${t.target_rows} ${t.match ? "ok" : "MISMATCH"}" }
    }
  }
}

output "traffic" {
  description = "Where each domain's traffic goes, by Route 53's rule."
  value = {
    for host, r in heroku2aws_weighted_dns_record.domain :
    host => format("heroku %.0f%% / aws %.0f%% (%s)", r.heroku_traffic_percent, r.aws_traffic_percent, r.status)
  }
}

output "dns_gate" {
  description = "Per domain, the figures of the last gate that let a shift through: requests, successes, success ratio, p95 latency in ms and when it ran (null before any gated shift)."
  value       = { for host, r in heroku2aws_weighted_dns_record.domain : host => r.gate_result }
}

output "phase" {
  description = "The phase this apply put the app in."
  value       = var.phase
}

output "freeze" {
  description = "The Heroku side of the window: whether the freeze is on and still in effect, and exactly what it changed (restored on rollback)."
  value = {
    enabled           = heroku2aws_app_freeze.this.enabled
    in_effect         = heroku2aws_app_freeze.this.in_effect
    generation        = heroku2aws_app_freeze.this.generation
    frozen_at         = heroku2aws_app_freeze.this.frozen_at
    prior_maintenance = heroku2aws_app_freeze.this.prior_maintenance
    prior_formation   = { for p in coalesce(heroku2aws_app_freeze.this.prior_formation, []) : p.type => "${p.quantity} x ${p.size}" }
    database_frozen   = heroku2aws_app_freeze.this.database_frozen
  }
}

output "freeze_generation" {
  description = "The freeze's generation, for copy_after_freezes of another app's module that copies a database this app writes to."
  value       = heroku2aws_app_freeze.this.generation
}

output "window" {
  description = "When the window's steps happened (RFC 3339): the freeze, then each database's final copy (verified), for measuring the window."
  value = {
    frozen_at = heroku2aws_app_freeze.this.frozen_at
    copies = {
      for name, job in heroku2aws_pg_restore_job.database : name => {
        started_at  = job.started_at
        finished_at = job.finished_at
        seconds     = job.duration_seconds
      }
    }
  }
}
