# Adopt an app by name (or id). The import records nothing and sets
# enabled = false: the next apply with enabled = true freezes the app and
# records what it changes. A freeze made by hand before the import is not
# undone by the rollback.
terraform import heroku2aws_app_freeze.api acme-api
