package codegen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// tgModule is a generated module parsed back for assertions.
type tgModule struct {
	files  map[string][]byte
	bodies map[string]*hclsyntax.Body
}

// tgParseTarget runs Target and parses every file with hclparse, failing on
// any diagnostic.
func tgParseTarget(t *testing.T, inv *Inventory) *tgModule {
	t.Helper()
	files, err := Target(inv)
	if err != nil {
		t.Fatalf("Target: %v", err)
	}
	return tgParseFiles(t, files)
}

// tgParseFiles parses every file with hclparse, failing on any diagnostic.
func tgParseFiles(t *testing.T, files map[string][]byte) *tgModule {
	t.Helper()
	m := &tgModule{files: files, bodies: map[string]*hclsyntax.Body{}}
	parser := hclparse.NewParser()
	for name, data := range files {
		f, diags := parser.ParseHCL(data, name)
		if diags.HasErrors() {
			t.Fatalf("%s does not parse: %s\n%s", name, diags.Error(), data)
		}
		m.bodies[name] = f.Body.(*hclsyntax.Body)
	}
	return m
}

// tgBlock is one top-level block and the file it is in.
type tgBlock struct {
	file  string
	block *hclsyntax.Block
}

// blocks returns the top-level blocks of a type ("resource") whose first
// label is first (any when empty), sorted by file and position.
func (m *tgModule) blocks(typ, first string) []tgBlock {
	var out []tgBlock
	names := make([]string, 0, len(m.bodies))
	for n := range m.bodies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, b := range m.bodies[n].Blocks {
			if b.Type == typ && (first == "" || (len(b.Labels) > 0 && b.Labels[0] == first)) {
				out = append(out, tgBlock{n, b})
			}
		}
	}
	return out
}

// find returns the block with the given type and labels, or nil.
func (m *tgModule) find(typ string, labels ...string) *tgBlock {
	for _, b := range m.blocks(typ, "") {
		if reflect.DeepEqual(b.block.Labels, labels) {
			return &b
		}
	}
	return nil
}

// must is find that fails the test when the block is missing.
func (m *tgModule) must(t *testing.T, typ string, labels ...string) *tgBlock {
	t.Helper()
	b := m.find(typ, labels...)
	if b == nil {
		t.Fatalf("no %s %q in the module", typ, labels)
	}
	return b
}

// local returns the locals block that defines name.
func (m *tgModule) local(t *testing.T, name string) *tgBlock {
	t.Helper()
	for _, b := range m.blocks("locals", "") {
		if _, ok := b.block.Body.Attributes[name]; ok {
			return &b
		}
	}
	t.Fatalf("no local %s in the module", name)
	return nil
}

// prose is a file's text with comment lines joined, so that assertions on
// comments do not depend on where they wrap.
func (m *tgModule) prose(file string) string {
	return strings.NewReplacer("\n#   ", " ", "\n# ", " ").Replace(string(m.files[file]))
}

// src is the source text of an expression.
func (m *tgModule) src(file string, e hclsyntax.Expression) string {
	r := e.Range()
	return string(m.files[file][r.Start.Byte:r.End.Byte])
}

// attr returns the expression of attribute name of b.
func tgAttr(t *testing.T, b *tgBlock, name string) hclsyntax.Expression {
	t.Helper()
	a, ok := b.block.Body.Attributes[name]
	if !ok {
		t.Fatalf("%s %q has no attribute %s", b.block.Type, b.block.Labels, name)
	}
	return a.Expr
}

// tgEval evaluates the variables and locals the assertions use.
var tgEval = &hcl.EvalContext{Variables: map[string]cty.Value{
	"var": cty.ObjectVal(map[string]cty.Value{
		"environment": cty.StringVal("prod"),
		"aws_region":  cty.StringVal("us-east-1"),
		"image_tag":   cty.StringVal("latest"),
	}),
	"local": cty.ObjectVal(map[string]cty.Value{
		"ssm_parameter_arn_prefix": cty.StringVal("arn:aws:ssm:us-east-1:123456789012:parameter"),
	}),
}}

// value evaluates attribute name of b against tgEval.
func tgValue(t *testing.T, b *tgBlock, name string) cty.Value {
	t.Helper()
	v, diags := tgAttr(t, b, name).Value(tgEval)
	if diags.HasErrors() {
		t.Fatalf("%s %q: %s: %s", b.block.Type, b.block.Labels, name, diags.Error())
	}
	return v
}

// str evaluates a string attribute.
func tgStr(t *testing.T, b *tgBlock, name string) string {
	t.Helper()
	v := tgValue(t, b, name)
	if v.Type() != cty.String {
		t.Fatalf("%s %q: %s is %s, not a string", b.block.Type, b.block.Labels, name, v.Type().FriendlyName())
	}
	return v.AsString()
}

// tgItem returns the value of key in an object constructor, or nil.
func tgItem(e hclsyntax.Expression, key string) hclsyntax.Expression {
	obj, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	for _, it := range obj.Items {
		k, diags := it.KeyExpr.Value(nil)
		if !diags.HasErrors() && k.Type() == cty.String && k.AsString() == key {
			return it.ValueExpr
		}
	}
	return nil
}

// tgKeys lists the keys of an object constructor.
func tgKeys(t *testing.T, e hclsyntax.Expression) []string {
	t.Helper()
	obj, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		t.Fatalf("%T is not an object constructor", e)
	}
	var keys []string
	for _, it := range obj.Items {
		k, diags := it.KeyExpr.Value(nil)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		keys = append(keys, k.AsString())
	}
	return keys
}

// container returns the single container of a task definition's
// jsonencode([...]) container_definitions.
func tgContainer(t *testing.T, b *tgBlock) *hclsyntax.ObjectConsExpr {
	t.Helper()
	call, ok := tgAttr(t, b, "container_definitions").(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		t.Fatalf("container_definitions of %q is not jsonencode(...)", b.block.Labels)
	}
	tuple, ok := call.Args[0].(*hclsyntax.TupleConsExpr)
	if !ok || len(tuple.Exprs) != 1 {
		t.Fatalf("container_definitions of %q is not a one-container list", b.block.Labels)
	}
	return tuple.Exprs[0].(*hclsyntax.ObjectConsExpr)
}

func TestTargetFilesParseAndAreFormatted(t *testing.T) {
	t.Parallel()
	m := tgParseTarget(t, sampleInventory())
	var names []string
	for name := range m.files {
		names = append(names, name)
	}
	sort.Strings(names)
	want := []string{"app_acme-api.tf", "app_acme-search.tf", "app_acme-worker.tf", "app_n_9lives_old-site.tf",
		"cluster.tf", "data_stores.tf", "network.tf", "outputs.tf", "providers.tf", "variables.tf", "versions.tf"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("files = %v, want %v", names, want)
	}
	for name, data := range m.files {
		if !bytes.HasPrefix(data, []byte("# Generated by terraform-provider-heroku2aws generate. Review before applying.\n# ")) {
			t.Errorf("%s does not start with the generated header and a purpose line", name)
		}
		if formatted := hclwrite.Format(data); !bytes.Equal(formatted, data) {
			t.Errorf("%s changes under hclwrite.Format", name)
		}
		if bytes.Contains(data, []byte("\n\n\n")) || bytes.Contains(data, []byte(" \n")) {
			t.Errorf("%s has runs of blank lines or trailing spaces", name)
		}
	}
}

