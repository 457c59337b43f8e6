package herokuapi

import (
	"errors"
	"testing"
)

func TestParseRange(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Range
		str  string // canonical form; "" means same as in
	}{
		{"id ..", Range{Field: "id"}, ""},
		{"id ..; max=10;", Range{Field: "id", Max: 10}, "id ..; max=10"},
		{"name ]acme-api..; max=200", Range{Field: "name", First: "acme-api", FirstExclusive: true, Max: 200}, ""},
		{"name ]acme-api..; max=200, order=desc", Range{Field: "name", First: "acme-api", FirstExclusive: true, Max: 200, Descending: true}, ""},
		{"..; max=1000,order=desc", Range{Max: 1000, Descending: true}, "..; max=1000, order=desc"},
		{"..", Range{}, ""},
		{"name ..; order=desc,max=10", Range{Field: "name", Max: 10, Descending: true}, "name ..; max=10, order=desc"},
		{"version 3..9[; order=asc", Range{Field: "version", First: "3", Last: "9", LastExclusive: true}, "version 3..9["},
		{"  id   a..b  ;  MAX = 5 ; ", Range{Field: "id", First: "a", Last: "b", Max: 5}, "id a..b; max=5"},
		{"id ]..", Range{Field: "id", FirstExclusive: true}, ""},
		{"id a...b", Range{Field: "id", First: "a", Last: ".b"}, ""},
	} {
		got, err := ParseRange(c.in)
		if err != nil {
			t.Errorf("ParseRange(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseRange(%q) = %+v, want %+v", c.in, got, c.want)
		}
		want := c.str
		if want == "" {
			want = c.in
		}
		if s := got.String(); s != want {
			t.Errorf("ParseRange(%q).String() = %q, want %q", c.in, s, want)
		}
	}

	for _, in := range []string{
		"", "id", "id a", "id .. b", "i d ..", "1d ..", "id a..b c", "id ..; max", "id ..; max=", "id ..; max=0",
		"id ..; max=-1", "id ..; max=9999999999999999999999", "id ..; order=up", "id ..; foo=bar",
		"id ]]a..", "id a]..", "id ..[b", "id a;b..", "id ..\x00", "id é..",
	} {
		if r, err := ParseRange(in); err == nil {
			t.Errorf("ParseRange(%q) = %+v, want an error", in, r)
		}
	}
	if _, err := ParseRange("id ..; max=0"); !errors.Is(err, ErrRangeMax) {
		t.Errorf("max=0: %v, want ErrRangeMax", err)
	}
}

// FuzzParseRange checks that ParseRange never panics and that every value it
// accepts survives a round trip through Range.String.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{
		"id ..", "id ..; max=10;", "name ]acme-api..; max=200, order=desc", "..; max=1000,order=desc",
		"version 3..9[", "id ]..", "id a...b", "id ..; max=0", "  id a..b ; MAX = 5 ; ", "hostname ]x.example.com..",
		"id 01234567-89ab-cdef-0123-456789abcdef..fedcba98-7654-3210-fedc-ba9876543210[; order=desc",
		";;", "..;,", "id ..; order=desc; order=asc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRange(s)
		if err != nil {
			return
		}
		formatted := r.String()
		again, err := ParseRange(formatted)
		if err != nil {
			t.Fatalf("ParseRange(%q) = %+v, but its String %q does not parse: %v", s, r, formatted, err)
		}
		if again != r {
			t.Fatalf("round trip of %q: %+v → %q → %+v", s, r, formatted, again)
		}
		if again.String() != formatted {
			t.Fatalf("String is not stable: %q → %q", formatted, again.String())
		}
	})
}
