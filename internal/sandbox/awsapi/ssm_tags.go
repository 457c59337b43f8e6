package awsapi

// --- tags ---

// tagTarget validates a tagging request and returns its parameter. The
// caller holds st.mu.
func (s *Server) tagTarget(in *ssmTagsInput, extra func(*validation)) (*ssmParameter, *awsError) {
	var v validation
	v.required(in.ResourceType, "resourceType")
	v.enum(in.ResourceType, "resourceType", ssmTagTypes...)
	v.required(in.ResourceID, "resourceId")
	if extra != nil {
		extra(&v)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if *in.ResourceType != "Parameter" {
		return nil, clientError("InvalidResourceId", msgSSMInvalidResID)
	}
	p := s.ssm.params[ssmKey(*in.ResourceID)]
	if p == nil {
		return nil, clientError("InvalidResourceId", msgSSMInvalidResID)
	}
	return p, nil
}

func (s *Server) ssmAddTags(in *ssmTagsInput) (any, *awsError) {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := s.tagTarget(in, func(v *validation) {
		if in.Tags == nil {
			v.add(nil, "tags", "Member must not be null")
		}
		if len(in.Tags) > 1000 {
			v.addRaw("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 1000")
		}
		validateTags(v, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	tags := p.tags.clone()
	for _, t := range in.Tags {
		tags = tags.set(*t.Key, *t.Value)
	}
	if len(tags) > MaxParameterTags {
		return nil, clientError("TooManyTagsError", msgSSMTooManyTags)
	}
	p.tags = tags
	return struct{}{}, nil
}

func (s *Server) ssmRemoveTags(in *ssmTagsInput) (any, *awsError) {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := s.tagTarget(in, func(v *validation) {
		if in.TagKeys == nil {
			v.add(nil, "tagKeys", "Member must not be null")
		}
	})
	if err != nil {
		return nil, err
	}
	p.tags = p.tags.remove(in.TagKeys)
	return struct{}{}, nil
}

func (s *Server) ssmListTags(in *ssmTagsInput) (any, *awsError) {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := s.tagTarget(in, nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		TagList []tagOut `json:"TagList"`
	}{TagList: append([]tagOut{}, p.tags...)}
	return out, nil
}
