package ecsjob

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func sample() Summary {
	return Summary{
		TablesRestored: 2, Bytes: 123456, DurationSeconds: 4.5, PGRestoreVersion: "15.8", Verify: "row_counts",
		Tables: []Table{
			{Schema: "public", Name: "users", SourceRows: 500, TargetRows: 500},
			{Schema: "billing", Name: "invoices \"2024\"", SourceRows: 1200, TargetRows: 1199},
		},
		Warnings: []string{`must be owner of extension plpgsql`},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	line, err := Format(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(line, Prefix+"{") || strings.Contains(line, "\n") {
		t.Fatalf("line = %q", line)
	}
	got, err := Parse(line + "\r\n")
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	want.Version = Version
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(Format(s)) = %+v, want %+v", got, want)
	}
	if !got.Tables[0].Match() || got.Tables[1].Match() {
		t.Errorf("Match: %v %v", got.Tables[0].Match(), got.Tables[1].Match())
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ line, want string }{
		{`{"version":1}`, "must start with"},
		{Prefix + `{"version":1,"verify":"none"`, "malformed"},
		{Prefix + `{"version":1,"verify":"none"} {}`, "data after"},
		{Prefix + `{"version":1,"verify":"none","password":"x"}`, "unknown field"},
		{Prefix + `{"version":2,"verify":"none"}`, "version 2"},
		{Prefix + `{"version":1,"verify":"checksums"}`, "verify mode"},
		{Prefix + `{"version":1,"verify":"none","bytes":-1}`, "negative"},
		{Prefix + `{"version":1,"verify":"row_counts","tables":[{"schema":"s","name":"","source_rows":1,"target_rows":1}]}`, "empty name"},
		{Prefix + strings.Repeat(" ", maxLine), "exceeds"},
	} {
		if _, err := Parse(tc.line); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%.60q) = %v, want an error with %q", tc.line, err, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	first, _ := Format(Summary{Verify: "none", TablesRestored: 1})
	last, _ := Format(Summary{Verify: "none", TablesRestored: 2})
	got, err := Find([]string{"downloading 10%", first, "retrying", last, "done"})
	if err != nil || got.TablesRestored != 2 {
		t.Errorf("Find = %+v, %v; want the last summary", got, err)
	}
	if _, err := Find([]string{"downloading", "killed"}); !errors.Is(err, ErrNoSummary) {
		t.Errorf("Find without a summary = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	line, _ := Format(sample())
	f.Add(line)
	f.Add(Prefix + `{"version":1,"verify":"none"}`)
	f.Add(Prefix + `{"version":1,"verify":"row_counts","tables":[]}`)
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses formats back to a line that parses to the same.
		again, err := Format(got)
		if err != nil {
			t.Fatalf("Format of a parsed summary: %v", err)
		}
		back, err := Parse(again)
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("round trip of %q: %+v, %v", s, back, err)
		}
	})
}

// FuzzParsePhase: a progress line never panics the parser, and what it
// accepts has a name, a status and well-formed fields.
func FuzzParsePhase(f *testing.F) {
	for _, s := range []string{PhasePrefix + "restore started jobs=4", PhasePrefix + "download finished bytes=12 seconds=1",
		PhasePrefix + "x", PhasePrefix + "a b =c d= e=f=g", "HEROKU2AWS_PHASE", PhasePrefix + "\x00 \xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		p, ok := ParsePhase(line)
		if !ok {
			return
		}
		if p.Name == "" || p.Status == "" || strings.ContainsAny(p.Name+p.Status, " \t\n") {
			t.Fatalf("ParsePhase(%q) = %+v", line, p)
		}
		for k := range p.Fields {
			if k == "" || strings.Contains(k, "=") {
				t.Fatalf("ParsePhase(%q): field %q", line, k)
			}
		}
	})
}
