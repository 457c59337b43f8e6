// Package problem is the one type for plan-time findings that the domain
// packages (secretimport, pgrestore, dnscutover, ...) report about a
// configuration. The provider turns them into diagnostics in one place
// (internal/provider/diagnostics.go, addProblems), which also applies the
// rule that a finding about a sensitive argument is reported on its parent
// block: Terraform prints the source line that an attribute diagnostic
// points at, and for a literal URL in the configuration that line is the
// secret.
//
// The package imports nothing of Terraform.
package problem

import (
	"fmt"
	"strings"
)

// Problem is one finding.
type Problem struct {
	// Attribute is the configuration attribute to fix, as a dotted schema
	// path such as "ssm.tier" or "source.heroku_backup.backup". Empty means
	// the object as a whole.
	Attribute string
	// Key, when set, is the map key within Attribute that the finding is
	// about (a config var name, say): the diagnostic then points at
	// Attribute[Key].
	Key string
	// Summary is a short Title Case headline; Detail says what is wrong and
	// how to fix it. Neither may hold a secret.
	Summary string
	Detail  string
	// Warning marks a finding that does not stop the plan.
	Warning bool
}

// Errorf returns an error finding on attr.
func Errorf(attr, summary, format string, args ...any) Problem {
	return Problem{Attribute: attr, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

// Warnf returns a warning finding on attr.
func Warnf(attr, summary, format string, args ...any) Problem {
	return Problem{Attribute: attr, Summary: summary, Detail: fmt.Sprintf(format, args...), Warning: true}
}

// Error makes a Problem an error value: "Summary: Detail".
func (p Problem) Error() string { return p.Summary + ": " + p.Detail }

// List is a set of findings, usable as one error (only the non-warnings
// count).
type List []Problem

// Error joins the error findings as "attribute: summary: detail; ...".
func (l List) Error() string {
	var parts []string
	for _, p := range l {
		if p.Warning {
			continue
		}
		if p.Attribute == "" {
			parts = append(parts, p.Error())
		} else {
			parts = append(parts, p.Attribute+": "+p.Error())
		}
	}
	return strings.Join(parts, "; ")
}

// Errors returns only the findings that are not warnings.
func (l List) Errors() List {
	var out List
	for _, p := range l {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// HasErrors reports whether any finding is an error.
func (l List) HasErrors() bool {
	for _, p := range l {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Err returns the list as an error when it holds an error finding, and nil
// otherwise.
func (l List) Err() error {
	if errs := l.Errors(); len(errs) > 0 {
		return errs
	}
	return nil
}
