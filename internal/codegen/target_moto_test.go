package codegen

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/leakscan"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/mototest"
)

// tmDrift is one resource that the second plan changes only because of a
// gap of moto 5.2, with the attributes whose known value changes.
type tmDrift struct {
	attrs []string
	why   string
}

// tmCase is one generated target/ applied against moto.
type tmCase struct {
	golden string
	// tfvars for the apply (scheduler jobs, so that a schedule exists).
	tfvars string
	// drift is every change of the second plan, by resource address.
	drift map[string]tmDrift
	// leaks lists the state's resources and outputs that may hold a
	// database password: none, since target/ lets RDS keep them.
	leaks []string
	// planLeaks says whether the saved plan may hold one: never.
	planLeaks bool
}

// Gaps of moto 5.2 the second plan shows. Each is moto not returning what
// it was given, while AWS returns it:
//   - ECS CreateService/DescribeServices: moto drops
//     availabilityZoneRebalancing (AWS answers DISABLED by default,
//     https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html)
//     and healthCheckGracePeriodSeconds (set on the web services, which
//     have a load balancer).
//
// The gaps mototest's wrapper fills (ElastiCache members, RDS resource
// ids, subnet group deletion) never reach this list.
const (
	tmWhyECSRebalancing = "moto's DescribeServices omits availabilityZoneRebalancing, which AWS returns (DISABLED by default)"
	tmWhyECSGrace       = "moto's DescribeServices omits healthCheckGracePeriodSeconds, which AWS returns as set"
)

// TestTargetApplyMoto applies generated target/ modules with the real
// hashicorp/aws provider from the local mirror against moto, an
// independent AWS emulator: it checks through the SDK what was created,
// plans again (every change must be a listed moto gap), scans the plan and
// the state for the generated passwords, destroys, and checks nothing is
// left.
func TestTargetApplyMoto(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow: applies target/ against moto")
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH")
	}
	mirror := tmMirror(t)
	cases := []tmCase{
		{
			golden: "acme",
			tfvars: `scheduler_jobs = { nightly = { app = "acme-api", schedule = "cron(0 3 * * ? *)", command = "bin/nightly" } }` + "\n",
			drift: map[string]tmDrift{
				"aws_ecs_service.acme-api_web":       {[]string{"availability_zone_rebalancing", "health_check_grace_period_seconds"}, tmWhyECSRebalancing + "; " + tmWhyECSGrace},
				"aws_ecs_service.acme-api_worker":    {[]string{"availability_zone_rebalancing"}, tmWhyECSRebalancing},
				"aws_ecs_service.acme-worker_worker": {[]string{"availability_zone_rebalancing"}, tmWhyECSRebalancing},
			},
		},
		{
			golden: "plan-families",
			drift: map[string]tmDrift{
				"aws_ecs_service.plans-essential_web":  {[]string{"availability_zone_rebalancing", "health_check_grace_period_seconds"}, tmWhyECSRebalancing + "; " + tmWhyECSGrace},
				"aws_ecs_service.plans-premium_web":    {[]string{"availability_zone_rebalancing", "health_check_grace_period_seconds"}, tmWhyECSRebalancing + "; " + tmWhyECSGrace},
				"aws_ecs_service.plans-shield_reports": {[]string{"availability_zone_rebalancing"}, tmWhyECSRebalancing},
				"aws_ecs_service.plans-shield_web":     {[]string{"availability_zone_rebalancing", "health_check_grace_period_seconds"}, tmWhyECSRebalancing + "; " + tmWhyECSGrace},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			tmApply(t, tf, mirror, tc)
		})
	}
}

// tmMirror is the local provider mirror TestTargetTerraformValidate uses.
func tmMirror(t *testing.T) string {
	t.Helper()
	mirror := os.Getenv("HEROKU2AWS_TF_PLUGIN_DIR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io/hashicorp/aws")); err != nil {
		t.Skipf("%s: no hashicorp/aws provider in %s (set HEROKU2AWS_TF_PLUGIN_DIR)", mototest.SkipMessage, mirror)
	}
	return mirror
}

