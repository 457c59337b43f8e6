# Every app of a team whose name starts with "acme-".
data "heroku2aws_apps" "acme" {
  team       = "acme"
  name_regex = "^acme-"
}

# One migration module per app.
module "migration" {
  source   = "./modules/heroku-app-migration"
  for_each = toset(data.heroku2aws_apps.acme.names)
  app      = each.key
}
