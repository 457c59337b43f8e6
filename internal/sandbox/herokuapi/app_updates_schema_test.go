package herokuapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	heroku "github.com/heroku/heroku-go/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestPatchBodiesMatchPlatformSchema validates both directions of every
// PATCH the sandbox serves against heroku-go's schema.json: the request
// bodies heroku-go sends for AppUpdate, FormationBatchUpdate and
// FormationUpdate against the links' schema, and the answers against
// their targetSchema, also strictly (every field present, none extra). It also
// decodes the answers into the heroku-go types with unknown fields
// disallowed.
func TestPatchBodiesMatchPlatformSchema(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%v", strict), func(t *testing.T) {
			t.Parallel()
			links := compileMethodLinks(t, strict, "PATCH")
			s, base := Start(t, freezeFixture(), Options{})
			workerID := s.data.lookupApp("acme-private").formation.items[1].ID
			cases := []struct {
				path   string
				body   any
				target func() any
			}{
				{"/apps/acme-private", heroku.AppUpdateOpts{Maintenance: new(true)}, func() any { return new(heroku.App) }},
				{"/apps/acme-private", heroku.AppUpdateOpts{Maintenance: new(false)}, func() any { return new(heroku.App) }},
				{"/apps/acme-eco", heroku.AppUpdateOpts{}, func() any { return new(heroku.App) }},
				{"/apps/acme-private/formation", batch(batchUpdate{Type: "worker", Quantity: new(0), Size: new("Private-M")}, batchUpdate{Type: "web", Quantity: new(0)}),
					func() any { return new(heroku.FormationBatchUpdateResult) }},
				{"/apps/acme-private/formation/web", heroku.FormationUpdateOpts{Quantity: new(1), Size: new("private-s")}, func() any { return new(heroku.Formation) }},
				{"/apps/acme-private/formation/" + workerID, heroku.FormationUpdateOpts{Quantity: new(0)}, func() any { return new(heroku.Formation) }},
			}
			for _, c := range cases {
				link := matchLink(t, links, c.path)
				if link.request == nil {
					t.Fatalf("%s: the schema link %s has no request schema", c.path, link.href)
				}
				reqBody, err := json.Marshal(c.body)
				if err != nil {
					t.Fatal(err)
				}
				// Strictness is for answers: it would make every optional
				// request field required.
				if !strict {
					reqInst, err := jsonschema.UnmarshalJSON(bytes.NewReader(reqBody))
					if err != nil {
						t.Fatal(err)
					}
					if err := link.request.Validate(reqInst); err != nil {
						t.Errorf("PATCH %s request %s: %v", c.path, reqBody, err)
					}
				}
				r := patch(t, base, c.path, string(reqBody))
				if r.status != 200 {
					t.Fatalf("PATCH %s %s: %d %s", c.path, reqBody, r.status, r.body)
				}
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
				if err != nil {
					t.Fatalf("PATCH %s: body is not JSON: %v", c.path, err)
				}
				if err := link.target.Validate(inst); err != nil {
					t.Errorf("PATCH %s (schema link %s): %v", c.path, link.href, err)
				}
				decodeStrict(t, r.body, c.target())
			}
			// The GETs that reflect the changes still match their schema.
			getLinks := compileLinks(t, strict)
			for _, path := range []string{"/apps", "/apps/acme-private", "/apps/acme-private/formation", "/teams/acme/apps"} {
				validateGET(t, getLinks, base, path)
			}
		})
	}
}

// TestPatchRequestSchemaHasTeeth makes sure the request schemas refuse
// what they should: a batch element without type or with an extra field.
func TestPatchRequestSchemaHasTeeth(t *testing.T) {
	t.Parallel()
	link := matchLink(t, compileMethodLinks(t, false, "PATCH"), "/apps/acme-api/formation")
	for _, body := range []string{`{}`, `{"updates":[{"quantity":1}]}`, `{"updates":[{"type":"web","command":"x"}]}`, `{"updates":[{"type":"web","quantity":"1"}]}`} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		if link.request.Validate(inst) == nil {
			t.Errorf("the batch request schema accepted %s", body)
		}
	}
}
