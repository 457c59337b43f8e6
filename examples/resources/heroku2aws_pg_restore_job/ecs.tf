# Run the restore in a one-off Fargate task inside the VPC of an RDS instance
# in private subnets. The example shows what the task needs around it:
#
# * the log group the task writes to (it must exist before the run);
# * an execution role that can read the task's secrets and write its log;
# * an ingress rule that lets the task into RDS on 5432;
# * the password taken from the RDS-managed secret, so it never passes
#   through Terraform.
#
# The subnets must reach Heroku's backup storage, the image registry, SSM and
# CloudWatch Logs: through a NAT gateway, a public IP or VPC endpoints.

variable "private_subnet_ids" {
  description = "Subnets of the RDS instance's VPC that the task runs in."
  type        = list(string)
}

variable "task_security_group_id" {
  description = "Security group of the task. It needs outbound HTTPS (443) and PostgreSQL (5432)."
  type        = string
}

variable "rds_security_group_id" {
  description = "Security group of the RDS instance."
  type        = string
}

# An RDS instance created with manage_master_user_password = true.
data "aws_db_instance" "main" {
  db_instance_identifier = "acme"
}

resource "aws_ecs_cluster" "migration" {
  name = "heroku-migration"
}

resource "aws_cloudwatch_log_group" "pg_restore" {
  name              = "/heroku2aws/pg-restore"
  retention_in_days = 30
}

# The execution role: ECS uses it to pull the image, hand the task its
# secrets and write its log. The job itself calls no AWS API.
resource "aws_iam_role" "pg_restore_execution" {
  name = "heroku2aws-pg-restore-execution"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "pg_restore_execution" {
  name = "heroku2aws-pg-restore"
  role = aws_iam_role.pg_restore_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # The transient parameters the provider writes for each run.
        Sid      = "TransientParameters"
        Effect   = "Allow"
        Action   = "ssm:GetParameters"
        Resource = "arn:aws:ssm:*:*:parameter/heroku2aws/pg-restore/*"
      },
      {
        # Only with ecs.target_password_secret set to a Secrets Manager secret.
        Sid      = "TargetPassword"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = data.aws_db_instance.main.master_user_secret[0].secret_arn
      },
      {
        Sid      = "Log"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.pg_restore.arn}:*"
      },
      # The default image is on ECR Public and needs no permission. For an
      # image in a private ECR repository, also allow:
      #
      #   ecr:GetAuthorizationToken on "*", and
      #   ecr:BatchCheckLayerAvailability, ecr:GetDownloadUrlForLayer and
      #   ecr:BatchGetImage on the repository.
      #
      # The transient parameters and the RDS-managed secret use AWS managed
      # KMS keys by default. Only when a secret or parameter is encrypted with
      # a customer managed key, also allow kms:Decrypt on that key.
    ]
  })
}

# Let the task into the database.
resource "aws_vpc_security_group_ingress_rule" "rds_from_pg_restore" {
  security_group_id            = var.rds_security_group_id
  referenced_security_group_id = var.task_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "heroku2aws pg restore task"
}

resource "heroku2aws_pg_restore_job" "ecs" {
  executor = "ecs"

  source {
    heroku_backup {
      app   = "acme-api"
      addon = "DATABASE"
      # Without capture, the backup's size is checked against the task's
      # storage at plan time too, once the ecs block is known.
      backup = "latest"
    }
  }

  # No password here: the task reads it from the RDS-managed secret.
  target_url = format(
    "postgres://%s@%s:%d/%s?sslmode=require",
    data.aws_db_instance.main.master_username,
    data.aws_db_instance.main.address,
    data.aws_db_instance.main.port,
    data.aws_db_instance.main.db_name,
  )
  clean  = true
  verify = "row_counts"

  ecs {
    cluster            = aws_ecs_cluster.migration.name
    subnets            = var.private_subnet_ids
    security_groups    = [var.task_security_group_id]
    execution_role_arn = aws_iam_role.pg_restore_execution.arn
    log_group          = aws_cloudwatch_log_group.pg_restore.name

    # 2 vCPUs (pg_restore --jobs 2 unless jobs is set) and 8 GiB of memory.
    cpu    = 2048
    memory = 8192

    # The dump is downloaded to the task's disk before the restore.
    ephemeral_storage_gib = 50

    # The secret holds JSON; ":password::" selects its password key.
    target_password_secret = "${data.aws_db_instance.main.master_user_secret[0].secret_arn}:password::"
  }

  triggers = {
    run = "rehearsal-1"
  }

  timeouts = {
    create = "4h"
  }

  # The rule and the policy must be in place before the task starts.
  depends_on = [
    aws_iam_role_policy.pg_restore_execution,
    aws_vpc_security_group_ingress_rule.rds_from_pg_restore,
  ]
}
