package codegen

import (
	"regexp"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var hclIdentifier = regexp.MustCompile(`^[a-z_][a-z0-9_-]*$`)

func TestIdentifier(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"acme-api":          "acme-api",
		"Acme API (prod)":   "acme_api_prod",
		"123-start":         "n_123-start",
		"-lead":             "lead",
		"":                  "unnamed",
		"!!!":               "unnamed",
		"web":               "web",
		"Standard-1X":       "standard-1x",
		"postgresql-curved": "postgresql-curved",
		"api.acme.com":      "api_acme_com",
		"naïve-app":         "na_ve-app",
		"DATABASE_URL":      "database_url",
	}
	for in, want := range cases {
		if got := Identifier(in); got != want {
			t.Errorf("Identifier(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamerIsStableAndUnique(t *testing.T) {
	t.Parallel()
	n := NewNamer("this")
	a, b, c := n.Name("api.acme.com"), n.Name("api_acme_com"), n.Name("API ACME COM")
	if a != "api_acme_com" || b != "api_acme_com_2" || c != "api_acme_com_3" {
		t.Fatalf("got %q %q %q", a, b, c)
	}
	if n.Name("api.acme.com") != a {
		t.Fatal("the same name must get the same identifier")
	}
	if n.Name("this") != "this_2" {
		t.Fatal("reserved identifiers must not be handed out")
	}
}

// FuzzIdentifier: every name gives a valid identifier that HCL itself
// accepts, and Namer never hands out one identifier twice.
func FuzzIdentifier(f *testing.F) {
	for _, s := range []string{"acme-api", "", "123", "a b", "名前", "-", "_", "x.y.z", "\x00\xff"} {
		f.Add(s, "other")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, name := range []string{a, b} {
			id := Identifier(name)
			if !hclIdentifier.MatchString(id) || !hclsyntax.ValidIdentifier(id) {
				t.Fatalf("Identifier(%q) = %q is not a valid HCL identifier", name, id)
			}
			if Identifier(name) != id {
				t.Fatalf("Identifier(%q) is not deterministic", name)
			}
		}
		n := NewNamer()
		ia, ib := n.Name(a), n.Name(b)
		if a != b && ia == ib {
			t.Fatalf("%q and %q both became %q", a, b, ia)
		}
		if a == b && ia != ib {
			t.Fatalf("%q got two identifiers %q and %q", a, ia, ib)
		}
	})
}
