# Values come from the ephemeral resource and go to a write-only argument:
# they never reach the plan or the state (Terraform 1.11 or later).
ephemeral "heroku2aws_config_vars" "api" {
  app = "acme-api"
}

data "heroku2aws_addons" "api" {
  app = "acme-api"
}

# One SecureString parameter per config var.
resource "heroku2aws_secret_import" "api" {
  values_wo         = ephemeral.heroku2aws_config_vars.api.values
  values_wo_version = 1
  # DATABASE_URL, REDIS_URL, ... come from RDS and ElastiCache after the move.
  exclude = data.heroku2aws_addons.api.config_var_names
  rename  = { SECRET_KEY_BASE = "RAILS_SECRET_KEY_BASE" }

  ssm {
    path_prefix = "/acme-api/prod/"
    tags        = { app = "acme-api" }
  }
}

# All config vars of another app in one JSON secret: one write, $0.40 a month.
ephemeral "heroku2aws_config_vars" "worker" {
  app = "acme-worker"
}

resource "heroku2aws_secret_import" "worker" {
  values_wo         = ephemeral.heroku2aws_config_vars.worker.values
  values_wo_version = 1

  secretsmanager {
    name                    = "acme-worker/prod"
    recovery_window_in_days = 7
  }
}

# ARNs by key, ready for the `secrets` of an ECS task definition.
output "parameter_arns" {
  value = heroku2aws_secret_import.api.arns
}
