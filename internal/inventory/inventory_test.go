package inventory

import (
	"reflect"
	"testing"
)

func TestFargateSizesAreValidAndSufficient(t *testing.T) {
	t.Parallel()
	for _, s := range DynoSpecs {
		f := s.Fargate()
		if !validFargate(f.CPU, f.Memory) {
			t.Errorf("%s: %d/%d is not a valid Fargate combination", s.Name, f.CPU, f.Memory)
		}
		if f.Fits && (float64(f.CPU) < s.VCPU*1024 || float64(f.Memory) < s.MemoryGB*1024) {
			t.Errorf("%s: %d/%d is smaller than the dyno (%.2f vCPU, %.1f GB)", s.Name, f.CPU, f.Memory, s.VCPU, s.MemoryGB)
		}
	}
}

func TestFargateExamples(t *testing.T) {
	t.Parallel()
	cases := map[string]FargateSize{
		"eco":             {256, 512, true},
		"Standard-1X":     {512, 1024, true},
		"standard-2x":     {1024, 2048, true},
		"Performance-M":   {2048, 4096, true},
		"performance-l":   {8192, 16384, true},
		"Private-S":       {1024, 2048, true},
		"shield-l-ram":    {4096, 30720, true},
		"performance-xl":  {16384, 65536, true},
		"performance-2xl": {16384, 122880, false},
	}
	for size, want := range cases {
		spec, ok := LookupDynoSpec(size)
		if !ok {
			t.Fatalf("%s not in table", size)
		}
		if got := spec.Fargate(); got != want {
			t.Errorf("%s: got %+v, want %+v", size, got, want)
		}
	}
	if _, ok := LookupDynoSpec("hyper-9000"); ok {
		t.Fatal("unknown size resolved")
	}
	// An unknown dedicated size falls back to GET /dyno-sizes figures.
	got := SpecFromDynoSize("future-XL", 20, 6, true).Fargate()
	if got != (FargateSize{8192, 20480, true}) {
		t.Fatalf("fallback: %+v", got)
	}
}

// validFargate checks a combination against the ECS task size table.
func validFargate(cpu, mem int) bool {
	for _, c := range fargateCPU {
		if c.cpu == cpu {
			return mem >= c.minMem && mem <= c.maxMem && (mem-c.minMem)%c.step == 0
		}
	}
	return false
}

func TestSuggestAWS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		service, plan string
		want          AWSEquivalent
	}{
		{"heroku-postgresql", "heroku-postgresql:standard-0", AWSEquivalent{"Amazon RDS for PostgreSQL", "aws_db_instance", "db.t4g.medium", false}},
		{"heroku-postgresql", "heroku-postgresql:premium-4", AWSEquivalent{"Amazon RDS for PostgreSQL", "aws_db_instance", "db.r6g.xlarge", true}},
		{"heroku-postgresql", "heroku-postgresql:essential-1", AWSEquivalent{"Amazon RDS for PostgreSQL", "aws_db_instance", "db.t4g.small", false}},
		{"heroku-postgresql", "heroku-postgresql:standard-x", AWSEquivalent{"Amazon RDS for PostgreSQL", "aws_db_instance", "", false}},
		{"heroku-redis", "heroku-redis:premium-0", AWSEquivalent{"Amazon ElastiCache (Redis OSS)", "aws_elasticache_replication_group", "cache.t4g.micro", true}},
		{"heroku-redis", "heroku-redis:mini", AWSEquivalent{"Amazon ElastiCache (Redis OSS)", "aws_elasticache_replication_group", "cache.t4g.micro", false}},
		{"heroku-redis", "heroku-redis:standard-0", AWSEquivalent{"Amazon ElastiCache (Redis OSS)", "aws_elasticache_replication_group", "", false}},
		{"scheduler", "scheduler:standard", AWSEquivalent{"Amazon EventBridge Scheduler", "aws_scheduler_schedule", "", false}},
		{"newrelic", "newrelic:wayne", AWSEquivalent{}},
	}
	for _, c := range cases {
		if got := SuggestAWS(c.service, c.plan); got != c.want {
			t.Errorf("%s %s: got %+v, want %+v", c.service, c.plan, got, c.want)
		}
	}
}

func TestShapeConfigVars(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	raw := map[string]*string{
		"DATABASE_URL":        s("postgres://u:p@h/db"),
		"HEROKU_POSTGRESQL_X": s("x"),
		"REDIS_TLS_URL":       s("rediss://r"),
		"ANALYTICS_URL":       s("postgres://follower"),
		"SECRET_KEY_BASE":     s("line1\nline2=\"é\""),
		"EMPTY":               s(""),
		"NULLED":              nil,
		"AWS_REGION":          s("us-east-1"),
	}
	addons := []AddOn{
		{Name: "pg", ConfigVars: []string{"DATABASE_URL", "HEROKU_POSTGRESQL_X"}, Attachments: []Attachment{{Name: "ANALYTICS"}}},
		{Name: "redis", ConfigVars: []string{"REDIS_TLS_URL", "REDIS_URL"}},
	}
	got := ShapeConfigVars(raw, addons, Filter{Exclude: []string{"AWS_*"}})
	wantNames := []string{"ANALYTICS_URL", "DATABASE_URL", "EMPTY", "HEROKU_POSTGRESQL_X", "NULLED", "REDIS_TLS_URL", "SECRET_KEY_BASE"}
	if !reflect.DeepEqual(got.Names, wantNames) {
		t.Fatalf("names %v", got.Names)
	}
	if want := []string{"ANALYTICS_URL", "DATABASE_URL", "HEROKU_POSTGRESQL_X", "REDIS_TLS_URL"}; !reflect.DeepEqual(got.AddOnNames, want) {
		t.Fatalf("add-on names %v", got.AddOnNames)
	}
	if want := []string{"EMPTY", "NULLED", "SECRET_KEY_BASE"}; !reflect.DeepEqual(got.UserNames, want) {
		t.Fatalf("user names %v", got.UserNames)
	}
	if v, ok := got.Values["NULLED"]; !ok || v != "" {
		t.Fatalf("null value: %q %v", v, ok)
	}
	if got.Values["SECRET_KEY_BASE"] != "line1\nline2=\"é\"" {
		t.Fatalf("value changed: %q", got.Values["SECRET_KEY_BASE"])
	}

	only := ShapeConfigVars(raw, addons, Filter{Include: []string{"DATABASE_URL", "SECRET_*"}})
	if !reflect.DeepEqual(only.Names, []string{"DATABASE_URL", "SECRET_KEY_BASE"}) {
		t.Fatalf("include: %v", only.Names)
	}
}

func TestFilterValidate(t *testing.T) {
	t.Parallel()
	if err := (Filter{Include: []string{"OK_*"}, Exclude: []string{"[bad"}}).Validate(); err == nil {
		t.Fatal("malformed glob accepted")
	}
	if err := (Filter{Include: []string{""}}).Validate(); err == nil {
		t.Fatal("empty pattern accepted")
	}
	if err := (Filter{Include: []string{"A_[0-9]", "B?"}}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestIsHerokuDomain(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"acme-api-1234.herokuapp.com": true,
		"ACME.HEROKUAPP.COM.":         true,
		"api.acme.com":                false,
		"herokuapp.com.evil.example":  false,
		"x.herokudns.com":             false,
		"notherokuapp.com":            false,
	} {
		if got := IsHerokuDomain(host); got != want {
			t.Errorf("%s: %v", host, got)
		}
	}
}
