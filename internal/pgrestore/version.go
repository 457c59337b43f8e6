package pgrestore

import (
	"fmt"
	"regexp"
	"strconv"
)

// pgVersion is a PostgreSQL version as far as compatibility goes: the major
// version (15, or 9.6 as 9 and 6) and the minor.
type pgVersion struct {
	Major, Minor int // 15.4 → 15, 4; 9.6.24 → 9.6 is Major 906 (see major)
	Text         string
}

var versionRE = regexp.MustCompile(`(\d+)(?:\.(\d+))?(?:\.(\d+))?`)

// parseVersion reads the first version number in s: "15.4 (Ubuntu ...)",
// "pg_restore (PostgreSQL) 15.8", "9.6.24", "16devel", "17beta1".
func parseVersion(s string) (pgVersion, bool) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return pgVersion{}, false
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	c, _ := strconv.Atoi(m[3])
	v := pgVersion{Text: m[0]}
	if a < 10 { // 9.6.24: the major version is 9.6
		v.Major, v.Minor = a*100+b, c
	} else {
		v.Major, v.Minor = a*100, b
	}
	return v, true
}

// versionFromNum reads server_version_num: 150004 → 15.4, 90624 → 9.6.24.
func versionFromNum(n int) pgVersion {
	if n >= 100000 {
		return pgVersion{Major: n / 10000 * 100, Minor: n % 10000, Text: fmt.Sprintf("%d.%d", n/10000, n%10000)}
	}
	return pgVersion{Major: n/10000*100 + n/100%100, Minor: n % 100,
		Text: fmt.Sprintf("%d.%d.%d", n/10000, n/100%100, n%100)}
}

// MajorString is "15" or "9.6".
func (v pgVersion) MajorString() string {
	if v.Major < 1000 {
		return fmt.Sprintf("%d.%d", v.Major/100, v.Major%100)
	}
	return strconv.Itoa(v.Major / 100)
}

// checkClientVersion returns an error when the client tool is older than
// the server (or archive) it must read: pg_dump refuses to dump a newer
// server, and pg_restore may not read what a newer pg_dump wrote.
func checkClientVersion(tool string, client, source pgVersion, what string) error {
	if client.Major == 0 || source.Major == 0 {
		return nil
	}
	if client.Major < source.Major {
		return fmt.Errorf("%s is version %s, older than the %s (PostgreSQL %s); "+
			"install PostgreSQL %s or newer client tools and point pg_bin_dir at them",
			tool, client.Text, what, source.Text, source.MajorString())
	}
	return nil
}
