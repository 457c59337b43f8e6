package dnscutover

import (
	"context"
	"errors"
	"fmt"
)

// ShiftResult is what a Shift did.
type ShiftResult struct {
	// ChangeID is the change batch that moved the weights to `to`; empty
	// when nothing was submitted (a refusing gate). It is set as soon as
	// Route 53 accepted the batch, even if the INSYNC wait then failed.
	ChangeID string
	// RevertChangeID is the change batch that put `from` back after a
	// failing watch; empty when there was none.
	RevertChangeID string
	// Gate is the gate's result; nil when the shift was not gated.
	Gate *GateResult
	// Watch is the watch's result; nil when the shift was not watched.
	Watch *GateResult
}

// Shift moves a pair from `from` to `to` weights in one change batch (as
// UpdateBatch builds it from the records Read finds under from's set
// identifiers) and waits for INSYNC.
//
// Only a shift that raises the AWS weight is gated (gate != nil: the AWS
// side is probed first) and watched (watch != nil: probed again after
// INSYNC, with the gate's target and thresholds); lowering the AWS weight,
// a rollback, is never held back. A refusing gate submits nothing and
// returns a *GateError. A failing watch submits one change batch back to
// `from`, waits for INSYNC and returns a *WatchError: Route 53 then holds
// `from` (unless WatchError.Reverted is false). A watch cut short by ctx
// (a timeout, Ctrl-C) returns ctx's error without reverting: Route 53 then
// holds `to`, INSYNC.
//
// A gated shift costs Route 53 one ListResourceRecordSets, one
// ChangeResourceRecordSets and the GetChange polls of the INSYNC wait; a
// revert adds one ChangeResourceRecordSets and its polls.
func (e *Engine) Shift(ctx context.Context, from, to Pair, gate *Gate, watch *Watch) (ShiftResult, error) {
	var res ShiftResult
	raises := to.AWS.Weight > from.AWS.Weight
	if raises && watch != nil {
		if gate == nil {
			return res, errors.New("a watch needs a gate: it probes the gate's target with the gate's thresholds")
		}
		if err := watch.Validate("watch").Err(); err != nil {
			return res, err
		}
	}
	awsTarget := to.AWS.Target
	if to.AWS.Alias != nil {
		awsTarget = to.AWS.Alias.Name
	}
	if raises && gate != nil {
		g, err := e.Probe(ctx, to.Name, awsTarget, *gate)
		if err != nil {
			return res, err
		}
		res.Gate = &g
		if !g.Passed {
			return res, &GateError{Result: g}
		}
	}
	cur, err := e.Read(ctx, to.ZoneID, to.Name, from.Heroku.SetIdentifier, from.AWS.SetIdentifier)
	if err != nil {
		return res, fmt.Errorf("reading the current records: %w", err)
	}
	if res.ChangeID, err = e.Submit(ctx, to.ZoneID, UpdateBatch(to, cur)); err != nil {
		return res, err
	}
	if err := e.WaitInsync(ctx, res.ChangeID); err != nil {
		return res, err
	}
	if !raises || watch == nil {
		return res, nil
	}
	w, err := e.probe(ctx, "watch", to.Name, awsTarget, *gate, watch.Requests, watch.Duration)
	if err != nil {
		return res, err
	}
	res.Watch = &w
	if w.Passed {
		return res, nil
	}
	e.logger().WarnContext(ctx, "The watch failed; putting the previous weights back", "record", to.Name,
		"heroku_weight", from.Heroku.Weight, "aws_weight", from.AWS.Weight)
	werr := &WatchError{Result: w}
	// The records are exactly `to` now: the batch that put them there is
	// INSYNC.
	res.RevertChangeID, werr.RevertErr = e.Submit(ctx, from.ZoneID, UpdateBatch(from, currentOf(to)))
	if werr.RevertErr == nil {
		werr.RevertErr = e.WaitInsync(ctx, res.RevertChangeID)
	}
	werr.Reverted = werr.RevertErr == nil
	return res, werr
}

// currentOf is the Current a pair's own change batch leaves.
func currentOf(p Pair) Current {
	rec := func(s Side) *Record {
		return &Record{SetIdentifier: s.SetIdentifier, Target: s.Target, Alias: s.Alias, Weight: s.Weight, TTL: p.TTL, HealthCheckID: s.HealthCheckID}
	}
	return Current{Heroku: rec(p.Heroku), AWS: rec(p.AWS)}
}
