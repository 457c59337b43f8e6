package awsapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func (s *Server) smDescribeSecret(in *secretIDInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.existingSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	return sec.meta(false), nil
}

var (
	smFilterKeys = []string{"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"}
	smSortBy     = []string{"created-date", "last-accessed-date", "last-changed-date", "name"}
)

// smFilterMatch applies one ListSecrets filter: every value is a prefix
// (case-insensitive for names and descriptions); a value starting with "!"
// negates. Values of one filter are alternatives.
func smFilterMatch(sec *smSecret, key string, values []string) bool {
	fields := func(k string) ([]string, bool) {
		switch k {
		case "name":
			return []string{sec.name}, true
		case "description":
			return []string{sec.description}, true
		case "tag-key":
			keys := make([]string, len(sec.tags))
			for i, t := range sec.tags {
				keys[i] = t.Key
			}
			return keys, false
		case "tag-value":
			vals := make([]string, len(sec.tags))
			for i, t := range sec.tags {
				vals[i] = t.Value
			}
			return vals, false
		}
		return nil, false // primary-region, owning-service: never set here
	}
	matchKey := func(k, value string) bool {
		fs, fold := fields(k)
		for _, f := range fs {
			if fold && strings.HasPrefix(strings.ToLower(f), strings.ToLower(value)) || !fold && strings.HasPrefix(f, value) {
				return true
			}
		}
		return false
	}
	for _, value := range values {
		neg := strings.HasPrefix(value, "!")
		value = strings.TrimPrefix(value, "!")
		var hit bool
		if key == "all" {
			hit = matchKey("name", value) || matchKey("description", value) || matchKey("tag-key", value) || matchKey("tag-value", value)
		} else {
			hit = matchKey(key, value)
		}
		if hit != neg {
			return true
		}
	}
	return false
}

func (s *Server) smListSecrets(in *listSecretsInput) (any, *awsError) {
	var v validation
	v.intRange(in.MaxResults, "maxResults", 1, 100)
	v.length(in.NextToken, "nextToken", 1, 4096)
	v.enum(in.SortOrder, "sortOrder", "asc", "desc")
	v.enum(in.SortBy, "sortBy", smSortBy...)
	if len(in.Filters) > 10 {
		v.addRaw("Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	for i, f := range in.Filters {
		prefix := "filters." + strconv.Itoa(i+1) + ".member."
		v.enum(f.Key, prefix+"key", smFilterKeys...)
		if len(f.Values) > 10 {
			v.addRaw("Value at '" + prefix + "values' failed to satisfy constraint: Member must have length less than or equal to 10")
		}
		for j := range f.Values {
			v.length(&f.Values[j], prefix+"values."+strconv.Itoa(j+1)+".member", 1, 512)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	for _, f := range in.Filters {
		if f.Key == nil || len(f.Values) == 0 {
			return nil, clientError("InvalidParameterException", "Invalid filter: a filter must have a key and at least one value.")
		}
	}
	offset := 0
	if in.NextToken != nil {
		key, ok := parsePageToken("sm-list", *in.NextToken)
		n, err := strconv.Atoi(key)
		if !ok || err != nil || n < 0 {
			return nil, clientError("InvalidNextTokenException", msgSMInvalidToken)
		}
		offset = n
	}
	limit := 100
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}

	defer s.lockSM()()
	var all []*smSecret
	for _, sec := range s.sm.byName {
		if sec.scheduled() && !aws.ToBool(in.IncludePlannedDeletion) {
			continue
		}
		keep := true
		for _, f := range in.Filters {
			if !smFilterMatch(sec, *f.Key, f.Values) {
				keep = false
				break
			}
		}
		if keep {
			all = append(all, sec)
		}
	}
	less := func(a, b *smSecret) int {
		var c int
		switch aws.ToString(in.SortBy) {
		case "name":
			c = strings.Compare(a.name, b.name)
		case "last-changed-date":
			c = a.lastChanged.Compare(b.lastChanged)
		case "last-accessed-date":
			c = a.lastAccessed.Compare(b.lastAccessed)
		}
		if c == 0 {
			c = int(a.seq - b.seq)
		}
		if aws.ToString(in.SortOrder) == "desc" {
			c = -c
		}
		return c
	}
	slices.SortFunc(all, less)
	out := struct {
		SecretList []secretMetaOut `json:"SecretList"`
		NextToken  string          `json:"NextToken,omitempty"`
	}{SecretList: []secretMetaOut{}}
	if offset < len(all) {
		end := min(offset+limit, len(all))
		for _, sec := range all[offset:end] {
			out.SecretList = append(out.SecretList, sec.meta(true))
		}
		if end < len(all) {
			out.NextToken = pageToken("sm-list", strconv.Itoa(end))
		}
	}
	return out, nil
}
