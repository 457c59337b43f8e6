package awsapi

import (
	"net/http"
	"strings"
)

// sigV4Credential is the Credential scope of a SigV4 Authorization header:
// keyid/date/region/service/aws4_request.
type sigV4Credential struct {
	accessKey, date, region, service, terminator string
}

// parseSigV4 checks that the request carries something shaped like a SigV4
// Authorization header. The signature itself is not verified: the sandbox
// accepts any secret key. Missing pieces fail the way AWS front ends fail.
func parseSigV4(r *http.Request) (sigV4Credential, *awsError) {
	var cred sigV4Credential
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	if auth == "" {
		return cred, &awsError{Status: http.StatusBadRequest, Code: "MissingAuthenticationTokenException", Message: "Request is missing Authentication Token"}
	}
	algorithm, rest, _ := strings.Cut(auth, " ")
	if algorithm != "AWS4-HMAC-SHA256" {
		return cred, errIncompleteSignature("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.")
	}
	params := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			params[k] = v
		}
	}
	var missing []string
	for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[p] == "" {
			missing = append(missing, "Authorization header requires '"+p+"' parameter.")
		}
	}
	if r.Header.Get("X-Amz-Date") == "" && r.Header.Get("Date") == "" {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return cred, errIncompleteSignature(strings.Join(missing, " "))
	}
	parts := strings.Split(params["Credential"], "/")
	if len(parts) != 5 || parts[0] == "" {
		return cred, errIncompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + params["Credential"] + "'")
	}
	cred = sigV4Credential{accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3], terminator: parts[4]}
	return cred, nil
}

// checkScope checks the credential scope against this endpoint: its
// terminator, service and region, then the access key when one is set.
// Route 53 is global and signed for us-east-1; but the SDKs sign for the
// client's region when given a custom endpoint, so Options.Region passes
// too.
func (s *Server) checkScope(cred sigV4Credential, service string) *awsError {
	if service == route53Service.signingName && cred.region == route53SigningRegion {
		cred.region = s.region
	}
	switch {
	case cred.terminator != "aws4_request":
		return errInvalidSignature("Credential should be scoped with a valid terminator: 'aws4_request', not '" + cred.terminator + "'.")
	case cred.service != service:
		return errInvalidSignature("Credential should be scoped to correct service: '" + service + "'. ")
	case cred.region != s.region:
		return errInvalidSignature("Credential should be scoped to a valid region, not '" + cred.region + "'. ")
	case len(cred.date) != 8 || strings.Trim(cred.date, "0123456789") != "":
		return errInvalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" + cred.date + "'.")
	case s.accessKey != "" && cred.accessKey != s.accessKey:
		return &awsError{Status: http.StatusBadRequest, Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
	}
	return nil
}

func errIncompleteSignature(msg string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: "IncompleteSignatureException", Message: msg}
}

func errInvalidSignature(msg string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: "InvalidSignatureException", Message: msg}
}
