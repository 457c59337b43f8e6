package dnscutover

import "context"

// ShiftResult is what a Shift did.
type ShiftResult struct {
	// ChangeID is the change batch that moved the weights to `to`; empty
	// when nothing was submitted (a refusing gate).
	ChangeID string
	// RevertChangeID is the change batch that put `from` back after a
	// failing watch.
	RevertChangeID string
	// Gate is the gate's result; nil when the shift was not gated.
	Gate *GateResult
	// Watch is the watch's result; nil when the shift was not watched.
	Watch *GateResult
}

// Shift moves a pair from `from` to `to` weights in one change batch and
// waits for INSYNC. It probes the AWS side first (gate) only when the AWS
// weight rises, and watches it after INSYNC when watch is set and the AWS
// weight rose; lowering the AWS weight is never gated nor watched. A
// refusing gate submits nothing and returns a *GateError. A failing watch
// reverts to `from` in one change batch, waits for INSYNC, and returns a
// *WatchError: Route 53 then holds `from`.
func (e *Engine) Shift(ctx context.Context, from, to Pair, gate *Gate, watch *Watch) (ShiftResult, error) {
	return ShiftResult{}, errNotImplemented
}
