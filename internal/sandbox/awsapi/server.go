package awsapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// Defaults of Options.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"

	// DefaultSSMPutTPS is PutParameter's rate at Parameter Store's
	// standard throughput, 3 transactions per second per account and
	// Region (https://docs.aws.amazon.com/general/latest/gr/ssm.html); the
	// bucket holds as many tokens as one second refills.
	DefaultSSMPutTPS = 3
	// DefaultSSMGetTPS is shared by GetParameter, GetParameters,
	// GetParametersByPath and DescribeParameters.
	DefaultSSMGetTPS = 40
	// DefaultSSMDeleteTPS is shared by DeleteParameter, DeleteParameters and
	// the three tagging calls.
	DefaultSSMDeleteTPS = 10
	// DefaultSecretsWriteTPS is shared by CreateSecret, PutSecretValue,
	// UpdateSecret, DeleteSecret, RestoreSecret, TagResource and
	// UntagResource.
	DefaultSecretsWriteTPS = 50
	// DefaultSecretsReadTPS is shared by GetSecretValue and DescribeSecret.
	DefaultSecretsReadTPS = 10000
	// DefaultSecretsListTPS is ListSecrets' rate.
	DefaultSecretsListTPS = 100

	// DefaultECSTPS is the rate shared by every ECS call: a sandbox
	// choice, near ECS's sustained rate for RunTask (20 per second).
	DefaultECSTPS = 20
	// DefaultLogsTPS is the rate shared by every CloudWatch Logs call: a
	// sandbox choice; the real quotas are per action (PutLogEvents 5000,
	// GetLogEvents 25, FilterLogEvents 5 per second).
	DefaultLogsTPS = 100
	// DefaultECSStartDelay is Options.ECSStartDelay's default.
	DefaultECSStartDelay = 50 * time.Millisecond

	// DefaultMaxStandardParameters is the Standard-tier parameter quota of
	// one account and region.
	DefaultMaxStandardParameters = 10000
	// DefaultMaxAdvancedParameters is the Advanced-tier parameter quota.
	DefaultMaxAdvancedParameters = 100000
)

// Options tunes a Server. The zero value gives the services' documented
// behaviour and quotas in us-east-1 for account 123456789012, except that
// Route 53 changes are INSYNC at once (see Route53SyncDelay) and
// PriorRequestNotComplete is off.
//
// A TPS of 0 takes the default and a negative TPS disables that quota. A
// burst of 0 makes the bucket hold one second of tokens (the TPS rounded up,
// at least 1).
type Options struct {
	// Region is the only region the server answers for: requests signed for
	// another region fail with InvalidSignatureException. Default us-east-1.
	Region string
	// AccountID appears in ARNs. Default 123456789012.
	AccountID string
	// AccessKeyID, when set, is the only access key accepted; other keys get
	// UnrecognizedClientException. Empty accepts any key.
	AccessKeyID string

	SSMPutTPS       float64
	SSMGetTPS       float64
	SSMDeleteTPS    float64
	SecretsWriteTPS float64
	SecretsReadTPS  float64
	SecretsListTPS  float64

	SSMPutBurst       int
	SSMGetBurst       int
	SSMDeleteBurst    int
	SecretsWriteBurst int
	SecretsReadBurst  int
	SecretsListBurst  int

	// MaxStandardParameters is the Standard-tier quota; creating one more
	// fails with ParameterLimitExceeded. 0 means DefaultMaxStandardParameters.
	MaxStandardParameters int
	// MaxAdvancedParameters is the Advanced-tier quota. 0 means
	// DefaultMaxAdvancedParameters.
	MaxAdvancedParameters int

	// Route53TPS is the request rate shared by every Route 53 call
	// (DefaultRoute53TPS); an empty bucket answers Throttling.
	Route53TPS   float64
	Route53Burst int
	// Route53SyncDelay is how long a Route 53 change (hosted zone creation
	// or deletion, change batch) stays PENDING after its submission, by
	// Now, before GetChange reports it INSYNC. 0 makes changes INSYNC at
	// once (the answer that submits a change always says PENDING, as
	// Route 53's does). See also Server.SetRoute53SyncDelay.
	Route53SyncDelay time.Duration
	// Route53PriorRequestNotComplete makes a change batch (or a hosted zone
	// deletion) fail with PriorRequestNotComplete while the previous change
	// batch to the same zone is still PENDING. See also
	// Server.SetPriorRequestNotComplete.
	Route53PriorRequestNotComplete bool
	// Route53LegacyInvalidChangeBatch answers InvalidChangeBatch with the
	// older body rooted at <InvalidChangeBatch> (<Messages> and
	// <RequestId> only), which the SDKs decode with a customization,
	// instead of the <ErrorResponse> Route 53 answers today.
	Route53LegacyInvalidChangeBatch bool
	// Route53RefuseHealthCheckInUse makes DeleteHealthCheck answer
	// HealthCheckInUse while a record set names the check, as Route 53
	// once did; Route 53 deletes it today. See also
	// Server.SetRefuseHealthCheckInUse.
	Route53RefuseHealthCheckInUse bool
	// Route53AnswerSeed seeds TestDNSAnswer's weighted random picks; 0
	// takes a random seed.
	Route53AnswerSeed uint64

	// ECSTPS and LogsTPS are the rates shared by every ECS and every
	// CloudWatch Logs call (DefaultECSTPS, DefaultLogsTPS).
	ECSTPS    float64
	ECSBurst  int
	LogsTPS   float64
	LogsBurst int
	// ECSStartDelay is how long a task stays in each of PROVISIONING and
	// PENDING before its process starts. 0 means DefaultECSStartDelay; a
	// negative delay is invalid.
	ECSStartDelay time.Duration

	// Latency is added to every request. The wait ends early when the
	// request's context is canceled. See also Server.SetLatency.
	Latency time.Duration
	// Clock is the clock for quotas, timestamps, recovery windows and the
	// request log; clock.Real when nil. Only its Now is read: latency and
	// ECS start delays are real waits. Signatures are not checked against
	// it.
	Clock clock.Clock
}

