package codegen

// This file holds the package's one HCL writer (tfWriter), used by the
// target and the migration modules, and its small vocabulary of
// expressions: literals, references, tuples, objects and calls are built
// as tokens with hclwrite's TokensFor* functions and placed into hclwrite
// blocks. Every generated file then goes through hclwrite.Format and is
// parsed back before it is returned.

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

// tfExpr is an HCL expression as hclwrite tokens. Its field is unexported
// and only the constructors below make one: a Go string never becomes an
// expression by conversion. Data from the inventory enters only as a
// quoted literal (tfLit, tfTmpl), a number or a bool; identifiers of
// references are the generator's own; tfSrc takes fixed HCL source that
// must be a Go constant.
type tfExpr struct {
	toks hclwrite.Tokens
}

// isZero reports whether e is the zero tfExpr, which stands for "no
// expression" in optional arguments.
func (e tfExpr) isZero() bool { return len(e.toks) == 0 }

// tfCompose builds an expression from parts with build, one of hclwrite's
// TokensFor* functions: build gets one placeholder token per part, and the
// parts' tokens are spliced in their places. The TokensFor* functions set
// the spacing of every token they are given; with placeholders they never
// touch the parts, which are shared (refCluster, a list used twice) and
// would otherwise be re-spaced once per level of nesting. The spacing
// does not matter anyway: render formats the whole file.
func tfCompose(parts []tfExpr, build func(placeholders []hclwrite.Tokens) hclwrite.Tokens) tfExpr {
	placeholders := make([]hclwrite.Tokens, len(parts))
	size := 0
	for i, p := range parts {
		placeholders[i] = hclwrite.Tokens{{Type: hclsyntax.TokenNil}}
		size += len(p.toks)
	}
	built := build(placeholders)
	out := make(hclwrite.Tokens, 0, len(built)+size)
	next := 0
	for _, t := range built {
		if next < len(parts) && t == placeholders[next][0] {
			out = append(out, parts[next].toks...)
			next++
			continue
		}
		out = append(out, t)
	}
	if next != len(parts) {
		panic("tfCompose: a part went missing")
	}
	return tfExpr{out}
}

// src is e as source text, for sorting expressions.
func (e tfExpr) src() string { return string(e.toks.Bytes()) }

// tfLit is a quoted string literal; "${" and "%{" are escaped.
func tfLit(s string) tfExpr {
	return tfExpr{hclwrite.TokensForValue(cty.StringVal(tfClean(s)))}
}

// tfNum is a number literal.
func tfNum(n int) tfExpr { return tfExpr{hclwrite.TokensForValue(cty.NumberIntVal(int64(n)))} }

// tfBool is true or false.
func tfBool(b bool) tfExpr { return tfExpr{hclwrite.TokensForValue(cty.BoolVal(b))} }

// tfRef is a reference such as aws_vpc.main.id, written by the generator
// from identifiers it made itself.
func tfRef(root string, attrs ...string) tfExpr {
	t := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		t = append(t, hcl.TraverseAttr{Name: a})
	}
	return tfExpr{hclwrite.TokensForTraversal(t)}
}

// dot is e.name: an attribute of the object e refers to.
func (e tfExpr) dot(name string) tfExpr {
	return tfExpr{slices.Concat(e.toks, hclwrite.Tokens{{Type: hclsyntax.TokenDot, Bytes: []byte{'.'}}},
		hclwrite.TokensForIdentifier(name))}
}

// index is e[key].
func (e tfExpr) index(key tfExpr) tfExpr {
	return tfExpr{slices.Concat(e.toks, hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte{'['}}},
		key.toks, hclwrite.Tokens{{Type: hclsyntax.TokenCBrack, Bytes: []byte{']'}}})}
}

// tfSource is fixed HCL source text of the generator: a parameter of this
// type takes a Go constant, never a string variable.
type tfSource string

// tfSrc is an expression written as HCL source, such as a for expression
// or a type constraint. Each %s in src is replaced by the next of args, in
// order; src must hold exactly len(args) of them. The source is handed to
// hclwrite as it is and lexed when the file is formatted (render parses
// the result, so invalid source fails Target rather than reaching the
// output).
func tfSrc(src tfSource, args ...tfExpr) tfExpr {
	pieces := strings.Split(string(src), "%s")
	if len(pieces) != len(args)+1 {
		panic(fmt.Sprintf("tfSrc: %q takes %d arguments, got %d", src, len(pieces)-1, len(args)))
	}
	var toks hclwrite.Tokens
	for i, piece := range pieces {
		if piece != "" {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenIdent, Bytes: []byte(piece)})
		}
		if i < len(args) {
			toks = append(toks, args[i].toks...)
		}
	}
	return tfExpr{toks}
}

