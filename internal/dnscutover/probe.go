package dnscutover

import "context"

// Probe sends g.Requests HTTP(S) requests to the AWS side of the record
// recordName, spread evenly over g.Duration, connecting to g.Address or
// awsTarget:port, with recordName as the Host header and TLS server name,
// and measures them against g's thresholds. An error means the probe could
// not run (an invalid gate, ctx ended); a target that fails is a result
// with Passed false.
func (e *Engine) Probe(ctx context.Context, recordName, awsTarget string, g Gate) (GateResult, error) {
	return GateResult{}, errNotImplemented
}
