package pgrestore

import (
	"strings"
	"testing"
)

func TestVersions(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][2]string{
		"pg_restore (PostgreSQL) 15.8 (Debian 15.8-1.pgdg120+1)": {"15.8", "15"},
		"15.20 (Debian 15.20-0+deb12u1)":                         {"15.20", "15"},
		"9.6.24":                                                 {"9.6.24", "9.6"},
		"16devel":                                                {"16", "16"},
		"17beta1":                                                {"17", "17"},
	} {
		v, ok := parseVersion(in)
		if !ok || v.Text != want[0] || v.MajorString() != want[1] {
			t.Errorf("parseVersion(%q) = %+v (%s), %v", in, v, v.MajorString(), ok)
		}
	}
	if _, ok := parseVersion("no digits"); ok {
		t.Error("parsed a version from no digits")
	}
	for n, want := range map[int]string{150004: "15.4", 90624: "9.6.24", 160000: "16.0"} {
		if got := versionFromNum(n); got.Text != want {
			t.Errorf("versionFromNum(%d) = %s", n, got.Text)
		}
	}
	v15, _ := parseVersion("15.8")
	v16, _ := parseVersion("16.2 (Ubuntu)")
	v96, _ := parseVersion("9.6.24")
	if v96.Major >= v15.Major || versionFromNum(90624).Major != v96.Major || versionFromNum(150004).Major != v15.Major {
		t.Error("major versions do not order")
	}
	if err := checkClientVersion("pg_restore", v15, v96, "source"); err != nil {
		t.Error(err)
	}
	if err := checkClientVersion("pg_restore", v15, versionFromNum(150020), "source"); err != nil {
		t.Errorf("a newer minor of the same major is fine: %v", err)
	}
	err := checkClientVersion("pg_restore", v15, v16, "server the dump was taken from")
	if err == nil || !strings.Contains(err.Error(), "pg_restore is version 15.8, older than the server the dump was taken from (PostgreSQL 16.2)") ||
		!strings.Contains(err.Error(), "PostgreSQL 16 or newer") {
		t.Errorf("err = %v", err)
	}
}
