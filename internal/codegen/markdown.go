package codegen

// This file holds the Markdown helpers of INVENTORY.md: escaping for
// inline text and table cells, code spans, lists, counts and amounts,
// GitHub heading anchors, and Mermaid identifiers and labels.

import (
	"strconv"
	"strings"
	"unicode"
)

// mdInline escapes s for inline GitHub-flavoured Markdown: in a paragraph,
// a list item or a table cell it renders as the literal text. Characters
// that start emphasis, links, HTML, code, strikethrough, math or end a
// table cell are backslash-escaped; line breaks become spaces.
func mdInline(s string) string {
	if !strings.ContainsAny(s, "\\`*_[]<>|~&$\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\r', '\n':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode renders s as an inline code span, for text outside tables. The
// fence is longer than any run of backticks in s; line breaks become
// spaces. An empty s gives "".
func mdCode(s string) string { return mdCodeSpan(s, false) }

// mdCodeCell renders s as an inline code span inside a table cell: like
// mdCode, with pipes escaped (GFM tables split cells on them even inside
// code spans, and drop the backslash).
func mdCodeCell(s string) string { return mdCodeSpan(s, true) }

// mdLineBreaks turns every line break into a space.
var mdLineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

func mdCodeSpan(s string, cell bool) string {
	if strings.ContainsAny(s, "\r\n") {
		s = mdLineBreaks.Replace(s)
	}
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if cell {
		s = strings.ReplaceAll(s, "|", "\\|")
	}
	fence := strings.Repeat("`", longest+1)
	// A span that starts or ends with a backtick or a space needs one space
	// of padding on each side; CommonMark strips exactly that.
	if first, last := s[0], s[len(s)-1]; first == '`' || last == '`' || first == ' ' || last == ' ' {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdCodeList renders names as code spans joined by ", "; "" when there
// are none.
func mdCodeList(names []string, cell bool) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = mdCodeSpan(n, cell)
	}
	return strings.Join(parts, ", ")
}

// headingSlugger hands out the anchors GitHub gives headings: lower case,
// punctuation dropped, spaces as dashes, and -1, -2 ... appended to repeats
// in document order (the github-slugger rules).
type headingSlugger struct {
	seen map[string]int
}

func newHeadingSlugger() *headingSlugger {
	return &headingSlugger{seen: map[string]int{}}
}

// add registers a heading's text, as rendered, and returns its anchor.
func (s *headingSlugger) add(text string) string {
	base := mdGitHubSlug(text)
	slug := base
	for {
		if _, taken := s.seen[slug]; !taken {
			break
		}
		s.seen[base]++
		slug = base + "-" + strconv.Itoa(s.seen[base])
	}
	s.seen[slug] = 0
	return slug
}

func mdGitHubSlug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mermaidIDs hands out unique Mermaid node identifiers made of
// [A-Za-z0-9_] only. Every identifier carries a kind prefix, so none is a
// Mermaid keyword such as "end".
type mermaidIDs struct {
	used map[string]bool
}

func newMermaidIDs(reserved ...string) *mermaidIDs {
	m := &mermaidIDs{used: map[string]bool{}}
	for _, r := range reserved {
		m.used[r] = true
	}
	return m
}

// id returns a fresh identifier prefix_<name with every other character
// turned into an underscore>, suffixed _2, _3 ... when taken.
func (m *mermaidIDs) id(prefix, name string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('_')
	for _, r := range name {
		if r < 128 && (r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	base := b.String()
	id := base
	for i := 2; m.used[id]; i++ {
		id = base + "_" + strconv.Itoa(i)
	}
	m.used[id] = true
	return id
}

// mermaidText escapes text for a quoted Mermaid label with entity codes,
// so that quotes, HTML, backticks (Markdown strings) and statement
// separators cannot end or change the label. Line breaks become spaces.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("#quot;")
		case '#':
			b.WriteString("#35;")
		case '&':
			b.WriteString("#amp;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '`':
			b.WriteString("#96;")
		case ';':
			b.WriteString("#59;")
		case '|':
			b.WriteString("#124;")
		case '\r', '\n':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mermaidLabel joins escaped lines with <br/> and quotes them.
func mermaidLabel(lines ...string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = mermaidText(l)
	}
	return `"` + strings.Join(esc, "<br/>") + `"`
}

// mdJoinMore joins the shown items of all and says how many were left out.
func mdJoinMore(shown []string, all int) string {
	s := strings.Join(shown, ", ")
	if all > len(shown) {
		s += " and " + strconv.Itoa(all-len(shown)) + " more"
	}
	return s
}

// mdPlural renders a count with the singular or plural noun.
func mdPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// mdMoney renders a cost line's amount for a table cell.
func mdMoney(l CostLine) string {
	switch l.Status {
	case CostUsageBased:
		return "usage-based"
	case CostNotEstimated:
		return "not estimated"
	}
	return mdInline(FormatCents(l.Cents))
}

// mdTotal renders a sum, marked † when some lines were not estimated.
func mdTotal(cents int64, unpriced int) string {
	s := mdInline(FormatCents(cents))
	if unpriced > 0 {
		s += " †"
	}
	return s
}

// mdOrDash renders an empty value as a dash.
func mdOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
