# The migration of one Heroku app: config vars into SSM (write-only), the
# Heroku Postgres databases copied and verified, and one weighted DNS pair
# per custom domain. The companion generator calls it once per app.

data "heroku2aws_app" "this" {
  name = var.app
}

data "heroku2aws_addons" "this" {
  app = data.heroku2aws_app.this.id
}

data "heroku2aws_domains" "this" {
  app = data.heroku2aws_app.this.id
}

ephemeral "heroku2aws_config_vars" "this" {
  app = data.heroku2aws_app.this.id
}

resource "heroku2aws_secret_import" "config_vars" {
  values_wo         = ephemeral.heroku2aws_config_vars.this.values
  values_wo_version = var.config_vars_version
  # DATABASE_URL, REDIS_URL, ... come from RDS and ElastiCache after the move.
  exclude = concat(data.heroku2aws_addons.this.config_var_names, var.extra_exclude)

  ssm {
    path_prefix = "/${data.heroku2aws_app.this.name}/${var.environment}/"
    tags = {
      app         = data.heroku2aws_app.this.name
      environment = var.environment
      source      = "heroku"
    }
  }
}

resource "heroku2aws_pg_restore_job" "database" {
  for_each = toset(var.databases)

  source {
    heroku_backup {
      app     = data.heroku2aws_app.this.name
      addon   = each.key
      capture = true
    }
  }
  target_url = var.database_target_urls[each.key]
  clean      = true
  verify     = "row_counts"
  triggers   = { run = var.database_run }
}

resource "heroku2aws_weighted_dns_record" "domain" {
  for_each = var.dns_zones

  zone_id = each.value
  name    = each.key
  ttl     = 60

  heroku {
    target = one([for d in data.heroku2aws_domains.this.domains : d.cname if d.hostname == each.key])
    weight = 100 - var.aws_weight
  }

  aws {
    target = var.aws_target
    weight = var.aws_weight
  }
}
