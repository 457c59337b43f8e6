package pgrestore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://u:s3cret@h:5432/db":                               "postgres://u:xxxxx@h:5432/db",
		"connecting to postgresql://user:p%40ss@db.example.com/d: no": "connecting to postgresql://user:xxxxx@db.example.com/d: no",
		`url "postgres://u:raw@pass/w@h/db" failed`:                   `url "postgres://u:xxxxx@h/db" failed`,
		"postgres://u@h/db (no password)":                             "postgres://u@h/db (no password)",
		"two: postgres://a:1111@h/x and postgres://b:2222@k/y":        "two: postgres://a:xxxxx@h/x and postgres://b:xxxxx@k/y",
		"https://user:token@example.com/x":                            "https://user:xxxxx@example.com/x",
		"postgres://h/db?sslmode=require&password=qwerty&x=1":         "postgres://h/db?sslmode=require&password=xxxxx&x=1",
		"host=h user=u password='a b c' dbname=d":                     "host=h user=u password=xxxxx dbname=d",
		"host=h password = secret dbname=d":                           "host=h password = xxxxx dbname=d",
		"sslpassword=key-pass":                                        "sslpassword=xxxxx",
		"password authentication failed for user \"x\"":               "password authentication failed for user \"x\"",
		"nothing to see":                                              "nothing to see",
		"POSTGRES://U:PW@H/D":                                         "POSTGRES://U:xxxxx@H/D",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{"s3cret", "p@ss/w:rd", "a%20b", "with space", `q"uote`, "ünï"} {
		f.Add(s, "h.example.com", "dbname")
	}
	f.Fuzz(func(t *testing.T, pw, host, db string) {
		if len(pw) < 4 || strings.ContainsAny(pw, " \t\r\n\"'`<>") || strings.ContainsAny(host+db, " \t\r\n\"'`<>@:") {
			return
		}
		// A password that is part of the marker ("xxxx" inside "xxxxx")
		// cannot be told from it in the output: not a leak.
		if strings.Contains(redacted, pw) {
			return
		}
		for _, form := range []string{
			"postgres://user:%s@%s/%s",
			"error: postgres://user:%s@%s:5432/%s: connection refused",
		} {
			in := fmt.Sprintf(form, pw, host, db)
			out := RedactURL(in)
			if out == fmt.Sprintf(form, redacted, host, db) {
				// Exactly the password replaced by the marker: whatever
				// the password shares with the marker and the "@" after
				// it ("xxx@" in "xxxxx@") is not a leak.
				continue
			}
			if strings.Contains(out, "user:"+pw+"@") || (strings.Contains(out, pw) && !strings.Contains(strings.Replace(in, pw, "", 1), pw)) {
				t.Fatalf("RedactURL(%q) = %q keeps the password", in, out)
			}
		}
	})
}

func FuzzParseDBURL(f *testing.F) {
	for _, s := range []string{"postgres://u:pw@h:5432/db?sslmode=require", "postgresql:///db?host=/tmp", "postgres://u:p@h:bad/db",
		"postgres://u:p@h1:5432,h2:5433/db", "mysql://u:p@h/db", "host=h password=p", "postgres://u:%zz@h/db"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, err := parseDBURL(raw)
		if err != nil {
			// Errors never quote the URL's user info.
			if at := strings.LastIndexByte(raw, '@'); at > 0 {
				if i := strings.Index(raw, "://"); i >= 0 && i+3 < at {
					if userinfo := raw[i+3 : at]; len(userinfo) >= 6 && strings.Contains(err.Error(), userinfo) {
						t.Fatalf("error %q quotes %q", err, userinfo)
					}
				}
			}
			return
		}
		if d.hasPass && len(d.password) >= 4 {
			for _, s := range []string{d.display(), d.noPasswordURL("require")} {
				u, _ := parseDBURL(s)
				if u != nil && u.password == d.password {
					t.Fatalf("%q still carries the password", s)
				}
			}
		}
	})
}

func TestParseDBURL(t *testing.T) {
	t.Parallel()
	d, err := parseDBURL("postgres://app%40x:p%3Ass@db.example.com:6543/prod?application_name=a")
	must(t, err)
	if d.user != "app@x" || d.password != "p:ss" || !d.hasPass || d.host != "db.example.com" || d.port != "6543" || d.dbname != "prod" {
		t.Errorf("parsed %+v", d)
	}
	if got := d.noPasswordURL("require"); got != "postgres://app%40x@db.example.com:6543/prod?application_name=a&sslmode=require" {
		t.Errorf("noPasswordURL = %s", got)
	}
	if got := d.connURL("verify-full"); !strings.Contains(got, "sslmode=verify-full") || !strings.Contains(got, "p%3Ass") {
		t.Errorf("connURL = %s", got)
	}
	if got := d.display(); got != "postgres://app%40x:xxxxx@db.example.com:6543/prod?application_name=a" {
		t.Errorf("display = %s", got)
	}
	// Loopback and sockets get no sslmode; an explicit one is kept.
	for raw, want := range map[string]string{
		"postgres://u:p@127.0.0.1:5432/d":                  "",
		"postgres://u:p@localhost/d":                       "",
		"postgres://u:p@[::1]:5432/d":                      "",
		"postgresql:///d?host=/var/run/postgresql":         "",
		"postgres://u:p@10.0.0.1/d":                        "require",
		"postgres://u:p@rds.example.com/d?sslmode=disable": "disable",
	} {
		d, err := parseDBURL(raw)
		must(t, err)
		u, _ := parseDBURL(d.noPasswordURL("require"))
		if got := u.sslMode(); got != want {
			t.Errorf("%s: sslmode %q, want %q", raw, got, want)
		}
	}
	d, err = parseDBURL("postgres://h/db?user=u&password=qp")
	must(t, err)
	if d.user != "u" || d.password != "qp" || strings.Contains(d.noPasswordURL(""), "qp") || strings.Contains(d.display(), "qp") {
		t.Errorf("query password: %+v %s", d, d.noPasswordURL(""))
	}
	for _, bad := range []string{"", "mysql://u:p@h/d", "host=h password=secret1", "postgres://u:secret1@h:port/d", "just words"} {
		_, err := parseDBURL(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), "secret1") {
			t.Errorf("%q: error quotes the password: %v", bad, err)
		}
	}
	a, _ := parseDBURL("postgres://u:p@LOCALHOST/db")
	b, _ := parseDBURL("postgres://v:q@127.0.0.1:5432/db")
	c, _ := parseDBURL("postgres://v:q@127.0.0.1:5433/db")
	if !sameDatabase(a, b) || sameDatabase(b, c) {
		t.Error("sameDatabase")
	}
}

func TestPgpassLine(t *testing.T) {
	t.Parallel()
	if got := pgpassLine(`a:b\c`); got != "*:*:*:*:a\\:b\\\\c\n" {
		t.Errorf("pgpassLine = %q", got)
	}
}

func TestRedactorKeepsErrorChain(t *testing.T) {
	t.Parallel()
	r := &redactor{}
	r.add("Sup3r Secret!")
	r.add("abc") // too short to replace literally
	err := r.errorf("dial postgres://u:Sup3r%%20Secret%%21@h/d: %w (pw Sup3r Secret!)", context.Canceled)
	if !errors.Is(err, context.Canceled) {
		t.Error("chain lost")
	}
	if s := err.Error(); strings.Contains(s, "Secret") || !strings.Contains(s, "u:xxxxx@h/d") {
		t.Errorf("err = %q", s)
	}
	if r.wrap(nil) != nil {
		t.Error("wrap(nil) != nil")
	}
}
