package awsapi

import (
	"regexp"
	"strings"
	"sync"
	"time"
)

// SSM parameter tiers and their value limits in bytes.
const (
	TierStandard           = "Standard"
	TierAdvanced           = "Advanced"
	TierIntelligentTiering = "Intelligent-Tiering"

	MaxStandardValueBytes = 4096
	MaxAdvancedValueBytes = 8192

	// MaxParameterNameARNLength is the documented limit on a parameter
	// name: 1011 characters, counting the ARN prefix that precedes it
	// ("arn:aws:ssm:us-east-1:123456789012:parameter/", 45 characters).
	MaxParameterNameARNLength = 1011
	// MaxHierarchyLevels is the deepest parameter hierarchy.
	MaxHierarchyLevels = 15
	// MaxParameterTags is the number of tags a parameter can carry.
	MaxParameterTags = 50
	// DefaultParameterKeyID is the KMS key of SecureString parameters that
	// name none.
	DefaultParameterKeyID = "alias/aws/ssm"
)

// Messages of the real service.
const (
	msgSSMInvalidName    = `Parameter name: can't be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`
	msgSSMInvalidPath    = `The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.`
	msgSSMStandardTooBig = "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
	msgSSMAdvancedTooBig = "Advanced tier parameters support a maximum parameter value of 8192 characters."
	msgSSMDowngrade      = "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter."
	msgSSMTagsOverwrite  = "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource."
	msgSSMAlreadyExists  = "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
	msgSSMLimitExceeded  = "You have exceeded the number of parameters for this AWS account. Delete unnecessary parameters and try again."
	msgSSMTypeRequired   = "A parameter type is required when you create a parameter."
	msgSSMTypeMismatch   = "Parameter Store does not support changing a parameter type in a hierarchy. For example, you can't change a parameter from a String type to a SecureString type. You must create a new, unique parameter."
	msgSSMHierarchyLevel = "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and Constraints for Parameter Names in the AWS Systems Manager User Guide."
	msgSSMKeyIDNotSecure = "KeyId is required for SecureString type parameter only."
	msgSSMInvalidToken   = "The specified token isn't valid."
	msgSSMInvalidResID   = "The resource ID is not valid. Verify that you entered the correct ID and try again."
	msgSSMTooManyTags    = "You have exceeded the maximum number of tags (50) allowed for this resource."
	msgSSMFilterValue    = "The filter value is not valid. Verify the value and try again."
)

var (
	ssmTypes       = []string{"String", "StringList", "SecureString"}
	ssmTiers       = []string{TierStandard, TierAdvanced, TierIntelligentTiering}
	ssmDataTypes   = []string{"text", "aws:ec2:image", "aws:ssm:integration"}
	ssmTagTypes    = []string{"Document", "ManagedInstance", "MaintenanceWindow", "Parameter", "PatchBaseline", "OpsItem", "OpsMetadata", "Automation", "Association"}
	ssmKeyIDFormat = regexp.MustCompile(`^([a-zA-Z0-9:/_-]+)$`)
	kmsKeyFormat   = regexp.MustCompile(`^(alias/[a-zA-Z0-9/_-]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-f]{32}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[a-zA-Z0-9-]+|alias/[a-zA-Z0-9/_-]+))$`)
)

type ssmParameter struct {
	name           string // as created
	typ            string
	value          string
	keyID          string // SecureString only
	version        int64
	tier           string
	description    string
	allowedPattern string
	dataType       string
	lastModified   time.Time
	tags           tagList
}

type ssmStore struct {
	mu          sync.Mutex
	params      map[string]*ssmParameter // by ssmKey
	standard    int
	advanced    int
	maxStandard int
	maxAdvanced int
}

func newSSMStore(maxStandard, maxAdvanced int) *ssmStore {
	return &ssmStore{params: map[string]*ssmParameter{}, maxStandard: maxStandard, maxAdvanced: maxAdvanced}
}

// ssmKey identifies a parameter: SSM treats "/Name" and "Name" as the same
// parameter, and trims surrounding spaces.
func ssmKey(name string) string {
	return strings.TrimPrefix(strings.TrimSpace(name), "/")
}

func (st *ssmStore) count(tier string, delta int) {
	if tier == TierAdvanced {
		st.advanced += delta
	} else {
		st.standard += delta
	}
}

