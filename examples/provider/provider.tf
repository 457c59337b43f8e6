# The Heroku API key comes from HEROKU_API_KEY, or from ~/.netrc after
# `heroku login`, and AWS credentials from the AWS SDK's standard chain
# (AWS_PROFILE, ~/.aws/credentials, SSO, instance roles, ...), so most
# configurations only choose the AWS region.
provider "heroku2aws" {
  aws {
    region = "us-east-1"
  }
}

# Settings can also be given explicitly, for example in CI:
provider "heroku2aws" {
  alias          = "ci"
  heroku_api_key = var.heroku_api_key

  aws {
    region = "us-east-1"

    # Write with a migration role in the target account.
    assume_role {
      role_arn    = "arn:aws:iam::123456789012:role/heroku-migration"
      external_id = "acme-migration"
      duration    = "1h"
    }

    # The account has SSM's higher throughput setting enabled.
    ssm_put_parameter_rate = 10
  }
}

variable "heroku_api_key" {
  type      = string
  sensitive = true
}
