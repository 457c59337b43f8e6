# www.acme.com moves to AWS only while the AWS side answers: each raise of
# aws.weight is probed first, then watched for 5 minutes, and put back by
# itself if the watch fails. Each side owns a Route 53 health check, so
# that between applies Route 53 answers from the healthy side.
resource "heroku2aws_weighted_dns_record" "www" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "www.acme.com"
  ttl     = 60

  heroku {
    target = "deep-owl-7h3nq9.herokudns.com"
    weight = 100 - var.aws_weight

    health_check {
      # Heroku's router picks the app by Host, which Route 53 sets to fqdn.
      fqdn = "acme-web.herokuapp.com"
      path = "/health"
    }
  }

  aws {
    target = "acme-alb-1234567890.us-east-1.elb.amazonaws.com"
    weight = var.aws_weight

    health_check {
      path              = "/health"
      request_interval  = 10
      failure_threshold = 3
    }
  }

  gate {
    path              = "/health"
    requests          = 20
    duration          = "30s"
    min_success_ratio = 0.95
    max_p95_latency   = "2s"
  }

  watch {
    duration = "5m"
    requests = 60
  }
}

output "last_gate" {
  value = heroku2aws_weighted_dns_record.www.gate_result
}
