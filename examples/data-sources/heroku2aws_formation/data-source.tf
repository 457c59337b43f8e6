data "heroku2aws_formation" "api" {
  app = "acme-api"
}

# Task sizes for an ECS service per process type.
output "fargate_sizes" {
  value = {
    for p in data.heroku2aws_formation.api.processes :
    p.type => { cpu = p.fargate_cpu, memory = p.fargate_memory, count = p.quantity, command = p.command }
  }
}
