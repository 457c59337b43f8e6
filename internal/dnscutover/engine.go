package dnscutover

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// Route53API is the part of the Route 53 client the engine uses.
type Route53API interface {
	ChangeResourceRecordSets(context.Context, *route53.ChangeResourceRecordSetsInput, ...func(*route53.Options)) (*route53.ChangeResourceRecordSetsOutput, error)
	GetChange(context.Context, *route53.GetChangeInput, ...func(*route53.Options)) (*route53.GetChangeOutput, error)
	ListResourceRecordSets(context.Context, *route53.ListResourceRecordSetsInput, ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error)
	GetHostedZone(context.Context, *route53.GetHostedZoneInput, ...func(*route53.Options)) (*route53.GetHostedZoneOutput, error)
	CreateHealthCheck(context.Context, *route53.CreateHealthCheckInput, ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error)
	GetHealthCheck(context.Context, *route53.GetHealthCheckInput, ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error)
	UpdateHealthCheck(context.Context, *route53.UpdateHealthCheckInput, ...func(*route53.Options)) (*route53.UpdateHealthCheckOutput, error)
	DeleteHealthCheck(context.Context, *route53.DeleteHealthCheckInput, ...func(*route53.Options)) (*route53.DeleteHealthCheckOutput, error)
}

// Engine changes and reads a pair.
type Engine struct {
	R53 Route53API
	// Clock times the INSYNC polls and retry backoffs; nil means
	// clock.Real.
	Clock clock.Clock
	// Logger receives the waits and retries at debug level; nil means no
	// logging.
	Logger *slog.Logger
	// PollInterval is the first wait between GetChange polls (default
	// 500ms); it grows by half each poll up to MaxPollInterval (10s).
	PollInterval, MaxPollInterval time.Duration
}

func (e *Engine) sleep(ctx context.Context, d time.Duration) error {
	return clock.Or(e.Clock).Sleep(ctx, d)
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// ZoneName returns a hosted zone's name, for the apex and in-zone checks.
func (e *Engine) ZoneName(ctx context.Context, zoneID string) (string, error) {
	var out *route53.GetHostedZoneOutput
	err := e.retrying(ctx, "GetHostedZone", func() error {
		var err error
		out, err = e.R53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(zoneID)})
		return err
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.HostedZone.Name), nil
}

// Record is one record of the pair as Route 53 holds it.
type Record struct {
	SetIdentifier string
	Target        string
	Alias         *Alias
	Weight        int64
	TTL           int64
	HealthCheckID string
}

// Current is what exists of a pair; a nil side does not exist.
type Current struct {
	Heroku, AWS *Record
}

