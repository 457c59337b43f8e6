data "heroku2aws_app" "api" {
  name = "acme-api"
}

output "api_region" {
  value = data.heroku2aws_app.api.region
}
