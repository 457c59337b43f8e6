package herokuapi

import (
	"crypto/sha1"
	"encoding/hex"
)

// idNamespace seeds every derived identifier, so that IDs differ from those of
// other generators that hash the same names.
const idNamespace = "heroku2aws-sandbox/herokuapi"

// deriveID returns a deterministic, RFC 4122 version 5 style UUID for the
// given parts: the SHA-1 of the namespace and the parts, with the version and
// variant bits set. The same parts always give the same ID.
func deriveID(parts ...string) string {
	h := sha1.New()
	h.Write([]byte(idNamespace))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	sum := h.Sum(nil)
	sum[6] = (sum[6] & 0x0f) | 0x50 // version 5
	sum[8] = (sum[8] & 0x3f) | 0x80 // RFC 4122 variant
	return formatUUID(sum[:16])
}

// deriveHex returns n (at most 40) lowercase hex digits derived from the parts.
func deriveHex(n int, parts ...string) string {
	h := sha1.New()
	h.Write([]byte(idNamespace + "/hex"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))[:min(n, 2*sha1.Size)]
}

func formatUUID(b []byte) string {
	var buf [36]byte
	hex.Encode(buf[0:8], b[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], b[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], b[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], b[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:36], b[10:16])
	return string(buf[:])
}

// isUUID reports whether s is a UUID in the 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