func tmApply(t *testing.T, tf, mirror string, tc tmCase) {
	var opts CollectOptions
	for _, g := range goldenCases {
		if g.name == tc.golden {
			opts = g.opts
		}
	}
	generated, _ := generateCase(t, opts)
	files := map[string][]byte{}
	for name, data := range generated {
		if rel, ok := strings.CutPrefix(name, "target/"); ok {
			files[rel] = data
		}
	}
	if len(files) == 0 {
		t.Fatal("no target/ files")
	}
	mod := tgParseFiles(t, files)

	m := mototest.StartT(t)
	dir := t.TempDir()
	tgWriteFiles(t, dir, files)
	tgWriteFiles(t, dir, map[string][]byte{
		"moto_override.tf": []byte(m.ProviderOverride()),
		"terraform.tfvars": []byte(tc.tfvars),
	})
	run := func(args ...string) []byte {
		t.Helper()
		// A command that hangs (a provider retrying an error for its whole
		// timeout) fails the test with its output instead.
		ctx, cancel := context.WithTimeout(context.Background(), tmCommandTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, tf, args...)
		cmd.WaitDelay = 10 * time.Second
		cmd.Dir = dir
		cmd.Env = tgTerraformEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	run("init", "-input=false", "-no-color", "-plugin-dir="+mirror)
	start := time.Now()
	run("apply", "-auto-approve", "-input=false", "-no-color")
	applied := time.Since(start)
	state := tmState(t, run("show", "-json"))
	t.Logf("%s: applied %d resources against moto in %s", tc.golden, len(state.resources), applied.Round(time.Second))

	cfg := m.AWSConfigT(t)
	tmCheckCreated(t, mod, state, cfg)

	// Plan again: every change must be a listed moto gap, and every listed
	// gap must still show (else moto or the generator changed: update the
	// list).
	run("plan", "-input=false", "-no-color", "-out=again.tfplan")
	planJSON := run("show", "-json", "again.tfplan")
	if got := tmDriftOf(t, planJSON); !reflect.DeepEqual(got, tmDriftAttrs(tc.drift)) {
		t.Errorf("second plan's changes = %v\nwant only the listed moto gaps %v", got, tmDriftAttrs(tc.drift))
	}

	// Passwords: RDS generates each master password and keeps it in
	// Secrets Manager (manage_master_user_password); read them there and
	// scan the plan and each state object for them.
	scan := leakscan.Must(tmMasterPasswords(t, mod, cfg)...)
	if err := scan.Bytes("plan", planJSON); (err != nil) != tc.planLeaks {
		t.Errorf("plan leak = %v, want leak %v ", err, tc.planLeaks)
	}
	var leaks []string
	for addr, v := range state.resources {
		if scan.Bytes(addr, v) != nil {
			leaks = append(leaks, addr)
		}
	}
	for name, v := range state.outputs {
		if scan.Bytes("output."+name, v) != nil {
			leaks = append(leaks, "output."+name)
		}
	}
	slices.Sort(leaks)
	if !slices.Equal(leaks, tc.leaks) {
		t.Errorf("state objects holding a password = %q\nwant %q", leaks, tc.leaks)
	}

	// The generated RDS instances have deletion protection, on purpose; as
	// a user would, turn it off before destroying. Their final snapshots
	// stay, on purpose too.
	var dbs, snapshots []string
	var override strings.Builder
	for _, b := range mod.blocks("resource", "aws_db_instance") {
		fmt.Fprintf(&override, "resource \"aws_db_instance\" %q {\n  deletion_protection = false\n}\n", b.block.Labels[1])
		dbs = append(dbs, "-target=aws_db_instance."+b.block.Labels[1])
		snapshots = append(snapshots, tgStr(t, &b, "final_snapshot_identifier"))
	}
	slices.Sort(snapshots)
	if len(dbs) > 0 {
		tgWriteFiles(t, dir, map[string][]byte{"destroy_override.tf": []byte(override.String())})
		run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, dbs...)...)
	}
	start = time.Now()
	run("destroy", "-auto-approve", "-input=false", "-no-color")
	t.Logf("%s: destroyed in %s", tc.golden, time.Since(start).Round(time.Second))
	if left := tmState(t, run("show", "-json")); len(left.resources) != 0 {
		t.Errorf("state after destroy: %v", slices.Sorted(maps.Keys(left.resources)))
	}
	tmCheckNothingLeft(t, cfg, snapshots)
}

