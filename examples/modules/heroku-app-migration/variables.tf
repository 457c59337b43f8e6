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
  description = "Target postgres:// URL per attachment in databases."
  type        = map(string)
  default     = {}
  sensitive   = true
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
