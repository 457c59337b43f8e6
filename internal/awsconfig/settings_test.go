package awsconfig

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidateAcceptsGoodSettings(t *testing.T) {
	t.Parallel()
	for _, s := range []Settings{
		{},
		{Region: "us-east-1", Profile: "migration", MaxRetries: 25, SSMPutParameterRate: 10, SecretsManagerWriteRate: 0.5},
		{Region: "us-gov-west-1", AssumeRole: &AssumeRole{RoleARN: "arn:aws-us-gov:iam::123456789012:role/path/to/migration"}},
		{AssumeRole: &AssumeRole{
			RoleARN: "arn:aws:iam::123456789012:role/m", SessionName: "ci@acme.com", ExternalID: "urn:acme:ext/1",
			Duration: 12 * time.Hour,
		}},
		{Endpoints: Endpoints{
			SSM: "http://127.0.0.1:8766", SecretsManager: "https://secretsmanager.us-east-1.amazonaws.com/",
			Route53: "http://localhost:4566", ECS: "https://ecs.vpce.example", Logs: "http://[::1]:1", STS: "https://sts.amazonaws.com",
		}},
	} {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestValidateReportsEachField(t *testing.T) {
	t.Parallel()
	role := func(ar AssumeRole) *AssumeRole {
		if ar.RoleARN == "" {
			ar.RoleARN = "arn:aws:iam::123456789012:role/m"
		}
		return &ar
	}
	for _, tc := range []struct {
		s       Settings
		field   string
		problem string // a fragment of the message
	}{
		{Settings{Region: "US East 1"}, "region", "us-east-1"},
		{Settings{Region: "us-east-1 "}, "region", "region code"},
		{Settings{Profile: " migration"}, "profile", "white space"},
		{Settings{MaxRetries: -1}, "max_retries", "negative"},
		{Settings{SSMPutParameterRate: -3}, "ssm_put_parameter_rate", "calls per second"},
		{Settings{SSMPutParameterRate: math.NaN()}, "ssm_put_parameter_rate", "not a usable rate"},
		{Settings{SecretsManagerWriteRate: math.Inf(1)}, "secretsmanager_write_rate", "not a usable rate"},
		{Settings{AssumeRole: &AssumeRole{}}, "assume_role.role_arn", "missing"},
		{Settings{AssumeRole: &AssumeRole{RoleARN: "migration"}}, "assume_role.role_arn", "six colon-separated"},
		{Settings{AssumeRole: role(AssumeRole{RoleARN: "arn:aws:s3:::bucket"})}, "assume_role.role_arn", "not iam"},
		{Settings{AssumeRole: role(AssumeRole{RoleARN: "arn:aws:iam::1234:role/m"})}, "assume_role.role_arn", "12 digits"},
		{Settings{AssumeRole: role(AssumeRole{RoleARN: "arn:aws:iam::123456789012:user/m"})}, "assume_role.role_arn", "role/"},
		{Settings{AssumeRole: role(AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/"})}, "assume_role.role_arn", "role name"},
		{Settings{AssumeRole: role(AssumeRole{SessionName: "has space"})}, "assume_role.session_name", "2 to 64"},
		{Settings{AssumeRole: role(AssumeRole{SessionName: strings.Repeat("a", 65)})}, "assume_role.session_name", "2 to 64"},
		{Settings{AssumeRole: role(AssumeRole{ExternalID: "x"})}, "assume_role.external_id", "2 to 1224"},
		{Settings{AssumeRole: role(AssumeRole{Duration: 5 * time.Minute})}, "assume_role.duration", "15m to 12h"},
		{Settings{AssumeRole: role(AssumeRole{Duration: 13 * time.Hour})}, "assume_role.duration", "15m to 12h"},
		{Settings{Endpoints: Endpoints{SSM: "127.0.0.1:8766"}}, "endpoints.ssm", "http or https"},
		{Settings{Endpoints: Endpoints{SecretsManager: "ftp://x"}}, "endpoints.secretsmanager", "http or https"},
		{Settings{Endpoints: Endpoints{Route53: "https://"}}, "endpoints.route53", "host is missing"},
		{Settings{Endpoints: Endpoints{ECS: "https://x/?a=b"}}, "endpoints.ecs", "no query"},
		{Settings{Endpoints: Endpoints{Logs: "::"}}, "endpoints.logs", "parse"},
		{Settings{Endpoints: Endpoints{STS: "sts"}}, "endpoints.sts", "http or https"},
	} {
		t.Run(fmt.Sprintf("%s/%s", tc.field, tc.problem), func(t *testing.T) {
			t.Parallel()
			errs := FieldErrors(tc.s.Validate())
			if len(errs) != 1 {
				t.Fatalf("want one error, got %v", errs)
			}
			if errs[0].Field != tc.field || !strings.Contains(errs[0].Problem, tc.problem) {
				t.Fatalf("got %s: %s", errs[0].Field, errs[0].Problem)
			}
			if !strings.HasSuffix(errs[0].Problem, ".") {
				t.Errorf("the problem should be full sentences: %q", errs[0].Problem)
			}
		})
	}
}

func TestValidateJoinsAllProblems(t *testing.T) {
	t.Parallel()
	err := Settings{Region: "?", MaxRetries: -1, Endpoints: Endpoints{SSM: "x", STS: "y"}}.Validate()
	if got := len(FieldErrors(err)); got != 4 {
		t.Fatalf("want 4 field errors, got %d: %v", got, err)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "region" {
		t.Fatalf("errors.As: %v", fe)
	}
	if FieldErrors(nil) != nil {
		t.Fatal("FieldErrors(nil) should be empty")
	}
}

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	d := Settings{}.WithDefaults()
	if d.MaxRetries != DefaultMaxRetries || d.SSMPutParameterRate != 3 || d.SecretsManagerWriteRate != 50 {
		t.Fatalf("defaults: %+v", d)
	}
	s := Settings{MaxRetries: 2, SSMPutParameterRate: 10, SecretsManagerWriteRate: 5}
	if s.WithDefaults() != s {
		t.Fatalf("set values must stay: %+v", s.WithDefaults())
	}
}
