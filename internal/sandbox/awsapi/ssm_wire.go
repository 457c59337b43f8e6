package awsapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// --- wire types ---

type putParameterInput struct {
	Name           *string   `json:"Name"`
	Description    *string   `json:"Description"`
	Value          *string   `json:"Value"`
	Type           *string   `json:"Type"`
	KeyID          *string   `json:"KeyId"`
	Overwrite      *bool     `json:"Overwrite"`
	AllowedPattern *string   `json:"AllowedPattern"`
	Tags           []tagJSON `json:"Tags"`
	Tier           *string   `json:"Tier"`
	Policies       *string   `json:"Policies"`
	DataType       *string   `json:"DataType"`
}

type putParameterOutput struct {
	Version int64  `json:"Version"`
	Tier    string `json:"Tier"`
}

type getParameterInput struct {
	Name           *string `json:"Name"`
	WithDecryption *bool   `json:"WithDecryption"`
}

type namesInput struct {
	Names          []string `json:"Names"`
	WithDecryption *bool    `json:"WithDecryption"`
}

type parameterStringFilter struct {
	Key    *string  `json:"Key"`
	Option *string  `json:"Option"`
	Values []string `json:"Values"`
}

type parametersFilter struct {
	Key    *string  `json:"Key"`
	Values []string `json:"Values"`
}

type getParametersByPathInput struct {
	Path             *string                 `json:"Path"`
	Recursive        *bool                   `json:"Recursive"`
	ParameterFilters []parameterStringFilter `json:"ParameterFilters"`
	WithDecryption   *bool                   `json:"WithDecryption"`
	MaxResults       *int64                  `json:"MaxResults"`
	NextToken        *string                 `json:"NextToken"`
}

type describeParametersInput struct {
	Filters          []parametersFilter      `json:"Filters"`
	ParameterFilters []parameterStringFilter `json:"ParameterFilters"`
	MaxResults       *int64                  `json:"MaxResults"`
	NextToken        *string                 `json:"NextToken"`
	Shared           *bool                   `json:"Shared"`
}

type ssmTagsInput struct {
	ResourceType *string   `json:"ResourceType"`
	ResourceID   *string   `json:"ResourceId"`
	Tags         []tagJSON `json:"Tags"`
	TagKeys      []string  `json:"TagKeys"`
}

type parameterJSON struct {
	Name             string `json:"Name"`
	Type             string `json:"Type"`
	Value            string `json:"Value"`
	Version          int64  `json:"Version"`
	LastModifiedDate *epoch `json:"LastModifiedDate,omitempty"`
	ARN              string `json:"ARN"`
	DataType         string `json:"DataType"`
}

type parameterMetadataJSON struct {
	Name             string     `json:"Name"`
	ARN              string     `json:"ARN"`
	Type             string     `json:"Type"`
	KeyID            string     `json:"KeyId,omitempty"`
	LastModifiedDate *epoch     `json:"LastModifiedDate,omitempty"`
	LastModifiedUser string     `json:"LastModifiedUser"`
	Description      string     `json:"Description,omitempty"`
	AllowedPattern   string     `json:"AllowedPattern,omitempty"`
	Version          int64      `json:"Version"`
	Tier             string     `json:"Tier"`
	Policies         []struct{} `json:"Policies"`
	DataType         string     `json:"DataType"`
}

func (s *Server) parameterOut(p *ssmParameter, decrypt bool) parameterJSON {
	value := p.value
	if p.typ == "SecureString" && !decrypt {
		value = s.ciphertext(p)
	}
	return parameterJSON{
		Name: p.name, Type: p.typ, Value: value, Version: p.version,
		LastModifiedDate: epochPtr(p.lastModified), ARN: s.parameterARN(p.name), DataType: p.dataType,
	}
}

// ciphertext stands in for the KMS ciphertext SSM returns for a
// SecureString read without decryption: opaque, stable per version, and
// free of the plaintext.
func (s *Server) ciphertext(p *ssmParameter) string {
	size := 128 + len(p.value)
	blob := []byte{0x01, 0x02, 0x02, 0x00, 0x78}
	for block := 0; len(blob) < size; block++ {
		mac := hmac.New(sha256.New, s.secretKey)
		fmt.Fprintf(mac, "%d\x00%s\x00%d\x00%s", block, ssmKey(p.name), p.version, p.value)
		blob = mac.Sum(blob)
	}
	return base64.StdEncoding.EncodeToString(blob[:size])
}

func (s *Server) metadataOut(p *ssmParameter) parameterMetadataJSON {
	return parameterMetadataJSON{
		Name: p.name, ARN: s.parameterARN(p.name), Type: p.typ, KeyID: p.keyID,
		LastModifiedDate: epochPtr(p.lastModified), LastModifiedUser: "arn:aws:iam::" + s.accountID + ":user/sandbox",
		Description: p.description, AllowedPattern: p.allowedPattern, Version: p.version, Tier: p.tier,
		Policies: []struct{}{}, DataType: p.dataType,
	}
}
