package secretimport

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"golang.org/x/time/rate"
)

// SSMAPI is the part of the SSM client the engine uses.
type SSMAPI interface {
	PutParameter(context.Context, *ssm.PutParameterInput, ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	GetParameters(context.Context, *ssm.GetParametersInput, ...func(*ssm.Options)) (*ssm.GetParametersOutput, error)
	GetParametersByPath(context.Context, *ssm.GetParametersByPathInput, ...func(*ssm.Options)) (*ssm.GetParametersByPathOutput, error)
	DeleteParameters(context.Context, *ssm.DeleteParametersInput, ...func(*ssm.Options)) (*ssm.DeleteParametersOutput, error)
	AddTagsToResource(context.Context, *ssm.AddTagsToResourceInput, ...func(*ssm.Options)) (*ssm.AddTagsToResourceOutput, error)
	RemoveTagsFromResource(context.Context, *ssm.RemoveTagsFromResourceInput, ...func(*ssm.Options)) (*ssm.RemoveTagsFromResourceOutput, error)
}

// SecretsAPI is the part of the Secrets Manager client the engine uses.
type SecretsAPI interface {
	CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error)
	RestoreSecret(context.Context, *secretsmanager.RestoreSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.RestoreSecretOutput, error)
	ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error)
	TagResource(context.Context, *secretsmanager.TagResourceInput, ...func(*secretsmanager.Options)) (*secretsmanager.TagResourceOutput, error)
	UntagResource(context.Context, *secretsmanager.UntagResourceInput, ...func(*secretsmanager.Options)) (*secretsmanager.UntagResourceOutput, error)
}

// Limits paces calls to the account's quotas. The limiters are shared by
// every resource of a provider, because AWS meters per account and region.
// A nil limiter does not pace.
type Limits struct {
	SSMWrite     *rate.Limiter // PutParameter, about 3/s (FACTS.md)
	SSMRead      *rate.Limiter // Get*, 40/s shared
	SSMOther     *rate.Limiter // deletes and tagging
	SecretsWrite *rate.Limiter // Create/Put/Delete/Restore/Tag, 50/s shared
}

// NewLimits returns limiters at the given write rates (per second) and
// AWS's read quotas. Burst is 1: requests are spread, never bunched.
func NewLimits(ssmPutPerSecond, secretsWritePerSecond float64) *Limits {
	return &Limits{
		SSMWrite:     rate.NewLimiter(rate.Limit(ssmPutPerSecond), 1),
		SSMRead:      rate.NewLimiter(rate.Limit(40), 1),
		SSMOther:     rate.NewLimiter(rate.Limit(10), 1),
		SecretsWrite: rate.NewLimiter(rate.Limit(secretsWritePerSecond), 1),
	}
}

func wait(ctx context.Context, l *rate.Limiter) error {
	if l == nil {
		return nil
	}
	return l.Wait(ctx)
}

// Logger receives progress messages. Fields carry names and counts, never
// values.
type Logger func(ctx context.Context, msg string, fields map[string]any)

// Engine reads and writes one destination's keys.
type Engine struct {
	SSM     SSMAPI
	Secrets SecretsAPI
	Limits  *Limits
	// Workers is how many writes may be in flight at once (default 4). The
	// limiter, not the workers, sets the pace.
	Workers int
	Log     Logger
}

func (e *Engine) limits() *Limits {
	if e.Limits == nil {
		return &Limits{}
	}
	return e.Limits
}

func (e *Engine) log(ctx context.Context, msg string, fields map[string]any) {
	if e.Log != nil {
		e.Log(ctx, msg, fields)
	}
}

// ApplyInput is one apply of a resource.
type ApplyInput struct {
	Dest Destination
	// PriorTags are the tags of the previous apply, to tag only changes.
	PriorTags map[string]string
	Desired   map[string]string
	Prior     map[string]KeyState
	Salt      string
	// RewriteAll writes every key even when unchanged.
	RewriteAll bool
}

