package pgrestore

import (
	"regexp"
	"strconv"
	"strings"
)

// pg_restore without --exit-on-error goes on after a failed statement and
// ends with exit status 1 and "warning: errors ignored on restore: N"
// (https://www.postgresql.org/docs/15/app-pgrestore.html).
// Some of those errors are expected when restoring a Heroku dump as a
// non-superuser: pg_dump writes a COMMENT ON EXTENSION for each extension
// that has a comment, and only an object's owner may comment on it
// (https://www.postgresql.org/docs/15/sql-comment.html), so COMMENT ON
// EXTENSION (and DROP/ALTER of an extension someone else owns) fails with
// "must be owner of extension", and comments or ownership changes on
// objects we do not own fail with "must be owner of ...". Those are tolerated and reported as warnings.
// Any other error fails the job, with the offending lines quoted.

// restoreError is one error pg_restore reported, with its SQL.
type restoreError struct {
	Entry   string // "from TOC entry 3511; 0 0 COMMENT EXTENSION citext", when given
	Message string // "could not execute query: ERROR:  must be owner of extension citext"
	Detail  []string
	Command string // the failed statement, possibly cut
}

// Text is the error in a few lines, for messages.
func (e restoreError) Text() string {
	var b strings.Builder
	if e.Entry != "" {
		b.WriteString(e.Entry)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	for _, d := range e.Detail {
		b.WriteString("\n  ")
		b.WriteString(d)
	}
	if e.Command != "" {
		b.WriteString("\n  Command was: ")
		b.WriteString(strings.ReplaceAll(e.Command, "\n", "\n    "))
	}
	return b.String()
}

// Short is the error on one line, for warnings.
func (e restoreError) Short() string {
	msg := strings.Join(strings.Fields(e.Message), " ")
	msg = strings.TrimPrefix(msg, "could not execute query: ")
	cmd := strings.Join(strings.Fields(e.Command), " ")
	if len(cmd) > 160 {
		cmd = cmd[:157] + "..."
	}
	if cmd != "" {
		return msg + " (" + cmd + ")"
	}
	return msg
}

var (
	mustBeOwnerExtRE = regexp.MustCompile(`must be owner of extension `)
	mustBeOwnerRE    = regexp.MustCompile(`must be owner of |permission denied|must be member of role |role "[^"]*" does not exist`)
	ownerToRE        = regexp.MustCompile(`(?is)^ALTER\s+.*\s+OWNER\s+TO\s+`)
	commentOnRE      = regexp.MustCompile(`(?is)^COMMENT\s+ON\s+`)
	commentOnExtRE   = regexp.MustCompile(`(?is)^COMMENT\s+ON\s+EXTENSION\s+`)
	ignoredCountRE   = regexp.MustCompile(`errors ignored on restore: (\d+)`)
)

// tolerated reports whether e is an ownership error that does not make the
// restore incomplete.
func (e restoreError) tolerated() bool {
	msg := e.Message
	cmd := strings.TrimSpace(e.Command)
	switch {
	case mustBeOwnerExtRE.MatchString(msg):
		// COMMENT ON EXTENSION, or --clean's DROP EXTENSION of an extension
		// that someone else (the platform) owns: it is there, keep going.
		return true
	case commentOnExtRE.MatchString(cmd) && mustBeOwnerRE.MatchString(msg):
		return true
	case commentOnRE.MatchString(cmd) && strings.Contains(msg, "must be owner of "):
		// a comment on an object we do not own (COMMENT ON SCHEMA public)
		return true
	case ownerToRE.MatchString(cmd) && mustBeOwnerRE.MatchString(msg):
		// ALTER ... OWNER TO without --no-owner, to a role that does not
		// exist here or that we may not give objects to
		return true
	}
	return false
}

// stderrParser reads pg_restore's stderr (with --verbose) line by line: it
// collects errors, counts finished TABLE DATA items for progress, and
// keeps the last lines for messages. Memory is bounded.
type stderrParser struct {
	prog string // "pg_restore"

	Tolerated     []restoreError
	Failed        []restoreError
	ToleratedN    int // all tolerated errors, also those not kept
	FailedN       int
	IgnoredCount  int // from "errors ignored on restore: N"; -1 if absent
	TablesStarted int
	TablesDone    int
	Other         []string // other "error:"/"fatal:" lines (connection failures, ...)

	tail     []string
	parallel bool
	cur      *restoreError
	inCmd    bool
	entry    string
	cmdSize  int
}

const (
	maxKeptErrors  = 50
	maxCommandText = 2000
	maxTailLines   = 20
	maxDetailLines = 6
)

// newStderrParser reads pg_restore's stderr.
func newStderrParser() *stderrParser {
	return &stderrParser{prog: "pg_restore", IgnoredCount: -1}
}

// Line feeds one stderr line (without newline).
func (p *stderrParser) Line(line string) {
	if len(line) > 4096 {
		line = line[:4096] + "…"
	}
	p.tail = append(p.tail, line)
	if len(p.tail) > maxTailLines {
		p.tail = p.tail[1:]
	}
	prefix := p.prog + ": "
	if !strings.HasPrefix(line, prefix) {
		// A continuation: LINE 3:, ^, HINT:, Command was: and the SQL.
		if p.cur == nil {
			return
		}
		switch {
		case strings.HasPrefix(line, "Command was: "):
			p.inCmd = true
			p.appendCommand(strings.TrimPrefix(line, "Command was: "))
		case p.inCmd:
			p.appendCommand(line)
		case strings.TrimSpace(line) != "" && len(p.cur.Detail) < maxDetailLines:
			p.cur.Detail = append(p.cur.Detail, strings.TrimRight(line, " "))
		}
		return
	}
	p.finish()
	msg := strings.TrimPrefix(line, prefix)
	switch {
	case strings.HasPrefix(msg, "from TOC entry "):
		p.entry = strings.TrimSpace(msg)
	case strings.HasPrefix(msg, "while PROCESSING TOC:"):
	case strings.HasPrefix(msg, "error: "), strings.HasPrefix(msg, "[archiver (db)] "):
		text := strings.TrimPrefix(strings.TrimPrefix(msg, "error: "), "[archiver (db)] ")
		if strings.HasPrefix(text, "could not execute query") || strings.HasPrefix(text, "COPY failed") ||
			strings.HasPrefix(text, "could not execute") || strings.HasPrefix(text, "error returned by PQputCopyData") {
			p.cur = &restoreError{Entry: p.entry, Message: text}
			p.entry = ""
			return
		}
		p.addOther(text)
	case strings.HasPrefix(msg, "fatal: "):
		p.addOther(strings.TrimPrefix(msg, "fatal: "))
	case strings.HasPrefix(msg, "warning: "):
		if m := ignoredCountRE.FindStringSubmatch(msg); m != nil {
			p.IgnoredCount, _ = strconv.Atoi(m[1])
		}
	case strings.HasPrefix(msg, "finished item ") && strings.Contains(msg, " TABLE DATA "):
		p.TablesDone++
	case strings.HasPrefix(msg, "processing data for table "):
		p.TablesStarted++
	case strings.HasPrefix(msg, "entering main parallel loop"), strings.HasPrefix(msg, "launching item "):
		p.parallel = true
	}
}

func (p *stderrParser) addOther(text string) {
	if len(p.Other) < maxKeptErrors {
		p.Other = append(p.Other, text)
	}
}

func (p *stderrParser) appendCommand(s string) {
	if p.cmdSize >= maxCommandText {
		return
	}
	if p.cur.Command != "" {
		p.cur.Command += "\n"
	}
	if p.cmdSize+len(s) > maxCommandText {
		s = s[:maxCommandText-p.cmdSize] + "…"
	}
	p.cmdSize += len(s) + 1
	p.cur.Command += s
}

// finish closes the error being read.
func (p *stderrParser) finish() {
	if p.cur == nil {
		return
	}
	e := *p.cur
	e.Command = strings.TrimRight(e.Command, "\n ")
	p.cur, p.inCmd, p.cmdSize = nil, false, 0
	if e.tolerated() {
		p.ToleratedN++
		if len(p.Tolerated) < maxKeptErrors {
			p.Tolerated = append(p.Tolerated, e)
		}
		return
	}
	p.FailedN++
	if len(p.Failed) < maxKeptErrors {
		p.Failed = append(p.Failed, e)
	}
}

// Close ends the input.
func (p *stderrParser) Close() { p.finish() }

// Tail is the last lines of stderr.
func (p *stderrParser) Tail() string { return strings.Join(p.tail, "\n") }

// TablesProgress is the number of tables restored so far: finished items
// when pg_restore runs in parallel, started ones when it runs serially.
func (p *stderrParser) TablesProgress() int {
	if p.parallel {
		return p.TablesDone
	}
	return max(p.TablesStarted-1, 0)
}
