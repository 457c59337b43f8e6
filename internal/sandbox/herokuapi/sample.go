package herokuapi

import (
	"bytes"
	_ "embed"
)

//go:embed testdata/sample.json
var sampleJSON []byte

// SampleFixture returns a fresh copy of the shipped sample fixture,
// testdata/sample.json: the team app "acme-api" with a full formation,
// config vars, add-ons, domains and releases, and "acme-worker", which
// shares acme-api's database through an attachment.
func SampleFixture() (*Fixture, error) {
	return LoadFixture(bytes.NewReader(sampleJSON))
}
