package awsapi

// --- tags ---

func (s *Server) smTagResource(in *smTagsInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if in.Tags == nil {
		v.add(nil, "tags", "Member must not be null")
	}
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.activeSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		sec.tags = sec.tags.set(*t.Key, *t.Value)
	}
	return struct{}{}, nil
}

func (s *Server) smUntagResource(in *smTagsInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if in.TagKeys == nil {
		v.add(nil, "tagKeys", "Member must not be null")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.activeSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	sec.tags = sec.tags.remove(in.TagKeys)
	return struct{}{}, nil
}