// Read finds the pair's two records by their set identifiers.
func (e *Engine) Read(ctx context.Context, zoneID, name, herokuID, awsID string) (Current, error) {
	var cur Current
	fqdn := FQDN(name)
	in := &route53.ListResourceRecordSetsInput{
		HostedZoneId: aws.String(zoneID), StartRecordName: aws.String(fqdn), StartRecordType: types.RRType(RecordType),
		MaxItems: aws.Int32(100),
	}
	for {
		var out *route53.ListResourceRecordSetsOutput
		err := e.retrying(ctx, "ListResourceRecordSets", func() error {
			var err error
			out, err = e.R53.ListResourceRecordSets(ctx, in)
			return err
		})
		if err != nil {
			return cur, err
		}
		for _, rr := range out.ResourceRecordSets {
			if FQDN(aws.ToString(rr.Name)) != fqdn || string(rr.Type) != RecordType {
				return cur, nil // past our name and type: the list is sorted
			}
			rec := recordFrom(rr)
			switch rec.SetIdentifier {
			case herokuID:
				cur.Heroku = rec
			case awsID:
				cur.AWS = rec
			}
		}
		if !out.IsTruncated {
			return cur, nil
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier
	}
}

func recordFrom(rr types.ResourceRecordSet) *Record {
	rec := &Record{
		SetIdentifier: aws.ToString(rr.SetIdentifier), Weight: aws.ToInt64(rr.Weight), TTL: aws.ToInt64(rr.TTL),
		HealthCheckID: aws.ToString(rr.HealthCheckId),
	}
	if len(rr.ResourceRecords) > 0 {
		rec.Target = strings.TrimSuffix(aws.ToString(rr.ResourceRecords[0].Value), ".")
	}
	if rr.AliasTarget != nil {
		rec.Alias = &Alias{
			Name:   strings.TrimSuffix(aws.ToString(rr.AliasTarget.DNSName), "."),
			ZoneID: aws.ToString(rr.AliasTarget.HostedZoneId), EvaluateTargetHealth: rr.AliasTarget.EvaluateTargetHealth,
		}
	}
	return rec
}

// recordSet builds the Route 53 record of one side.
func recordSet(name string, ttl int64, s Side) *types.ResourceRecordSet {
	rr := &types.ResourceRecordSet{
		Name: aws.String(FQDN(name)), Type: types.RRType(RecordType),
		SetIdentifier: aws.String(s.SetIdentifier), Weight: aws.Int64(s.Weight),
	}
	if s.HealthCheckID != "" {
		rr.HealthCheckId = aws.String(s.HealthCheckID)
	}
	if s.Alias != nil {
		rr.AliasTarget = &types.AliasTarget{
			DNSName: aws.String(FQDN(s.Alias.Name)), HostedZoneId: aws.String(s.Alias.ZoneID),
			EvaluateTargetHealth: s.Alias.EvaluateTargetHealth,
		}
		return rr
	}
	rr.TTL = aws.Int64(ttl)
	rr.ResourceRecords = []types.ResourceRecord{{Value: aws.String(s.Target)}}
	return rr
}

// recordSetOf rebuilds the exact record that exists, for a DELETE.
func recordSetOf(name string, r *Record) *types.ResourceRecordSet {
	return recordSet(name, r.TTL, Side{SetIdentifier: r.SetIdentifier, Target: r.Target, Alias: r.Alias, Weight: r.Weight, HealthCheckID: r.HealthCheckID})
}

// CreateBatch creates both records: it fails, as a whole, if either exists.
func CreateBatch(p Pair) *types.ChangeBatch {
	return &types.ChangeBatch{
		Comment: aws.String("heroku2aws: create weighted pair"),
		Changes: []types.Change{
			{Action: types.ChangeActionCreate, ResourceRecordSet: recordSet(p.Name, p.TTL, p.Heroku)},
			{Action: types.ChangeActionCreate, ResourceRecordSet: recordSet(p.Name, p.TTL, p.AWS)},
		},
	}
}

// UpdateBatch brings both records to p in one transaction: an UPSERT of
// each, and, where a set identifier changed, a DELETE of the record under
// the old identifier in the same batch.
func UpdateBatch(p Pair, cur Current) *types.ChangeBatch {
	b := &types.ChangeBatch{Comment: aws.String(fmt.Sprintf("heroku2aws: weights heroku=%d aws=%d", p.Heroku.Weight, p.AWS.Weight))}
	for _, s := range []struct {
		want Side
		have *Record
	}{{p.Heroku, cur.Heroku}, {p.AWS, cur.AWS}} {
		if s.have != nil && s.have.SetIdentifier != s.want.SetIdentifier {
			b.Changes = append(b.Changes, types.Change{Action: types.ChangeActionDelete, ResourceRecordSet: recordSetOf(p.Name, s.have)})
		}
		b.Changes = append(b.Changes, types.Change{Action: types.ChangeActionUpsert, ResourceRecordSet: recordSet(p.Name, p.TTL, s.want)})
	}
	return b
}

// DeleteBatch deletes exactly the records that exist.
func DeleteBatch(name string, cur Current) *types.ChangeBatch {
	b := &types.ChangeBatch{Comment: aws.String("heroku2aws: delete weighted pair")}
	for _, r := range []*Record{cur.Heroku, cur.AWS} {
		if r != nil {
			b.Changes = append(b.Changes, types.Change{Action: types.ChangeActionDelete, ResourceRecordSet: recordSetOf(name, r)})
		}
	}
	return b
}

// Submit sends one change batch and returns the change id. Throttling
// and PriorRequestNotComplete (another change to the zone still pending)
// are retried with backoff until ctx ends; they never surface before.
func (e *Engine) Submit(ctx context.Context, zoneID string, batch *types.ChangeBatch) (string, error) {
	var out *route53.ChangeResourceRecordSetsOutput
	err := e.retrying(ctx, "ChangeResourceRecordSets", func() error {
		var err error
		out, err = e.R53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), ChangeBatch: batch})
		return err
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ChangeInfo.Id), nil
}