// tfTmpl is a string template: string parts are literal text, tfExpr parts
// are interpolated.
func tfTmpl(parts ...any) tfExpr {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte{'"'}}}
	quoted := func(lit string) *hclwrite.Token {
		return &hclwrite.Token{Type: hclsyntax.TokenQuotedLit, Bytes: []byte(lit)}
	}
	interp := func(e hclwrite.Tokens) {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
		toks = append(toks, e...)
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte{'}'}})
	}
	pending := ""
	flush := func(interpFollows bool) {
		if pending == "" {
			return
		}
		lit := tfLit(pending).toks
		// The escaped text between the quotes.
		var esc strings.Builder
		for _, t := range lit[1 : len(lit)-1] {
			esc.Write(t.Bytes)
		}
		text := esc.String()
		pending = ""
		// A literal "$" right before "${" would read as the escape "$${":
		// emit the trailing run of "$" and "%" through an interpolation.
		if interpFollows {
			head := strings.TrimRight(text, "$%")
			if run := text[len(head):]; run != "" {
				if head != "" {
					toks = append(toks, quoted(head))
				}
				interp(hclwrite.Tokens{
					{Type: hclsyntax.TokenOQuote, Bytes: []byte{'"'}},
					quoted(run),
					{Type: hclsyntax.TokenCQuote, Bytes: []byte{'"'}},
				})
				return
			}
		}
		toks = append(toks, quoted(text))
	}
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			pending += v
		case tfExpr:
			flush(true)
			interp(v.toks)
		default:
			pending += fmt.Sprint(v)
		}
	}
	flush(false)
	return tfExpr{append(toks, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte{'"'}})}
}

// tfList is a tuple on one line.
func tfList(items ...tfExpr) tfExpr {
	return tfCompose(items, hclwrite.TokensForTuple)
}

// tfLines is a tuple with one item per line.
func tfLines(items ...tfExpr) tfExpr {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte{'['}}}
	if len(items) > 0 {
		toks = append(toks, tfNewline())
	}
	for _, it := range items {
		toks = append(toks, it.toks...)
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte{','}}, tfNewline())
	}
	return tfExpr{append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte{']'}})}
}

func tfNewline() *hclwrite.Token {
	return &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte{'\n'}}
}

// tfLits is a string literal per item.
func tfLits(items []string) []tfExpr {
	e := make([]tfExpr, len(items))
	for i, s := range items {
		e[i] = tfLit(s)
	}
	return e
}

// tfStrings is a one-line tuple of string literals.
func tfStrings(items []string) tfExpr { return tfList(tfLits(items)...) }

// tfCall is a function call.
func tfCall(fn string, args ...tfExpr) tfExpr {
	return tfCompose(args, func(args []hclwrite.Tokens) hclwrite.Tokens {
		return hclwrite.TokensForFunctionCall(fn, args...)
	})
}

// tfKV is one attribute of an object constructor.
type tfKV struct {
	key tfExpr
	val tfExpr
}

// tfField is an attribute whose name the generator chose (a bare key).
func tfField(name string, val tfExpr) tfKV {
	return tfKV{tfExpr{hclwrite.TokensForIdentifier(name)}, val}
}

// tfEntry is an attribute whose name comes from data (a quoted key).
func tfEntry(name string, val tfExpr) tfKV { return tfKV{tfLit(name), val} }

// tfObj is an object constructor with one attribute per line.
func tfObj(kvs ...tfKV) tfExpr {
	parts := make([]tfExpr, 0, 2*len(kvs))
	for _, kv := range kvs {
		parts = append(parts, kv.key, kv.val)
	}
	return tfCompose(parts, func(ph []hclwrite.Tokens) hclwrite.Tokens {
		attrs := make([]hclwrite.ObjectAttrTokens, len(kvs))
		for i := range attrs {
			attrs[i] = hclwrite.ObjectAttrTokens{Name: ph[2*i], Value: ph[2*i+1]}
		}
		return hclwrite.TokensForObject(attrs)
	})
}

// tfInline is an object constructor on one line.
func tfInline(kvs ...tfKV) tfExpr {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrace, Bytes: []byte{'{'}}}
	for i, kv := range kvs {
		if i > 0 {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte{','}})
		}
		toks = append(toks, kv.key.toks...)
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte{'='}})
		toks = append(toks, kv.val.toks...)
	}
	return tfExpr{append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrace, Bytes: []byte{'}'}})}
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

// set sets attribute name of body to e. The file is lexed once, when
// render formats it, and parsed back there, so an expression that tfSrc
// got wrong fails Target rather than reaching the output.
func (w *tfWriter) set(body *hclwrite.Body, name string, e tfExpr) {
	body.SetAttributeRaw(name, e.toks)
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
