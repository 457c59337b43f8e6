package heroku

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Range is a parsed Heroku Platform API Range (or Next-Range) header.
//
// The wire format is
//
//	<field> [<first>]..[<last>][; max=N][, order=asc|desc]
//
// where <first> may be prefixed with "]" (exclusive lower bound) and <last>
// may be suffixed with "[" (exclusive upper bound). Heroku also writes a
// trailing ";" ("id ..; max=10;") and either ";" or "," between the
// parameters, so ParseRange accepts both separators, in any order.
type Range struct {
	// Field is the attribute the range is over, e.g. "id" or "name".
	Field string
	// First is the lower bound; empty means unbounded.
	First string
	// FirstExclusive is set for "]first..": values strictly greater than First.
	FirstExclusive bool
	// Last is the upper bound; empty means unbounded.
	Last string
	// LastExclusive is set for "..last[": values strictly less than Last.
	LastExclusive bool
	// Max is the page size; 0 means the server default (200 on Heroku).
	Max int
	// Order is "", "asc" or "desc".
	Order string
}

// maxRangeHeader bounds what ParseRange accepts; real headers are short.
const maxRangeHeader = 4096

// ParseRange parses a Range or Next-Range header value. It never panics, and
// for every value it accepts, ParseRange(r.String()) returns the same Range.
// The grammar is Heroku's:
// https://devcenter.heroku.com/articles/platform-api-reference#ranges
//
// This is the client's parser. internal/sandbox/herokuapi/ranges.go is an
// independent server-side parser, written separately on purpose: each is
// an oracle for the other's reading of Heroku's Range/Next-Range grammar,
// so the two must not be merged or made to share code.
func ParseRange(s string) (Range, error) {
	var r Range
	if len(s) > maxRangeHeader {
		return r, fmt.Errorf("range header is longer than %d bytes", maxRangeHeader)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return r, errors.New("range header contains a control character")
		}
	}
	s = strings.TrimSpace(s)

	// Field: a run of [A-Za-z0-9_-].
	n := 0
	for n < len(s) && isFieldByte(s[n]) {
		n++
	}
	if n == 0 {
		return r, errors.New(`range header must start with a field name, as in "id ..; max=1000"`)
	}
	r.Field = s[:n]
	rest := s[n:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '.' {
		return r, fmt.Errorf("range header: invalid character %q in field name", rest[0])
	}

	// The bounds end where the parameters begin: at the first ";" or ",".
	spec, params := rest, ""
	if i := strings.IndexAny(rest, ";,"); i >= 0 {
		spec, params = rest[:i], rest[i+1:]
	}
	spec = strings.TrimSpace(spec)
	first, last, ok := strings.Cut(spec, "..")
	if !ok {
		return r, errors.New(`range header must contain ".." between the bounds`)
	}
	first = strings.TrimSpace(first)
	if strings.HasPrefix(first, "]") {
		r.FirstExclusive = true
		first = strings.TrimSpace(first[1:])
	}
	if strings.HasSuffix(first, ".") {
		// "a. ..b" would re-format as "a...b", which reads as "a" .. ".b".
		return r, errors.New(`range header: the lower bound must not end with "."`)
	}
	last = strings.TrimSpace(last)
	if strings.HasSuffix(last, "[") {
		r.LastExclusive = true
		last = strings.TrimSpace(last[:len(last)-1])
	}
	r.First, r.Last = first, last

	seen := map[string]bool{}
	for _, p := range strings.FieldsFunc(params, func(c rune) bool { return c == ';' || c == ',' }) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return r, fmt.Errorf("range header: parameter %q is not key=value", p)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if seen[k] {
			return r, fmt.Errorf("range header: parameter %q given twice", k)
		}
		seen[k] = true
		switch k {
		case "max":
			m, err := strconv.Atoi(v)
			if err != nil || m < 1 {
				return r, fmt.Errorf("range header: max must be a positive integer, got %q", v)
			}
			r.Max = m
		case "order":
			switch o := strings.ToLower(v); o {
			case "asc", "desc":
				r.Order = o
			default:
				return r, fmt.Errorf(`range header: order must be "asc" or "desc", got %q`, v)
			}
		default:
			return r, fmt.Errorf("range header: unknown parameter %q", k)
		}
	}
	return r, nil
}

func isFieldByte(c byte) bool {
	return c == '_' || c == '-' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// String formats the range as a header value, e.g. "id ]abc..; max=1000".
func (r Range) String() string {
	var b strings.Builder
	b.WriteString(r.Field)
	b.WriteByte(' ')
	if r.FirstExclusive {
		b.WriteByte(']')
	}
	b.WriteString(r.First)
	b.WriteString("..")
	b.WriteString(r.Last)
	if r.LastExclusive {
		b.WriteByte('[')
	}
	sep := "; "
	if r.Max > 0 {
		b.WriteString(sep)
		b.WriteString("max=")
		b.WriteString(strconv.Itoa(r.Max))
		sep = ", "
	}
	if r.Order != "" {
		b.WriteString(sep)
		b.WriteString("order=")
		b.WriteString(r.Order)
	}
	return b.String()
}
