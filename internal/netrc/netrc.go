// Package netrc reads credentials from a .netrc file, the place where
// `heroku login` stores the API token (machine api.heroku.com).
package netrc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultPath is the file the Heroku CLI writes: $NETRC when set, else
// ~/.netrc (~/_netrc on Windows, which the CLI also honours).
func DefaultPath() string {
	if p := os.Getenv("NETRC"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	p := filepath.Join(home, ".netrc")
	if _, err := os.Stat(p); err != nil {
		if alt := filepath.Join(home, "_netrc"); fileExists(alt) {
			return alt
		}
	}
	return p
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Password returns the password of machine in the netrc file at path. A
// missing file or machine is not an error: found is false.
func Password(path, machine string) (password string, found bool, err error) {
	if path == "" {
		return "", false, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	entry, ok := Parse(string(data))[machine]
	if !ok || entry.Password == "" {
		return "", false, nil
	}
	return entry.Password, true, nil
}

// Entry is one machine's credentials.
type Entry struct {
	Login, Password string
}

// Parse reads netrc text into machine → entry. It follows the usual
// grammar: whitespace-separated tokens, `machine NAME` opening an entry,
// `default` opening the fallback entry (stored under ""), `login`,
// `password` and `account` pairs, and `macdef NAME` whose body runs to the
// next blank line and is skipped. Comments start with # at a token start.
func Parse(text string) map[string]Entry {
	out := map[string]Entry{}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var tokens []string
	for i := 0; i < len(lines); i++ {
		fields := strings.Fields(lines[i])
		for j := 0; j < len(fields); j++ {
			if strings.HasPrefix(fields[j], "#") {
				break
			}
			if fields[j] == "macdef" {
				// Skip the macro body: the rest of this line and every line up
				// to a blank one.
				for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
					i++
				}
				break
			}
			tokens = append(tokens, fields[j])
		}
	}
	current, open := "", false
	for i := 0; i < len(tokens); i++ {
		switch tokens[i] {
		case "machine":
			if i+1 < len(tokens) {
				i++
				current, open = tokens[i], true
				if _, ok := out[current]; !ok {
					out[current] = Entry{}
				}
			}
		case "default":
			current, open = "", true
			if _, ok := out[current]; !ok {
				out[current] = Entry{}
			}
		case "login", "password", "account":
			if !open || i+1 >= len(tokens) {
				continue
			}
			key := tokens[i]
			i++
			e := out[current]
			switch key {
			case "login":
				e.Login = tokens[i]
			case "password":
				e.Password = tokens[i]
			}
			out[current] = e
		}
	}
	return out
}
