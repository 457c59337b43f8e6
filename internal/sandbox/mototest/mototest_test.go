package mototest

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestStartMoto starts moto, reads the account through STS, and checks the
// ElastiCache patch: a replication group of two clusters has both as cache
// clusters, with the default engine version, and deleting it removes them.
func TestStartMoto(t *testing.T) {
	t.Parallel()
	m := StartT(t)
	ctx := context.Background()
	cfg := m.AWSConfigT(t)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(id.Account); got != AccountID {
		t.Errorf("account = %q, want %q", got, AccountID)
	}
	ec := elasticache.NewFromConfig(cfg)
	if _, err := ec.CreateReplicationGroup(ctx, &elasticache.CreateReplicationGroupInput{
		ReplicationGroupId:          aws.String("rg"),
		ReplicationGroupDescription: aws.String("x"),
		Engine:                      aws.String("redis"),
		CacheNodeType:               aws.String("cache.t4g.micro"),
		NumCacheClusters:            aws.Int32(2),
	}); err != nil {
		t.Fatal(err)
	}
	out, err := ec.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("rg")})
	if err != nil {
		t.Fatal(err)
	}
	members := out.ReplicationGroups[0].MemberClusters
	if len(members) != 2 {
		t.Fatalf("members = %v, want 2", members)
	}
	for _, id := range members {
		cc, err := ec.DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{CacheClusterId: aws.String(id)})
		if err != nil {
			t.Fatalf("member %s: %v", id, err)
		}
		if v := aws.ToString(cc.CacheClusters[0].EngineVersion); v != "7.1" {
			t.Errorf("member %s engine version = %q", id, v)
		}
	}
	if _, err := ec.DeleteReplicationGroup(ctx, &elasticache.DeleteReplicationGroupInput{ReplicationGroupId: aws.String("rg")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("rg")}); err == nil {
		t.Error("the deleted group is still there")
	}
	if _, err := ec.DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{CacheClusterId: aws.String(members[0])}); err == nil {
		t.Error("the deleted group's member is still there")
	}
}

// TestProviderOverride names every endpoint at the server.
func TestProviderOverride(t *testing.T) {
	t.Parallel()
	s := &Server{URL: "http://127.0.0.1:1"}
	got := s.ProviderOverride()
	for _, svc := range terraformServices {
		if !strings.Contains(got, svc+" ") {
			t.Errorf("no %s endpoint in\n%s", svc, got)
		}
	}
}
