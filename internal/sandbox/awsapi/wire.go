package awsapi

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// epoch is a timestamp on the AWS JSON wire: seconds since the Unix epoch
// as a JSON number, with millisecond precision.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// tagJSON is a tag in both services: {"Key": ..., "Value": ...}.
type tagJSON struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value"`
}

type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// tagList is an ordered set of tags: keys are unique and keep the order in
// which they were first added.
type tagList []tagOut

func (l tagList) set(key, value string) tagList {
	for i := range l {
		if l[i].Key == key {
			l[i].Value = value
			return l
		}
	}
	return append(l, tagOut{Key: key, Value: value})
}

func (l tagList) remove(keys []string) tagList {
	return slices.DeleteFunc(l, func(t tagOut) bool { return slices.Contains(keys, t.Key) })
}

func (l tagList) clone() tagList {
	return append(tagList(nil), l...)
}

func (l tagList) toMap() map[string]string {
	m := make(map[string]string, len(l))
	for _, t := range l {
		m[t.Key] = t.Value
	}
	return m
}

// validateTags checks the Tags member against the model: keys 1-128 and
// values 0-256 characters.
func validateTags(v *validation, tags []tagJSON) {
	for i, t := range tags {
		prefix := "tags." + strconv.Itoa(i+1) + ".member."
		v.required(t.Key, prefix+"key")
		v.length(t.Key, prefix+"key", 1, 128)
		v.required(t.Value, prefix+"value")
		v.length(t.Value, prefix+"value", 0, 256)
	}
}

// pageToken is an opaque NextToken that resumes a listing after a key.
func pageToken(kind, afterKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + afterKey))
}

// parsePageToken returns the key a token resumes after.
func parsePageToken(kind, token string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	k, key, ok := strings.Cut(string(raw), "\x00")
	if !ok || k != kind {
		return "", false
	}
	return key, true
}