// tmCommandTimeout bounds one terraform command.
const tmCommandTimeout = 10 * time.Minute

// tmMasterPasswords reads the RDS-managed master password of every
// generated instance, as canaries.
func tmMasterPasswords(t *testing.T, mod *tgModule, cfg aws.Config) []leakscan.Canary {
	t.Helper()
	ctx := context.Background()
	canaries := []leakscan.Canary{{Label: "placeholder, never in any output", Value: "never-a-real-password-0123456789"}}
	for _, b := range mod.blocks("resource", "aws_db_instance") {
		out, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(tgStr(t, &b, "identifier"))})
		if err != nil || len(out.DBInstances) != 1 || out.DBInstances[0].MasterUserSecret == nil {
			t.Errorf("%s: no RDS-managed master secret: %v", b.block.Labels[1], err)
			continue
		}
		sec, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: out.DBInstances[0].MasterUserSecret.SecretArn})
		if err != nil {
			t.Errorf("%s: master secret: %v", b.block.Labels[1], err)
			continue
		}
		var v struct{ Password string }
		if err := json.Unmarshal([]byte(aws.ToString(sec.SecretString)), &v); err != nil || len(v.Password) < 8 {
			t.Errorf("%s: master secret holds no password: %v", b.block.Labels[1], err)
			continue
		}
		canaries = append(canaries, leakscan.Canary{Label: b.block.Labels[1] + " master password", Value: v.Password})
	}
	return canaries
}

// tmStateView is the values of every resource and output in a state.
type tmStateView struct {
	resources map[string]json.RawMessage
	outputs   map[string]json.RawMessage
	values    map[string]map[string]any
}

