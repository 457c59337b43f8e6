package mototest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// StartT starts moto for a test and stops it when the test ends. It skips
// the test with SkipMessage when python3 or moto is missing, and fails it
// on any other error.
func StartT(t testing.TB) *Server {
	t.Helper()
	s, err := Start(context.Background())
	if errors.Is(err, ErrNotInstalled) {
		t.Skipf("%s: %v (pip install 'moto[server]>=5.2,<6', or set PYTHON to a python3 that has it)", SkipMessage, err)
	}
	if err != nil {
		t.Fatalf("mototest.Start: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("moto's log:\n%s", tail([]byte(s.Log())))
		}
		if err := s.Stop(); err != nil {
			t.Errorf("mototest: Stop: %v", err)
		}
	})
	return s
}

// AWSConfig is an aws-sdk-go-v2 configuration whose every client talks to
// this server with static test credentials.
func (s *Server) AWSConfig(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx,
		config.WithRegion(Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, "")),
		config.WithBaseEndpoint(s.URL),
		config.WithSharedConfigFiles(nil),
		config.WithSharedCredentialsFiles(nil),
	)
}

// AWSConfigT is AWSConfig failing the test on error.
func (s *Server) AWSConfigT(t testing.TB) aws.Config {
	t.Helper()
	cfg, err := s.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// terraformServices are the endpoint names of hashicorp/aws's provider
// block that a generated target/ and the provider's tests reach.
var terraformServices = []string{
	"acm", "cloudwatch", "ec2", "ecr", "ecs", "elasticache", "elbv2", "iam", "kms",
	"logs", "rds", "route53", "s3", "scheduler", "secretsmanager", "ssm", "sts",
}

// ProviderOverride is a Terraform override file (name it *_override.tf)
// that points hashicorp/aws's default provider block at this server, with
// test credentials and the checks that need real AWS turned off.
func (s *Server) ProviderOverride() string {
	var b strings.Builder
	b.WriteString("provider \"aws\" {\n")
	fmt.Fprintf(&b, "  region                      = %q\n", Region)
	fmt.Fprintf(&b, "  access_key                  = %q\n", AccessKeyID)
	fmt.Fprintf(&b, "  secret_key                  = %q\n", SecretAccessKey)
	b.WriteString("  skip_credentials_validation = true\n")
	b.WriteString("  skip_metadata_api_check     = true\n")
	b.WriteString("  skip_region_validation      = true\n")
	b.WriteString("  s3_use_path_style           = true\n\n")
	b.WriteString("  endpoints {\n")
	for _, svc := range terraformServices {
		fmt.Fprintf(&b, "    %-14s = %q\n", svc, s.URL)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}
