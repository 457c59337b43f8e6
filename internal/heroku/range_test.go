package heroku

import (
	"testing"
)

func TestParseRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Range
	}{
		{"id ..", Range{Field: "id"}},
		{"id ..; max=1000", Range{Field: "id", Max: 1000}},
		{"id ..; max=10;", Range{Field: "id", Max: 10}},
		{"id ]01234567-89ab-cdef-0123-456789abcdef..; max=200", Range{Field: "id", First: "01234567-89ab-cdef-0123-456789abcdef", FirstExclusive: true, Max: 200}},
		{"name ..; max=10, order=desc", Range{Field: "name", Max: 10, Order: "desc"}},
		{"name ..; order=desc, max=10;", Range{Field: "name", Max: 10, Order: "desc"}},
		{"name ..; order=DESC", Range{Field: "name", Order: "desc"}},
		{"name a..z", Range{Field: "name", First: "a", Last: "z"}},
		{"name ..z[", Range{Field: "name", Last: "z", LastExclusive: true}},
		{"  id   ]abc ..  ; max = 5 ", Range{Field: "id", First: "abc", FirstExclusive: true, Max: 5}},
		{"id..", Range{Field: "id"}},
		{"created_at 2012-01-01T12:00:00Z..", Range{Field: "created_at", First: "2012-01-01T12:00:00Z"}},
		{"version ]9.. , order=desc", Range{Field: "version", First: "9", FirstExclusive: true, Order: "desc"}},
	}
	for _, tt := range tests {
		got, err := ParseRange(tt.in)
		if err != nil {
			t.Errorf("ParseRange(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseRange(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseRangeErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"",
		"..",
		" ..; max=10",
		"id",
		"id abc",
		"id ..; max=0",
		"id ..; max=-1",
		"id ..; max=ten",
		"id ..; order=sideways",
		"id ..; max=1; max=2",
		"id ..; limit=3",
		"id ..; max",
		"id\r\n..",
		"i*d ..",
		"id a. ..b",
	} {
		if r, err := ParseRange(in); err == nil {
			t.Errorf("ParseRange(%q) = %+v, want an error", in, r)
		}
	}
}

func TestRangeString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    Range
		want string
	}{
		{Range{Field: "id", Max: 1000}, "id ..; max=1000"},
		{Range{Field: "id", First: "x", FirstExclusive: true, Max: 200}, "id ]x..; max=200"},
		{Range{Field: "name", Max: 10, Order: "desc"}, "name ..; max=10, order=desc"},
		{Range{Field: "name", Order: "asc"}, "name ..; order=asc"},
		{Range{Field: "name", First: "a", Last: "z", LastExclusive: true}, "name a..z["},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{
		"id ..",
		"id ..; max=1000",
		"id ..; max=10;",
		"id ]01234567-89ab-cdef-0123-456789abcdef..; max=200",
		"name ..; max=10, order=desc",
		"name ..; order=desc, max=10;",
		"name a..z[",
		"id ] ]x..",
		"id a...b",
		"id ]...",
		"id ..x[ [",
		"id \u00a0x\u00a0..",
		"version ]9.. , order=desc",
		"id ..; max=+7",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRange(s)
		if err != nil {
			return
		}
		s2 := r.String()
		r2, err := ParseRange(s2)
		if err != nil {
			t.Fatalf("ParseRange(%q) = %+v, but its String %q does not parse: %v", s, r, s2, err)
		}
		if r2 != r {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v", s, r, s2, r2)
		}
		if s3 := r2.String(); s3 != s2 {
			t.Fatalf("String not stable: %q then %q", s2, s3)
		}
	})
}
