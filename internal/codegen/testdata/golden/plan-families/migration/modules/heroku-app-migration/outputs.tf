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
