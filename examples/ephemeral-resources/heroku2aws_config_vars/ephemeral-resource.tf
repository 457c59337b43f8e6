# Values are read while Terraform runs and are never written to the plan or
# the state. Pass them only to write-only arguments or provider settings.
ephemeral "heroku2aws_config_vars" "api" {
  app     = "acme-api"
  exclude = ["DATABASE_URL", "REDIS_URL"]
}
