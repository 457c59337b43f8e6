package codegen

// This file holds the small HCL vocabulary the target generator writes
// with: expressions are built as source text from quoted literals and
// references and placed into hclwrite blocks as raw tokens.
// Every generated file then goes through hclwrite.Format, which lexes it,
// and is parsed back before it is returned.

import (
	"bytes"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// tfExpr is the source text of an HCL expression. Only the constructors
// below make one, so every string in it is quoted and escaped.
type tfExpr string

// tfLit is a quoted string literal; "${" and "%{" are escaped.
func tfLit(s string) tfExpr {
	return tfExpr(hclwrite.TokensForValue(cty.StringVal(tfClean(s))).Bytes())
}

// tfNum is a number literal.
func tfNum(n int) tfExpr { return tfExpr(fmt.Sprint(n)) }

// tfBool is true or false.
func tfBool(b bool) tfExpr {
	if b {
		return "true"
	}
	return "false"
}

// tfRef is a reference such as aws_vpc.main.id, written by the generator
// from identifiers it made itself.
func tfRef(parts ...string) tfExpr { return tfExpr(strings.Join(parts, ".")) }

// tfTmpl is a string template: string parts are literal text, tfExpr parts
// are interpolated.
func tfTmpl(parts ...any) tfExpr {
	var b strings.Builder
	b.WriteByte('"')
	pending := ""
	flush := func(interpFollows bool) {
		if pending == "" {
			return
		}
		lit := string(tfLit(pending))
		lit = lit[1 : len(lit)-1]
		// A literal "$" right before "${" would read as the escape "$${":
		// emit the trailing run of "$" and "%" through an interpolation.
		if interpFollows {
			head := strings.TrimRight(lit, "$%")
			if run := lit[len(head):]; run != "" {
				lit = head + "${\"" + run + "\"}"
			}
		}
		b.WriteString(lit)
		pending = ""
	}
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			pending += v
		case tfExpr:
			flush(true)
			b.WriteString("${")
			b.WriteString(string(v))
			b.WriteString("}")
		default:
			pending += fmt.Sprint(v)
		}
	}
	flush(false)
	b.WriteByte('"')
	return tfExpr(b.String())
}

// tfList is a tuple on one line.
func tfList(items ...tfExpr) tfExpr {
	s := make([]string, len(items))
	for i, it := range items {
		s[i] = string(it)
	}
	return tfExpr("[" + strings.Join(s, ", ") + "]")
}

// tfLines is a tuple with one item per line.
func tfLines(items ...tfExpr) tfExpr {
	if len(items) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteString("[\n")
	for _, it := range items {
		b.WriteString(string(it))
		b.WriteString(",\n")
	}
	b.WriteString("]")
	return tfExpr(b.String())
}

// tfStrings is a one-line tuple of string literals.
func tfStrings(items []string) tfExpr {
	e := make([]tfExpr, len(items))
	for i, s := range items {
		e[i] = tfLit(s)
	}
	return tfList(e...)
}

// tfCall is a function call.
func tfCall(fn string, args ...tfExpr) tfExpr {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = string(a)
	}
	return tfExpr(fn + "(" + strings.Join(s, ", ") + ")")
}

// tfKV is one attribute of an object constructor.
type tfKV struct {
	key tfExpr
	val tfExpr
}

// tfField is an attribute whose name the generator chose (a bare key).
func tfField(name string, val tfExpr) tfKV { return tfKV{tfExpr(name), val} }

// tfEntry is an attribute whose name comes from data (a quoted key).
func tfEntry(name string, val tfExpr) tfKV { return tfKV{tfLit(name), val} }

