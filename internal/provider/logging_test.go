package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestTflogHandler(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	log := newLogger().With("app", "acme-api").WithGroup("req")
	log.DebugContext(ctx, "heroku request", "method", "GET", slog.Group("rate", "remaining", 4499))
	log.WarnContext(ctx, "retrying", "attempt", 2)
	newLogger().ErrorContext(ctx, "failed")
	newLogger().Log(ctx, slog.LevelDebug-4, "very fine")

	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Fatalf("got %d entries: %s", len(entries), buf.String())
	}
	first := entries[0]
	if first["@level"] != "debug" || first["@message"] != "heroku request" || first["app"] != "acme-api" ||
		first["req.method"] != "GET" || first["req.rate.remaining"] != json.Number("4499") && first["req.rate.remaining"] != float64(4499) {
		t.Fatalf("first entry: %v", first)
	}
	levels := []string{}
	for _, e := range entries {
		levels = append(levels, e["@level"].(string))
	}
	if got := strings.Join(levels, ","); got != "debug,warn,error,trace" {
		t.Fatalf("levels %s", got)
	}
}
