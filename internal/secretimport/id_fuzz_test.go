package secretimport

import "testing"

// FuzzParseID: ParseID never panics, and an id it accepts is the ID of the
// destination it returns.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"ssm:/acme/prod/", "secretsmanager:acme/prod", "secretsmanager_per_var:acme/prod/", "ssm:", "x:y", ":", "ssm:a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		d, err := ParseID(id)
		if err != nil {
			return
		}
		if got := d.ID(); got != id {
			t.Fatalf("ParseID(%q).ID() = %q", id, got)
		}
	})
}
