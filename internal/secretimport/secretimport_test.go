package secretimport

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

func TestShapeFiltersThenRenames(t *testing.T) {
	t.Parallel()
	values := map[string]string{"DATABASE_URL": "db", "SECRET_KEY_BASE": "skb", "AWS_REGION": "r", "API_TOKEN": "tok"}
	got, problems := Shape{Filter: inventory.Filter{Exclude: []string{"AWS_*"}}, Rename: map[string]string{"DATABASE_URL": "LEGACY_DATABASE_URL"}}.Apply(values)
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	want := map[string]string{"LEGACY_DATABASE_URL": "db", "SECRET_KEY_BASE": "skb", "API_TOKEN": "tok"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	got, _ = Shape{Filter: inventory.Filter{Include: []string{"API_*", "SECRET_KEY_BASE"}}}.Apply(values)
	if !reflect.DeepEqual(slices.Sorted(maps.Keys(got)), []string{"API_TOKEN", "SECRET_KEY_BASE"}) {
		t.Fatalf("include: %v", got)
	}
}

func TestShapeRenameCollision(t *testing.T) {
	t.Parallel()
	_, problems := Shape{Rename: map[string]string{"A": "B"}}.Apply(map[string]string{"A": "1", "B": "2"})
	// The collision points at the rename entry that caused it.
	if len(problems) != 1 || problems[0].Key != "A" || problems[0].Attribute != "rename" ||
		!strings.Contains(problems[0].Detail, `"A"`) || !strings.Contains(problems[0].Detail, `"B"`) {
		t.Fatalf("want one collision problem naming A and B, got %+v", problems)
	}
	if u := (Shape{Rename: map[string]string{"GONE": "X"}}).UnusedRenames(map[string]string{"A": ""}); !reflect.DeepEqual(u, []string{"GONE"}) {
		t.Fatalf("unused renames: %v", u)
	}
}

func TestValidateSSMNames(t *testing.T) {
	t.Parallel()
	good := []string{"/acme/prod/DATABASE_URL", "plain_name", "/a.b-c_d/x"}
	bad := []string{"", "/aws/x", "/SSM/x", "awsome", "no/leading/slash", "/a//b", "/a/b/", "/bad name", "/a/" + strings.Repeat("x", 1020),
		"/" + strings.Repeat("l/", 15) + "x"}
	for _, n := range good {
		if err := ValidateSSMName(n); err != nil {
			t.Errorf("%q rejected: %v", n, err)
		}
	}
	for _, n := range bad {
		if err := ValidateSSMName(n); err == nil {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestValidateSecretNames(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"acme/prod", "a+b=c.d@e_f-g", "acme/prod/DATABASE_URL"} {
		if err := ValidateSecretName(n); err != nil {
			t.Errorf("%q rejected: %v", n, err)
		}
	}
	for _, n := range []string{"", "has space", "acme/prod-abcdef", strings.Repeat("x", 513), "bad#char"} {
		if err := ValidateSecretName(n); err == nil {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestValidateSizesAndTiers(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 5000)
	huge := strings.Repeat("x", 9000)
	ssm := Destination{Kind: KindSSM, PathPrefix: "/acme/prod/", Tier: TierAuto}
	if p := Validate(ssm, Shape{}, "values", map[string]string{"BIG": big}, nil); len(p) != 0 {
		t.Fatalf("auto should take 5 KB into Advanced: %+v", p)
	}
	std := ssm
	std.Tier = TierStandard
	p := Validate(std, Shape{}, "values", map[string]string{"BIG": big}, nil)
	// ssm.tier is not a map: the key is named in the detail.
	if len(p) != 1 || p[0].Key != "" || p[0].Attribute != "ssm.tier" || !strings.Contains(p[0].Detail, `"BIG"`) {
		t.Fatalf("Standard with 5 KB: %+v", p)
	}
	p = Validate(ssm, Shape{}, "values", map[string]string{"HUGE": huge}, nil)
	if len(p) != 1 || p[0].Key != "" || p[0].Attribute != "ssm" || !strings.Contains(p[0].Detail, `"HUGE"`) ||
		!strings.Contains(p[0].Detail, "secretsmanager") {
		t.Fatalf("9 KB must point at Secrets Manager: %+v", p)
	}
	p = Validate(std, Shape{}, "values", map[string]string{"K": "v"}, map[string]KeyState{"K": {Tier: TierAdvanced}})
	if len(p) != 1 || p[0].Summary != "Cannot Downgrade an Advanced Parameter" {
		t.Fatalf("downgrade: %+v", p)
	}
	if DesiredTier(TierAuto, "small", TierAdvanced) != TierAdvanced {
		t.Fatal("auto must keep Advanced")
	}

	json := Destination{Kind: KindSecretsManager, Name: "acme/prod"}
	many := map[string]string{}
	for i := 0; i < 20; i++ {
		many[strings.Repeat("K", i+1)] = strings.Repeat("v", 4000)
	}
	p = Validate(json, Shape{}, "values", many, nil)
	if len(p) != 1 || p[0].Summary != "Secret Too Large" {
		t.Fatalf("80 KB JSON: %+v", p)
	}
	p = Validate(Destination{Kind: KindSSM, PathPrefix: "/aws/x/"}, Shape{}, "values", map[string]string{"A": "1"}, nil)
	if len(p) != 1 || p[0].Attribute != "ssm.path_prefix" {
		t.Fatalf("reserved prefix: %+v", p)
	}
	p = Validate(Destination{Kind: KindSecretsManagerPerVar, NamePrefix: "app/"}, Shape{}, "values", map[string]string{"DB-ABCDEF": "1", "OK": "1"}, nil)
	if len(p) != 1 || p[0].Key != "DB-ABCDEF" || p[0].Attribute != "values" {
		t.Fatalf("per-var ARN-suffix-shaped name: %+v", p)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	d := Destination{Kind: KindSSM, PathPrefix: "/p/"}
	salt := "salt"
	prior := map[string]KeyState{
		"SAME":    {Name: "/p/SAME", Fingerprint: Fingerprint(salt, "1"), Tier: TierStandard},
		"CHANGED": {Name: "/p/CHANGED", Fingerprint: Fingerprint(salt, "old"), Tier: TierStandard},
		"GONE":    {Name: "/p/GONE", Fingerprint: Fingerprint(salt, "x"), Tier: TierStandard},
	}
	desired := map[string]string{"SAME": "1", "CHANGED": "new", "NEW": "n"}
	got := Diff(d, desired, prior, salt, false)
	want := []Change{{"CHANGED", OpUpdate}, {"NEW", OpCreate}, {"GONE", OpDelete}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	all := Diff(d, desired, prior, salt, true)
	if len(all) != 4 {
		t.Fatalf("rewriteAll: %v", all)
	}
}

func TestFingerprintIsKeyed(t *testing.T) {
	t.Parallel()
	a, b := Fingerprint("s1", "secret"), Fingerprint("s2", "secret")
	if a == b || !strings.HasPrefix(a, "hmac-sha256:") || strings.Contains(a, "secret") {
		t.Fatalf("%s %s", a, b)
	}
	if Fingerprint("s1", "secret") != a {
		t.Fatal("not deterministic")
	}
	s1, _ := NewSalt()
	s2, _ := NewSalt()
	if s1 == s2 || len(s1) != 64 {
		t.Fatal("salts must be random 32-byte hex")
	}
}

func TestIDRoundTrip(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"ssm:/acme/prod/", "secretsmanager:acme/prod", "secretsmanager_per_var:acme/prod/"} {
		d, err := ParseID(id)
		if err != nil || d.ID() != id {
			t.Errorf("%s: %v %v", id, d, err)
		}
	}
	for _, bad := range []string{"", "ssm", "ssm:", "s3:bucket"} {
		if _, err := ParseID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestMonthlyCost(t *testing.T) {
	t.Parallel()
	keys := map[string]KeyState{"A": {Tier: TierStandard}, "B": {Tier: TierAdvanced}, "C": {Tier: TierAdvanced}}
	if got := MonthlyCost(Destination{Kind: KindSSM}, keys); got != 0.10 {
		t.Errorf("ssm: %v", got)
	}
	if got := MonthlyCost(Destination{Kind: KindSecretsManager}, keys); got != 0.40 {
		t.Errorf("json: %v", got)
	}
	if got := MonthlyCost(Destination{Kind: KindSecretsManagerPerVar}, keys); got != 1.20 {
		t.Errorf("per var: %v", got)
	}
}

func TestValidateRecoveryWindow(t *testing.T) {
	t.Parallel()
	for _, ok := range []int{0, 7, 30} {
		if ValidateRecoveryWindow(ok) != nil {
			t.Errorf("%d rejected", ok)
		}
	}
	for _, bad := range []int{1, 6, 31, -1} {
		if ValidateRecoveryWindow(bad) == nil {
			t.Errorf("%d accepted", bad)
		}
	}
}

func TestPrepareSkipsEmptyValuesPerKey(t *testing.T) {
	t.Parallel()
	values := map[string]string{"A": "1", "EMPTY": "", "NULLED": ""}
	for _, kind := range []Kind{KindSSM, KindSecretsManagerPerVar} {
		got, skipped, _ := Prepare(Destination{Kind: kind}, Shape{}, values)
		if len(got) != 1 || !reflect.DeepEqual(skipped, []string{"EMPTY", "NULLED"}) {
			t.Errorf("%s: kept %v, skipped %v", kind, got, skipped)
		}
	}
	got, skipped, _ := Prepare(Destination{Kind: KindSecretsManager}, Shape{}, values)
	if len(got) != 3 || skipped != nil {
		t.Errorf("JSON keeps empty values: kept %v, skipped %v", got, skipped)
	}
}

// A problem with a key's name points at the rename entry that produced the
// key, else at the key in the values attribute that was passed in.
func TestValidateLocatesKeys(t *testing.T) {
	t.Parallel()
	d := Destination{Kind: KindSSM, PathPrefix: "/p/"}
	s := Shape{Rename: map[string]string{"DATABASE_URL": "bad name"}}
	p := Validate(d, s, "values_wo", map[string]string{"bad name": "x", "also bad!": "y"}, nil)
	if len(p) != 2 {
		t.Fatalf("want two problems, got %+v", p)
	}
	if p[0].Attribute != "values_wo" || p[0].Key != "also bad!" {
		t.Errorf("unrenamed key: %+v", p[0])
	}
	if p[1].Attribute != "rename" || p[1].Key != "DATABASE_URL" {
		t.Errorf("renamed key: %+v", p[1])
	}
	big := strings.Repeat("x", SecretMaxBytes+1)
	p = Validate(Destination{Kind: KindSecretsManagerPerVar, NamePrefix: "app/"}, Shape{}, "values_wo", map[string]string{"BIG": big}, nil)
	if len(p) != 1 || p[0].Attribute != "values_wo" || p[0].Key != "BIG" {
		t.Errorf("value too large: %+v", p)
	}
}

func TestPlanApply(t *testing.T) {
	t.Parallel()
	salt := "salt"
	prior := map[string]KeyState{
		"SAME": {Name: "/p/SAME", Version: "3", Fingerprint: Fingerprint(salt, "1"), ARN: "arn:same", Tier: TierStandard},
		"CHG":  {Name: "/p/CHG", Version: "1", Fingerprint: Fingerprint(salt, "old"), ARN: "arn:chg", Tier: TierStandard},
	}
	desired := map[string]string{"SAME": "1", "CHG": "new", "NEW": "n"}
	plan := PlanApply(Destination{Kind: KindSSM, PathPrefix: "/p/"}, desired, prior, salt, false)
	if len(plan.Changes) != 2 || plan.Keys["SAME"] != (PlannedKey{State: prior["SAME"]}) {
		t.Fatalf("ssm plan: %+v", plan)
	}
	chg := plan.Keys["CHG"]
	if !chg.VersionUnknown || chg.ARNUnknown || chg.State.ARN != "arn:chg" || chg.State.Tier != TierStandard || chg.TierUnknown {
		t.Errorf("changed key: %+v", chg)
	}
	if n := plan.Keys["NEW"]; !n.ARNUnknown || n.State.Name != "/p/NEW" || n.State.Fingerprint != Fingerprint(salt, "n") {
		t.Errorf("new key: %+v", n)
	}
	it := PlanApply(Destination{Kind: KindSSM, PathPrefix: "/p/", Tier: TierIntelligentTiering}, desired, prior, salt, false)
	if !it.Keys["NEW"].TierUnknown {
		t.Errorf("Intelligent-Tiering: the tier is AWS's choice: %+v", it.Keys["NEW"])
	}
	// One JSON secret: any change gives every key a new version.
	jsonPrior := map[string]KeyState{"SAME": {Name: "s", Version: "v1", Fingerprint: Fingerprint(salt, "1"), ARN: "arn:s"}}
	plan = PlanApply(Destination{Kind: KindSecretsManager, Name: "s"}, desired, jsonPrior, salt, false)
	if same := plan.Keys["SAME"]; !same.VersionUnknown || same.ARNUnknown || plan.MonthlyCost != PriceSecretPerMonth {
		t.Errorf("json plan: %+v", plan)
	}
}
