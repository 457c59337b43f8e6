package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

func TestAddProblems(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	addProblems(&diags, []problem.Problem{
		problem.Errorf("ssm.tier", "Invalid Tier", "x"),
		{Attribute: "rename", Key: "FOO", Summary: "Rename Collision", Detail: "y"},
		problem.Warnf("ttl", "Long TTL", "z"),
		problem.Errorf("source.database_url", "Invalid URL", "source.database_url has no host"),
		problem.Errorf("target_url", "Invalid URL", "target_url has no host"),
		problem.Errorf("", "Invalid Source", "w"),
	}, "target_url", "source.database_url")

	want := []struct {
		path    path.Path
		warning bool
	}{
		{path.Root("ssm").AtName("tier"), false},
		{path.Root("rename").AtMapKey("FOO"), false},
		{path.Root("ttl"), true},
		{path.Root("source"), false},
		{path.Empty(), false},
		{path.Empty(), false},
	}
	if len(diags) != len(want) {
		t.Fatalf("got %d diagnostics: %v", len(diags), diags)
	}
	for i, d := range diags {
		var got path.Path
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			got = wp.Path()
		}
		if got.String() != want[i].path.String() {
			t.Errorf("diagnostic %d (%s): path %s, want %s", i, d.Summary(), got, want[i].path)
		}
		if (d.Severity() == diag.SeverityWarning) != want[i].warning {
			t.Errorf("diagnostic %d (%s): severity %v", i, d.Summary(), d.Severity())
		}
	}
}
