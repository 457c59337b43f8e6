package inventory

import (
	"strings"
)

// AWSEquivalent is the suggested AWS landing place for a Heroku add-on.
type AWSEquivalent struct {
	// Service is the AWS service, e.g. "Amazon RDS for PostgreSQL". Empty
	// when no managed equivalent is known: keep the vendor, or decide by hand.
	Service string
	// ResourceType is the hashicorp/aws resource that creates it.
	ResourceType string
	// InstanceClass is a size suggestion where the plan implies one.
	InstanceClass string
	// MultiAZ is true for plans that include high availability.
	MultiAZ bool
}

// ServiceEquivalent maps a Heroku add-on service to an AWS service. The
// table is documented in the heroku2aws_addons data source page.
type ServiceEquivalent struct {
	AddonServices []string
	Service       string
	ResourceType  string
}

// ServiceEquivalents is the add-on service → AWS service table.
var ServiceEquivalents = []ServiceEquivalent{
	{[]string{"heroku-postgresql"}, "Amazon RDS for PostgreSQL", "aws_db_instance"},
	{[]string{"heroku-redis", "rediscloud", "redisgreen"}, "Amazon ElastiCache (Redis OSS)", "aws_elasticache_replication_group"},
	{[]string{"memcachier"}, "Amazon ElastiCache (Memcached)", "aws_elasticache_cluster"},
	{[]string{"heroku-kafka"}, "Amazon MSK", "aws_msk_cluster"},
	{[]string{"scheduler", "advanced-scheduler", "cron-to-go"}, "Amazon EventBridge Scheduler", "aws_scheduler_schedule"},
	{[]string{"papertrail", "logdna", "mezmo", "sumologic", "coralogix", "logentries", "solarwinds"}, "Amazon CloudWatch Logs", "aws_cloudwatch_log_group"},
	{[]string{"sendgrid", "mailgun", "postmark", "mailtrap"}, "Amazon SES", "aws_sesv2_email_identity"},
	{[]string{"bucketeer", "cloudcube"}, "Amazon S3", "aws_s3_bucket"},
	{[]string{"cloudamqp"}, "Amazon MQ (RabbitMQ)", "aws_mq_broker"},
	{[]string{"bonsai", "searchbox"}, "Amazon OpenSearch Service", "aws_opensearch_domain"},
	{[]string{"heroku-postgresql-connection-pooling", "pgbouncer"}, "Amazon RDS Proxy", "aws_db_proxy"},
}

// PlanSize maps a plan tier to an instance class.
type PlanSize struct {
	Tier          string
	InstanceClass string
	MemoryGB      float64
}

// PostgresPlanSizes maps the size part of a heroku-postgresql plan
// (standard-0, premium-4, essential-1, ...) to an RDS instance class with at
// least the plan's RAM. Premium, private and shield plans are highly
// available and map to Multi-AZ.
var PostgresPlanSizes = []PlanSize{
	{"mini", "db.t4g.micro", 1},
	{"basic", "db.t4g.micro", 1},
	{"hobby-dev", "db.t4g.micro", 1},
	{"hobby-basic", "db.t4g.micro", 1},
	{"essential-0", "db.t4g.micro", 1},
	{"essential-1", "db.t4g.small", 2},
	{"essential-2", "db.t4g.medium", 4},
	{"0", "db.t4g.medium", 4},
	{"2", "db.m6g.large", 8},
	{"3", "db.r6g.large", 16},
	{"4", "db.r6g.xlarge", 32},
	{"5", "db.r6g.2xlarge", 64},
	{"6", "db.r6g.4xlarge", 128},
	{"7", "db.r6g.8xlarge", 256},
	{"8", "db.r6g.16xlarge", 512},
	{"9", "db.x2g.12xlarge", 768},
}

// RedisPlanSizes maps heroku-redis plans (mini, premium-0 … premium-14, and
// the private/shield variants) to an ElastiCache node type with at least
// the plan's memory.
var RedisPlanSizes = []PlanSize{
	{"mini", "cache.t4g.micro", 0.5},
	{"0", "cache.t4g.micro", 0.5},
	{"1", "cache.t4g.micro", 0.5},
	{"2", "cache.t4g.micro", 0.5},
	{"3", "cache.t4g.small", 1.37},
	{"5", "cache.t4g.medium", 3.09},
	{"7", "cache.r7g.large", 13.07},
	{"9", "cache.r7g.large", 13.07},
	{"10", "cache.r7g.xlarge", 26.32},
	{"12", "cache.r7g.2xlarge", 52.82},
	{"14", "cache.r7g.4xlarge", 105.81},
}

// SuggestAWS returns the AWS equivalent of an add-on, given its service name
// (heroku-postgresql) and plan name (heroku-postgresql:standard-0).
func SuggestAWS(service, plan string) AWSEquivalent {
	service = strings.ToLower(service)
	var eq AWSEquivalent
	for _, row := range ServiceEquivalents {
		for _, s := range row.AddonServices {
			if s == service {
				eq.Service, eq.ResourceType = row.Service, row.ResourceType
			}
		}
	}
	_, tier, _ := strings.Cut(strings.ToLower(plan), ":")
	switch service {
	case "heroku-postgresql":
		eq.InstanceClass, eq.MultiAZ = sizeForTier(PostgresPlanSizes, PostgresFamilies, tier)
	case "heroku-redis":
		eq.InstanceClass, eq.MultiAZ = sizeForTier(RedisPlanSizes, RedisFamilies, tier)
	}
	return eq
}

// PlanFamily is a plan name prefix and whether its plans are highly
// available.
type PlanFamily struct {
	Prefix string
	HA     bool
}

// PostgresFamilies are the heroku-postgresql plan families with numbered
// tiers.
var PostgresFamilies = []PlanFamily{{"standard", false}, {"premium", true}, {"private", true}, {"shield", true}}

// RedisFamilies are the heroku-redis plan families with numbered tiers.
var RedisFamilies = []PlanFamily{{"premium", true}, {"private", true}, {"shield", true}}

// sizeForTier resolves "standard-0", "premium-4", "private-7", "mini" ...
// against a table. Exact names win; otherwise a family prefix plus a
// numbered tier is looked up and the family decides high availability.
func sizeForTier(table []PlanSize, families []PlanFamily, tier string) (string, bool) {
	for _, row := range table {
		if row.Tier == tier {
			return row.InstanceClass, false
		}
	}
	prefix, num, ok := strings.Cut(tier, "-")
	if !ok || !isNumber(num) {
		return "", false
	}
	for _, f := range families {
		if f.Prefix != prefix {
			continue
		}
		for _, row := range table {
			if row.Tier == num {
				return row.InstanceClass, f.HA
			}
		}
	}
	return "", false
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
