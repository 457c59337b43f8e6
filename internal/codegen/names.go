// Package codegen turns a Heroku inventory into Terraform configuration and
// a migration checklist. It does not import terraform-plugin-framework.
//
// This file holds the name sanitiser: every Heroku name (apps, process
// types, add-ons, domains) becomes a valid, unique HCL identifier, the same
// one every time, so that regenerating gives identical output.
package codegen

import (
	"strings"
	"unicode"
)

// Identifier turns any name into a valid HCL identifier: lower case
// letters, digits, underscores and dashes, starting with a letter or an
// underscore. Runs of other characters become one underscore; a leading
// digit or dash gets an "n_" prefix; an empty result is "unnamed".
func Identifier(name string) string {
	var b strings.Builder
	pendingUnderscore := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_'):
			if pendingUnderscore && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingUnderscore = false
			b.WriteRune(r)
		default:
			pendingUnderscore = true
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		return "unnamed"
	}
	if c := id[0]; (c >= '0' && c <= '9') || c == '-' {
		id = "n_" + id
	}
	return id
}

// Namer hands out unique identifiers. The same name always gets the same
// identifier from one Namer; two names that sanitise alike get _2, _3, ...
// in the order they are first seen, so callers should present names in a
// stable (sorted) order.
type Namer struct {
	byName map[string]string
	used   map[string]bool
}

// NewNamer returns a Namer; reserved identifiers are never handed out.
func NewNamer(reserved ...string) *Namer {
	n := &Namer{byName: map[string]string{}, used: map[string]bool{}}
	for _, r := range reserved {
		n.used[r] = true
	}
	return n
}

// Name returns the identifier for name.
func (n *Namer) Name(name string) string {
	if id, ok := n.byName[name]; ok {
		return id
	}
	base := Identifier(name)
	id := base
	for i := 2; n.used[id]; i++ {
		id = base + "_" + itoa(i)
	}
	n.used[id] = true
	n.byName[name] = id
	return id
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
