# Adopt the parameters under a path prefix (the prefix must start and end with /).
terraform import heroku2aws_secret_import.api ssm:/acme-api/prod/

# Adopt a JSON secret, or the secrets under a name prefix.
terraform import heroku2aws_secret_import.worker secretsmanager:acme-worker/prod
terraform import heroku2aws_secret_import.per_var secretsmanager_per_var:acme-api/prod/