// tfObj is an object constructor with one attribute per line.
func tfObj(kvs ...tfKV) tfExpr {
	if len(kvs) == 0 {
		return "{}"
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, kv := range kvs {
		b.WriteString(string(kv.key) + " = " + string(kv.val) + "\n")
	}
	b.WriteString("}")
	return tfExpr(b.String())
}

// tfInline is an object constructor on one line.
func tfInline(kvs ...tfKV) tfExpr {
	if len(kvs) == 0 {
		return "{}"
	}
	s := make([]string, len(kvs))
	for i, kv := range kvs {
		s[i] = string(kv.key) + " = " + string(kv.val)
	}
	return tfExpr("{ " + strings.Join(s, ", ") + " }")
}

// tfClean makes s valid UTF-8 without control characters other than tab
// and newline, which string literals escape.
func tfClean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// tfOneLine makes s safe inside a # comment: one line, no control
// characters, no trailing space.
func tfOneLine(s string) string {
	s = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`, "\t", " ").Replace(tfClean(s))
	return strings.TrimRight(s, " ")
}

// tfCommentWidth is where comment lines are wrapped.
const tfCommentWidth = 110

// tfComment turns lines into # comments. Lines longer than tfCommentWidth
// are wrapped between words, except lines that start with a space, which
// are kept as they are (commands); the continuations of a "- " bullet are
// indented.
func tfComment(lines ...string) hclwrite.Tokens {
	var b strings.Builder
	for _, l := range lines {
		l = tfOneLine(l)
		if l == "" {
			b.WriteString("#\n")
			continue
		}
		for _, part := range tfWrap(l, tfCommentWidth) {
			b.WriteString("# " + part + "\n")
		}
	}
	return hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(b.String())}}
}

// tfWrap splits l between words into lines of at most width characters
// where it can. A line that starts with a space is not wrapped.
func tfWrap(l string, width int) []string {
	if len(l) <= width || strings.HasPrefix(l, " ") {
		return []string{l}
	}
	// Continuations of a "- " bullet are indented under its text.
	indent := ""
	if strings.HasPrefix(l, "- ") {
		indent = "  "
	}
	var out []string
	line := ""
	for _, word := range strings.Fields(l) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) > width:
			out = append(out, line)
			line = indent + word
		default:
			line += " " + word
		}
	}
	return append(out, line)
}

// tfWriter builds one file.
type tfWriter struct {
	file *hclwrite.File
}

// newTFWriter starts a file with the generated header (which WriteDir
// --force recognises) and the lines that say what the file holds.
func newTFWriter(purpose ...string) *tfWriter {
	w := &tfWriter{file: hclwrite.NewEmptyFile()}
	header := strings.TrimSuffix(strings.TrimPrefix(generatedHeader, "# "), "\n")
	w.file.Body().AppendUnstructuredTokens(tfComment(append([]string{header}, purpose...)...))
	return w
}

// gap starts a new top-level item with a blank line before it.
func (w *tfWriter) gap() {
	w.file.Body().AppendNewline()
}

// comment adds comment lines at the top level, after a blank line.
func (w *tfWriter) comment(lines ...string) {
	w.gap()
	w.file.Body().AppendUnstructuredTokens(tfComment(lines...))
}

// block adds a top-level block. When attached is true it follows the
// comment added just before without a blank line.
func (w *tfWriter) block(attached bool, typ string, labels ...string) *hclwrite.Body {
	if !attached {
		w.gap()
	}
	return w.file.Body().AppendNewBlock(typ, labels).Body()
}

// set sets attribute name of body to e.
func (w *tfWriter) set(body *hclwrite.Body, name string, e tfExpr) {
	body.SetAttributeRaw(name, w.tokens(e))
}

// tokens hands e to hclwrite as one raw token. The file is lexed once,
// when render formats it, and parsed back there, so an invalid expression
// fails Target rather than reaching the output. (Lexing each expression
// here as well triples the lexing work, which dominates at 1,500 apps.)
func (w *tfWriter) tokens(e tfExpr) hclwrite.Tokens {
	return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(e), SpacesBefore: 1}}
}

// nested adds a nested block to body, after a blank line when body already
// has content.
func (w *tfWriter) nested(body *hclwrite.Body, typ string) *hclwrite.Body {
	if len(body.Attributes()) > 0 || len(body.Blocks()) > 0 {
		body.AppendNewline()
	}
	return body.AppendNewBlock(typ, nil).Body()
}

// render formats the file and checks that it parses.
func (w *tfWriter) render(name string) ([]byte, error) {
	// File.Bytes would run hclwrite's spacing pass, which Format repeats:
	// write the tokens as they are and format once.
	var raw bytes.Buffer
	if _, err := w.file.BuildTokens(nil).WriteTo(&raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := hclwrite.Format(raw.Bytes())
	if _, diags := hclsyntax.ParseConfig(out, name, hcl.InitialPos); diags.HasErrors() {
		return nil, fmt.Errorf("%s: generated invalid HCL: %s", name, diags.Error())
	}
	return out, nil
}

// renderFiles renders every writer, keyed by file name. Files render
// independently: they are formatted and checked in parallel, and the error
// of the first file by name is returned.
func renderFiles(writers map[string]*tfWriter) (map[string][]byte, error) {
	names := slices.Sorted(maps.Keys(writers))
	rendered := make([][]byte, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Go(func() {
			for i := range next {
				rendered[i], errs[i] = writers[names[i]].render(names[i])
			}
		})
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	out := make(map[string][]byte, len(names))
	for i, name := range names {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[name] = rendered[i]
	}
	return out, nil
}