func TestTargetTerraformFmt(t *testing.T) {
	t.Parallel()
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH")
	}
	files, err := Target(sampleInventory())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tgWriteFiles(t, dir, files)
	cmd := exec.Command(tf, "fmt", "-check", "-diff", "-recursive", dir)
	cmd.Env = tgTerraformEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("terraform fmt -check: %v\n%s", err, out)
	}
}

func TestTargetIsDeterministic(t *testing.T) {
	t.Parallel()
	a, err := Target(sampleInventory())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Target(sampleInventory())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs over the same inventory differ")
	}
	// The order apps are listed in does not matter either.
	inv := sampleInventory()
	inv.Apps[0], inv.Apps[3] = inv.Apps[3], inv.Apps[0]
	c, err := Target(inv)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, c) {
		t.Fatal("the apps' order changes the output")
	}
}

func TestTargetWebProcess(t *testing.T) {
	t.Parallel()
	m := tgParseTarget(t, sampleInventory())
	want := inventory.LookupDynoSpec
	spec, ok := want("Standard-2X")
	if !ok {
		t.Fatal("Standard-2X is not a known dyno size")
	}
	f := spec.Fargate()
	if f.CPU != 1024 || f.Memory != 2048 || !f.Fits {
		t.Fatalf("Standard-2X sizes to %+v; the assertions below assume 1024/2048", f)
	}
	td := m.must(t, "resource", "aws_ecs_task_definition", "acme-api_web")
	if td.file != "app_acme-api.tf" {
		t.Errorf("acme-api's web task definition is in %s", td.file)
	}
	if got := tgStr(t, td, "cpu"); got != fmt.Sprint(f.CPU) {
		t.Errorf("cpu = %q, want %d", got, f.CPU)
	}
	if got := tgStr(t, td, "memory"); got != fmt.Sprint(f.Memory) {
		t.Errorf("memory = %q, want %d", got, f.Memory)
	}
	if got := tgStr(t, td, "family"); got != "acme-api-web" {
		t.Errorf("family = %q", got)
	}
	c := tgContainer(t, td)
	if got := m.src(td.file, tgItem(c, "image")); got != `"${aws_ecr_repository.acme-api.repository_url}:${var.image_tag}"` {
		t.Errorf("image = %s", got)
	}
	cmd, _ := tgItem(c, "command").Value(nil)
	if !cmd.RawEquals(cty.TupleVal([]cty.Value{cty.StringVal("/bin/sh"), cty.StringVal("-c"), cty.StringVal("npm start")})) {
		t.Errorf("command = %#v", cmd)
	}
	env, _ := tgItem(c, "environment").Value(nil)
	// PORT, then the empty config vars that SSM cannot hold.
	envVar := func(name, value string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(name), "value": cty.StringVal(value)})
	}
	if !env.RawEquals(cty.TupleVal([]cty.Value{envVar("PORT", "8080"), envVar("FEATURE_FLAGS", ""), envVar("LEGACY_UNSET", "")})) {
		t.Errorf("environment = %#v", env)
	}
	if tgItem(c, "portMappings") == nil {
		t.Error("the web container has no portMappings")
	}

	// Secrets: config vars by SSM ARN, add-on URLs from this module's
	// parameters.
	// Every container of the app shares one list.
	if got := m.src(td.file, tgItem(c, "secrets")); got != "local.acme-api_secrets" {
		t.Fatalf("the web container's secrets are %s", got)
	}
	local := m.local(t, "acme-api_secrets")
	if local.file != "app_acme-api.tf" {
		t.Errorf("acme-api's secrets are in %s", local.file)
	}
	secrets := map[string]string{}
	for _, e := range tgAttr(t, local, "acme-api_secrets").(*hclsyntax.TupleConsExpr).Exprs {
		name, _ := tgItem(e, "name").Value(nil)
		secrets[name.AsString()] = m.src(local.file, tgItem(e, "valueFrom"))
	}
	wantSecrets := []string{"DATABASE_PASSWORD", "DATABASE_URL", "JWT_PRIVATE_KEY", "NODE_ENV", "PGPASSWORD", "REDIS_URL", "SECRET_KEY_BASE", "WEB_CONCURRENCY"}
	if got := tgSortedKeys(secrets); !reflect.DeepEqual(got, wantSecrets) {
		t.Errorf("secrets = %v, want %v", got, wantSecrets)
	}
	if got := secrets["SECRET_KEY_BASE"]; got != `"${local.ssm_parameter_arn_prefix}/acme-api/${var.environment}/SECRET_KEY_BASE"` {
		t.Errorf("SECRET_KEY_BASE comes from %s", got)
	}
	if got := secrets["DATABASE_URL"]; got != "aws_ssm_parameter.acme-api_database_url.arn" {
		t.Errorf("DATABASE_URL comes from %s", got)
	}
	param := m.must(t, "resource", "aws_ssm_parameter", "acme-api_database_url")
	if got := tgStr(t, param, "name"); got != "/acme-api/prod/DATABASE_URL" {
		t.Errorf("DATABASE_URL parameter name = %q", got)
	}
	if got := tgStr(t, param, "type"); got != "SecureString" {
		t.Errorf("DATABASE_URL parameter type = %q", got)
	}
	if got := m.src(param.file, tgAttr(t, param, "value")); got != `local.data_store_urls["postgresql-curved-12345"]` {
		t.Errorf("DATABASE_URL parameter value = %s", got)
	}

	svc := m.must(t, "resource", "aws_ecs_service", "acme-api_web")
	if v := tgValue(t, svc, "desired_count"); !v.RawEquals(cty.NumberIntVal(2)) {
		t.Errorf("desired_count = %#v", v)
	}
	var lb *hclsyntax.Block
	for _, b := range svc.block.Body.Blocks {
		if b.Type == "load_balancer" {
			lb = b
		}
	}
	if lb == nil {
		t.Fatal("the web service has no load_balancer block")
	}
	if _, ok := svc.block.Body.Attributes["lifecycle"]; ok {
		t.Error("the service must not ignore desired_count changes")
	}
	for _, b := range svc.block.Body.Blocks {
		if b.Type == "lifecycle" {
			t.Error("the service must not ignore desired_count changes")
		}
	}
	if got := m.src(svc.file, tgAttr(t, svc, "depends_on")); got != "[aws_lb_listener.acme-api_http, aws_lb_listener.acme-api_https]" {
		t.Errorf("depends_on = %s", got)
	}

	// Custom domains: HTTP redirects, HTTPS forwards with the certificate.
	http := m.must(t, "resource", "aws_lb_listener", "acme-api_http")
	if !strings.Contains(string(m.files[http.file]), `type = "redirect"`) {
		t.Error("the HTTP listener of an app with custom domains does not redirect")
	}
	https := m.must(t, "resource", "aws_lb_listener", "acme-api_https")
	if got := tgStr(t, https, "ssl_policy"); got != "ELBSecurityPolicy-TLS13-1-2-2021-06" {
		t.Errorf("ssl_policy = %q", got)
	}
	cert := m.must(t, "resource", "aws_acm_certificate", "acme-api")
	if got := tgStr(t, cert, "domain_name"); got != "api.acme.com" {
		t.Errorf("domain_name = %q", got)
	}
	if v := tgValue(t, cert, "subject_alternative_names"); !v.RawEquals(cty.TupleVal([]cty.Value{cty.StringVal("www.acme.com")})) {
		t.Errorf("subject_alternative_names = %#v", v)
	}
	tg := m.must(t, "resource", "aws_lb_target_group", "acme-api")
	if tgStr(t, tg, "target_type") != "ip" || !tgValue(t, tg, "port").RawEquals(cty.NumberIntVal(8080)) {
		t.Error("the target group is not ip on 8080")
	}
}

