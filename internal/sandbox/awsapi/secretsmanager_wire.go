package awsapi

// --- wire types ---

type createSecretInput struct {
	Name               *string   `json:"Name"`
	ClientRequestToken *string   `json:"ClientRequestToken"`
	Description        *string   `json:"Description"`
	KmsKeyID           *string   `json:"KmsKeyId"`
	SecretBinary       []byte    `json:"SecretBinary"`
	SecretString       *string   `json:"SecretString"`
	Tags               []tagJSON `json:"Tags"`
}

type putSecretValueInput struct {
	SecretID           *string  `json:"SecretId"`
	ClientRequestToken *string  `json:"ClientRequestToken"`
	SecretBinary       []byte   `json:"SecretBinary"`
	SecretString       *string  `json:"SecretString"`
	VersionStages      []string `json:"VersionStages"`
}

type updateSecretInput struct {
	SecretID           *string `json:"SecretId"`
	ClientRequestToken *string `json:"ClientRequestToken"`
	Description        *string `json:"Description"`
	KmsKeyID           *string `json:"KmsKeyId"`
	SecretBinary       []byte  `json:"SecretBinary"`
	SecretString       *string `json:"SecretString"`
}

type getSecretValueInput struct {
	SecretID     *string `json:"SecretId"`
	VersionID    *string `json:"VersionId"`
	VersionStage *string `json:"VersionStage"`
}

type secretIDInput struct {
	SecretID *string `json:"SecretId"`
}

type deleteSecretInput struct {
	SecretID                   *string `json:"SecretId"`
	RecoveryWindowInDays       *int64  `json:"RecoveryWindowInDays"`
	ForceDeleteWithoutRecovery *bool   `json:"ForceDeleteWithoutRecovery"`
}

type smTagsInput struct {
	SecretID *string   `json:"SecretId"`
	Tags     []tagJSON `json:"Tags"`
	TagKeys  []string  `json:"TagKeys"`
}

type smFilter struct {
	Key    *string  `json:"Key"`
	Values []string `json:"Values"`
}

type listSecretsInput struct {
	IncludePlannedDeletion *bool      `json:"IncludePlannedDeletion"`
	MaxResults             *int64     `json:"MaxResults"`
	NextToken              *string    `json:"NextToken"`
	Filters                []smFilter `json:"Filters"`
	SortOrder              *string    `json:"SortOrder"`
	SortBy                 *string    `json:"SortBy"`
}

type arnName struct {
	ARN  string `json:"ARN"`
	Name string `json:"Name"`
}

type versionOut struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId,omitempty"`
	VersionStages []string `json:"VersionStages,omitempty"`
}

type secretValueOut struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId"`
	SecretBinary  []byte   `json:"SecretBinary,omitempty"`
	SecretString  *string  `json:"SecretString,omitempty"`
	VersionStages []string `json:"VersionStages"`
	CreatedDate   *epoch   `json:"CreatedDate,omitempty"`
}

type secretMetaOut struct {
	ARN                    string              `json:"ARN"`
	Name                   string              `json:"Name"`
	Description            string              `json:"Description,omitempty"`
	KmsKeyID               string              `json:"KmsKeyId,omitempty"`
	LastChangedDate        *epoch              `json:"LastChangedDate,omitempty"`
	LastAccessedDate       *epoch              `json:"LastAccessedDate,omitempty"`
	DeletedDate            *epoch              `json:"DeletedDate,omitempty"`
	Tags                   []tagOut            `json:"Tags,omitempty"`
	VersionIdsToStages     map[string][]string `json:"VersionIdsToStages,omitempty"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
	CreatedDate            *epoch              `json:"CreatedDate,omitempty"`
}

func (sec *smSecret) meta(list bool) secretMetaOut {
	out := secretMetaOut{
		ARN: sec.arn, Name: sec.name, Description: sec.description, KmsKeyID: sec.kmsKeyID,
		LastChangedDate: epochPtr(sec.lastChanged), LastAccessedDate: epochPtr(sec.lastAccessed),
		DeletedDate: epochPtr(sec.deletedAt), Tags: sec.tags.clone(), CreatedDate: epochPtr(sec.created),
	}
	if m := sec.stagesMap(); len(m) > 0 {
		if list {
			out.SecretVersionsToStages = m
		} else {
			out.VersionIdsToStages = m
		}
	}
	return out
}
