package dnscutover

import (
	"strings"
	"testing"
)

// FuzzParseID: ParseID never panics, and an id it accepts is the ID of the
// pair it describes; a pair's ID always parses back to its zone and name.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"Z0123456789ABC_api.acme.com_CNAME", "Z1_a_b.acme.com_CNAME", "Z1__x_CNAME", "_x_CNAME", "Z1_x_A", "", "___"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		zone, name, err := ParseID(id)
		if err == nil {
			if zone == "" || name == "" || strings.Contains(zone, "_") {
				t.Fatalf("ParseID(%q) = %q, %q", id, zone, name)
			}
			if got := (Pair{ZoneID: zone, Name: name}).ID(); !strings.EqualFold(got, strings.TrimSuffix(id, ".")) && FQDN(name) == name+"." {
				t.Fatalf("ParseID(%q) = %q, %q, whose ID is %q", id, zone, name, got)
			}
		}
		// Any zone id (no underscore) and any name round-trip.
		z := strings.ReplaceAll(strings.TrimSpace(id), "_", "")
		if z == "" || strings.ContainsAny(z, " \t\r\n") {
			return
		}
		p := Pair{ZoneID: "Z" + z[:min(len(z), 12)], Name: "h_" + z + ".example.com"}
		gz, gn, err := ParseID(p.ID())
		if err != nil || gz != p.ZoneID || FQDN(gn) != FQDN(p.Name) {
			t.Fatalf("ParseID(%q) = %q, %q, %v; want %q, %q", p.ID(), gz, gn, err, p.ZoneID, p.Name)
		}
	})
}