func TestTargetWorkerOnlyApp(t *testing.T) {
	t.Parallel()
	m := tgParseTarget(t, sampleInventory())
	for _, b := range m.blocks("resource", "") {
		if b.file != "app_acme-worker.tf" {
			continue
		}
		switch b.block.Labels[0] {
		case "aws_lb", "aws_lb_target_group", "aws_lb_listener", "aws_acm_certificate", "aws_scheduler_schedule":
			t.Errorf("acme-worker has %s %s", b.block.Labels[0], b.block.Labels[1])
		}
	}
	if m.find("resource", "aws_ecs_task_definition", "acme-worker_release") != nil {
		t.Error("acme-worker has no release command but got a release task definition")
	}
	svc := m.must(t, "resource", "aws_ecs_service", "acme-worker_worker")
	for _, b := range svc.block.Body.Blocks {
		if b.Type == "load_balancer" {
			t.Error("the worker service has a load_balancer block")
		}
	}
	// It reads the shared database through its own parameter.
	param := m.must(t, "resource", "aws_ssm_parameter", "acme-worker_database_url")
	if got := tgStr(t, param, "name"); got != "/acme-worker/prod/DATABASE_URL" {
		t.Errorf("name = %q", got)
	}
	targets := tgAttr(t, m.must(t, "output", "aws_targets"), "value")
	if got := tgKeys(t, targets); !reflect.DeepEqual(got, []string{"9lives.old-site", "acme-api", "acme-search"}) {
		t.Errorf("aws_targets keys = %v", got)
	}
}

func TestTargetReleaseAndScheduler(t *testing.T) {
	t.Parallel()
	m := tgParseTarget(t, sampleInventory())
	rel := m.must(t, "resource", "aws_ecs_task_definition", "acme-api_release")
	if got := tgStr(t, rel, "family"); got != "acme-api-release" {
		t.Errorf("release family = %q", got)
	}
	cmd, _ := tgItem(tgContainer(t, rel), "command").Value(nil)
	if got := cmd.Index(cty.NumberIntVal(2)).AsString(); got != "npm run migrate" {
		t.Errorf("release command = %q", got)
	}
	if m.find("resource", "aws_ecs_service", "acme-api_release") != nil {
		t.Error("the release task must not have a service")
	}
	if !strings.Contains(string(m.files[rel.file]), "aws ecs run-task") {
		t.Error("the release task has no run-task comment")
	}

	s := m.must(t, "resource", "aws_scheduler_schedule", "acme-api")
	if got := m.src(s.file, tgAttr(t, s, "for_each")); got != `{ for k, j in var.scheduler_jobs : k => j if j.app == "acme-api" }` {
		t.Errorf("for_each = %s", got)
	}
	text := string(m.files[s.file])
	for _, want := range []string{`mode = "OFF"`, "role_arn = aws_iam_role.scheduler.arn", `coalesce(each.value.process, "worker")`,
		"containerOverrides", `command = ["/bin/sh", "-c", each.value.command]`} {
		if !strings.Contains(text, want) {
			t.Errorf("the schedule lacks %s", want)
		}
	}
	m.must(t, "resource", "aws_iam_role", "scheduler")
	pol := m.must(t, "resource", "aws_iam_role_policy", "scheduler")
	for _, want := range []string{"ecs:RunTask", "iam:PassRole", "/acme-api-worker:*", "aws_iam_role.acme-api_task.arn"} {
		if !strings.Contains(m.src(pol.file, tgAttr(t, pol, "policy")), want) {
			t.Errorf("the scheduler policy lacks %s", want)
		}
	}

	vars := string(m.files["variables.tf"])
	if !strings.Contains(vars, `contains(["acme-api"], j.app)`) {
		t.Error("scheduler_jobs does not check that each job's app has a Scheduler add-on")
	}
	if !strings.Contains(vars, "not exposed by the Platform API") {
		t.Error("scheduler_jobs does not explain where the jobs come from")
	}
	for _, b := range m.blocks("resource", "aws_scheduler_schedule") {
		if b.file != "app_acme-api.tf" {
			t.Errorf("%s has a schedule", b.file)
		}
	}
	for _, b := range m.blocks("resource", "aws_ecs_task_definition") {
		if strings.HasSuffix(b.block.Labels[1], "_release") && b.file != "app_acme-api.tf" {
			t.Errorf("%s has a release task definition", b.file)
		}
	}
}

