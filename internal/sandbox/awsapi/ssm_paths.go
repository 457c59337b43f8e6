package awsapi

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// sortedParams returns the parameters sorted by key. The caller holds mu.
func (st *ssmStore) sortedParams() []*ssmParameter {
	keys := slices.Sorted(maps.Keys(st.params))
	out := make([]*ssmParameter, len(keys))
	for i, k := range keys {
		out[i] = st.params[k]
	}
	return out
}

// page selects up to limit parameters matching keep, after the key a
// NextToken names, and returns them with the next token ("" on the last
// page).
func (st *ssmStore) page(kind string, token *string, limit int, keep func(*ssmParameter) bool) ([]*ssmParameter, string, *awsError) {
	after := ""
	if token != nil {
		var ok bool
		if after, ok = parsePageToken(kind, *token); !ok {
			return nil, "", clientError("InvalidNextToken", msgSSMInvalidToken)
		}
	}
	var out []*ssmParameter
	for _, p := range st.sortedParams() {
		k := ssmKey(p.name)
		if token != nil && k <= after {
			continue
		}
		if !keep(p) {
			continue
		}
		if len(out) == limit {
			return out, pageToken(kind, ssmKey(out[len(out)-1].name)), nil
		}
		out = append(out, p)
	}
	return out, "", nil
}

// inPath reports whether a parameter lies under path: directly, or at any
// depth when recursive.
func inPath(p *ssmParameter, path string, recursive bool) bool {
	if !strings.HasPrefix(p.name, "/") {
		return false
	}
	prefix := strings.TrimSuffix(path, "/") + "/"
	rest, ok := strings.CutPrefix(p.name, prefix)
	if !ok || rest == "" {
		return false
	}
	return recursive || !strings.Contains(rest, "/")
}