func tmState(t *testing.T, data []byte) tmStateView {
	t.Helper()
	var doc struct {
		Values struct {
			Outputs    map[string]json.RawMessage `json:"outputs"`
			RootModule struct {
				Resources []struct {
					Address string          `json:"address"`
					Mode    string          `json:"mode"`
					Values  json.RawMessage `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	v := tmStateView{resources: map[string]json.RawMessage{}, outputs: doc.Values.Outputs, values: map[string]map[string]any{}}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Mode != "managed" {
			continue
		}
		v.resources[r.Address] = r.Values
		var vals map[string]any
		_ = json.Unmarshal(r.Values, &vals)
		v.values[r.Address] = vals
	}
	return v
}

// str is a string attribute of a resource in the state.
func (v tmStateView) str(addr, attr string) string {
	s, _ := v.values[addr][attr].(string)
	return s
}

// tmDriftOf lists, per changed resource, the attributes whose value is
// known in the plan and differs from the state.
func tmDriftOf(t *testing.T, plan []byte) map[string][]string {
	t.Helper()
	var doc struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(plan, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, rc := range doc.ResourceChanges {
		if slices.Equal(rc.Change.Actions, []string{"no-op"}) || slices.Equal(rc.Change.Actions, []string{"read"}) {
			continue
		}
		attrs := []string{}
		for k, after := range rc.Change.After {
			if !reflect.DeepEqual(rc.Change.Before[k], after) && !tmEmpty(after) {
				attrs = append(attrs, k)
			}
		}
		slices.Sort(attrs)
		out[rc.Address] = attrs
	}
	return out
}

// tmEmpty is a planned value that is null or empty: Terraform drops it.
func tmEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

func tmDriftAttrs(d map[string]tmDrift) map[string][]string {
	out := map[string][]string{}
	for addr, x := range d {
		out[addr] = append([]string{}, x.attrs...)
	}
	return out
}

// tmCheckCreated reads back through the SDK what the generated
// configuration asked for.
func tmCheckCreated(t *testing.T, mod *tgModule, state tmStateView, cfg aws.Config) {
	t.Helper()
	ctx := context.Background()
	ecsc := ecs.NewFromConfig(cfg)
	for _, b := range mod.blocks("resource", "aws_ecs_service") {
		addr := "aws_ecs_service." + b.block.Labels[1]
		out, err := ecsc.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(state.str(addr, "cluster")), Services: []string{state.str(addr, "name")}})
		if err != nil || len(out.Services) != 1 {
			t.Errorf("%s: DescribeServices: %v %v", addr, err, out)
			continue
		}
		want, _ := tgValue(t, &b, "desired_count").AsBigFloat().Int64()
		if got := out.Services[0].DesiredCount; int64(got) != want {
			t.Errorf("%s: desired count %d, want %d", addr, got, want)
		}
	}
	for _, b := range mod.blocks("resource", "aws_ecs_task_definition") {
		addr := "aws_ecs_task_definition." + b.block.Labels[1]
		out, err := ecsc.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(state.str(addr, "arn"))})
		if err != nil {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		td := out.TaskDefinition
		if aws.ToString(td.Cpu) != tgStr(t, &b, "cpu") || aws.ToString(td.Memory) != tgStr(t, &b, "memory") {
			t.Errorf("%s: cpu/memory %s/%s, want %s/%s", addr, aws.ToString(td.Cpu), aws.ToString(td.Memory), tgStr(t, &b, "cpu"), tgStr(t, &b, "memory"))
		}
		for _, c := range td.ContainerDefinitions {
			for _, s := range c.Secrets {
				from := aws.ToString(s.ValueFrom)
				if !strings.HasPrefix(from, "arn:aws:ssm:"+mototest.Region+":"+mototest.AccountID+":parameter/") &&
					!strings.HasPrefix(from, "arn:aws:secretsmanager:"+mototest.Region+":"+mototest.AccountID+":secret:") {
					t.Errorf("%s: secret %s comes from %q, not an SSM parameter or Secrets Manager ARN", addr, aws.ToString(s.Name), from)
				}
			}
		}
	}
	lbc := elb.NewFromConfig(cfg)
	for _, b := range mod.blocks("resource", "aws_lb") {
		addr := "aws_lb." + b.block.Labels[1]
		arn := state.str(addr, "arn")
		ls, err := lbc.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(arn)})
		if err != nil {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		want := 0
		for _, l := range mod.blocks("resource", "aws_lb_listener") {
			if strings.HasPrefix(l.block.Labels[1], b.block.Labels[1]+"_") {
				want++
			}
		}
		if len(ls.Listeners) != want {
			t.Errorf("%s: %d listeners, want %d", addr, len(ls.Listeners), want)
		}
	}
	rdsc := rds.NewFromConfig(cfg)
	for _, b := range mod.blocks("resource", "aws_db_instance") {
		addr := "aws_db_instance." + b.block.Labels[1]
		out, err := rdsc.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(state.str(addr, "identifier"))})
		if err != nil || len(out.DBInstances) != 1 {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		if got, want := aws.ToString(out.DBInstances[0].DBInstanceClass), tgStr(t, &b, "instance_class"); got != want {
			t.Errorf("%s: class %s, want %s", addr, got, want)
		}
	}
	ecc := elasticache.NewFromConfig(cfg)
	for _, b := range mod.blocks("resource", "aws_elasticache_replication_group") {
		addr := "aws_elasticache_replication_group." + b.block.Labels[1]
		out, err := ecc.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String(tgStr(t, &b, "replication_group_id"))})
		if err != nil || len(out.ReplicationGroups) != 1 {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		if _, ok := b.block.Body.Attributes["num_cache_clusters"]; ok {
			want, _ := tgValue(t, &b, "num_cache_clusters").AsBigFloat().Int64()
			if got := len(out.ReplicationGroups[0].MemberClusters); int64(got) != want {
				t.Errorf("%s: %d member clusters, want %d", addr, got, want)
			}
		}
	}
	ecrc := ecr.NewFromConfig(cfg)
	for _, b := range mod.blocks("resource", "aws_ecr_repository") {
		if _, err := ecrc.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{tgStr(t, &b, "name")}}); err != nil {
			t.Errorf("aws_ecr_repository.%s: %v", b.block.Labels[1], err)
		}
	}
	logc := cloudwatchlogs.NewFromConfig(cfg)
	for _, b := range mod.blocks("resource", "aws_cloudwatch_log_group") {
		name := state.str("aws_cloudwatch_log_group."+b.block.Labels[1], "name")
		out, err := logc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
		if err != nil || len(out.LogGroups) == 0 || aws.ToString(out.LogGroups[0].LogGroupName) != name {
			t.Errorf("log group %q: %v", name, err)
		}
	}
	schc := scheduler.NewFromConfig(cfg)
	for addr := range state.values {
		if !strings.HasPrefix(addr, "aws_scheduler_schedule.") {
			continue
		}
		out, err := schc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(state.str(addr, "name"))})
		if err != nil {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		if !strings.HasPrefix(aws.ToString(out.Target.Arn), "arn:aws:ecs:") {
			t.Errorf("%s: target %s is not the ECS cluster", addr, aws.ToString(out.Target.Arn))
		}
	}
}

// tmCheckNothingLeft lists every kind of object target/ creates and
// expects none.
func tmCheckNothingLeft(t *testing.T, cfg aws.Config, snapshots []string) {
	t.Helper()
	ctx := context.Background()
	left := map[string]int{}
	count := func(what string, n int, err error) {
		if err != nil {
			t.Errorf("listing %s: %v", what, err)
		}
		if n > 0 {
			left[what] = n
		}
	}
	// A deleted ECS cluster stays listed as INACTIVE for a while, on AWS
	// as on moto
	// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html).
	ecsc := ecs.NewFromConfig(cfg)
	clusters, err := ecsc.ListClusters(ctx, &ecs.ListClustersInput{})
	active := 0
	if err == nil && len(clusters.ClusterArns) > 0 {
		var described *ecs.DescribeClustersOutput
		described, err = ecsc.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: clusters.ClusterArns})
		if err == nil {
			for _, c := range described.Clusters {
				if aws.ToString(c.Status) != "INACTIVE" {
					active++
				}
			}
		}
	}
	count("active ECS clusters", active, err)
	dbs, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
	count("RDS instances", len(dbs.DBInstances), err)
	rgs, err := elasticache.NewFromConfig(cfg).DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{})
	count("ElastiCache replication groups", len(rgs.ReplicationGroups), err)
	ccs, err := elasticache.NewFromConfig(cfg).DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{})
	count("ElastiCache cache clusters", len(ccs.CacheClusters), err)
	repos, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	count("ECR repositories", len(repos.Repositories), err)
	lbs, err := elb.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	count("load balancers", len(lbs.LoadBalancers), err)
	groups, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	count("log groups", len(groups.LogGroups), err)
	scheds, err := scheduler.NewFromConfig(cfg).ListSchedules(ctx, &scheduler.ListSchedulesInput{})
	count("schedules", len(scheds.Schedules), err)
	params, err := ssm.NewFromConfig(cfg).DescribeParameters(ctx, &ssm.DescribeParametersInput{})
	count("SSM parameters", len(params.Parameters), err)
	snaps, err := rds.NewFromConfig(cfg).DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{})
	if err != nil {
		t.Errorf("listing DB snapshots: %v", err)
	} else {
		var names []string
		for _, s := range snaps.DBSnapshots {
			names = append(names, aws.ToString(s.DBSnapshotIdentifier))
		}
		slices.Sort(names)
		if !slices.Equal(names, snapshots) {
			t.Errorf("DB snapshots after destroy = %q, want the final snapshots %q", names, snapshots)
		}
	}
	if len(left) > 0 {
		t.Errorf("left after destroy: %v", left)
	}
}
