package herokuapi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Range is a parsed Heroku Platform API Range request header, as the
// server reads it. It is deliberately not internal/heroku's Range (the
// client's): the two are independent oracles of the Range grammar of
// https://devcenter.heroku.com/articles/platform-api-reference#ranges, so
// that a misreading in one shows up as a failure against the other.
//
//	Range: <field> [<first>]..[<last>][; max=<n>][, order=<asc|desc>]
//
// A first value prefixed with "]" is exclusive (start after it); a last value
// suffixed with "[" is exclusive (stop before it). Parameters are separated by
// ";" or "," and a trailing separator is allowed, so all of these parse:
//
//	id ..
//	name ]acme-api..; max=10
//	..; max=1000,order=desc     (heroku-go's ListRange without a field)
//	id ..; max=10;              (the Dev Center example)
//
// The field may be omitted; the server then uses the list's default field.
type Range struct {
	// Field is the attribute to sort and bound by, for example "id" or
	// "name". It is empty when the header named no field.
	Field string
	// First is the lower bound in iteration order; empty means unbounded.
	First string
	// FirstExclusive reports that First itself is excluded ("]first..").
	FirstExclusive bool
	// Last is the upper bound in iteration order; empty means unbounded.
	Last string
	// LastExclusive reports that Last itself is excluded ("..last[").
	LastExclusive bool
	// Max is the requested page size; 0 means "not given".
	Max int
	// Descending reports order=desc.
	Descending bool
}

// Errors returned by ParseRange, wrapped with detail.
var (
	ErrRangeSyntax = errors.New("invalid Range header")
	ErrRangeMax    = errors.New("invalid max in Range header")
)

// ParseRange parses a Range request header value. It never panics, and for
// every value it accepts, ParseRange(r.String()) returns r again.
func ParseRange(s string) (Range, error) {
	var r Range
	spec, params, _ := strings.Cut(strings.TrimSpace(s), ";")
	spec = strings.TrimSpace(spec)

	bounds := spec
	if i := strings.IndexAny(spec, " \t"); i >= 0 {
		r.Field = spec[:i]
		bounds = strings.TrimLeft(spec[i:], " \t")
		if !validRangeField(r.Field) {
			return Range{}, fmt.Errorf("%w: bad field name %q", ErrRangeSyntax, r.Field)
		}
	}

	first, last, ok := strings.Cut(bounds, "..")
	if !ok {
		return Range{}, fmt.Errorf("%w: expected <field> <first>..<last>", ErrRangeSyntax)
	}
	if strings.HasPrefix(first, "]") {
		r.FirstExclusive = true
		first = first[1:]
	}
	if strings.HasSuffix(last, "[") {
		r.LastExclusive = true
		last = last[:len(last)-1]
	}
	if !validRangeValue(first) || !validRangeValue(last) {
		return Range{}, fmt.Errorf("%w: bad bound value", ErrRangeSyntax)
	}
	r.First, r.Last = first, last

	for _, p := range strings.FieldsFunc(params, func(c rune) bool { return c == ';' || c == ',' }) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		key, value, ok := strings.Cut(p, "=")
		if !ok {
			return Range{}, fmt.Errorf("%w: parameter %q is not key=value", ErrRangeSyntax, truncate(p, 32))
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch strings.ToLower(key) {
		case "max":
			n, err := strconv.Atoi(value)
			if err != nil {
				return Range{}, fmt.Errorf("%w: %q is not an integer", ErrRangeMax, truncate(value, 32))
			}
			if n < 1 {
				return Range{}, fmt.Errorf("%w: max must be at least 1", ErrRangeMax)
			}
			r.Max = n
		case "order":
			switch strings.ToLower(value) {
			case "asc":
				r.Descending = false
			case "desc":
				r.Descending = true
			default:
				return Range{}, fmt.Errorf("%w: order must be asc or desc", ErrRangeSyntax)
			}
		default:
			return Range{}, fmt.Errorf("%w: unknown parameter %q", ErrRangeSyntax, truncate(key, 32))
		}
	}
	return r, nil
}

// String formats r as a Range header value in the form Heroku sends in
// Next-Range, for example "name ]acme-api..; max=200, order=desc".
func (r Range) String() string {
	var b strings.Builder
	if r.Field != "" {
		b.WriteString(r.Field)
		b.WriteByte(' ')
	}
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
		b.WriteString(sep + "max=" + strconv.Itoa(r.Max))
		sep = ", "
	}
	if r.Descending {
		b.WriteString(sep + "order=desc")
	}
	return b.String()
}

func validRangeField(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		digit := '0' <= c && c <= '9'
		if !letter && (!digit || i == 0) {
			return false
		}
	}
	return true
}

// validRangeValue accepts printable ASCII without spaces and without the
// characters that delimit a Range header: ';', ',', '[' and ']'. Values never
// contain "..", because ParseRange splits at the first one.
func validRangeValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c > '~' || c == ';' || c == ',' || c == '[' || c == ']' {
			return false
		}
	}
	return !strings.Contains(s, "..")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
