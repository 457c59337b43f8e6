variable "rds_url" {
  description = "postgres://user:password@acme.xxxx.us-east-1.rds.amazonaws.com:5432/acme"
  type        = string
  sensitive   = true
}

# Capture a fresh Heroku backup, restore it with 4 jobs, verify every table.
resource "heroku2aws_pg_restore_job" "db" {
  source {
    heroku_backup {
      app     = "acme-api"
      addon   = "DATABASE"
      capture = true
    }
  }

  target_url = var.rds_url
  jobs       = 4
  clean      = true
  verify     = "checksums"

  # Bump in the maintenance window for the final copy.
  triggers = {
    run = "rehearsal-1"
  }

  timeouts = {
    create = "3h"
  }
}

output "restore_report" {
  value = {
    backup   = heroku2aws_pg_restore_job.db.backup_id
    seconds  = heroku2aws_pg_restore_job.db.duration_seconds
    tables   = heroku2aws_pg_restore_job.db.tables_restored
    warnings = heroku2aws_pg_restore_job.db.warnings
  }
}
