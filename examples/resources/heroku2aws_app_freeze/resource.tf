# The cutover window of acme-api: maintenance on, the workers drained
# before web traffic stops, and the database read-only for new sessions.
resource "heroku2aws_app_freeze" "api" {
  app           = "acme-api"
  enabled       = var.phase == "cutover" || var.phase == "done"
  process_types = ["worker", "clock"]
  drain_wait    = "30s"

  database {
    attachment = "DATABASE"
  }
}

# The final copy runs after each new freeze, of the frozen database.
resource "heroku2aws_pg_restore_job" "final" {
  source {
    heroku_backup {
      app     = "acme-api"
      capture = true
    }
  }
  target_url = var.rds_url
  clean      = true
  verify     = "row_counts"
  triggers = {
    freeze = heroku2aws_app_freeze.api.generation
  }
}

variable "phase" {
  type    = string
  default = "rehearsal"
}

variable "rds_url" {
  type      = string
  sensitive = true
}
