# The migration of one Heroku app: config vars into SSM (write-only), the
# Heroku Postgres databases copied and verified, one weighted DNS pair per
# custom domain, and the cutover window: one heroku2aws_app_freeze that
# var.phase turns on and off. The companion generator calls it once per app.
#
# Terraform's graph orders the window. In "cutover" the freeze comes first,
# then the final copy (its triggers carry the freeze's generation), then
# DNS (it depends on the copies, so a verification mismatch stops the apply
# before traffic moves). In "rollback" the freeze is lifted first, then DNS
# goes back to Heroku 100, in the same apply.
#
# Every shift that raises the AWS weight is gated (dns_gate): the provider
# probes the AWS side of the domain first and refuses the shift, weights
# unchanged, when it fails. Lowering the AWS weight is never gated.

locals {
  frozen  = contains(["cutover", "done"], var.phase)
  copying = contains(["rehearsal", "cutover"], var.phase)

  # Share of traffic for AWS: the phase decides, except in a rehearsal,
  # where aws_weight shifts traffic step by step as before.
  aws_weight = {
    rehearsal = var.aws_weight
    cutover   = 100
    rollback  = 0
    done      = 100
  }[var.phase]

  # The database freeze works on the first copied database, through the
  # app's <ATTACHMENT>_URL config var (Heroku's default owner credential),
  # read at apply time and never stored.
  freeze_attachment = var.freeze_database && length(var.databases) > 0 ? var.databases[0] : null

  # The Heroku side's owned health check asks for the app by its
  # herokuapp.com name: Heroku's router picks the app by the Host header,
  # which for a health check is its domain name. null (no web_url): the
  # side's target, the resource's default.
  heroku_health_fqdn = try(regex("^https?://([^/:]+)", data.heroku2aws_app.this.web_url)[0], null)
}

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

# The window: maintenance mode on, the process types scaled to 0 (workers
# before web), and the database made read-only. enabled = false restores
# exactly what the freeze recorded: that is the rollback.
resource "heroku2aws_app_freeze" "this" {
  app           = data.heroku2aws_app.this.id
  enabled       = local.frozen
  maintenance   = var.freeze_maintenance
  process_types = var.freeze_process_types
  drain_wait    = var.freeze_drain_wait

  dynamic "database" {
    for_each = local.freeze_attachment == null ? [] : [local.freeze_attachment]
    content {
      attachment = database.value
    }
  }
}

# Copies run in a rehearsal and in the cutover only. In "rollback" and
# "done" the jobs are dropped from the state (the restored data stays where
# it is), so that no apply there copies again: not a rollback, and not a
# freeze applied again after the cutover, which would overwrite what AWS
# has written since.
resource "heroku2aws_pg_restore_job" "database" {
  for_each = local.copying ? toset(var.databases) : toset([])

  source {
    heroku_backup {
      app     = data.heroku2aws_app.this.name
      addon   = each.key
      capture = true
    }
  }
  # Write-only: the URL comes from an ephemeral variable and is never stored.
  target_url_wo         = var.database_target_urls[each.key]
  target_url_wo_version = var.database_target_urls_version
  clean                 = true
  verify                = var.verify
  triggers = {
    run = var.database_run
    # A new freeze generation (of this app, or of another app writing to
    # these databases) takes a new copy of the frozen database.
    freeze = jsonencode([heroku2aws_app_freeze.this.generation, var.copy_after_freezes])
  }

  # The final copy starts once Heroku is frozen.
  depends_on = [heroku2aws_app_freeze.this]
}

resource "heroku2aws_weighted_dns_record" "domain" {
  for_each = var.dns_zones

  zone_id = each.value
  name    = each.key
  ttl     = 60

  heroku {
    target = one([for d in data.heroku2aws_domains.this.domains : d.cname if d.hostname == each.key])
    weight = 100 - local.aws_weight

    dynamic "health_check" {
      for_each = var.dns_health_checks ? [local.heroku_health_fqdn] : []
      content {
        path = var.health_path
        fqdn = health_check.value
      }
    }
  }

  aws {
    target = var.aws_target
    weight = local.aws_weight

    dynamic "health_check" {
      for_each = var.dns_health_checks ? [var.health_path] : []
      content {
        path = health_check.value
      }
    }
  }

  # The pre-shift probe of the AWS side, with the domain as Host and TLS
  # server name.
  dynamic "gate" {
    for_each = var.dns_gate ? [var.health_path] : []
    content {
      scheme               = var.gate_scheme
      path                 = gate.value
      address              = var.gate_address
      requests             = var.gate_requests
      duration             = var.gate_duration
      min_success_ratio    = var.gate_min_success_ratio
      max_p95_latency      = var.gate_max_p95_latency
      insecure_skip_verify = var.gate_insecure_skip_verify
    }
  }

  # The post-shift watch: the gate's thresholds for dns_watch_duration,
  # then the previous weights back in one batch if they fail.
  dynamic "watch" {
    for_each = var.dns_gate && var.dns_watch_duration != null ? [var.dns_watch_duration] : []
    content {
      duration = watch.value
    }
  }

  # Traffic moves only after every copy verified (cutover) and after the
  # freeze was applied or lifted (rollback: Heroku serves again first).
  depends_on = [heroku2aws_pg_restore_job.database, heroku2aws_app_freeze.this]
}
