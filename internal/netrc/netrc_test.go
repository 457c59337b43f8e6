package netrc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseHerokuCLIFile(t *testing.T) {
	t.Parallel()
	text := "machine api.heroku.com\n  login me@example.com\n  password tok-api\n" +
		"machine git.heroku.com\n  login me@example.com\n  password tok-git\n" +
		"# a comment\nmacdef init\n  cd /tmp\n  password not-this\n\ndefault login anon password anon-pw\n"
	got := Parse(text)
	if e := got["api.heroku.com"]; e.Login != "me@example.com" || e.Password != "tok-api" {
		t.Fatalf("api.heroku.com = %+v", e)
	}
	if e := got["git.heroku.com"]; e.Password != "tok-git" {
		t.Fatalf("git.heroku.com = %+v", e)
	}
	if e := got[""]; e.Password != "anon-pw" {
		t.Fatalf("default = %+v", e)
	}
}

func TestParseOneLineEntries(t *testing.T) {
	t.Parallel()
	got := Parse("machine a login x password p1 machine b login y password p2")
	if got["a"].Password != "p1" || got["b"].Password != "p2" {
		t.Fatalf("got %+v", got)
	}
}

func TestPassword(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, ".netrc")
	if err := os.WriteFile(p, []byte("machine api.heroku.com login u password secret-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pw, ok, err := Password(p, "api.heroku.com")
	if err != nil || !ok || pw != "secret-token" {
		t.Fatalf("Password = %q, %v, %v", pw, ok, err)
	}
	if _, ok, err := Password(p, "other"); ok || err != nil {
		t.Fatalf("unknown machine: ok=%v err=%v", ok, err)
	}
	if _, ok, err := Password(filepath.Join(dir, "missing"), "api.heroku.com"); ok || err != nil {
		t.Fatalf("missing file: ok=%v err=%v", ok, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("machine api.heroku.com login a password b")
	f.Add("macdef x\nbody\n\nmachine m password")
	f.Add("default\npassword")
	f.Fuzz(func(t *testing.T, text string) {
		for machine, e := range Parse(text) {
			// Every value is a single token lifted verbatim from the input.
			for _, v := range []string{machine, e.Login, e.Password} {
				if strings.ContainsAny(v, " \t\n") || !strings.Contains(text, v) {
					t.Fatalf("value %q is not a token of the input", v)
				}
			}
		}
	})
}