func TestTargetDataStores(t *testing.T) {
	t.Parallel()
	m := tgParseTarget(t, sampleInventory())
	dbs := m.blocks("resource", "aws_db_instance")
	if len(dbs) != 2 {
		t.Fatalf("%d RDS instances, want 2 (the shared one once)", len(dbs))
	}
	shared := 0
	for _, b := range dbs {
		if b.file != "data_stores.tf" {
			t.Errorf("an RDS instance is in %s", b.file)
		}
		if tgStr(t, &b, "identifier") == "postgresql-curved-12345" {
			shared++
		}
	}
	if shared != 1 {
		t.Errorf("postgresql-curved-12345 has %d RDS instances", shared)
	}
	curved := m.must(t, "resource", "aws_db_instance", "postgresql-curved-12345")
	if got := tgStr(t, curved, "instance_class"); got != "db.t4g.medium" {
		t.Errorf("standard-0 instance_class = %q", got)
	}
	if v := tgValue(t, curved, "multi_az"); !v.RawEquals(cty.False) {
		t.Error("standard-0 is Multi-AZ")
	}
	for name, want := range map[string]cty.Value{
		"engine": cty.StringVal("postgres"), "storage_type": cty.StringVal("gp3"), "storage_encrypted": cty.True,
		"deletion_protection": cty.True, "skip_final_snapshot": cty.False, "allocated_storage": cty.NumberIntVal(20),
		"final_snapshot_identifier": cty.StringVal("postgresql-curved-12345-final"), "db_name": cty.StringVal("app"),
	} {
		if got := tgValue(t, curved, name); !got.RawEquals(want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	shiny := m.must(t, "resource", "aws_db_instance", "postgresql-shiny-55555")
	if got := tgStr(t, shiny, "instance_class"); got != "db.r6g.xlarge" {
		t.Errorf("premium-4 instance_class = %q", got)
	}
	if v := tgValue(t, shiny, "multi_az"); !v.RawEquals(cty.True) {
		t.Error("premium-4 is not Multi-AZ")
	}
	// No password in the configuration, hence none in the plan or state:
	// RDS manages it in Secrets Manager, and the caches have none.
	for _, db := range []*tgBlock{curved, shiny} {
		if !tgValue(t, db, "manage_master_user_password").RawEquals(cty.True) {
			t.Errorf("%s does not let RDS manage its password", db.block.Labels[1])
		}
		for _, attr := range []string{"password", "password_wo"} {
			if _, ok := db.block.Body.Attributes[attr]; ok {
				t.Errorf("%s sets %s", db.block.Labels[1], attr)
			}
		}
	}
	if got := m.blocks("resource", "random_password"); len(got) > 0 {
		t.Errorf("%d random_password resources: their result is in the state", len(got))
	}

	redis := m.blocks("resource", "aws_elasticache_replication_group")
	if len(redis) != 1 {
		t.Fatalf("%d replication groups, want 1", len(redis))
	}
	rg := &redis[0]
	for name, want := range map[string]cty.Value{
		"num_cache_clusters": cty.NumberIntVal(2), "automatic_failover_enabled": cty.True, "multi_az_enabled": cty.True,
		"transit_encryption_enabled": cty.True, "at_rest_encryption_enabled": cty.True, "node_type": cty.StringVal("cache.t4g.micro"),
		"replication_group_id": cty.StringVal("redis-rugged-67890"), "engine": cty.StringVal("redis"),
	} {
		if got := tgValue(t, rg, name); !got.RawEquals(want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	locals := m.local(t, "data_store_urls")
	if locals.file != "data_stores.tf" {
		t.Errorf("data_store_urls is in %s", locals.file)
	}
	if _, ok := rg.block.Body.Attributes["auth_token"]; ok {
		t.Error("the replication group sets auth_token, which the state would hold")
	}
	urls := m.src(locals.file, tgAttr(t, locals, "data_store_urls"))
	for _, want := range []string{
		`"postgres://heroku2aws@${aws_db_instance.postgresql-curved-12345.address}:${aws_db_instance.postgresql-curved-12345.port}/app"`,
		`"rediss://${aws_elasticache_replication_group.redis-rugged-67890.primary_endpoint_address}:6379"`,
	} {
		if !strings.Contains(urls, want) {
			t.Errorf("data_store_urls lacks %s", want)
		}
	}

	// Parameters: one per app and attachment, and never a literal value.
	var params []string
	for _, b := range m.blocks("resource", "aws_ssm_parameter") {
		params = append(params, tgStr(t, &b, "name"))
		if v := m.src(b.file, tgAttr(t, &b, "value")); !strings.HasPrefix(v, "local.data_store_urls[") {
			t.Errorf("parameter %s has value %s", b.block.Labels[1], v)
		}
	}
	sort.Strings(params)
	wantParams := []string{"/acme-api/prod/DATABASE_URL", "/acme-api/prod/REDIS_URL", "/acme-search/prod/HEROKU_POSTGRESQL_ONYX_URL", "/acme-worker/prod/DATABASE_URL"}
	if !reflect.DeepEqual(params, wantParams) {
		t.Errorf("parameters = %v, want %v", params, wantParams)
	}

	// database_target_urls: each database once, under the app that copies
	// it, by attachment name.
	out := m.must(t, "output", "database_target_urls")
	if _, ok := out.block.Body.Attributes["sensitive"]; ok {
		t.Error("database_target_urls is marked sensitive, but holds no password")
	}
	arns := tgAttr(t, m.must(t, "output", "database_secret_arns"), "value")
	if got := m.src(out.file, tgItem(tgItem(arns, "acme-search"), "HEROKU_POSTGRESQL_ONYX")); got != "aws_db_instance.postgresql-shiny-55555.master_user_secret[0].secret_arn" {
		t.Errorf("acme-search HEROKU_POSTGRESQL_ONYX secret = %s", got)
	}
	v := tgAttr(t, out, "value")
	if got := tgKeys(t, v); !reflect.DeepEqual(got, []string{"acme-api", "acme-search"}) {
		t.Errorf("database_target_urls apps = %v", got)
	}
	if got := tgKeys(t, tgItem(v, "acme-api")); !reflect.DeepEqual(got, []string{"DATABASE"}) {
		t.Errorf("acme-api's databases = %v", got)
	}
	if got := m.src(out.file, tgItem(tgItem(v, "acme-api"), "DATABASE")); got != `local.data_store_urls["postgresql-curved-12345"]` {
		t.Errorf("acme-api DATABASE = %s", got)
	}
	if got := tgKeys(t, tgItem(v, "acme-search")); !reflect.DeepEqual(got, []string{"HEROKU_POSTGRESQL_ONYX"}) {
		t.Errorf("acme-search's databases = %v", got)
	}
}

func TestTargetAddOnNotes(t *testing.T) {
	t.Parallel()
	m := tgParseTarget(t, sampleInventory())
	search := m.prose("app_acme-search.tf")
	for _, want := range []string{
		"quotaguard-44444 (quotaguardstatic:starter): no known AWS equivalent — needs a decision",
		"bonsai-flat-33333 (bonsai:standard-sm): Amazon OpenSearch Service (aws_opensearch_domain) — not generated, decide and add by hand.",
		"Add-on config vars the tasks do not get on AWS: BONSAI_URL, QUOTAGUARDSTATIC_URL.",
	} {
		if !strings.Contains(search, want) {
			t.Errorf("app_acme-search.tf lacks %q", want)
		}
	}
	api := string(m.files["app_acme-api.tf"])
	for _, want := range []string{"Release command: npm run migrate", "Buildpacks: heroku/nodejs (Node.js).", "stack heroku-24, region us, team acme"} {
		if !strings.Contains(api, want) {
			t.Errorf("app_acme-api.tf lacks %q", want)
		}
	}
	if strings.Contains(api, "needs a decision") {
		t.Error("acme-api's add-ons all have a home")
	}
}

func TestTargetSanitisedNames(t *testing.T) {
	t.Parallel()
	m := tgParseTarget(t, sampleInventory())
	a := m.must(t, "resource", "aws_ecs_task_definition", "n_9lives_old-site_n_2fa-sync")
	b := m.must(t, "resource", "aws_ecs_task_definition", "n_9lives_old-site_n_2fa_sync")
	fa, fb := tgStr(t, a, "family"), tgStr(t, b, "family")
	if fa != "n-9lives-old-site-2fa-sync" || fa == fb || !regexp.MustCompile(`^n-9lives-old-site-2fa-sync-[0-9a-f]{6}$`).MatchString(fb) {
		t.Errorf("families %q and %q", fa, fb)
	}
	if got := tgStr(t, m.must(t, "resource", "aws_lb", "n_9lives_old-site"), "name"); got != "n-9lives-old-site" {
		t.Errorf("ALB name = %q", got)
	}
	if got := tgStr(t, m.must(t, "resource", "aws_cloudwatch_log_group", "n_9lives_old-site"), "name"); got != "/ecs/9lives.old-site" {
		t.Errorf("log group = %q", got)
	}
	// The Performance-M process (2fa.sync) keeps its dyno's size.
	if got := tgStr(t, b, "cpu"); got != "2048" {
		t.Errorf("2fa.sync cpu = %q", got)
	}
	c := tgContainer(t, b)
	if name, _ := tgItem(c, "name").Value(nil); name.AsString() != "2fa-sync" {
		t.Errorf("container name = %q", name.AsString())
	}
}

func TestAWSName(t *testing.T) {
	t.Parallel()
	valid := regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`)
	used := map[string]bool{}
	cases := []struct {
		base string
		max  int
		want string
	}{
		{"acme-api", 32, "acme-api"},
		{"9lives.old-site", 32, "n-9lives-old-site"},
		{"9lives.old-site-2fa-sync", 255, "n-9lives-old-site-2fa-sync"},
		{"Acme API (prod)", 32, "acme-api-prod"},
		{"--x__y--", 32, "x-y"},
		{"", 32, "unnamed"},
		{"名前", 32, "unnamed-" + tgAWSHash("名前")},
	}
	for _, c := range cases {
		if got := awsName(c.base, c.max, used); got != c.want {
			t.Errorf("awsName(%q, %d) = %q, want %q", c.base, c.max, got, c.want)
		}
	}
	// Two names that sanitise alike: the second gets a hash of its own
	// base.
	if got := awsName("9lives.old-site-2fa.sync", 255, used); got != "n-9lives-old-site-2fa-sync-"+tgAWSHash("9lives.old-site-2fa.sync") {
		t.Errorf("the colliding name got %q", got)
	}
	// Long names are cut, keep a stable hash, and stay distinct.
	long := strings.Repeat("abcdefghij", 5)
	a := awsName(long+"-one", 32, used)
	b := awsName(long+"-two", 32, used)
	if len(a) != 32 || len(b) != 32 || a == b || !strings.HasPrefix(a, long[:25]+"-") {
		t.Errorf("long names became %q and %q", a, b)
	}
	if again := awsName(long+"-one", 32, map[string]bool{}); again != a {
		t.Errorf("the same base gave %q then %q", a, again)
	}
	// The same base twice in one namespace still gives two names.
	c := awsName(long+"-one", 32, used)
	if c == a || len(c) > 32 {
		t.Errorf("a repeated base got %q", c)
	}
	// A cut that ends on a hyphen does not leave a double hyphen.
	if got := awsName("abcdefghijklmnopqrstuvwx-zzzzzzzzzz", 32, map[string]bool{}); strings.Contains(got, "--") || len(got) > 32 {
		t.Errorf("cut name %q", got)
	}
	for name := range used {
		if !valid.MatchString(name) {
			t.Errorf("%q is not a valid AWS name", name)
		}
	}
	// Tiny maxima are raised to fit the hash.
	if got := awsName("abcdefghijkl", 3, map[string]bool{}); len(got) != 8 {
		t.Errorf("max 3 gave %q", got)
	}
}

func tgAWSHash(s string) string {
	used := map[string]bool{awsClean(s): true}
	name := awsName(s, 255, used)
	return name[len(name)-6:]
}

func TestTFTemplateEscaping(t *testing.T) {
	t.Parallel()
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{"x": cty.StringVal("X")})}}
	x := tfRef("var", "x")
	cases := []struct {
		expr tfExpr
		want string
	}{
		{tfLit(`echo "${HOME}" %{if} \ $$ $`), `echo "${HOME}" %{if} \ $$ $`},
		{tfLit("line1\nline2\ttab"), "line1\nline2\ttab"},
		{tfLit(`with "quotes" and back\slash`), `with "quotes" and back\slash`},
		{tfLit("ünïcode"), "ünïcode"},
		{tfTmpl("cost $", x, " and 100%", x, "!"), "cost $X and 100%X!"},
		{tfTmpl("${literal}", x, "%{literal}"), "${literal}X%{literal}"},
		{tfTmpl("a$$", x), "a$$X"},
		{tfTmpl("%$", x, "$"), "%$X$"},
	}
	for _, c := range cases {
		e, diags := hclsyntax.ParseExpression(c.expr.toks.Bytes(), "x", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", c.expr.src(), diags.Error())
		}
		v, diags := e.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", c.expr.src(), diags.Error())
		}
		if v.AsString() != c.want {
			t.Errorf("%s evaluates to %q, want %q", c.expr.src(), v.AsString(), c.want)
		}
	}
}

func TestTargetOddInventories(t *testing.T) {
	t.Parallel()
	if _, err := Target(nil); err == nil {
		t.Error("Target(nil) succeeded")
	}
	noIdents := &Inventory{Apps: []App{{Name: "x"}}}
	if _, err := Target(noIdents); err == nil || !strings.Contains(err.Error(), "AssignIdents") {
		t.Errorf("an inventory without identifiers gave %v", err)
	}
	if files, err := Target(&Inventory{}); err != nil {
		t.Errorf("an empty inventory: %v", err)
	} else {
		tgParseFiles(t, files)
	}
	dup := &Inventory{Apps: []App{{Name: "x", Ident: "x"}, {Name: "x", Ident: "x_2"}}}
	if _, err := Target(dup); err == nil {
		t.Error("an app listed twice was accepted")
	}

	tricky := "echo \"${HOME}\" %{x} 'a\\b'\nexit $?"
	big, _ := inventory.LookupDynoSpec("Performance-2XL")
	inv := &Inventory{
		// No team, region or environment.
		Apps: []App{
			{Name: "empty"},
			{Name: "domains-only", Domains: []inventory.Domain{{Hostname: "x.example.com"}}},
			{Name: "sched-only", AddOns: []inventory.AddOn{{Name: "scheduler-1", Service: "scheduler", Plan: "scheduler:standard", AWS: inventory.SuggestAWS("scheduler", "scheduler:standard")}}},
			{Name: "odd", ReleaseCommand: tricky, Processes: []Process{
				{Process: inventory.Process{Type: "web", Command: tricky, Quantity: 1, Size: "Mystery-9X"}},
				{Process: inventory.Process{Type: "huge", Command: "", Quantity: 1, Size: "Performance-2XL", Fargate: big.Fargate()}},
			}},
			{Name: "pg-unknown", Processes: []Process{{Process: inventory.Process{Type: "worker", Command: "x", Quantity: 1, Size: "basic"}}},
				AddOnConfigVars: []string{"HEROKU_POSTGRESQL_RED_URL"},
				AddOns: []inventory.AddOn{{Name: "heroku-postgresql-red", App: "pg-unknown", Service: "heroku-postgresql", Plan: "heroku-postgresql:legacy-x",
					AWS: inventory.SuggestAWS("heroku-postgresql", "heroku-postgresql:legacy-x")}}},
		},
	}
	inv.AssignIdents()
	m := tgParseTarget(t, inv)

	if got := tgStr(t, m.must(t, "resource", "aws_ecs_cluster", "main"), "name"); got != "heroku2aws" {
		t.Errorf("cluster name without a team = %q", got)
	}
	vars := string(m.files["variables.tf"])
	if !strings.Contains(vars, `default     = "us-east-1"`) || !strings.Contains(vars, `default     = "prod"`) {
		t.Error("empty region and environment do not fall back to us-east-1 and prod")
	}
	if !strings.Contains(vars, "length(var.scheduler_jobs) == 0") {
		t.Error("with no schedulable app, scheduler_jobs must be empty")
	}
	for _, b := range m.blocks("resource", "") {
		if strings.HasPrefix(b.file, "app_empty") || strings.HasPrefix(b.file, "app_domains-only") || strings.HasPrefix(b.file, "app_sched-only") {
			switch b.block.Labels[0] {
			case "aws_ecr_repository", "aws_cloudwatch_log_group", "aws_iam_role":
			default:
				t.Errorf("%s has %s", b.file, b.block.Labels[0])
			}
		}
	}
	if !strings.Contains(string(m.files["app_domains-only.tf"]), "no web process") {
		t.Error("domains without a web process are not explained")
	}
	if !strings.Contains(string(m.files["app_sched-only.tf"]), "no schedule is generated") {
		t.Error("a scheduler without processes is not explained")
	}
	if m.find("resource", "aws_iam_role", "scheduler") != nil {
		t.Error("no app is scheduled, yet the scheduler role exists")
	}

	// The tricky command survives HCL escaping, in the process and the
	// release task.
	for _, label := range []string{"odd_web", "odd_release"} {
		td := m.must(t, "resource", "aws_ecs_task_definition", label)
		cmd, diags := tgItem(tgContainer(t, td), "command").Value(nil)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		if got := cmd.Index(cty.NumberIntVal(2)).AsString(); got != tricky {
			t.Errorf("%s command = %q, want %q", label, got, tricky)
		}
	}
	// An unknown size falls back to the smallest task, with a note.
	web := m.must(t, "resource", "aws_ecs_task_definition", "odd_web")
	if tgStr(t, web, "cpu") != "256" || !strings.Contains(m.prose(web.file), `The dyno size "Mystery-9X" is unknown`) {
		t.Error("an unknown dyno size is not flagged")
	}
	// A dyno larger than Fargate gets the largest task and a note.
	huge := m.must(t, "resource", "aws_ecs_task_definition", "odd_huge")
	if big.Fargate().Fits || tgStr(t, huge, "cpu") != "16384" || tgStr(t, huge, "memory") != "122880" {
		t.Errorf("Performance-2XL: cpu %s memory %s", tgStr(t, huge, "cpu"), tgStr(t, huge, "memory"))
	}
	if !strings.Contains(m.prose(huge.file), "larger than the largest Fargate task") {
		t.Error("an oversized dyno is not flagged")
	}
	if tgItem(tgContainer(t, huge), "command") != nil {
		t.Error("an empty command must leave the image's default")
	}
	// The web container's comment keeps the command on one line.
	if strings.Contains(string(m.files[web.file]), "\nexit $?") {
		t.Error("a newline in a command broke out of a comment")
	}

	// A Postgres plan with no known size gets the fallback class and a
	// parameter named after its config var.
	db := m.must(t, "resource", "aws_db_instance", "heroku-postgresql-red")
	if tgStr(t, db, "instance_class") != "db.t4g.micro" || !strings.Contains(string(m.files[db.file]), "placeholder") {
		t.Error("an unknown Postgres plan is not flagged")
	}
	p := m.must(t, "resource", "aws_ssm_parameter", "pg-unknown_heroku_postgresql_red_url")
	if got := tgStr(t, p, "name"); got != "/pg-unknown/prod/HEROKU_POSTGRESQL_RED_URL" {
		t.Errorf("parameter name = %q", got)
	}
	if m.find("resource", "aws_elasticache_subnet_group", "main") != nil {
		t.Error("no Redis, yet an ElastiCache subnet group")
	}

	// No data stores at all: data_stores.tf is comments only.
	none := &Inventory{Apps: []App{{Name: "solo", Processes: []Process{{Process: inventory.Process{Type: "web", Command: "x", Quantity: 1}}}}}}
	none.AssignIdents()
	m = tgParseTarget(t, none)
	if len(m.bodies["data_stores.tf"].Blocks) != 0 {
		t.Error("data_stores.tf has blocks without data stores")
	}
	if m.find("resource", "aws_security_group", "databases") != nil {
		t.Error("no data stores, yet a databases security group")
	}
}

// targetScaleInventory builds n small apps with names chosen to collide: long
// shared prefixes, app/process pairs that join alike, names that sanitise
// alike, and shared add-ons.
func targetScaleInventory(n int) *Inventory {
	proc := func(typ string, qty int) Process {
		spec, _ := inventory.LookupDynoSpec("standard-1X")
		return Process{Process: inventory.Process{Type: typ, Command: "bin/" + typ, Quantity: qty, Size: "standard-1X", Fargate: spec.Fargate()}}
	}
	addon := func(name, service, plan string, apps ...string) inventory.AddOn {
		ad := inventory.AddOn{Name: name, App: apps[0], Service: service, Plan: plan, AWS: inventory.SuggestAWS(service, plan)}
		for _, a := range apps {
			ad.Attachments = append(ad.Attachments, inventory.Attachment{App: a, Name: "DATABASE"})
		}
		return ad
	}
	inv := &Inventory{Team: "a-rather-long-team-name-for-prefixes", AWSRegion: "eu-west-1", Environment: "staging"}
	name := func(i int) string {
		switch i % 5 {
		case 0:
			return fmt.Sprintf("a-very-long-shared-application-name-prefix-%04d", i)
		case 1:
			return fmt.Sprintf("svc-%d", i)
		case 2:
			return fmt.Sprintf("svc-%d-web", i-1) // app "svc-N-web" vs app "svc-N" + process "web"
		default:
			return fmt.Sprintf("app-%04d", i)
		}
	}
	for i := range n {
		a := App{Name: name(i), HerokuRegion: "us", Stack: "heroku-24"}
		if i%2 == 0 || i%5 == 1 {
			a.Processes = append(a.Processes, proc("web", 1))
		}
		if i%3 == 0 {
			a.Processes = append(a.Processes, proc("worker", 2), proc("worker.two", 1), proc("worker-two", 1))
		}
		if i%5 == 1 {
			a.Processes = append(a.Processes, proc("web-release", 1))
		}
		if i%7 == 0 {
			a.ReleaseCommand = "bin/release"
		}
		if i%10 == 0 {
			a.Domains = []inventory.Domain{{Hostname: fmt.Sprintf("app%d.example.com", i)}, {Hostname: fmt.Sprintf("www.app%d.example.com", i)}}
		}
		if i%4 == 0 {
			a.AddOns = append(a.AddOns, addon(fmt.Sprintf("postgresql-with-a-long-generated-name-%05d", i), "heroku-postgresql", "heroku-postgresql:standard-0", a.Name))
			a.AddOnConfigVars = append(a.AddOnConfigVars, "DATABASE_URL")
		}
		if i%50 == 1 && i+1 < n {
			// Shared with the next app.
			shared := addon(fmt.Sprintf("postgresql-shared-%d", i), "heroku-postgresql", "heroku-postgresql:premium-2", name(i), name(i+1))
			a.AddOns = append(a.AddOns, shared)
		}
		if i%50 == 2 {
			a.AddOns = append(a.AddOns, addon(fmt.Sprintf("postgresql-shared-%d", i-1), "heroku-postgresql", "heroku-postgresql:premium-2", name(i-1), name(i)))
		}
		if i%6 == 0 {
			a.AddOns = append(a.AddOns, addon(fmt.Sprintf("redis-with-a-very-long-generated-name-%05d", i), "heroku-redis", "heroku-redis:premium-3", a.Name))
		}
		if i%8 == 0 {
			a.AddOns = append(a.AddOns, addon(fmt.Sprintf("scheduler-%d", i), "scheduler", "scheduler:standard", a.Name))
		}
		a.UserConfigVars = []string{"SECRET_KEY_BASE", "RAILS_ENV"}
		inv.Apps = append(inv.Apps, a)
	}
	inv.AssignIdents()
	return inv
}

func TestTargetScalesTo1500Apps(t *testing.T) {
	t.Parallel()
	inv := targetScaleInventory(1500)
	start := time.Now()
	files, err := Target(inv)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1,500 apps: %d files, %d KiB, in %s", len(files), tgTotalSize(files)/1024, elapsed)
	// No time limit here: timings belong to `make bench`, and the race
	// detector makes this ten times slower.
	m := tgParseFiles(t, files)
	if len(m.files) != 1500+7 {
		t.Errorf("%d files for 1,500 apps", len(m.files))
	}

	// Every address is unique across the module.
	addrs := map[string]string{}
	for name, body := range m.bodies {
		for _, b := range body.Blocks {
			keys := []string{}
			switch b.Type {
			case "resource", "data":
				keys = append(keys, b.Type+"."+strings.Join(b.Labels, "."))
			case "locals":
				for a := range b.Body.Attributes {
					keys = append(keys, "local."+a)
				}
			case "variable", "output":
				keys = append(keys, b.Type+"."+b.Labels[0])
			}
			for _, k := range keys {
				if other, dup := addrs[k]; dup {
					t.Errorf("%s is declared in %s and %s", k, other, name)
				}
				addrs[k] = name
			}
		}
	}

	type rule struct {
		typ, attr string
		re        *regexp.Regexp
	}
	hyphenated := func(limit int) *regexp.Regexp {
		return regexp.MustCompile(fmt.Sprintf(`^[a-z](?:[a-z0-9]|-[a-z0-9]){0,%d}$`, limit-1))
	}
	rules := []rule{
		{"aws_lb", "name", hyphenated(32)},
		{"aws_lb_target_group", "name", hyphenated(32)},
		{"aws_db_instance", "identifier", hyphenated(63)},
		{"aws_db_instance", "final_snapshot_identifier", hyphenated(255)},
		{"aws_elasticache_replication_group", "replication_group_id", hyphenated(40)},
		{"aws_ecs_task_definition", "family", regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)},
		{"aws_ecs_service", "name", regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)},
		{"aws_iam_role", "name", regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)},
		{"aws_ecr_repository", "name", regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)},
		{"aws_cloudwatch_log_group", "name", regexp.MustCompile(`^[\w./#-]{1,512}$`)},
		{"aws_security_group", "name", regexp.MustCompile(`^[\w .-]{1,255}$`)},
	}
	counts := map[string]int{}
	for _, r := range rules {
		seen := map[string]bool{}
		for _, b := range m.blocks("resource", r.typ) {
			v := tgStr(t, &b, r.attr)
			if !r.re.MatchString(v) {
				t.Errorf("%s.%s %s = %q is not valid", r.typ, b.block.Labels[1], r.attr, v)
			}
			if seen[v] {
				t.Errorf("%s %s %q is used twice", r.typ, r.attr, v)
			}
			seen[v] = true
		}
		counts[r.typ] = len(seen)
	}
	t.Logf("resources checked: %v", counts)
	if counts["aws_lb"] == 0 || counts["aws_db_instance"] == 0 || counts["aws_elasticache_replication_group"] == 0 {
		t.Fatal("the scale inventory produced no load balancers or data stores")
	}
	// Shared databases: one instance each.
	if n := len(m.blocks("resource", "aws_db_instance")); n != 375+30 {
		t.Errorf("%d RDS instances, want 405 (375 own + 30 shared)", n)
	}

	// Schedules: the literal name prefix plus a key of at most 32
	// characters fits EventBridge's 64.
	prefixes := map[string]bool{}
	for _, b := range m.blocks("resource", "aws_scheduler_schedule") {
		tmpl, ok := tgAttr(t, &b, "name").(*hclsyntax.TemplateExpr)
		if !ok {
			t.Fatalf("schedule %s name is not a template", b.block.Labels[1])
		}
		lit, _ := tmpl.Parts[0].Value(nil)
		p := lit.AsString()
		if len(p)+32 > 64 || !regexp.MustCompile(`^[a-z0-9-]+_$`).MatchString(p) || prefixes[p] {
			t.Errorf("schedule name prefix %q", p)
		}
		prefixes[p] = true
	}
	if len(prefixes) != 188 {
		t.Errorf("%d schedules, want 188", len(prefixes))
	}

	// SSM parameter names are unique.
	params := map[string]bool{}
	for _, b := range m.blocks("resource", "aws_ssm_parameter") {
		n := tgStr(t, &b, "name")
		if params[n] {
			t.Errorf("parameter %s is written twice", n)
		}
		params[n] = true
	}

	// The IAM policies switch to wildcards rather than outgrow IAM's size
	// limit.
	cluster := m.prose("cluster.tf")
	for _, want := range []string{"do not fit IAM's inline policy size limit: the policy below allows /*/<environment>/*",
		"scheduled apps' task definitions and roles do not fit"} {
		if !strings.Contains(cluster, want) {
			t.Errorf("cluster.tf lacks %q", want)
		}
	}
	for _, label := range []string{"task_execution_ssm", "scheduler"} {
		pol := m.must(t, "resource", "aws_iam_role_policy", label)
		if n := len(m.src(pol.file, tgAttr(t, pol, "policy"))); n > 2000 {
			t.Errorf("policy %s is %d characters of source", label, n)
		}
	}
}

// TestTargetTerraformValidate runs terraform init, validate and test (with
// a mocked AWS provider, so without credentials or network) on the sample
// output, when a local provider mirror holds hashicorp/aws. The mirror is
// HEROKU2AWS_TF_PLUGIN_DIR, or /opt/tf-plugins. The output needs no other
// provider (no hashicorp/random: RDS generates the passwords).
func TestTargetTerraformValidate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow: runs terraform")
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH")
	}
	mirror := os.Getenv("HEROKU2AWS_TF_PLUGIN_DIR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io/hashicorp/aws")); err != nil {
		t.Skipf("no hashicorp/aws provider in %s", mirror)
	}
	files, err := Target(sampleInventory())
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if bytes.Contains(data, []byte(`"hashicorp/random"`)) || bytes.Contains(data, []byte("random_password")) {
			t.Fatalf("%s needs the random provider, which the mirror does not hold", name)
		}
	}
	dir := t.TempDir()
	tgWriteFiles(t, dir, files)
	tgWriteFiles(t, filepath.Join(dir, "tests"), map[string][]byte{"target.tftest.hcl": []byte(tgMockTest)})
	for _, args := range [][]string{
		{"init", "-backend=false", "-input=false", "-plugin-dir=" + mirror},
		{"validate", "-no-color"},
		{"test", "-no-color"},
	} {
		cmd := exec.Command(tf, args...)
		cmd.Dir = dir
		cmd.Env = tgTerraformEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
		}
	}
}