// Result is the outcome of an apply. Keys is true to what exists whether or
// not the apply failed: unchanged keys, keys written, and keys not yet
// deleted.
type Result struct {
	Keys    map[string]KeyState
	Written []string
	Deleted []string
}

// PartialError reports an apply that stopped at a write that failed for
// good (after the SDK's retries).
type PartialError struct {
	// Failed is the key whose write failed; NotWritten lists every key the
	// apply meant to write but did not, Failed included.
	Failed     string
	Written    []string
	NotWritten []string
	Cause      error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("writing %q failed after retries; %d key(s) written, %d not written (%s): %v",
		e.Failed, len(e.Written), len(e.NotWritten), strings.Join(e.NotWritten, ", "), e.Cause)
}

func (e *PartialError) Unwrap() error { return e.Cause }

// Apply writes what changed and deletes what was removed.
func (e *Engine) Apply(ctx context.Context, in ApplyInput) (Result, error) {
	res := Result{Keys: map[string]KeyState{}}
	for k, v := range in.Prior {
		res.Keys[k] = v
	}
	changes := Diff(in.Dest, in.Desired, in.Prior, in.Salt, in.RewriteAll)
	var writes, deletes []string
	for _, c := range changes {
		switch c.Op {
		case OpCreate, OpUpdate:
			writes = append(writes, c.Key)
		case OpDelete:
			deletes = append(deletes, c.Key)
		}
	}
	e.log(ctx, "Applying secret import", map[string]any{
		"destination": in.Dest.ID(), "writes": len(writes), "deletes": len(deletes),
	})

	var err error
	switch in.Dest.Kind {
	case KindSecretsManager:
		err = e.applyJSON(ctx, in, writes, deletes, &res)
	default:
		err = e.applyPerKey(ctx, in, writes, deletes, &res)
	}
	if err != nil {
		return res, err
	}
	if err := e.retag(ctx, in, &res); err != nil {
		return res, err
	}
	sort.Strings(res.Written)
	sort.Strings(res.Deleted)
	return res, nil
}

