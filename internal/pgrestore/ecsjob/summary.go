// Package ecsjob holds what the ECS executor of heroku2aws_pg_restore_job
// shares with the job that runs inside the Fargate task: the
// machine-readable summary line the job writes to its log, which the
// provider reads back from CloudWatch Logs into the resource's computed
// attributes.
//
// The line is the prefix, one space and a JSON object on one line:
//
//	HEROKU2AWS_SUMMARY {"version":1,"tables_restored":3,"bytes":12345,...}
//
// It holds counts, sizes and names of tables: never a URL or a password.
package ecsjob

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Prefix starts the summary line.
const Prefix = "HEROKU2AWS_SUMMARY "

// Version is the summary format this package writes and reads.
const Version = 1

// maxLine bounds a summary line: CloudWatch Logs events are at most
// 256 KiB, and the job splits nothing.
const maxLine = 256 << 10

// Table is the verification of one table.
type Table struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// SourceRows is counted in the dump's COPY data; TargetRows in the
	// target after the restore.
	SourceRows int64 `json:"source_rows"`
	TargetRows int64 `json:"target_rows"`
}

// Match reports whether the counts agree.
func (t Table) Match() bool { return t.SourceRows == t.TargetRows }

// Summary is what the job reports.
type Summary struct {
	Version          int     `json:"version"`
	TablesRestored   int     `json:"tables_restored"`
	Bytes            int64   `json:"bytes"`
	DurationSeconds  float64 `json:"duration_seconds"`
	PGRestoreVersion string  `json:"pg_restore_version,omitempty"`
	// Verify is "none" or "row_counts"; Tables is empty for "none".
	Verify   string   `json:"verify"`
	Tables   []Table  `json:"tables,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// PGRestoreExit is pg_restore's exit status. Non-zero means it reported
	// errors; the provider reads them from the log (between the restore
	// phase markers) and decides, as the local executor does, whether they
	// are tolerated ownership errors.
	PGRestoreExit int `json:"pg_restore_exit"`
}

// Format renders the summary line, without a trailing newline.
func Format(s Summary) (string, error) {
	s.Version = Version
	data, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	line := Prefix + string(data)
	if len(line) > maxLine {
		return "", fmt.Errorf("summary line of %d bytes exceeds %d", len(line), maxLine)
	}
	return line, nil
}

// ErrNoSummary means a log had no summary line: the job did not finish.
var ErrNoSummary = errors.New("the job wrote no summary line")

// Parse reads a summary line. It never panics, and rejects what the job
// cannot have written: unknown fields, trailing data, negative counts,
// a version it does not know.
func Parse(line string) (Summary, error) {
	var s Summary
	line = strings.TrimRight(line, "\r\n")
	rest, ok := strings.CutPrefix(line, Prefix)
	if !ok {
		return s, fmt.Errorf("not a summary line: it must start with %q", strings.TrimSpace(Prefix))
	}
	if len(line) > maxLine {
		return s, fmt.Errorf("summary line of %d bytes exceeds %d", len(line), maxLine)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(rest)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Summary{}, fmt.Errorf("malformed summary line: %w", err)
	}
	if dec.More() {
		return Summary{}, errors.New("malformed summary line: data after the JSON object")
	}
	if len(s.Tables) == 0 {
		s.Tables = nil
	}
	if len(s.Warnings) == 0 {
		s.Warnings = nil
	}
	if s.Version != Version {
		return Summary{}, fmt.Errorf("summary format version %d, want %d: the job image and the provider do not match", s.Version, Version)
	}
	switch s.Verify {
	case "none", "row_counts":
	default:
		return Summary{}, fmt.Errorf("summary verify mode %q: want none or row_counts", s.Verify)
	}
	if s.TablesRestored < 0 || s.Bytes < 0 || s.DurationSeconds < 0 || s.PGRestoreExit < 0 {
		return Summary{}, errors.New("summary holds a negative count")
	}
	for _, t := range s.Tables {
		if t.Name == "" || t.SourceRows < 0 || t.TargetRows < 0 {
			return Summary{}, fmt.Errorf("summary table %q.%q: empty name or negative count", t.Schema, t.Name)
		}
	}
	return s, nil
}

// Find returns the summary from a task's log lines: the last line with the
// prefix wins (a retried job prints again). Lines without the prefix are
// progress, and ignored.
func Find(lines []string) (Summary, error) {
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], Prefix) {
			return Parse(lines[i])
		}
	}
	return Summary{}, ErrNoSummary
}
