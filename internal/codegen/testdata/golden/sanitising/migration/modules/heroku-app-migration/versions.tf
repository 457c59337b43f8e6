terraform {
  required_version = ">= 1.11"
  required_providers {
    heroku2aws = {
      source = "heroku2aws/heroku2aws"
    }
  }
}
