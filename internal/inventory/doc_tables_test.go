package inventory

import (
	"os"
	"strings"
	"testing"
)

// The mapping tables in the docs are written in the templates by hand; this
// keeps them equal to the tables the code uses.
func TestDocTemplatesShowTheCodeTables(t *testing.T) {
	t.Parallel()
	for file, table := range map[string]string{
		"../../templates/data-sources/formation.md.tmpl": DynoTableMarkdown(),
		"../../templates/data-sources/addons.md.tmpl":    AddOnTablesMarkdown(),
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), table) {
			t.Errorf("%s does not contain the current table; replace it with:\n%s", file, table)
		}
	}
}
