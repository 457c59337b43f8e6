# The Heroku API key comes from HEROKU_API_KEY, or from ~/.netrc after
# `heroku login`, so most configurations need no settings at all.
provider "heroku2aws" {}

# Settings can also be given explicitly, for example in CI:
provider "heroku2aws" {
  alias          = "ci"
  heroku_api_key = var.heroku_api_key
}

variable "heroku_api_key" {
  type      = string
  sensitive = true
}
