package awsapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The casing of the message member differs between services: SSM answers
// "message", Secrets Manager "Message". The front end's own errors
// (authentication, throttling) use "message". Clients accept both.
const (
	msgKeyLower = "message"
	msgKeyUpper = "Message"
)

// codeInternal stands for the service's own 500 code (InternalServerError
// for SSM, InternalServiceError for Secrets Manager) in injected failures.
const codeInternal = "InternalServerError"

// awsError is an AWS error answer: a status and the body
// {"__type": Code, "message": Message} (AWS JSON) or an <ErrorResponse>
// (REST-XML, Route 53).
type awsError struct {
	Status  int
	Code    string
	Message string
	// Messages lists the problems of a Route 53 InvalidChangeBatch.
	Messages []string
}

func (e *awsError) body(msgKey string) []byte {
	m := map[string]string{"__type": e.Code}
	if e.Message != "" {
		m[msgKey] = e.Message
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return b
}

func clientError(code, msg string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

func errUnknownOperation(target string) *awsError {
	msg := "The operation is not known to the sandbox."
	if target != "" {
		msg = "The sandbox does not implement " + target + "."
	}
	return clientError("UnknownOperationException", msg)
}

func errSerialization(msg string) *awsError {
	return clientError("SerializationException", msg)
}

func errRequestTooLarge() *awsError {
	return &awsError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLargeException", Message: "Request body too large."}
}

func errThrottling() *awsError {
	return clientError("ThrottlingException", "Rate exceeded")
}

// validation collects the constraint violations of one request, worded like
// the AWS (Coral) model validator:
//
//	2 validation errors detected: Value 'x' at 'name' failed to satisfy
//	constraint: Member must ...; Value at 'value' failed to ...
//
// Values of sensitive members are never echoed.
type validation struct {
	problems []string
}

func (v *validation) add(value *string, member, constraint string) {
	if value == nil {
		v.problems = append(v.problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", member, constraint))
		return
	}
	v.problems = append(v.problems, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", *value, member, constraint))
}

func (v *validation) addSensitive(member, constraint string) {
	v.problems = append(v.problems, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", member, constraint))
}

func (v *validation) addRaw(problem string) {
	v.problems = append(v.problems, problem)
}

// required checks a required string member.
func (v *validation) required(value *string, member string) {
	if value == nil {
		v.add(nil, member, "Member must not be null")
	}
}

// length checks the length of an optional string member.
func (v *validation) length(value *string, member string, minLen, maxLen int) {
	if value == nil {
		return
	}
	if len(*value) < minLen {
		v.add(value, member, fmt.Sprintf("Member must have length greater than or equal to %d", minLen))
	}
	if maxLen > 0 && len(*value) > maxLen {
		v.add(value, member, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	}
}

// enum checks an optional member against its allowed values.
func (v *validation) enum(value *string, member string, allowed ...string) {
	if value == nil {
		return
	}
	if slices.Contains(allowed, *value) {
		return
	}
	v.add(value, member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

// intRange checks an optional integer member.
func (v *validation) intRange(value *int64, member string, minV, maxV int64) {
	if value == nil {
		return
	}
	s := strconv.FormatInt(*value, 10)
	if *value < minV {
		v.add(&s, member, fmt.Sprintf("Member must have value greater than or equal to %d", minV))
	}
	if *value > maxV {
		v.add(&s, member, fmt.Sprintf("Member must have value less than or equal to %d", maxV))
	}
}

func (v *validation) err() *awsError {
	return v.errCode("ValidationException")
}

// errCode is err with another error code: Route 53 reports validation
// errors as InvalidInput.
func (v *validation) errCode(code string) *awsError {
	switch len(v.problems) {
	case 0:
		return nil
	case 1:
		return clientError(code, "1 validation error detected: "+v.problems[0])
	default:
		return clientError(code, fmt.Sprintf("%d validation errors detected: %s", len(v.problems), strings.Join(v.problems, "; ")))
	}
}

// listString renders a string list the way the validator echoes it.
func listString(l []string) string {
	return "[" + strings.Join(l, ", ") + "]"
}
