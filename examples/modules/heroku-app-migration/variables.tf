variable "phase" {
  description = "Where the migration stands: rehearsal (copy, Heroku serves, DNS per aws_weight), cutover (freeze Heroku, final copy, verify, DNS to AWS 100), rollback (lift the freeze, DNS to Heroku 100) or done (stay frozen, DNS at AWS 100)."
  type        = string
  default     = "rehearsal"

  validation {
    condition     = contains(["rehearsal", "cutover", "rollback", "done"], var.phase)
    error_message = "phase must be one of rehearsal, cutover, rollback, done."
  }
}

variable "app" {
  description = "Name or id of the Heroku app to migrate."
  type        = string
}

variable "environment" {
  description = "Environment name used in the SSM path, such as prod."
  type        = string
  default     = "prod"
}

variable "config_vars_version" {
  description = "Bump to rewrite every parameter, for example after rotating secrets on Heroku."
  type        = number
  default     = 1
}

variable "extra_exclude" {
  description = "Config var names or globs to leave behind, besides the add-on-owned ones."
  type        = list(string)
  default     = []
}

variable "databases" {
  description = "Heroku Postgres attachments to copy (such as DATABASE); each needs an entry in database_target_urls."
  type        = list(string)
  default     = []
}

variable "database_target_urls" {
  description = "Target postgres:// URL per attachment in databases. Ephemeral: the URLs (and their passwords) never reach the plan or the state; the copies receive them write-only."
  type        = map(string)
  default     = {}
  sensitive   = true
  ephemeral   = true
}

variable "database_target_urls_version" {
  description = "Bump to copy the databases again with new database_target_urls (a rotated password, a new endpoint): Terraform cannot see an ephemeral value change."
  type        = number
  default     = 1
}

variable "database_run" {
  description = "Change to copy the databases again in a rehearsal (rehearsal-2, ...). The cutover's final copy is triggered by the freeze, whatever this holds."
  type        = string
  default     = "rehearsal-1"
}

variable "dns_zones" {
  description = "Route 53 hosted zone id per custom domain to cut over, such as { \"api.acme.com\" = \"Z0123...\" }."
  type        = map(string)
  default     = {}
}

variable "aws_target" {
  description = "DNS name of the AWS side of every domain, such as the load balancer's."
  type        = string
  default     = ""
}

variable "aws_weight" {
  description = "Share of traffic for AWS out of 100, for every domain, in the rehearsal phase only: 0, or a canary such as 10. The other phases set it: cutover and done 100, rollback 0."
  type        = number
  default     = 0

  validation {
    condition     = var.aws_weight >= 0 && var.aws_weight <= 100
    error_message = "aws_weight is a percentage: 0 to 100."
  }
}

variable "verify" {
  description = "How every copy is verified, table by table: row_counts or checksums. A mismatch fails the copy, and in the cutover the apply stops before DNS moves."
  type        = string
  default     = "row_counts"

  validation {
    condition     = contains(["row_counts", "checksums"], var.verify)
    error_message = "verify must be row_counts or checksums: the cutover's copy is always verified."
  }
}

variable "freeze_maintenance" {
  description = "Turn Heroku maintenance mode on during the window (web traffic gets the maintenance page)."
  type        = bool
  default     = true
}

variable "freeze_process_types" {
  description = "Process types to scale to 0 during the window, in order (workers before web). null: every type but web and release."
  type        = list(string)
  default     = null
}

variable "freeze_drain_wait" {
  description = "How long to wait after scaling the non-web types down, before web and the database freeze: Heroku gives a dyno 30 s between SIGTERM and SIGKILL."
  type        = string
  default     = "30s"
}

variable "freeze_database" {
  description = "Make the first database in databases read-only during the window (ALTER DATABASE ... SET default_transaction_read_only, and the open sessions closed), through the app's <ATTACHMENT>_URL."
  type        = bool
  default     = true
}

variable "copy_after_freezes" {
  description = "Freeze generations of other apps that write to these databases (their freeze_generation outputs): the cutover's final copy waits for those freezes too."
  type        = list(number)
  default     = []
}

variable "dns_gate" {
  description = "Gate every DNS shift that raises the AWS weight (the canary, the cutover): before Route 53 changes, the provider probes the AWS side of each domain on health_path, with the domain as Host and TLS server name, and refuses the shift (the apply fails, the weights stay as they were) when it fails the thresholds. Lowering the AWS weight (a rollback) is never gated."
  type        = bool
  default     = true
}

variable "health_path" {
  description = "Path that answers 2xx or 3xx when the app is healthy, such as /health: the gate requests it on the AWS side, and owned Route 53 health checks (dns_health_checks) request it on both sides."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.health_path, "/")
    error_message = "health_path must start with \"/\", such as \"/\" or \"/health\"."
  }
}

variable "gate_scheme" {
  description = "How the gate connects to the AWS side: https (the load balancer's listener for the custom domains) or http."
  type        = string
  default     = "https"

  validation {
    condition     = contains(["https", "http"], var.gate_scheme)
    error_message = "gate_scheme must be https or http."
  }
}

variable "gate_requests" {
  description = "Requests the gate sends to the AWS side of each domain before a shift, spread evenly over gate_duration."
  type        = number
  default     = 20
}

variable "gate_duration" {
  description = "How long the gate's requests are spread over, such as 30s: the time a gated shift adds to the apply, per domain (the domains are probed in parallel)."
  type        = string
  default     = "30s"
}

variable "gate_min_success_ratio" {
  description = "Share of the gate's requests, 0 to 1, that must answer 2xx or 3xx for the shift to go ahead."
  type        = number
  default     = 0.95
}

variable "gate_max_p95_latency" {
  description = "Highest 95th percentile latency of the gate's requests for the shift to go ahead, such as 2s."
  type        = string
  default     = "2s"
}

variable "gate_address" {
  description = "host:port the gate connects to instead of aws_target, such as a private load balancer's address; the Host header and TLS server name stay the domain. null: aws_target on 443 (https) or 80 (http)."
  type        = string
  default     = null
}

variable "gate_insecure_skip_verify" {
  description = "Let the gate accept any TLS certificate on the AWS side (a self-signed one in a test stack). Leave false in production: the certificate is part of what clients will get."
  type        = bool
  default     = false
}

variable "dns_watch_duration" {
  description = "After a gated shift is INSYNC, keep probing the AWS side this long, such as 5m, with the gate's thresholds; if it fails, the previous weights go back in one Route 53 change batch and the apply fails with what the watch saw. null: no watch."
  type        = string
  default     = null
}

variable "dns_health_checks" {
  description = "Create and own a Route 53 health check on each side of every domain (HTTPS on health_path; Heroku's on the app's herokuapp.com name, AWS's on aws_target), so that between applies Route 53 answers from the healthy side by itself. Each health check is billed by AWS."
  type        = bool
  default     = false
}
