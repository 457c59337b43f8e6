data "heroku2aws_domains" "api" {
  app = "acme-api"
}

# The DNS target of each custom domain: the Heroku side of a weighted cutover.
output "dns_targets" {
  value = { for d in data.heroku2aws_domains.api.domains : d.hostname => d.cname }
}