func (s *Server) ssmGetParametersByPath(in *getParametersByPathInput) (any, *awsError) {
	var v validation
	v.required(in.Path, "path")
	v.length(in.Path, "path", 1, 2048)
	v.intRange(in.MaxResults, "maxResults", 1, 10)
	if err := v.err(); err != nil {
		return nil, err
	}
	path := strings.TrimSpace(*in.Path)
	if err := checkPath(path); err != nil {
		return nil, err
	}
	filters, err := compileFilters(in.ParameterFilters, true)
	if err != nil {
		return nil, err
	}
	limit := 10
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	page, next, err := st.page("ssm-path:"+path, in.NextToken, limit, func(p *ssmParameter) bool {
		return inPath(p, path, aws.ToBool(in.Recursive)) && matchAll(filters, p)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters []parameterJSON `json:"Parameters"`
		NextToken  string          `json:"NextToken,omitempty"`
	}{Parameters: []parameterJSON{}, NextToken: next}
	for _, p := range page {
		out.Parameters = append(out.Parameters, s.parameterOut(p, aws.ToBool(in.WithDecryption)))
	}
	return out, nil
}

func (s *Server) ssmDescribeParameters(in *describeParametersInput) (any, *awsError) {
	var v validation
	v.intRange(in.MaxResults, "maxResults", 1, 50)
	for i, f := range in.Filters {
		member := "filters." + strconv.Itoa(i+1) + ".member.key"
		v.required(f.Key, member)
		v.enum(f.Key, member, "Name", "Type", "KeyId")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(in.Filters) > 0 && len(in.ParameterFilters) > 0 {
		return nil, clientError("ValidationException", "You can use either Filters or ParameterFilters in a single request.")
	}
	stringFilters := in.ParameterFilters
	for _, f := range in.Filters {
		option := "Equals"
		if *f.Key == "Name" {
			option = "BeginsWith"
		}
		stringFilters = append(stringFilters, parameterStringFilter{Key: f.Key, Option: &option, Values: f.Values})
	}
	filters, err := compileFilters(stringFilters, false)
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	shared := aws.ToBool(in.Shared)
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	page, next, err := st.page("ssm-describe", in.NextToken, limit, func(p *ssmParameter) bool {
		return !shared && matchAll(filters, p)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters []parameterMetadataJSON `json:"Parameters"`
		NextToken  string                  `json:"NextToken,omitempty"`
	}{Parameters: []parameterMetadataJSON{}, NextToken: next}
	for _, p := range page {
		out.Parameters = append(out.Parameters, s.metadataOut(p))
	}
	return out, nil
}

// --- filters ---

type paramFilter func(*ssmParameter) bool

func matchAll(filters []paramFilter, p *ssmParameter) bool {
	for _, f := range filters {
		if !f(p) {
			return false
		}
	}
	return true
}

// compileFilters turns ParameterFilters into predicates. GetParametersByPath
// accepts the keys Type, KeyId and Label; DescribeParameters accepts Name,
// Path, Type, KeyId, Tier, DataType and tag:<key>.
func compileFilters(in []parameterStringFilter, forPath bool) ([]paramFilter, *awsError) {
	var v validation
	for i, f := range in {
		prefix := "parameterFilters." + strconv.Itoa(i+1) + ".member."
		v.required(f.Key, prefix+"key")
		v.length(f.Key, prefix+"key", 1, 132)
		v.length(f.Option, prefix+"option", 1, 10)
		if len(f.Values) > 50 {
			v.addRaw("Value at '" + prefix + "values' failed to satisfy constraint: Member must have length less than or equal to 50")
		}
		for j := range f.Values {
			v.length(&f.Values[j], prefix+"values."+strconv.Itoa(j+1)+".member", 1, 1024)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	validKeys := "[Name, Path, Type, KeyId, Tier, DataType, tag:<key>]"
	if forPath {
		validKeys = "[Type, KeyId, Label]"
	}
	var out []paramFilter
	for _, f := range in {
		key := *f.Key
		option := aws.ToString(f.Option)
		values := f.Values
		badKey := clientError("InvalidFilterKey", "The following filter key is not valid: "+key+". Valid filter keys include: "+validKeys+".")
		badOption := func(valid string) *awsError {
			return clientError("InvalidFilterOption", "The following filter option is not valid: "+option+". Valid options include: "+valid+".")
		}
		tagKey, isTag := strings.CutPrefix(key, "tag:")
		switch {
		case isTag:
			if forPath || tagKey == "" {
				return nil, badKey
			}
			if option != "" && option != "Equals" {
				return nil, badOption("[Equals]")
			}
			out = append(out, func(p *ssmParameter) bool {
				for _, t := range p.tags {
					if t.Key == tagKey && (len(values) == 0 || slices.Contains(values, t.Value)) {
						return true
					}
				}
				return false
			})
			continue
		case key == "Label":
			if !forPath {
				return nil, badKey
			}
			if option != "" && option != "Equals" {
				return nil, badOption("[Equals]")
			}
			if len(values) == 0 {
				return nil, clientError("InvalidFilterValue", msgSSMFilterValue)
			}
			out = append(out, func(*ssmParameter) bool { return false }) // the sandbox keeps no labels
			continue
		case key == "Path":
			if forPath {
				return nil, badKey
			}
			if option == "" {
				option = "OneLevel"
			}
			if option != "OneLevel" && option != "Recursive" {
				return nil, badOption("[Recursive, OneLevel]")
			}
			if len(values) == 0 {
				return nil, clientError("InvalidFilterValue", msgSSMFilterValue)
			}
			for _, path := range values {
				if checkPath(path) != nil {
					return nil, clientError("InvalidFilterValue", "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".")
				}
			}
			recursive := option == "Recursive"
			out = append(out, func(p *ssmParameter) bool {
				for _, path := range values {
					if inPath(p, path, recursive) {
						return true
					}
				}
				return false
			})
			continue
		}
		var field func(*ssmParameter) string
		options := "[Equals, BeginsWith]"
		switch key {
		case "Name":
			if forPath {
				return nil, badKey
			}
			field = func(p *ssmParameter) string { return p.name }
			options = "[Equals, BeginsWith, Contains]"
		case "Type":
			field = func(p *ssmParameter) string { return p.typ }
		case "KeyId":
			field = func(p *ssmParameter) string { return p.keyID }
		case "Tier":
			if forPath {
				return nil, badKey
			}
			field = func(p *ssmParameter) string { return p.tier }
		case "DataType":
			if forPath {
				return nil, badKey
			}
			field = func(p *ssmParameter) string { return p.dataType }
		default:
			return nil, badKey
		}
		if option == "" {
			option = "Equals"
		}
		var match func(have, want string) bool
		switch {
		case option == "Equals":
			match = func(have, want string) bool { return have == want }
		case option == "BeginsWith":
			match = strings.HasPrefix
		case option == "Contains" && key == "Name":
			match = strings.Contains
		default:
			return nil, badOption(options)
		}
		if len(values) == 0 {
			return nil, clientError("InvalidFilterValue", msgSSMFilterValue)
		}
		nameKey := key == "Name"
		out = append(out, func(p *ssmParameter) bool {
			have := field(p)
			for _, want := range values {
				if match(have, want) {
					return true
				}
				// Name filters ignore the leading slash of either side.
				if nameKey && option != "Contains" && match(ssmKey(have), ssmKey(want)) {
					return true
				}
			}
			return false
		})
	}
	return out, nil
}
