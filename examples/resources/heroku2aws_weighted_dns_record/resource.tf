data "heroku2aws_domains" "api" {
  app = "acme-api"
}

variable "aws_weight" {
  description = "Share of traffic for AWS, out of 100: 0, then 10, 50, 100."
  type        = number
  default     = 10
}

# api.acme.com answers with Heroku's DNS target or the ALB, by weight.
resource "heroku2aws_weighted_dns_record" "api" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "api.acme.com"
  ttl     = 60

  heroku {
    target = one([for d in data.heroku2aws_domains.api.domains : d.cname if d.hostname == "api.acme.com"])
    weight = 100 - var.aws_weight
  }

  aws {
    target = "acme-alb-1234567890.us-east-1.elb.amazonaws.com"
    weight = var.aws_weight
  }
}

output "traffic" {
  value = "heroku ${heroku2aws_weighted_dns_record.api.heroku_traffic_percent}% / aws ${heroku2aws_weighted_dns_record.api.aws_traffic_percent}%"
}
