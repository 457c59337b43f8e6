package provider

import (
	"context"
	"log/slog"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The provider's one logger. Domain packages log with log/slog (they import
// nothing of Terraform) and always through the *Context methods, because
// the context carries Terraform's log sink; this handler forwards each
// record to tflog at its level, with its attributes as tflog fields.
//
// Domain packages never log header values, bodies or config var values.

// newLogger returns the slog.Logger that domain packages get.
func newLogger() *slog.Logger { return slog.New(tflogHandler{}) }

// tflogHandler is a slog.Handler that writes to tflog.
type tflogHandler struct {
	attrs  []slog.Attr
	groups []string
}

var _ slog.Handler = tflogHandler{}

// Enabled lets every level through: tflog (TF_LOG) does the filtering.
func (tflogHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h tflogHandler) Handle(ctx context.Context, r slog.Record) error {
	fields := make(map[string]any, len(h.attrs)+r.NumAttrs())
	for _, a := range h.attrs {
		addField(fields, "", a)
	}
	prefix := groupPrefix(h.groups)
	r.Attrs(func(a slog.Attr) bool {
		addField(fields, prefix, a)
		return true
	})
	switch {
	case r.Level >= slog.LevelError:
		tflog.Error(ctx, r.Message, fields)
	case r.Level >= slog.LevelWarn:
		tflog.Warn(ctx, r.Message, fields)
	case r.Level >= slog.LevelInfo:
		tflog.Info(ctx, r.Message, fields)
	case r.Level >= slog.LevelDebug:
		tflog.Debug(ctx, r.Message, fields)
	default:
		tflog.Trace(ctx, r.Message, fields)
	}
	return nil
}

func (h tflogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	prefix := groupPrefix(h.groups)
	out := tflogHandler{groups: h.groups, attrs: append([]slog.Attr(nil), h.attrs...)}
	for _, a := range attrs {
		a.Key = prefix + a.Key
		out.attrs = append(out.attrs, a)
	}
	return out
}

func (h tflogHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return tflogHandler{attrs: h.attrs, groups: append(append([]string(nil), h.groups...), name)}
}

func groupPrefix(groups []string) string {
	var p string
	for _, g := range groups {
		p += g + "."
	}
	return p
}

// addField flattens one attribute (groups become dotted keys).
func addField(fields map[string]any, prefix string, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, ga := range v.Group() {
			addField(fields, p, ga)
		}
		return
	}
	if a.Key == "" {
		return
	}
	fields[prefix+a.Key] = v.Any()
}
