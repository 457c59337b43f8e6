package secretimport

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// fingerprintPrefix names the algorithm in every fingerprint, so a later
// change of scheme is visible in state.
const fingerprintPrefix = "hmac-sha256:"

// NewSalt returns a random per-resource key for Fingerprint.
func NewSalt() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating a fingerprint salt: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Fingerprint is HMAC-SHA-256 of value keyed with the resource's salt,
// truncated to 128 bits. Equal values give equal fingerprints within one
// resource, and nothing about the value can be learnt from it without the
// salt; even with it, only by guessing values one at a time.
func Fingerprint(salt, value string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(value))
	return fingerprintPrefix + hex.EncodeToString(m.Sum(nil)[:16])
}
