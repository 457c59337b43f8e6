data "heroku2aws_addons" "api" {
  app = "acme-api"
}

output "aws_landing_zone" {
  value = {
    for a in data.heroku2aws_addons.api.addons :
    a.name => "${a.plan} -> ${coalesce(a.aws_service, "keep vendor")} ${coalesce(a.aws_instance_class, "")}"
  }
}

output "heroku_addon_cost_usd" {
  value = data.heroku2aws_addons.api.total_billed_price_cents / 100
}
