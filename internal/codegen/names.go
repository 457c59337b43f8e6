package codegen

// This file holds the name helpers: the sanitiser that makes every Heroku
// name (apps, process types, add-ons, domains) a valid, unique HCL
// identifier, the same one every time, so that regenerating gives identical
// output; and the AWS resource and ECS container names built from them.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
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
		id = base + "_" + strconv.Itoa(i)
	}
	n.used[id] = true
	n.byName[name] = id
	return id
}

// targetContainerName makes a process type a valid ECS container name: letters,
// digits, hyphens and underscores, at most 255.
func targetContainerName(typ string) string {
	var b strings.Builder
	for _, r := range typ {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		return "app"
	}
	return tfTruncate(name, 255)
}

func tfTruncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// awsName returns a name for an AWS resource whose names allow only
// letters, digits and hyphens: lower case, hyphens single and never at
// either end, starting with a letter ("n-" is prefixed otherwise), at most
// limit characters (limit must be at least 8). A name that is too long, or
// already in used, is cut and given a hyphen and six hex digits of a hash
// of base, so the result is stable for a stable base. The name is added to
// used.
func awsName(base string, limit int, used map[string]bool) string {
	if limit < 8 {
		limit = 8
	}
	clean := awsClean(base)
	name := clean
	for i := 0; len(name) > limit || used[name]; i++ {
		seed := base
		if i > 0 {
			seed = fmt.Sprintf("%s\x00%d", base, i)
		}
		sum := sha256.Sum256([]byte(seed))
		head := clean
		if len(head) > limit-7 {
			head = strings.TrimRight(head[:limit-7], "-")
		}
		name = head + "-" + hex.EncodeToString(sum[:3])
	}
	used[name] = true
	return name
}

// awsClean lower-cases s and turns every run of characters other than
// letters and digits into one hyphen.
func awsClean(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	out := b.String()
	if out == "" {
		return "unnamed"
	}
	if out[0] < 'a' || out[0] > 'z' {
		out = "n-" + out
	}
	return out
}