// applyPerKey writes one parameter or secret per key through a small
// worker pool, stopping at the first write that fails for good.
func (e *Engine) applyPerKey(ctx context.Context, in ApplyInput, writes, deletes []string, res *Result) error {
	workers := e.Workers
	if workers <= 0 {
		workers = 4
	}
	// stop ends dispatching after the first failure. Writes already in
	// flight run to completion so that the result records them truly.
	stop := make(chan struct{})
	var stopOnce sync.Once

	type outcome struct {
		key   string
		state KeyState
		err   error
	}
	jobs := make(chan string)
	results := make(chan outcome)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range jobs {
				prior, exists := in.Prior[key]
				var st KeyState
				var err error
				if in.Dest.Kind == KindSSM {
					st, err = e.putParameter(ctx, in, key, prior, exists)
				} else {
					st, err = e.putSecret(ctx, in.Dest, in.Dest.NameFor(key), in.Desired[key], exists)
				}
				if err == nil {
					st.Fingerprint = Fingerprint(in.Salt, in.Desired[key])
				}
				results <- outcome{key, st, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, key := range writes {
			select {
			case jobs <- key:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var first *outcome
	done := map[string]bool{}
	for r := range results {
		if r.err != nil {
			if first == nil {
				r := r
				first = &r
				stopOnce.Do(func() { close(stop) })
			}
			continue
		}
		res.Keys[r.key] = r.state
		res.Written = append(res.Written, r.key)
		done[r.key] = true
	}
	if first == nil && ctx.Err() != nil {
		// Cancelled (Ctrl-C, timeout) between dispatches.
		first = &outcome{err: ctx.Err()}
		for _, key := range writes {
			if !done[key] {
				first.key = key
				break
			}
		}
	}
	if first != nil {
		var notWritten []string
		for _, key := range writes {
			if !done[key] {
				notWritten = append(notWritten, key)
			}
		}
		sort.Strings(res.Written)
		return &PartialError{Failed: first.key, Written: res.Written, NotWritten: notWritten, Cause: first.err}
	}
	return e.deleteKeys(ctx, in.Dest, deletes, res)
}

// putParameter writes one SSM SecureString.
func (e *Engine) putParameter(ctx context.Context, in ApplyInput, key string, prior KeyState, exists bool) (KeyState, error) {
	d := in.Dest
	name := d.NameFor(key)
	value := in.Desired[key]
	tier := DesiredTier(d.Tier, value, prior.Tier)
	if d.Tier == TierIntelligentTiering {
		tier = TierIntelligentTiering
	}
	put := func(overwrite bool) (*ssm.PutParameterOutput, error) {
		if err := wait(ctx, e.limits().SSMWrite); err != nil {
			return nil, err
		}
		input := ssmPutInput(name, value, d.KeyID, tier, overwrite)
		if !overwrite {
			input.Tags = ssmTags(d.Tags)
		}
		return e.SSM.PutParameter(ctx, input)
	}
	out, err := put(exists)
	if err != nil && !exists && isCode(err, "ParameterAlreadyExists") {
		// Left over from an earlier failed apply, or created by hand: adopt
		// it. Tags cannot ride along with Overwrite, so they follow.
		e.log(ctx, "Adopting an existing parameter", map[string]any{"name": name})
		if out, err = put(true); err == nil && len(d.Tags) > 0 {
			err = e.tagParameter(ctx, name, d.Tags, nil)
		}
	}
	if err != nil {
		return KeyState{}, err
	}
	st := KeyState{Name: name, Version: fmt.Sprint(out.Version), Tier: string(out.Tier), ARN: prior.ARN}
	if prior.Name != name {
		st.ARN = ""
	}
	return st, nil
}

// putSecret writes a secret's value: PutSecretValue when it exists,
// CreateSecret otherwise, restoring a secret of that name that is
// scheduled for deletion (the name cannot be reused until then).
func (e *Engine) putSecret(ctx context.Context, d Destination, name, value string, exists bool) (KeyState, error) {
	lim := e.limits().SecretsWrite
	create := func() (KeyState, error) {
		if err := wait(ctx, lim); err != nil {
			return KeyState{}, err
		}
		out, err := e.Secrets.CreateSecret(ctx, smCreateInput(name, value, d.KeyID, d.Tags))
		if err != nil {
			return KeyState{}, err
		}
		return KeyState{Name: name, Version: deref(out.VersionId), ARN: deref(out.ARN)}, nil
	}
	update := func() (KeyState, error) {
		if err := wait(ctx, lim); err != nil {
			return KeyState{}, err
		}
		out, err := e.Secrets.PutSecretValue(ctx, smPutInput(name, value))
		if err != nil {
			return KeyState{}, err
		}
		return KeyState{Name: name, Version: deref(out.VersionId), ARN: deref(out.ARN)}, nil
	}
	restore := func() error {
		e.log(ctx, "Restoring a secret scheduled for deletion", map[string]any{"name": name})
		if err := wait(ctx, lim); err != nil {
			return err
		}
		_, err := e.Secrets.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: &name})
		return err
	}

	if !exists {
		st, err := create()
		switch {
		case err == nil:
			return st, nil
		case isCode(err, "ResourceExistsException"):
			return update()
		case isScheduledForDeletion(err):
			if err := restore(); err != nil {
				return KeyState{}, err
			}
			return update()
		default:
			return KeyState{}, err
		}
	}
	st, err := update()
	switch {
	case err == nil:
		return st, nil
	case isCode(err, "ResourceNotFoundException"): // deleted out of band
		return create()
	case isScheduledForDeletion(err):
		if err := restore(); err != nil {
			return KeyState{}, err
		}
		return update()
	default:
		return KeyState{}, err
	}
}