// tgMockTest plans and applies the sample output against a mocked
// AWS provider and checks the parts that only Terraform evaluates: the
// scheduler's for_each and process choice, the secrets' ARNs, the
// certificate records, the outputs and the variables' validations.
const tgMockTest = `
mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b"] }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  # RDS fills master_user_secret when it manages the password; the mock
  # would leave it empty.
  mock_resource "aws_db_instance" {
    defaults = {
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123", kms_key_id = "", secret_status = "active" }]
    }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123456789abcdef", dns_name = "x-1.us-east-1.elb.amazonaws.com" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/0123456789abcdef" }
  }
  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/0123456789abcdef/0123456789abcdef" }
  }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/0123"
      domain_validation_options = [
        { domain_name = "api.acme.com", resource_record_name = "_a.api.acme.com.", resource_record_type = "CNAME", resource_record_value = "_b.acm-validations.aws." },
        { domain_name = "www.acme.com", resource_record_name = "_a.www.acme.com.", resource_record_type = "CNAME", resource_record_value = "_c.acm-validations.aws." },
        { domain_name = "search.acme.com", resource_record_name = "_a.search.acme.com.", resource_record_type = "CNAME", resource_record_value = "_d.acm-validations.aws." },
      ]
    }
  }
  mock_resource "aws_acm_certificate_validation" {
    defaults = { certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0123" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/heroku2aws/acme/x" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:cluster/acme", id = "arn:aws:ecs:us-east-1:123456789012:cluster/acme" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/x:1" }
  }
  mock_resource "aws_ssm_parameter" {
    defaults = { arn = "arn:aws:ssm:us-east-1:123456789012:parameter/x" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x" }
  }
}

variables {
  scheduler_jobs = {
    nightly = { app = "acme-api", schedule = "cron(0 3 * * ? *)", command = "rake \"x\" $HOME" }
    often   = { app = "acme-api", schedule = "rate(10 minutes)", command = "bin/often", process = "web" }
  }
  route53_zone_ids = { "api.acme.com" = "Z0123ABC" }
}

run "apply" {
  command = apply

  assert {
    condition     = length(aws_scheduler_schedule.acme-api) == 2 && aws_scheduler_schedule.acme-api["nightly"].name == "acme-api_nightly"
    error_message = "Two schedules named after the app and the job."
  }
  assert {
    condition     = jsondecode(aws_scheduler_schedule.acme-api["nightly"].target[0].input).containerOverrides[0].name == "worker"
    error_message = "A job without a process runs in the worker container."
  }
  assert {
    condition     = jsondecode(aws_scheduler_schedule.acme-api["often"].target[0].input).containerOverrides[0].name == "web"
    error_message = "A job with process web runs in the web container."
  }
  assert {
    condition     = jsondecode(aws_scheduler_schedule.acme-api["nightly"].target[0].input).containerOverrides[0].command[2] == "rake \"x\" $HOME"
    error_message = "The job's command is passed as is."
  }
  assert {
    condition     = contains([for s in jsondecode(aws_ecs_task_definition.acme-api_web.container_definitions)[0].secrets : s.valueFrom], "arn:aws:ssm:us-east-1:123456789012:parameter/acme-api/prod/SECRET_KEY_BASE")
    error_message = "SECRET_KEY_BASE comes from its SSM parameter ARN."
  }
  assert {
    condition     = length(aws_route53_record.acme-api_validation) == 1 && length(aws_route53_record.acme-search_validation) == 0
    error_message = "Validation records only for domains with a zone."
  }
  assert {
    condition     = aws_route53_record.acme-api_validation["api.acme.com"].name == "_a.api.acme.com."
    error_message = "The validation record comes from the certificate."
  }
  assert {
    condition     = output.database_target_urls["acme-api"]["DATABASE"] == "postgres://heroku2aws@${aws_db_instance.postgresql-curved-12345.address}:${aws_db_instance.postgresql-curved-12345.port}/app"
    error_message = "database_target_urls holds the RDS URL, without a password."
  }
  assert {
    condition     = contains([for s in jsondecode(aws_ecs_task_definition.acme-api_web.container_definitions)[0].secrets : s.valueFrom if s.name == "DATABASE_PASSWORD"], "${aws_db_instance.postgresql-curved-12345.master_user_secret[0].secret_arn}:password::")
    error_message = "DATABASE_PASSWORD comes from the password key of the RDS-managed secret."
  }
  assert {
    condition     = aws_ssm_parameter.acme-worker_database_url.name == "/acme-worker/prod/DATABASE_URL"
    error_message = "The parameter path is /<app>/<environment>/<NAME>."
  }
  assert {
    condition     = aws_subnet.private[1].cidr_block == "10.0.128.0/18" && aws_subnet.public[1].cidr_block == "10.0.16.0/20"
    error_message = "Subnets do not overlap."
  }
}

run "job_for_an_app_without_scheduler" {
  command = plan
  variables {
    scheduler_jobs = { x = { app = "acme-worker", schedule = "rate(1 hour)", command = "x" } }
  }
  expect_failures = [var.scheduler_jobs]
}

run "job_for_an_unknown_process" {
  command = plan
  variables {
    scheduler_jobs = { x = { app = "acme-api", schedule = "rate(1 hour)", command = "x", process = "nope" } }
  }
  expect_failures = [var.scheduler_jobs]
}

run "zone_for_an_unknown_domain" {
  command = plan
  variables {
    route53_zone_ids = { "nope.acme.com" = "Z0123ABC" }
  }
  expect_failures = [var.route53_zone_ids]
}
`

// tgTerraformEnv keeps terraform off the network and out of the user's
// configuration.
func tgTerraformEnv() []string {
	return append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
}

func tgWriteFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func tgTotalSize(files map[string][]byte) int {
	n := 0
	for _, d := range files {
		n += len(d)
	}
	return n
}

func tgSortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