// Status returns a change's status, PENDING or INSYNC.
func (e *Engine) Status(ctx context.Context, changeID string) (string, error) {
	var out *route53.GetChangeOutput
	err := e.retrying(ctx, "GetChange", func() error {
		var err error
		out, err = e.R53.GetChange(ctx, &route53.GetChangeInput{Id: aws.String(changeID)})
		return err
	})
	if err != nil {
		return "", err
	}
	return string(out.ChangeInfo.Status), nil
}

// WaitInsync polls GetChange until the change is INSYNC or ctx ends.
func (e *Engine) WaitInsync(ctx context.Context, changeID string) error {
	interval, maxInterval := e.PollInterval, e.MaxPollInterval
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	if maxInterval <= 0 {
		maxInterval = 10 * time.Second
	}
	for {
		var out *route53.GetChangeOutput
		err := e.retrying(ctx, "GetChange", func() error {
			var err error
			out, err = e.R53.GetChange(ctx, &route53.GetChangeInput{Id: aws.String(changeID)})
			return err
		})
		if err != nil {
			return err
		}
		if out.ChangeInfo.Status == types.ChangeStatusInsync {
			return nil
		}
		e.logger().DebugContext(ctx, "Waiting for Route 53 change",
			"change_id", changeID, "status", string(out.ChangeInfo.Status), "wait", interval.String())
		if err := e.sleep(ctx, interval); err != nil {
			return fmt.Errorf("change %s was still %s when the wait ended: %w", changeID, out.ChangeInfo.Status, err)
		}
		interval = min(interval*3/2, maxInterval)
	}
}

// retrying runs call, retrying the errors Route 53 asks clients to retry
// (after the SDK's own retries are spent) with jittered backoff until ctx
// ends.
func (e *Engine) retrying(ctx context.Context, op string, call func() error) error {
	backoff := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !Retryable(err) {
			return err
		}
		wait := backoff/2 + time.Duration(rand.Int64N(int64(backoff)))
		e.logger().DebugContext(ctx, "Route 53 asked to retry",
			"operation", op, "attempt", attempt, "code", errorCode(err), "wait", wait.String())
		if serr := e.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w (still retrying when the timeout expired: %v)", err, serr)
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// Retryable reports the Route 53 errors that mean "try again later".
func Retryable(err error) bool {
	switch errorCode(err) {
	case "Throttling", "ThrottlingException", "PriorRequestNotComplete", "ServiceUnavailable", "InternalError":
		return true
	}
	return false
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// ErrorMessages returns the messages of an InvalidChangeBatch, which name
// the offending record and reason.
func ErrorMessages(err error) []string {
	var icb *types.InvalidChangeBatch
	if errors.As(err, &icb) {
		msgs := append([]string(nil), icb.Messages...)
		if len(msgs) == 0 && icb.Message != nil {
			msgs = append(msgs, *icb.Message)
		}
		return msgs
	}
	return nil
}
