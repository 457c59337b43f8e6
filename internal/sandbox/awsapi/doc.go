// Package awsapi is a wire-faithful fake of AWS Systems Manager Parameter
// Store, AWS Secrets Manager and Amazon Route 53: one http.Handler, for
// tests (in-process through Start), benchmarks and the sandbox command. It
// speaks AWS JSON 1.1 (SSM, Secrets Manager) and REST-XML (Route 53) as the
// real endpoints do, enforces their name, size and tier rules and their
// request quotas, and fails with their error codes, so that the real
// aws-sdk-go-v2 clients and the aws CLI accept every answer, errors
// included. The SDK's typed errors work with errors.As:
//
//	_, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/missing")})
//	var nf *types.ParameterNotFound
//	errors.As(err, &nf) // true
//
// Services are separate files (ssm*.go, secretsmanager*.go, route53*.go)
// sharing the router (one generic register per operation), the SigV4
// check, the quotas and the injected failures. ECS (ecs*.go) and
// CloudWatch Logs (logs.go) join them the same way: AWS JSON 1.1 with the
// targets
// "AmazonEC2ContainerServiceV20141113.<Operation>" (signing name ecs) and
// "Logs_20140328.<Operation>" (signing name logs). A task runs its first
// essential container's command as a local process whose environment is
// only PATH, HOME, TMPDIR, the container's environment and its secrets
// (read from the sandbox's SSM parameters and Secrets Manager secrets);
// its stdout and stderr lines go to the awslogs group and stream
// "<prefix>/<container>/<task id>". See Options.ECSStartDelay,
// FailNextTaskStart, KillTaskAfter, Tasks, TaskDefinitions, LogEvents and
// Close.
//
// # Protocol
//
// An AWS JSON call is POST / with Content-Type application/x-amz-json-1.1
// and an X-Amz-Target header, "AmazonSSM.<Operation>" or
// "secretsmanager.<Operation>". A request without X-Amz-Target whose path
// starts with /2013-04-01/ is a Route 53 call (see below). Every answer
// carries x-amzn-RequestId. Errors are {"__type": CODE, "message": TEXT} with status 400 (500 for
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
//     window ends by Options.Clock the secret is gone and the name free.
//     A forced deletion is immediate, and forcing the deletion of a missing
//     secret succeeds, as in AWS.
//   - ListSecrets: MaxResults 1-100 (default 100), opaque NextToken
//     (InvalidNextTokenException), SortBy and SortOrder (default: by
//     creation, ascending), Filters name and description (case-insensitive
//     prefixes), tag-key, tag-value, all; a "!" prefix negates.
//
// # Route 53
//
// REST-XML under /2013-04-01/ in the namespace
// https://route53.amazonaws.com/doc/2013-04-01/, answered as text/xml;
// requests are signed for the service route53 in us-east-1 (Route 53 is
// global; since the SDKs sign for the client's region when given a custom
// endpoint, Options.Region is accepted too). Errors are
//
//	<ErrorResponse><Error><Type>Sender</Type><Code>CODE</Code><Message>TEXT</Message></Error><RequestId>ID</RequestId></ErrorResponse>
//
// with Type Receiver for 5xx; authentication failures use the XML codes
// MissingAuthenticationToken (403), IncompleteSignature (400),
// SignatureDoesNotMatch (403) and InvalidClientTokenId (403). Model
// violations are InvalidInput, worded like the AWS validator ("1 validation
// error detected: Value '300' at
// 'changeBatch.changes.1.member.resourceRecordSet.weight' failed to
// satisfy constraint: Member must have value less than or equal to 255").
// Operations:
//
//   - CreateHostedZone (POST hostedzone): 201 with a Location header, the
//     zone ("/hostedzone/Z" and 20 letters and digits), a PENDING
//     ChangeInfo and a delegation set of four name servers shaped like
//     Route 53's (ns-N.awsdns-NN.com, .net, .org, .co.uk); the apex gets
//     an NS set (TTL 172800) and an SOA set (TTL 900). A CallerReference
//     serves once, even after the zone is deleted
//     (HostedZoneAlreadyExists, 409); several zones may share a name; a
//     malformed name is InvalidDomainName; more than MaxHostedZones is
//     TooManyHostedZones. Private zones (VPC) are not supported
//     (InvalidInput), nor reusable delegation sets (NoSuchDelegationSet).
//   - GetHostedZone, DeleteHostedZone (HostedZoneNotEmpty while records
//     other than the apex SOA and NS remain), ListHostedZones (creation
//     order, marker), ListHostedZonesByName (by name with the labels
//     reversed, then ID; dnsname and hostedzoneid start the page). Pages
//     hold MaxHostedZonesPerPage (100) at most. An unknown zone is
//     NoSuchHostedZone (404) "No hosted zone found with ID: Z...".
//   - ListResourceRecordSets: sorted as Route 53 sorts, by name with the
//     labels reversed ("com.acme.api." with its trailing dot, so "-" sorts
//     before "."), then type, then set identifier; name, type and
//     identifier start the page (type needs name, identifier needs type);
//     maxitems defaults to and is capped at MaxRecordSetsPerPage (300);
//     IsTruncated with NextRecordName, NextRecordType and
//     NextRecordIdentifier.
//   - ChangeResourceRecordSets (POST hostedzone/ID/rrset, with or without
//     the trailing slash the aws CLI sends): CREATE, DELETE and UPSERT,
//     transactional. The batch is validated first (InvalidInput: the model
//     constraints, then Route 53's "Invalid request: Expected exactly one
//     of [AliasTarget, all of [TTL, and ResourceRecords], or
//     TrafficPolicyInstanceId], but found none|more than one in Change with
//     [Action=..., Name=..., Type=..., SetIdentifier=...]", the same for
//     [Weight, Region, Failover, GeoLocation, MultiValueAnswer,
//     GeoProximityLocation, or CidrRoutingConfig] when a SetIdentifier has
//     no routing policy, "Invalid request: Missing field 'SetIdentifier'
//     ..." when a policy has no SetIdentifier), then its size
//     (MaxChangeBatchRecords ResourceRecord elements and
//     MaxChangeBatchValueChars characters, an UPSERT counting twice). Then
//     the changes apply in order to a copy of the zone, and the copy
//     replaces the zone only if every change succeeded: a failed batch
//     changes nothing, and DELETE A then CREATE CNAME of one name works.
//     Every failed change is reported in one InvalidChangeBatch (400) whose
//     Message is "[first, second]" and whose Messages list each text:
//     "Tried to create resource record set [name='api.acme.com.',
//     type='CNAME', set-identifier='aws'] but it already exists", "Tried to
//     delete resource record set [...] but it was not found", "... but the
//     values provided do not match the current values" (a DELETE must
//     match TTL, values in any order, weight, routing, alias and health
//     check exactly), "RRSet of type CNAME with DNS name acme.com. is not
//     permitted at apex in zone acme.com.", "RRSet of type CNAME with DNS
//     name x. is not permitted as it conflicts with other records with the
//     same DNS name in zone z.", "RRSet of type A with DNS name x. is not
//     permitted because a conflicting RRSet of type CNAME with the same DNS
//     name already exists in zone z.", "RRSet with DNS name x., type T,
//     SetIdentifier s cannot be created as a non-weighted set exists with
//     the same name and type." and "RRSet with DNS name x., type T cannot
//     be created as weighted sets exist with the same name and type." (sets
//     of one name and type share one routing policy; their TTLs may
//     differ), "RRSet with DNS name x. is not permitted in zone z.",
//     "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address
//     (Value is not a valid IPv4 address) encountered with ..." (likewise
//     AAAA, and TXT/SPF values not in quotes), "Duplicate Resource Record:
//     'v'", "A HostedZone must contain at least one NS record for the zone
//     itself." and the SOA equivalent, and for an alias whose target zone
//     is a zone of this sandbox "Tried to create an alias that targets x.,
//     type A in zone Z..., but that target was not found" or "... but the
//     alias target name does not lie within the target zone". Aliases to
//     other zones (load balancers such as Z35SXDOTRQ7X7K, CloudFront, S3)
//     are accepted as they are. Two texts are the sandbox's own wording: a
//     CNAME set with more than one value, and an SOA away from the apex.
//     Options.Route53LegacyInvalidChangeBatch answers the older
//     <InvalidChangeBatch><Messages>... body instead, which the SDKs decode
//     with a customization (message "ChangeBatch errors occurred"; the aws
//     CLI then shows no code).
//   - GetChange: PENDING until Options.Route53SyncDelay (SetRoute53SyncDelay)
//     has passed since the submission by Options.Clock, then INSYNC; the
//     answer that submits a change always says PENDING, as Route 53's does.
//     Unknown IDs are NoSuchChange (404).
//   - Health checks (POST/GET healthcheck, GET/POST/DELETE healthcheck/ID,
//     GET healthcheck/ID/status): CreateHealthCheck (201, Location, an ID
//     shaped like a UUID, version 1; defaults Port 80/443, RequestInterval
//     30, FailureThreshold 3, EnableSNI for HTTPS), GetHealthCheck,
//     UpdateHealthCheck (HealthCheckVersion must match, else
//     HealthCheckVersionMismatch 409; ResetElements; RequestInterval and
//     Type are not members of an update, so they stay as created; the
//     version grows by one), DeleteHealthCheck, GetHealthCheckStatus (one
//     observation per checker region, "Success: HTTP Status Code 200, OK"
//     or "Failure: HTTP Status Code 503, Service Unavailable") and
//     ListHealthChecks (creation order, marker, maxitems 100 by default,
//     1000 at most). Types HTTP, HTTPS, the _STR_MATCH types, TCP,
//     CALCULATED (healthy when HealthThreshold children are) and
//     CLOUDWATCH_METRIC; RECOVERY_CONTROL is InvalidInput. Model violations
//     are InvalidInput in the validator's words (RequestInterval 10-30,
//     FailureThreshold 1-10, Port 1-65535, ...); rules beyond the model
//     (RequestInterval 10 or 30, an endpoint needs IPAddress or
//     FullyQualifiedDomainName, TCP needs Port, ...) are InvalidInput
//     "Invalid parameter : ..." in the sandbox's words. A CallerReference
//     serves once: the same settings return the existing check, other
//     settings or a deleted check are HealthCheckAlreadyExists (409). More
//     than MaxHealthChecks is TooManyHealthChecks; an unknown ID is
//     NoSuchHealthCheck (404). The sandbox probes nothing: a check is
//     healthy until SetHealthCheckStatus says otherwise; Disabled counts
//     as healthy and Inverted turns the status over. DeleteHealthCheck
//     succeeds while record sets name the check, as Route 53 does today;
//     Options.Route53RefuseHealthCheckInUse (SetRefuseHealthCheckInUse)
//     answers HealthCheckInUse (400) instead, as it once did.
//     ChangeResourceRecordSets refuses a CREATE or UPSERT naming a missing
//     health check with NoSuchHealthCheck (404), changing nothing.
//   - TestDNSAnswer (GET testdnsanswer?hostedzoneid=&recordname=&recordtype=):
//     what a Route 53 name server answers, by the rules of
//     https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html:
//     unhealthy records are left out (a record without a health check is
//     healthy; one naming a deleted check is not); when every record is
//     unhealthy all count as healthy; weighted records of non-zero weight
//     come first, picked by weight, and those of weight 0 only when all of
//     them are unhealthy; when every weight is 0 the pick is even. The
//     picks are random, repeatable with Options.Route53AnswerSeed; a single
//     eligible record always answers. Failover answers with the primary
//     unless only the secondary is healthy; simple and multivalue answer
//     routing return every eligible value. NXDOMAIN for a name without
//     records; missing parameters are InvalidInput, an unknown zone
//     NoSuchHostedZone. EligibleRecords returns the records of a name and
//     type that Route 53 would choose among, with their weights and shares.
//
// Names are normalised: surrounding spaces trimmed, \DDD escapes decoded,
// letters lowercased, the trailing dot added; answers escape characters
// other than a-z, 0-9, "-", "_" and "." ("*.acme.com" lists as
// "\052.acme.com."). Routing policies weighted, latency (Region), failover,
// geolocation and multivalue answer are stored and listed; traffic policy instances, GeoProximityLocation and
// CidrRoutingConfig are InvalidInput.
//
// With Options.Route53PriorRequestNotComplete (SetPriorRequestNotComplete),
// a change batch or DeleteHostedZone on a zone whose previous change batch
// is still PENDING fails with 400 PriorRequestNotComplete "The request was
// rejected because Route 53 was still processing a prior request."; the
// SDKs' standard retryer retries it, as it retries Throttling.
//
// # Quotas
//
// Each quota is a token bucket refilled continuously; an empty bucket
// answers 400 {"__type":"ThrottlingException","message":"Rate exceeded"},
// which the SDKs' standard retryer retries (SSM models the type; for Secrets
// Manager it is a generic API error with that code); Route 53 answers 400
// Throttling "Rate exceeded" in an ErrorResponse, which it retries too.
// Defaults, settable in Options, with Server.SetQuota and with the sandbox
// command's flags:
//
//	QuotaSSMPut        3/s  PutParameter
//	QuotaSSMGet       40/s  GetParameter, GetParameters, GetParametersByPath, DescribeParameters
//	QuotaSSMDelete    10/s  DeleteParameter(s), AddTagsToResource, ListTagsForResource, RemoveTagsFromResource
//	QuotaSecretsWrite 50/s  CreateSecret, PutSecretValue, UpdateSecret, DeleteSecret, RestoreSecret, TagResource, UntagResource
//	QuotaSecretsRead  10000/s  GetSecretValue, DescribeSecret
//	QuotaSecretsList 100/s  ListSecrets
//	QuotaRoute53       5/s  every Route 53 call, health checks and TestDNSAnswer included
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
//   - FailRoute53Changes(n, code, status): the next n
//     ChangeResourceRecordSets fail, for example with
//     PriorRequestNotComplete, Throttling or InvalidChangeBatch;
//   - ClearFaults cancels them all.
//
// Route 53's writes (CreateHostedZone, ChangeResourceRecordSets,
// DeleteHostedZone, CreateHealthCheck, UpdateHealthCheck,
// DeleteHealthCheck) count for FailWrite; their name is the hosted zone
// ID, or the health check ID.
//
// Requests returns the request log (service, operation, parameter name,
// SecretId, hosted zone or change ID, status, error code, SDK attempt
// number, time) and never a value. Parameter, ParameterInfo,
// ParameterNames, Secret, SecretNames, HostedZone, HostedZoneIDs,
// RecordSets, ChangeStatus, HealthChecks and EligibleRecords show the
// state without an SDK; CreateZone
// creates a hosted zone without one.
//
// # Use in tests
//
//	srv, url := awsapi.Start(t, awsapi.Options{})
//	cfg, _ := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
//		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "secret", "")))
//	client := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
//	_, err := client.PutParameter(ctx, &ssm.PutParameterInput{...})
//	value, version, tier, ok := srv.Parameter("/app/prod/KEY")
//
//	zoneID := srv.CreateZone("acme.com")
//	r53 := route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
//	_, err = r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: &zoneID, ...})
//	sets := srv.RecordSets(zoneID)
package awsapi
