package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// maxBodyBytes bounds a request body. The largest legal input, a 64 KiB
// secret whose every byte is escaped as \u00XX, stays well below it.
const maxBodyBytes = 4 << 20

// awsService describes one AWS service: the SigV4 signing name its
// credentials must be scoped to, the X-Amz-Target prefix of a JSON service
// (empty for REST services, which route by path), the casing of the
// message member in its JSON error bodies and its internal-error code.
type awsService struct {
	signingName  string // "ssm"
	targetPrefix string // "AmazonSSM"
	msgKey       string // "message" or "Message"
	internalCode string // the code of a 500: InternalServerError or InternalServiceError
}

var (
	ssmService = &awsService{
		signingName: "ssm", targetPrefix: "AmazonSSM",
		msgKey: msgKeyLower, internalCode: "InternalServerError",
	}
	smService = &awsService{
		signingName: "secretsmanager", targetPrefix: "secretsmanager",
		msgKey: msgKeyUpper, internalCode: "InternalServiceError",
	}
	ecsService = &awsService{
		signingName: "ecs", targetPrefix: "AmazonEC2ContainerServiceV20141113",
		msgKey: msgKeyLower, internalCode: "ServerException",
	}
	logsService = &awsService{
		signingName: "logs", targetPrefix: "Logs_20140328",
		msgKey: msgKeyLower, internalCode: "ServiceUnavailableException",
	}
)

// operation is one API call of a JSON service.
type operation struct {
	service *awsService
	name    string
	quota   Quota
	// write marks the calls that FailWrite and FailName act on.
	write bool
	// prepare decodes the input, returns the names it touches (for the
	// request log and injected failures) and the call itself.
	prepare func(body []byte) (names []string, run func() (any, *awsError), err *awsError)
}

// register adds the operation svc.name. Its body decodes into a fresh In
// (see decodeInput), names reports what the call touches (nil: nothing)
// and run answers it; routing, auth, quotas and faults are serveJSON's.
func register[In any](s *Server, svc *awsService, name string, quota Quota, write bool,
	names func(*In) []string, run func(*In) (any, *awsError),
) {
	prepare := func(body []byte) ([]string, func() (any, *awsError), *awsError) {
		in := new(In)
		if err := decodeInput(body, in); err != nil {
			return nil, nil, err
		}
		var n []string
		if names != nil {
			n = names(in)
		}
		return n, func() (any, *awsError) { return run(in) }, nil
	}
	s.targets[svc.targetPrefix+"."+name] = &operation{service: svc, name: name, quota: quota, write: write, prepare: prepare}
}

// named is the names function of an input that touches the one thing its
// member names, or nothing when the member is absent.
func named[In any](member func(*In) *string) func(*In) []string {
	return func(in *In) []string {
		if p := member(in); p != nil {
			return []string{*p}
		}
		return nil
	}
}

// decodeInput decodes an AWS JSON request body. An empty body counts as {}.
// Unknown members are ignored, as the services do; members of the wrong
// JSON type are a SerializationException.
func decodeInput(body []byte, v any) *awsError {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return errSerialization("Unexpected " + typeErr.Value + " for member " + typeErr.Field + ".")
		}
		return errSerialization("The request body is not valid JSON.")
	}
	if dec.More() {
		return errSerialization("The request body is not valid JSON.")
	}
	return nil
}

// serveJSON answers an AWS JSON 1.1 call named by its X-Amz-Target.
// lookupTarget resolves an X-Amz-Target to its operation (nil when
// unknown) and service (nil when the prefix is unknown too).
func (s *Server) lookupTarget(target string) (*operation, *awsService) {
	if op := s.targets[target]; op != nil {
		return op, op.service
	}
	prefix, _, _ := strings.Cut(target, ".")
	for _, svc := range []*awsService{ssmService, smService, ecsService, logsService} {
		if prefix == svc.targetPrefix {
			return nil, svc
		}
	}
	return nil, nil
}

func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, target string, body []byte, readErr error, rec *Request) {
	op, svc := s.lookupTarget(target)
	msgKey := msgKeyLower
	if svc != nil {
		msgKey = svc.msgKey
	}

	cred, authErr := parseSigV4(r)
	if authErr != nil {
		s.finish(w, rec, nil, authErr, msgKeyLower)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" || op == nil {
		s.finish(w, rec, nil, errUnknownOperation(target), msgKey)
		return
	}
	if err := s.checkScope(cred, svc.signingName); err != nil {
		s.finish(w, rec, nil, err, msgKeyLower)
		return
	}

	if readErr != nil {
		s.finish(w, rec, nil, errSerialization("The request body could not be read."), msgKey)
		return
	}
	if len(body) > maxBodyBytes {
		s.finish(w, rec, nil, errRequestTooLarge(), msgKey)
		return
	}
	names, run, apiErr := op.prepare(body)
	if len(names) == 1 {
		rec.Name = names[0]
	} else if len(names) > 1 {
		rec.Names = names
	}
	if apiErr != nil {
		s.finish(w, rec, nil, apiErr, msgKey)
		return
	}
	if !s.quotas[op.quota].take(s.now()) {
		s.finish(w, rec, nil, errThrottling(), msgKeyLower)
		return
	}
	if fe := s.takeFault(op, names); fe != nil {
		if fe.Code == codeInternal {
			fe.Code = svc.internalCode
		}
		s.finish(w, rec, nil, fe, msgKey)
		return
	}
	out, apiErr := run()
	s.finish(w, rec, out, apiErr, msgKey)
}

// finish logs the request, then answers it: the log is complete before the
// client sees the answer.
func (s *Server) finish(w http.ResponseWriter, rec *Request, out any, apiErr *awsError, msgKey string) {
	var body []byte
	status := http.StatusOK
	if apiErr == nil {
		var err error
		if out == nil {
			out = struct{}{}
		}
		if body, err = json.Marshal(out); err != nil {
			apiErr = &awsError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure."}
		}
	}
	if apiErr != nil {
		status = apiErr.Status
		rec.ErrorCode = apiErr.Code
		body = apiErr.body(msgKey)
	}
	rec.Status = status
	s.record(*rec)

	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// sdkAttempt reads the attempt number from an amz-sdk-request header such
// as "attempt=2; max=3".
func sdkAttempt(h string) int {
	for part := range strings.SplitSeq(h, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "attempt="); ok {
			n, err := strconv.Atoi(v)
			if err == nil {
				return n
			}
		}
	}
	return 0
}
