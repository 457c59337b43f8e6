package awsapi

import (
	"math"
	"sync"
	"time"
)

// Quota names one of the request-rate quotas. Each is a token bucket that
// refills continuously; a request finding it empty is answered 400
// ThrottlingException "Rate exceeded" (Route 53: Throttling), which the AWS
// SDKs retry.
type Quota int

// The quotas and the operations that share them.
const (
	// QuotaSSMPut: PutParameter.
	QuotaSSMPut Quota = iota
	// QuotaSSMGet: GetParameter, GetParameters, GetParametersByPath,
	// DescribeParameters.
	QuotaSSMGet
	// QuotaSSMDelete: DeleteParameter, DeleteParameters,
	// AddTagsToResource, ListTagsForResource, RemoveTagsFromResource.
	QuotaSSMDelete
	// QuotaSecretsWrite: CreateSecret, PutSecretValue, UpdateSecret,
	// DeleteSecret, RestoreSecret, TagResource, UntagResource.
	QuotaSecretsWrite
	// QuotaSecretsRead: GetSecretValue, DescribeSecret.
	QuotaSecretsRead
	// QuotaSecretsList: ListSecrets.
	QuotaSecretsList
	// QuotaRoute53: every Route 53 call.
	QuotaRoute53
	// QuotaECS: every ECS call.
	QuotaECS
	// QuotaLogs: every CloudWatch Logs call.
	QuotaLogs
)

func (q Quota) String() string {
	switch q {
	case QuotaSSMPut:
		return "ssm-put"
	case QuotaSSMGet:
		return "ssm-get"
	case QuotaSSMDelete:
		return "ssm-delete"
	case QuotaSecretsWrite:
		return "secretsmanager-write"
	case QuotaSecretsRead:
		return "secretsmanager-read"
	case QuotaSecretsList:
		return "secretsmanager-list"
	case QuotaRoute53:
		return "route53"
	case QuotaECS:
		return "ecs"
	case QuotaLogs:
		return "logs"
	}
	return "unknown"
}

type quotaDefault struct {
	tps  float64
	pick func(Options) (tps float64, burst int)
}

var quotaDefaults = map[Quota]quotaDefault{
	QuotaSSMPut:       {DefaultSSMPutTPS, func(o Options) (float64, int) { return o.SSMPutTPS, o.SSMPutBurst }},
	QuotaSSMGet:       {DefaultSSMGetTPS, func(o Options) (float64, int) { return o.SSMGetTPS, o.SSMGetBurst }},
	QuotaSSMDelete:    {DefaultSSMDeleteTPS, func(o Options) (float64, int) { return o.SSMDeleteTPS, o.SSMDeleteBurst }},
	QuotaSecretsWrite: {DefaultSecretsWriteTPS, func(o Options) (float64, int) { return o.SecretsWriteTPS, o.SecretsWriteBurst }},
	QuotaSecretsRead:  {DefaultSecretsReadTPS, func(o Options) (float64, int) { return o.SecretsReadTPS, o.SecretsReadBurst }},
	QuotaSecretsList:  {DefaultSecretsListTPS, func(o Options) (float64, int) { return o.SecretsListTPS, o.SecretsListBurst }},
	QuotaRoute53:      {DefaultRoute53TPS, func(o Options) (float64, int) { return o.Route53TPS, o.Route53Burst }},
	QuotaECS:          {DefaultECSTPS, func(o Options) (float64, int) { return o.ECSTPS, o.ECSBurst }},
	QuotaLogs:         {DefaultLogsTPS, func(o Options) (float64, int) { return o.LogsTPS, o.LogsBurst }},
}

// SetQuota changes a quota from now on: tps > 0 sets the rate, tps == 0
// restores the default rate, tps < 0 disables the quota. burst is the
// bucket size; 0 means the rate rounded up (at least 1). The bucket starts
// full.
func (s *Server) SetQuota(q Quota, tps float64, burst int) {
	b := s.quotas[q]
	if b == nil {
		return
	}
	if tps == 0 {
		tps = quotaDefaults[q].tps
	}
	b.set(tps, max(burst, 0), s.now())
}

// tokenBucket holds up to capacity tokens, refilled at rate per second. A
// negative rate means unlimited. It is safe for concurrent use.
type tokenBucket struct {
	mu       sync.Mutex
	rate     float64
	capacity float64
	tokens   float64
	last     time.Time
}

func newTokenBucket(tps float64, burst int, now time.Time) *tokenBucket {
	b := &tokenBucket{}
	b.set(tps, burst, now)
	return b
}

func (b *tokenBucket) set(tps float64, burst int, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rate = tps
	if burst == 0 {
		burst = max(int(math.Ceil(tps)), 1)
	}
	b.capacity = float64(burst)
	b.tokens = b.capacity
	b.last = now
}

// take spends a token if there is one. A clock that goes backwards earns
// nothing.
func (b *tokenBucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate < 0 {
		return true
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(b.capacity, b.tokens+elapsed.Seconds()*b.rate)
		b.last = now
	}
	// The epsilon forgives float rounding, so that a client paced at
	// exactly the rate is never throttled.
	if b.tokens >= 1-1e-6 {
		b.tokens = math.Max(b.tokens-1, 0)
		return true
	}
	return false
}
