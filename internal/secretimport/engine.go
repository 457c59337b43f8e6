package secretimport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
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
//
// Parameter Store's default throughput for PutParameter is about 3
// transactions a second, and 40 a second for the Get* calls
// (https://docs.aws.amazon.com/general/latest/gr/ssm.html); Secrets
// Manager meters its write calls together, at 50 a second
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html).
type Limits struct {
	SSMWrite     *rate.Limiter // PutParameter, about 3/s
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

// Engine reads and writes one destination's keys.
type Engine struct {
	SSM     SSMAPI
	Secrets SecretsAPI
	Limits  *Limits
	// Workers is how many writes may be in flight at once (default 4). The
	// limiter, not the workers, sets the pace.
	Workers int
	// Log receives progress messages (nil discards them). They carry names
	// and counts, never values.
	Log *slog.Logger
}

func (e *Engine) limits() *Limits {
	if e.Limits == nil {
		return &Limits{}
	}
	return e.Limits
}

func (e *Engine) log() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
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
	res := Result{Keys: maps.Clone(in.Prior)}
	if res.Keys == nil {
		res.Keys = map[string]KeyState{}
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
	e.log().DebugContext(ctx, "Applying secret import",
		"destination", in.Dest.ID(), "writes", len(writes), "deletes", len(deletes))

	d := in.Dest.impl()
	if err := d.write(ctx, e, in, writes, deletes, &res); err != nil {
		return res, err
	}
	// Tags are brought in line when they changed (not on create: the
	// writes carry them).
	changed := !maps.Equal(in.PriorTags, in.Dest.Tags) && in.Prior != nil
	var removed []string
	for k := range in.PriorTags {
		if _, ok := in.Dest.Tags[k]; !ok {
			removed = append(removed, k)
		}
	}
	slices.Sort(removed)
	if err := d.retag(ctx, e, res.Keys, in.Dest.Tags, removed, changed); err != nil {
		return res, err
	}
	slices.Sort(res.Written)
	slices.Sort(res.Deleted)
	return res, nil
}

// applyPerKey writes one parameter or secret per key through a small
// worker pool, stopping at the first write that fails for good, then
// deletes. put writes one key.
func (e *Engine) applyPerKey(ctx context.Context, in ApplyInput, writes, deletes []string, res *Result,
	put func(ctx context.Context, key string, prior KeyState, exists bool) (KeyState, error),
) error {
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
	for range workers {
		wg.Go(func() {
			for key := range jobs {
				prior, exists := in.Prior[key]
				st, err := put(ctx, key, prior, exists)
				if err == nil {
					st.Fingerprint = Fingerprint(in.Salt, in.Desired[key])
				}
				results <- outcome{key, st, err}
			}
		})
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
		slices.Sort(res.Written)
		return &PartialError{Failed: first.key, Written: res.Written, NotWritten: notWritten, Cause: first.err}
	}
	return e.deleteKeys(ctx, in.Dest, deletes, res)
}

// deleteKeys removes keys that are no longer wanted.
func (e *Engine) deleteKeys(ctx context.Context, d Destination, keys []string, res *Result) error {
	if len(keys) == 0 {
		return nil
	}
	deleted, err := d.impl().remove(ctx, e, keys, res.Keys)
	for _, k := range deleted {
		delete(res.Keys, k)
	}
	res.Deleted = append(res.Deleted, deleted...)
	return err
}

// Read refreshes the state of the keys in prior from the destination:
// versions and fingerprints of the values found there. Keys that no longer
// exist are left out, so the next plan writes them again.
func (e *Engine) Read(ctx context.Context, d Destination, prior map[string]KeyState, salt string) (map[string]KeyState, error) {
	return d.impl().read(ctx, e, prior, salt)
}

// Discover adopts what already exists at a destination, for import.
func (e *Engine) Discover(ctx context.Context, d Destination, salt string) (map[string]KeyState, error) {
	return d.impl().discover(ctx, e, salt)
}

// Destroy deletes everything the state says was written. It returns what
// is left when it fails part way.
func (e *Engine) Destroy(ctx context.Context, d Destination, prior map[string]KeyState) (map[string]KeyState, error) {
	res := &Result{Keys: maps.Clone(prior)}
	if res.Keys == nil {
		res.Keys = map[string]KeyState{}
	}
	err := e.deleteKeys(ctx, d, slices.Sorted(maps.Keys(prior)), res)
	return res.Keys, err
}

// isCode reports whether err is an AWS API error with this code.
func isCode(err error, code string) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == code
}