func (s *Server) registerSSM() {
	register(s, ssmService, "PutParameter", QuotaSSMPut, true,
		named(func(in *putParameterInput) *string { return in.Name }), s.ssmPutParameter)
	register(s, ssmService, "GetParameter", QuotaSSMGet, false,
		named(func(in *getParameterInput) *string { return in.Name }), s.ssmGetParameter)
	register(s, ssmService, "GetParameters", QuotaSSMGet, false,
		func(in *namesInput) []string { return in.Names }, s.ssmGetParameters)
	register(s, ssmService, "GetParametersByPath", QuotaSSMGet, false,
		named(func(in *getParametersByPathInput) *string { return in.Path }), s.ssmGetParametersByPath)
	register(s, ssmService, "DescribeParameters", QuotaSSMGet, false,
		nil, s.ssmDescribeParameters)
	register(s, ssmService, "DeleteParameter", QuotaSSMDelete, true,
		named(func(in *getParameterInput) *string { return in.Name }), s.ssmDeleteParameter)
	register(s, ssmService, "DeleteParameters", QuotaSSMDelete, true,
		func(in *namesInput) []string { return in.Names }, s.ssmDeleteParameters)
	register(s, ssmService, "AddTagsToResource", QuotaSSMDelete, true,
		named(func(in *ssmTagsInput) *string { return in.ResourceID }), s.ssmAddTags)
	register(s, ssmService, "RemoveTagsFromResource", QuotaSSMDelete, true,
		named(func(in *ssmTagsInput) *string { return in.ResourceID }), s.ssmRemoveTags)
	register(s, ssmService, "ListTagsForResource", QuotaSSMDelete, false,
		named(func(in *ssmTagsInput) *string { return in.ResourceID }), s.ssmListTags)
}

// --- names ---

// checkParameterName applies SSM's name rules to a trimmed name. Reads
// may name the public "aws" namespace; writes may not.
func (s *Server) checkParameterName(name string, write bool) *awsError {
	bare := strings.TrimPrefix(name, "/")
	if bare == "" || (strings.Contains(bare, "/") && !strings.HasPrefix(name, "/")) {
		return clientError("ValidationException", msgSSMInvalidName)
	}
	segments := strings.Split(bare, "/")
	for _, seg := range segments {
		if seg == "" || !validNameSegment(seg) {
			return clientError("ValidationException", msgSSMInvalidName)
		}
	}
	lower := strings.ToLower(bare)
	if strings.HasPrefix(lower, "ssm") {
		return clientError("ValidationException", msgSSMInvalidName)
	}
	if write && strings.HasPrefix(lower, "aws") {
		return clientError("AccessDeniedException", "No access to reserved parameter name: "+bare+".")
	}
	if len(segments) > MaxHierarchyLevels {
		return clientError("HierarchyLevelLimitExceededException", msgSSMHierarchyLevel)
	}
	return nil
}

// parameterName validates the Name member of a call on one parameter and
// returns it trimmed, as the parameter's name rules see it.
func (s *Server) parameterName(name *string, write bool) (string, *awsError) {
	var v validation
	v.required(name, "name")
	v.length(name, "name", 1, 2048)
	if err := v.err(); err != nil {
		return "", err
	}
	trimmed := strings.TrimSpace(*name)
	if err := s.checkParameterName(trimmed, write); err != nil {
		return "", err
	}
	return trimmed, nil
}

func validNameSegment(seg string) bool {
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if !isAlnum(rune(c)) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// checkPath applies the rules of a GetParametersByPath or Path-filter path.
func checkPath(path string) *awsError {
	if path == "/" {
		return nil
	}
	if !strings.HasPrefix(path, "/") {
		return clientError("ValidationException", msgSSMInvalidPath)
	}
	bare := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	lower := strings.ToLower(bare)
	if strings.HasPrefix(lower, "ssm") {
		return clientError("ValidationException", msgSSMInvalidPath)
	}
	for seg := range strings.SplitSeq(bare, "/") {
		if seg == "" || !validNameSegment(seg) {
			return clientError("ValidationException", msgSSMInvalidPath)
		}
	}
	return nil
}

func (s *Server) parameterARN(name string) string {
	return "arn:aws:ssm:" + s.region + ":" + s.accountID + ":parameter/" + strings.TrimPrefix(name, "/")
}
