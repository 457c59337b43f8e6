package awsapi

import (
	"net/http"
	"strings"
	"time"
)

// faultState holds the injected failures. The Server's mu guards it.
type faultState struct {
	nextCount  int // FailNext
	nextStatus int
	pending    []pendingWrite       // FailWrite
	names      map[string]nameFault // FailName, by name as given
	changes    nameFault            // FailRoute53Changes
	changesN   int
}

type pendingWrite struct {
	remaining  int
	code       string
	status     int
	persistent bool
}

type nameFault struct {
	code   string
	status int
}

// FailNext makes the next n requests that pass authentication and their
// quota fail with status: 503 answers ServiceUnavailable, any other 5xx the
// service's internal error (SSM InternalServerError, Secrets Manager
// InternalServiceError, Route 53 InternalFailure). A status outside 500-599 is treated as 500. The SDKs
// retry these. n <= 0 cancels pending failures.
func (s *Server) FailNext(n int, status int) {
	if status < 500 || status > 599 {
		status = http.StatusInternalServerError
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.nextCount = max(n, 0)
	s.faults.nextStatus = status
}

// FailWrite makes the nth write from now fail (n = 1 is the next one) with
// the error code and status. Writes are the calls that change state: SSM
// PutParameter, DeleteParameter(s), AddTagsToResource,
// RemoveTagsFromResource; Secrets Manager CreateSecret, PutSecretValue,
// UpdateSecret, DeleteSecret, RestoreSecret, TagResource, UntagResource;
// Route 53 CreateHostedZone, ChangeResourceRecordSets, DeleteHostedZone
// (their name is the hosted zone ID). A write counts when it has passed
// authentication, input decoding and its quota, so throttled requests do
// not count.
//
// With persistent, the names of that write also start failing like
// FailName: every later write to them fails too (SDK retries included)
// until ClearFaults.
//
// An empty code means the service's internal error; status 0 means 500 for
// internal errors, 503 for ServiceUnavailable and 400 otherwise.
func (s *Server) FailWrite(n int, code string, status int, persistent bool) {
	code, status = faultCode(code, status)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.pending = append(s.faults.pending, pendingWrite{remaining: max(n, 1), code: code, status: status, persistent: persistent})
}

// FailName makes every write to name fail with the code and status until
// ClearFaults. An SSM name matches with or without its leading slash; a
// secret matches by name or by ARN; a hosted zone by its ID, with or
// without "/hostedzone/". Code and status default as in FailWrite.
func (s *Server) FailName(name string, code string, status int) {
	code, status = faultCode(code, status)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.names == nil {
		s.faults.names = map[string]nameFault{}
	}
	s.faults.names[name] = nameFault{code: code, status: status}
}

// FailRoute53Changes makes the next n ChangeResourceRecordSets calls that
// pass authentication, input validation and the quota fail with the error
// code and status, for example "PriorRequestNotComplete" or "Throttling"
// (which the SDKs retry) or "InvalidChangeBatch". Code and status default
// as in FailWrite. n <= 0 cancels pending failures.
func (s *Server) FailRoute53Changes(n int, code string, status int) {
	code, status = faultCode(code, status)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.changesN = max(n, 0)
	s.faults.changes = nameFault{code: code, status: status}
}

// FailNextTaskStart makes the tasks of the next n RunTask calls go from
// PROVISIONING to STOPPED without running, with stopCode TaskFailedToStart
// and the stoppedReason reason, for example "CannotPullContainerError:
// pull image manifest has been retried 5 time(s): ...". n <= 0 cancels.
func (s *Server) FailNextTaskStart(n int, reason string) {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	st.failN = max(n, 0)
	st.failReason = reason
}

// KillTaskAfter makes the next task whose process starts be killed with
// SIGKILL d after its start: its container exits with 137 and the task
// stops with EssentialContainerExited, as ECS reports an out-of-memory
// kill. d <= 0 cancels.
func (s *Server) KillTaskAfter(d time.Duration) {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	st.killAfter = max(d, 0)
}

// ClearFaults cancels every injected failure: FailNext, FailWrite,
// FailName and FailRoute53Changes.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faultState{}
}

func faultCode(code string, status int) (string, int) {
	if code == "" {
		code = codeInternal
	}
	if status == 0 {
		switch code {
		case codeInternal, "InternalServiceError", "InternalFailure":
			status = http.StatusInternalServerError
		case "ServiceUnavailable", "ServiceUnavailableException":
			status = http.StatusServiceUnavailable
		case "NoSuchHostedZone", "NoSuchChange", "NoSuchHealthCheck":
			status = http.StatusNotFound
		case "HostedZoneAlreadyExists":
			status = http.StatusConflict
		default:
			status = http.StatusBadRequest
		}
	}
	return code, status
}

// takeFault returns the injected failure for this request, if any.
func (s *Server) takeFault(op *operation, names []string) *awsError {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	if f.nextCount > 0 {
		f.nextCount--
		if f.nextStatus == http.StatusServiceUnavailable {
			return injected("ServiceUnavailable", f.nextStatus)
		}
		return injected(codeInternal, f.nextStatus)
	}
	if f.changesN > 0 && op.service == route53Service && op.name == "ChangeResourceRecordSets" {
		f.changesN--
		return injected(f.changes.code, f.changes.status)
	}
	if !op.write {
		return nil
	}
	var fired *awsError
	kept := f.pending[:0]
	for _, p := range f.pending {
		p.remaining--
		if p.remaining > 0 {
			kept = append(kept, p)
			continue
		}
		if fired == nil {
			fired = injected(p.code, p.status)
		}
		if p.persistent {
			if f.names == nil {
				f.names = map[string]nameFault{}
			}
			for _, n := range names {
				f.names[n] = nameFault{code: p.code, status: p.status}
			}
		}
	}
	f.pending = kept
	if fired != nil {
		return fired
	}
	for faultName, nf := range f.names {
		for _, n := range names {
			if sameResource(op.service, faultName, n) {
				return injected(nf.code, nf.status)
			}
		}
	}
	return nil
}

// sameResource reports whether a FailName name designates the resource a
// request names.
func sameResource(svc *awsService, faultName, reqName string) bool {
	if faultName == reqName {
		return true
	}
	switch svc {
	case ssmService:
		return ssmKey(faultName) == ssmKey(reqName)
	case route53Service:
		return bareID(faultName) == bareID(reqName)
	}
	return secretNameOf(faultName) == secretNameOf(reqName)
}

// secretNameOf returns the secret name inside a complete ARN, else id.
func secretNameOf(id string) string {
	if _, rest, ok := strings.Cut(id, ":secret:"); ok && strings.HasPrefix(id, "arn:") {
		if name, ok := cutARNSuffix(rest); ok {
			return name
		}
		return rest
	}
	return id
}

func injected(code string, status int) *awsError {
	msg := "The sandbox failed this request on purpose."
	switch code {
	case "ThrottlingException", "Throttling":
		msg = "Rate exceeded"
	case "PriorRequestNotComplete":
		msg = msgR53PriorRequest
	case codeInternal, "InternalServiceError", "InternalFailure":
		msg = "An error occurred on the server side."
	case "ServiceUnavailable":
		msg = "Service Unavailable"
	}
	return &awsError{Status: status, Code: code, Message: msg}
}
