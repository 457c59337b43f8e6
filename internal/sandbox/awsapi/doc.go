// Package awsapi is a wire-faithful fake of AWS Systems Manager Parameter
// Store and AWS Secrets Manager: one http.Handler, for tests (in-process
// through Start), benchmarks and the sandbox command. It speaks AWS JSON 1.1
// as the real endpoints do, enforces their name, size and tier rules and
// their request quotas, and fails with their error codes, so that the real
// aws-sdk-go-v2 clients and the aws CLI accept every answer, errors
// included. The SDK's typed errors work with errors.As:
//
//	_, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/missing")})
//	var nf *types.ParameterNotFound
//	errors.As(err, &nf) // true
//
// Services are separate files (ssm.go, secretsmanager.go) sharing the
// router, the SigV4 check, the quotas and the injected failures; Route 53
// (REST-XML, routed by path) and ECS are meant to join them the same way.
//
// # Protocol
//
// Every call is POST / with Content-Type application/x-amz-json-1.1 and an
// X-Amz-Target header, "AmazonSSM.<Operation>" or
// "secretsmanager.<Operation>". Every answer carries x-amzn-RequestId.
// Errors are {"__type": CODE, "message": TEXT} with status 400 (500 for
// internal errors, 503 for ServiceUnavailable); Secrets Manager spells the
// member "Message", as it does. Timestamps are epoch seconds. Unknown JSON
// members are ignored; members of the wrong type are a SerializationException.
// An unknown or unimplemented target is UnknownOperationException.
//
// The request must carry a SigV4 Authorization header. The signature is
// not verified (any secret key works), but its shape and scope are:
//
//   - no header: MissingAuthenticationTokenException;
//   - not AWS4-HMAC-SHA256, a missing Credential, SignedHeaders or Signature,
//     no X-Amz-Date or Date header, a malformed Credential:
//     IncompleteSignatureException;
//   - a scope for another service, region (Options.Region, default
//     us-east-1) or terminator: InvalidSignatureException;
//   - another access key than Options.AccessKeyID, when set:
//     UnrecognizedClientException.
//
// # SSM Parameter Store
//
// PutParameter, GetParameter, GetParameters, GetParametersByPath,
// DescribeParameters, DeleteParameter, DeleteParameters, AddTagsToResource,
// ListTagsForResource and RemoveTagsFromResource (ResourceType Parameter).
//
//   - Names: letters, digits, "_", ".", "-" and "/" (surrounding spaces are
//     trimmed); a name with "/" starts with "/" and has no empty level;
//     "/Name" and "Name" are the same parameter. A bad name, or one starting
//     with "ssm" (any case, after the leading slash too), is a
//     ValidationException with AWS's text `Parameter name: can't be prefixed
//     with "ssm" (case-insensitive). If formed as a path, ...`. Writing a
//     name starting with "aws" is AccessDeniedException "No access to
//     reserved parameter name: NAME."; reading one is allowed. More than 15
//     levels: HierarchyLevelLimitExceededException. The name may take 1011
//     characters counting the ARN prefix before it (45 characters for
//     us-east-1 and a 12-digit account), as AWS documents; the model's
//     2048 applies first.
//   - Values: not empty; Standard tier ≤ 4096 bytes, Advanced ≤ 8192
//     (ValidationException with AWS's text). Intelligent-Tiering picks
//     Standard when the value fits, else Advanced. An Advanced parameter
//     never goes back to Standard: Tier=Standard on it is a
//     ValidationException, an omitted tier keeps Advanced.
//   - Type is required on create and kept when omitted on overwrite;
//     changing it on a hierarchical name is HierarchyTypeMismatchException.
//     KeyId only goes with SecureString (default alias/aws/ssm); a KeyId that
//     is not an alias, key ID or KMS ARN is InvalidKeyId. AllowedPattern is
//     enforced (ParameterPatternMismatchException,
//     InvalidAllowedPatternException). DataType is text, aws:ec2:image or
//     aws:ssm:integration.
//   - ParameterAlreadyExists without Overwrite; Tags with Overwrite=true is a
//     ValidationException; ParameterLimitExceeded beyond
//     Options.MaxStandardParameters (10,000) Standard or
//     MaxAdvancedParameters (100,000) Advanced parameters.
//   - Version starts at 1 and grows on every overwrite. ARN is
//     arn:aws:ssm:REGION:ACCOUNT:parameter/NAME without a doubled slash.
//     A SecureString read without WithDecryption returns an opaque,
//     ciphertext-like base64 string, never the plaintext.
//   - GetParameter and DeleteParameter: ParameterNotFound. GetParameters and
//     DeleteParameters take 1-10 names and list the missing or malformed in
//     InvalidParameters.
//   - GetParametersByPath: MaxResults 1-10 (default 10), Recursive,
//     WithDecryption, ParameterFilters Type, KeyId and Label (the sandbox
//     keeps no labels). DescribeParameters: MaxResults 1-50 (default 50),
//     ParameterFilters Name (Equals, BeginsWith, Contains), Path (OneLevel,
//     Recursive), Type, KeyId, Tier, DataType (Equals, BeginsWith) and
//     tag:KEY, or the older Filters. Results are sorted by name; NextToken
//     is opaque. Bad filters: InvalidFilterKey, InvalidFilterOption,
//     InvalidFilterValue; a bad token: InvalidNextToken.
//   - Tags: at most 50 per parameter (TooManyTagsError); a missing parameter
//     is InvalidResourceId.
//
// Not implemented: version selectors ("name:3") and labels, parameter
// history, policies (accepted and ignored), shared parameters.
//
// # Secrets Manager
//
// CreateSecret, PutSecretValue, UpdateSecret, GetSecretValue,
// DescribeSecret, ListSecrets, DeleteSecret, RestoreSecret, TagResource and
// UntagResource.
//
//   - Names: 1-512 ASCII letters, digits and /_+=.@- (ValidationException
//     "Invalid name. Must be a valid name containing alphanumeric
//     characters, or any of the following: -/_+=.@!"). Like AWS, the sandbox
//     accepts names ending in a hyphen and six characters, which AWS only
//     advises against.
//   - SecretId is a name, a complete ARN or a partial ARN (without the
//     random suffix). ARN: arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-
//     plus six random letters and digits.
//   - Values: SecretString or SecretBinary of 1-65,536 bytes, not both
//     (InvalidParameterException). VersionId is the ClientRequestToken (the
//     SDKs send a UUID). A new version takes AWSCURRENT and the previous
//     current version becomes AWSPREVIOUS. Repeating a token with the same
//     value is a no-op; with another value, ResourceExistsException.
//   - ResourceExistsException on a duplicate name, ResourceNotFoundException
//     on a missing secret or version.
//   - DeleteSecret schedules the deletion: RecoveryWindowInDays 7-30
//     (default 30) or ForceDeleteWithoutRecovery, not both
//     (InvalidParameterException). While scheduled, DescribeSecret shows
//     DeletedDate, ListSecrets hides the secret unless
//     IncludePlannedDeletion, reads and writes are InvalidRequestException
//     "You can't perform this operation on the secret because it was marked
//     for deletion.", and CreateSecret with the name is InvalidRequestException
//     "You can't create this secret because a secret with this name is
//     already scheduled for deletion.". RestoreSecret cancels it. When the
//     window ends by Options.Now the secret is gone and the name free.
//     A forced deletion is immediate, and forcing the deletion of a missing
//     secret succeeds, as in AWS.
//   - ListSecrets: MaxResults 1-100 (default 100), opaque NextToken
//     (InvalidNextTokenException), SortBy and SortOrder (default: by
//     creation, ascending), Filters name and description (case-insensitive
//     prefixes), tag-key, tag-value, all; a "!" prefix negates.
//
// # Quotas
//
// Each quota is a token bucket refilled continuously; an empty bucket
// answers 400 {"__type":"ThrottlingException","message":"Rate exceeded"},
// which the SDKs' standard retryer retries (SSM models the type; for Secrets
// Manager it is a generic API error with that code). Defaults, settable in
// Options, with Server.SetQuota and with the sandbox command's flags:
//
//	QuotaSSMPut        3/s  PutParameter
//	QuotaSSMGet       40/s  GetParameter, GetParameters, GetParametersByPath, DescribeParameters
//	QuotaSSMDelete    10/s  DeleteParameter(s), AddTagsToResource, ListTagsForResource, RemoveTagsFromResource
//	QuotaSecretsWrite 50/s  CreateSecret, PutSecretValue, UpdateSecret, DeleteSecret, RestoreSecret, TagResource, UntagResource
//	QuotaSecretsRead  10000/s  GetSecretValue, DescribeSecret
//	QuotaSecretsList 100/s  ListSecrets
//
// A bucket holds one second of tokens unless its Burst option says
// otherwise; a negative TPS turns the quota off.
//
// # Failure injection and inspection
//
// A request goes through: latency (Options.Latency, SetLatency; a client
// that gives up is logged with Status 0), authentication, input decoding and
// validation, its quota, injected failures, then the operation. Injected
// failures, switchable at run time:
//
//   - FailNext(n, status): the next n requests fail with a 5xx
//     (InternalServerError / InternalServiceError, or ServiceUnavailable
//     for 503);
//   - FailWrite(n, code, status, persistent): the nth write from now fails;
//     with persistent, every later write to the same name fails too;
//   - FailName(name, code, status): every write to name fails;
//   - ClearFaults cancels them all.
//
// Requests returns the request log (service, operation, parameter name or
// SecretId, status, error code, SDK attempt number, time) and never a value.
// Parameter, ParameterInfo, ParameterNames, Secret and SecretNames show the
// state without an SDK.
//
// # Use in tests
//
//	srv, url := awsapi.Start(t, awsapi.Options{})
//	cfg, _ := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
//		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "secret", "")))
//	client := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
//	_, err := client.PutParameter(ctx, &ssm.PutParameterInput{...})
//	value, version, tier, ok := srv.Parameter("/app/prod/KEY")
package awsapi