// Request is one entry of the request log. It never holds a parameter or
// secret value, nor credentials.
type Request struct {
	// Service is the signing name: "ssm", "secretsmanager", "route53",
	// "ecs" or "logs";
	// empty when the target was not recognised.
	Service string
	// Operation is the API name, for example "PutParameter"; empty for a
	// Route 53 path the sandbox does not serve.
	Operation string
	// Name is the parameter name or the SecretId of a single-resource
	// operation (for the tagging calls, the ResourceId or SecretId). For
	// Route 53 it is the hosted zone ID (the new one for CreateHostedZone;
	// the hostedzoneid parameter for ListHostedZonesByName), or the change
	// ID for GetChange.
	Name string
	// Names lists the names of GetParameters and DeleteParameters.
	Names []string
	// Status is the HTTP status answered; 0 when the client went away
	// during the injected latency.
	Status int
	// ErrorCode is the __type of an error answer, empty on success.
	ErrorCode string
	// Attempt is the SDK's attempt number from the amz-sdk-request header
	// (1 for the first try); 0 when the client did not send it.
	Attempt int
	// At is when the request arrived, by Options.Clock.
	At time.Time
}

// Server is a fake of AWS SSM Parameter Store and Secrets Manager speaking
// AWS JSON 1.1, and of Route 53 speaking REST-XML. It is an http.Handler
// and safe for concurrent use.
type Server struct {
	region    string
	accountID string
	accessKey string
	now       func() time.Time
	latency   atomic.Int64 // time.Duration
	secretKey []byte       // keys the opaque SecureString "ciphertexts"

	quotas    map[Quota]*tokenBucket
	targets   map[string]*operation // by X-Amz-Target
	r53Routes []*r53Route

	ssm  *ssmStore
	sm   *smStore
	r53  *r53Store
	logs *logsStore
	ecs  *ecsStore

	mu     sync.Mutex
	log    []Request
	faults faultState
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

var accountPattern = regexp.MustCompile(`^\d{12}$`)

// New returns an empty Server. It panics on invalid Options (see
// Options.Validate), which are programming errors.
func New(opts Options) *Server {
	s, err := newServer(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Validate reports invalid Options: a malformed region or account ID, or a
// negative burst, parameter quota, latency or Route 53 sync delay.
func (o Options) Validate() error {
	_, err := newServer(o)
	return err
}

func newServer(opts Options) (*Server, error) {
	s := &Server{
		region:    opts.Region,
		accountID: opts.AccountID,
		accessKey: opts.AccessKeyID,
		now:       clock.Or(opts.Clock).Now,
		secretKey: make([]byte, 32),
	}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if !regionPattern.MatchString(s.region) {
		return nil, fmt.Errorf("awsapi: invalid region %q", s.region)
	}
	if s.accountID == "" {
		s.accountID = DefaultAccountID
	}
	if !accountPattern.MatchString(s.accountID) {
		return nil, fmt.Errorf("awsapi: invalid account ID %q (want 12 digits)", s.accountID)
	}
	if opts.Latency < 0 || opts.MaxStandardParameters < 0 || opts.MaxAdvancedParameters < 0 || opts.Route53SyncDelay < 0 || opts.ECSStartDelay < 0 {
		return nil, errors.New("awsapi: negative option")
	}
	_, _ = rand.Read(s.secretKey)
	s.latency.Store(int64(opts.Latency))

	now := s.now()
	s.quotas = make(map[Quota]*tokenBucket, len(quotaDefaults))
	for q, def := range quotaDefaults {
		tps, burst := def.pick(opts)
		if burst < 0 {
			return nil, fmt.Errorf("awsapi: negative burst for %s", q)
		}
		if tps == 0 {
			tps = def.tps
		}
		s.quotas[q] = newTokenBucket(tps, burst, now)
	}

	maxStd, maxAdv := opts.MaxStandardParameters, opts.MaxAdvancedParameters
	if maxStd == 0 {
		maxStd = DefaultMaxStandardParameters
	}
	if maxAdv == 0 {
		maxAdv = DefaultMaxAdvancedParameters
	}
	s.ssm = newSSMStore(maxStd, maxAdv)
	s.sm = newSMStore()
	s.r53 = newR53Store(opts)
	s.logs = newLogsStore()
	s.ecs = newECSStore(opts)

	s.targets = map[string]*operation{}
	s.registerSSM()
	s.registerSecretsManager()
	s.registerRoute53()
	s.registerECS()
	s.registerLogs()
	return s, nil
}

// Region returns the region the server answers for.
func (s *Server) Region() string { return s.region }

// AccountID returns the account ID used in ARNs.
func (s *Server) AccountID() string { return s.accountID }

// Requests returns a copy of the request log, in arrival order of the
// answers.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		r.Names = append([]string(nil), r.Names...)
		out[i] = r
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// SetLatency changes the latency added to every request from now on.
func (s *Server) SetLatency(d time.Duration) {
	s.latency.Store(int64(max(d, 0)))
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r)
}

// ServeHTTP answers one request: latency, authentication, the operation's
// input, its quota, injected failures, then the operation. AWS JSON calls
// are routed by X-Amz-Target, Route 53 calls by path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{At: s.now(), Attempt: sdkAttempt(r.Header.Get("Amz-Sdk-Request"))}
	w.Header().Set("x-amzn-RequestId", uuid.NewString())

	target := r.Header.Get("X-Amz-Target")
	if _, svc := s.lookupTarget(target); svc != nil {
		rec.Service = svc.signingName
		_, rec.Operation, _ = strings.Cut(target, ".")
	}
	route53 := target == "" && isRoute53Path(r.URL.Path)
	var route *r53Route
	var routeID string
	if route53 {
		rec.Service = route53Service.signingName
		if route, routeID = s.matchRoute53(r.Method, r.URL.Path); route != nil {
			rec.Operation = route.op.name
		}
	}
	// Read the body first: only then does net/http notice a client that
	// gives up during the latency below.
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if d := time.Duration(s.latency.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			s.record(rec)
			return
		}
	}

	if target != "" {
		s.serveJSON(w, r, target, body, readErr, &rec)
		return
	}
	if route53 {
		s.serveRoute53(w, r, route, routeID, body, readErr, &rec)
		return
	}
	s.finish(w, &rec, nil, errUnknownOperation(""), msgKeyLower)
}
