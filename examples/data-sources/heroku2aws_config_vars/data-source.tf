# Names are safe to show; values are sensitive and stored in state.
data "heroku2aws_config_vars" "api" {
  app     = "acme-api"
  exclude = ["HEROKU_*"]
}

output "settings_to_move" {
  value = data.heroku2aws_config_vars.api.user_config_var_names
}
