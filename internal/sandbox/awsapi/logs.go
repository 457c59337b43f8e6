package awsapi

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// CloudWatch Logs limits.
const (
	// MaxLogEventsPerCall is the most events PutLogEvents accepts and
	// GetLogEvents and FilterLogEvents return in one call.
	MaxLogEventsPerCall = 10000
)

// Messages of the real service.
const (
	msgLogsGroupNotFound   = "The specified log group does not exist."
	msgLogsStreamNotFound  = "The specified log stream does not exist."
	msgLogsGroupExists     = "The specified log group already exists"
	msgLogsStreamExists    = "The specified log stream already exists"
	msgLogsChronological   = "Log events in a single PutLogEvents request must be in chronological order."
	msgLogsInvalidToken    = "The specified nextToken is invalid."
	msgLogsNamesAndPrefix  = "logStreamNames and logStreamNamePrefix can not be specified at the same time."
	msgLogsGroupIdentifier = "LogGroup name and LogGroup ARN are mutually exclusive parameters."
)

var (
	logGroupNamePattern  = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]+$`)
	logStreamNamePattern = regexp.MustCompile(`^[^:*]*$`)
)

type logEvent struct {
	id        int64
	timestamp int64 // ms
	ingestion int64 // ms
	message   string
}

type logStream struct {
	name    string
	created time.Time
	events  []logEvent
}

type logGroup struct {
	name    string
	created time.Time
	streams map[string]*logStream
}

type logsStore struct {
	mu     sync.Mutex
	groups map[string]*logGroup
	seq    int64 // event IDs
}

func newLogsStore() *logsStore {
	return &logsStore{groups: map[string]*logGroup{}}
}

func (s *Server) registerLogs() {
	register(s, logsService, "CreateLogGroup", QuotaLogs, true,
		named(func(in *createLogGroupInput) *string { return in.LogGroupName }), s.logsCreateLogGroup)
	register(s, logsService, "CreateLogStream", QuotaLogs, true,
		named(func(in *createLogStreamInput) *string { return in.LogGroupName }), s.logsCreateLogStream)
	register(s, logsService, "PutLogEvents", QuotaLogs, true,
		named(func(in *putLogEventsInput) *string { return in.LogGroupName }), s.logsPutLogEvents)
	register(s, logsService, "GetLogEvents", QuotaLogs, false,
		named(func(in *getLogEventsInput) *string { return in.LogGroupName }), s.logsGetLogEvents)
	register(s, logsService, "FilterLogEvents", QuotaLogs, false,
		named(func(in *filterLogEventsInput) *string { return in.LogGroupName }), s.logsFilterLogEvents)
}

func (s *Server) logGroupARN(name string) string {
	return "arn:aws:logs:" + s.region + ":" + s.accountID + ":log-group:" + name
}

// --- wire types ---

type createLogGroupInput struct {
	LogGroupName  *string           `json:"logGroupName"`
	KmsKeyID      *string           `json:"kmsKeyId"`
	Tags          map[string]string `json:"tags"`
	LogGroupClass *string           `json:"logGroupClass"`
}

type createLogStreamInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

type inputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  *string         `json:"logGroupName"`
	LogStreamName *string         `json:"logStreamName"`
	LogEvents     []inputLogEvent `json:"logEvents"`
	SequenceToken *string         `json:"sequenceToken"`
}

type putLogEventsOutput struct {
	NextSequenceToken string `json:"nextSequenceToken"`
}

type getLogEventsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int64  `json:"limit"`
	StartFromHead      *bool   `json:"startFromHead"`
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

type filterLogEventsInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int64   `json:"limit"`
	Interleaved         *bool    `json:"interleaved"`
}

type filteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type filterLogEventsOutput struct {
	Events    []filteredLogEvent `json:"events"`
	NextToken string             `json:"nextToken,omitempty"`
}

func validateLogGroupName(v *validation, name *string) {
	v.required(name, "logGroupName")
	v.length(name, "logGroupName", 1, 512)
	if name != nil && *name != "" && !logGroupNamePattern.MatchString(*name) {
		v.add(name, "logGroupName", `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
	}
}

func validateLogStreamName(v *validation, name *string) {
	v.required(name, "logStreamName")
	v.length(name, "logStreamName", 1, 512)
	if name != nil && !logStreamNamePattern.MatchString(*name) {
		v.add(name, "logStreamName", "Member must satisfy regular expression pattern: [^:*]*")
	}
}

// groupName resolves logGroupName / logGroupIdentifier (a name or an ARN).
func (s *Server) groupName(name, identifier *string) (string, *awsError) {
	if name != nil && identifier != nil {
		return "", clientError("InvalidParameterException", msgLogsGroupIdentifier)
	}
	if identifier != nil {
		id := strings.TrimSuffix(*identifier, ":*")
		if rest, ok := strings.CutPrefix(id, s.logGroupARN("")); ok {
			return rest, nil
		}
		return id, nil
	}
	var v validation
	validateLogGroupName(&v, name)
	if err := v.errCode("InvalidParameterException"); err != nil {
		return "", err
	}
	return *name, nil
}

// --- operations ---

func (s *Server) logsCreateLogGroup(in *createLogGroupInput) (any, *awsError) {
	var v validation
	validateLogGroupName(&v, in.LogGroupName)
	v.enum(in.LogGroupClass, "logGroupClass", "STANDARD", "INFREQUENT_ACCESS", "DELIVERY")
	if err := v.errCode("InvalidParameterException"); err != nil {
		return nil, err
	}
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.groups[*in.LogGroupName] != nil {
		return nil, clientError("ResourceAlreadyExistsException", msgLogsGroupExists)
	}
	st.groups[*in.LogGroupName] = &logGroup{name: *in.LogGroupName, created: s.now(), streams: map[string]*logStream{}}
	return nil, nil
}

func (s *Server) logsCreateLogStream(in *createLogStreamInput) (any, *awsError) {
	var v validation
	validateLogGroupName(&v, in.LogGroupName)
	validateLogStreamName(&v, in.LogStreamName)
	if err := v.errCode("InvalidParameterException"); err != nil {
		return nil, err
	}
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	return nil, st.createStream(*in.LogGroupName, *in.LogStreamName, s.now())
}

// createStream adds a stream. The caller holds mu.
func (st *logsStore) createStream(group, stream string, now time.Time) *awsError {
	g := st.groups[group]
	if g == nil {
		return clientError("ResourceNotFoundException", msgLogsGroupNotFound)
	}
	if g.streams[stream] != nil {
		return clientError("ResourceAlreadyExistsException", msgLogsStreamExists)
	}
	g.streams[stream] = &logStream{name: stream, created: now}
	return nil
}

// appendEvents adds events to a stream. The caller holds mu.
func (st *logsStore) appendEvents(group, stream string, events []inputLogEvent, now time.Time) *awsError {
	g := st.groups[group]
	if g == nil {
		return clientError("ResourceNotFoundException", msgLogsGroupNotFound)
	}
	ls := g.streams[stream]
	if ls == nil {
		return clientError("ResourceNotFoundException", msgLogsStreamNotFound)
	}
	for _, e := range events {
		st.seq++
		ls.events = append(ls.events, logEvent{id: st.seq, timestamp: *e.Timestamp, ingestion: now.UnixMilli(), message: *e.Message})
	}
	return nil
}

func (s *Server) logsPutLogEvents(in *putLogEventsInput) (any, *awsError) {
	var v validation
	validateLogGroupName(&v, in.LogGroupName)
	validateLogStreamName(&v, in.LogStreamName)
	switch {
	case in.LogEvents == nil:
		v.addRaw("Value null at 'logEvents' failed to satisfy constraint: Member must not be null")
	case len(in.LogEvents) == 0:
		v.addRaw("Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case len(in.LogEvents) > MaxLogEventsPerCall:
		v.addRaw(fmt.Sprintf("Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to %d", MaxLogEventsPerCall))
	}
	for i, e := range in.LogEvents {
		prefix := "logEvents." + strconv.Itoa(i+1) + ".member."
		if e.Timestamp == nil {
			v.add(nil, prefix+"timestamp", "Member must not be null")
		}
		v.required(e.Message, prefix+"message")
		v.length(e.Message, prefix+"message", 1, 0)
	}
	if err := v.errCode("InvalidParameterException"); err != nil {
		return nil, err
	}
	for i := 1; i < len(in.LogEvents); i++ {
		if *in.LogEvents[i].Timestamp < *in.LogEvents[i-1].Timestamp {
			return nil, clientError("InvalidParameterException", msgLogsChronological)
		}
	}
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.appendEvents(*in.LogGroupName, *in.LogStreamName, in.LogEvents, s.now()); err != nil {
		return nil, err
	}
	return putLogEventsOutput{NextSequenceToken: fmt.Sprintf("%056d", st.seq)}, nil
}

// logToken is a GetLogEvents token: "f/<position>" or "b/<position>", a
// position in the stream's event list.
func logToken(dir byte, pos int) string {
	return fmt.Sprintf("%c/%056d", dir, pos)
}

func parseLogToken(tok string) (dir byte, pos int, ok bool) {
	if len(tok) < 3 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' {
		return 0, 0, false
	}
	n, err := strconv.Atoi(tok[2:])
	if err != nil || n < 0 {
		return 0, 0, false
	}
	return tok[0], n, true
}

func inTimeRange(ts int64, start, end *int64) bool {
	return (start == nil || ts >= *start) && (end == nil || ts < *end)
}

func (s *Server) logsGetLogEvents(in *getLogEventsInput) (any, *awsError) {
	var v validation
	validateLogStreamName(&v, in.LogStreamName)
	v.intRange(in.Limit, "limit", 1, MaxLogEventsPerCall)
	if err := v.errCode("InvalidParameterException"); err != nil {
		return nil, err
	}
	group, apiErr := s.groupName(in.LogGroupName, in.LogGroupIdentifier)
	if apiErr != nil {
		return nil, apiErr
	}
	limit := int(aws.ToInt64(in.Limit))
	if limit == 0 {
		limit = MaxLogEventsPerCall
	}
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.groups[group]
	if g == nil {
		return nil, clientError("ResourceNotFoundException", msgLogsGroupNotFound)
	}
	ls := g.streams[*in.LogStreamName]
	if ls == nil {
		return nil, clientError("ResourceNotFoundException", msgLogsStreamNotFound)
	}
	n := len(ls.events)
	dir, pos := byte('b'), n
	if aws.ToBool(in.StartFromHead) {
		dir, pos = 'f', 0
	}
	if in.NextToken != nil {
		var ok bool
		if dir, pos, ok = parseLogToken(*in.NextToken); !ok || pos > n {
			return nil, clientError("InvalidParameterException", msgLogsInvalidToken)
		}
	}
	out := getLogEventsOutput{Events: []outputLogEvent{}}
	var from, to int // the examined window [from, to)
	if dir == 'f' {
		from, to = pos, pos
		for ; to < n && len(out.Events) < limit; to++ {
			if e := ls.events[to]; inTimeRange(e.timestamp, in.StartTime, in.EndTime) {
				out.Events = append(out.Events, outputLogEvent{Timestamp: e.timestamp, Message: e.message, IngestionTime: e.ingestion})
			}
		}
	} else {
		from, to = pos, pos
		var rev []outputLogEvent
		for ; from > 0 && len(rev) < limit; from-- {
			if e := ls.events[from-1]; inTimeRange(e.timestamp, in.StartTime, in.EndTime) {
				rev = append(rev, outputLogEvent{Timestamp: e.timestamp, Message: e.message, IngestionTime: e.ingestion})
			}
		}
		slices.Reverse(rev)
		out.Events = append(out.Events, rev...)
	}
	out.NextForwardToken = logToken('f', to)
	out.NextBackwardToken = logToken('b', from)
	return out, nil
}

func (s *Server) logsFilterLogEvents(in *filterLogEventsInput) (any, *awsError) {
	var v validation
	v.intRange(in.Limit, "limit", 1, MaxLogEventsPerCall)
	if len(in.LogStreamNames) > 100 {
		v.addRaw("Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	if err := v.errCode("InvalidParameterException"); err != nil {
		return nil, err
	}
	group, apiErr := s.groupName(in.LogGroupName, in.LogGroupIdentifier)
	if apiErr != nil {
		return nil, apiErr
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, clientError("InvalidParameterException", msgLogsNamesAndPrefix)
	}
	limit := int(aws.ToInt64(in.Limit))
	if limit == 0 {
		limit = MaxLogEventsPerCall
	}
	offset := 0
	if in.NextToken != nil {
		key, ok := parsePageToken("filter", *in.NextToken)
		n, err := strconv.Atoi(key)
		if !ok || err != nil || n < 0 {
			return nil, clientError("InvalidParameterException", msgLogsInvalidToken)
		}
		offset = n
	}
	pattern := strings.TrimSpace(aws.ToString(in.FilterPattern))
	if len(pattern) >= 2 && pattern[0] == '"' && pattern[len(pattern)-1] == '"' {
		pattern = pattern[1 : len(pattern)-1]
	}

	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.groups[group]
	if g == nil {
		return nil, clientError("ResourceNotFoundException", msgLogsGroupNotFound)
	}
	var all []filteredLogEvent
	for name, ls := range g.streams {
		if len(in.LogStreamNames) > 0 && !slices.Contains(in.LogStreamNames, name) {
			continue
		}
		if in.LogStreamNamePrefix != nil && !strings.HasPrefix(name, *in.LogStreamNamePrefix) {
			continue
		}
		for _, e := range ls.events {
			if !inTimeRange(e.timestamp, in.StartTime, in.EndTime) || !strings.Contains(e.message, pattern) {
				continue
			}
			all = append(all, filteredLogEvent{
				LogStreamName: name, Timestamp: e.timestamp, Message: e.message, IngestionTime: e.ingestion,
				EventID: fmt.Sprintf("%056d", e.id),
			})
		}
	}
	// By timestamp, then in the order of ingestion.
	slices.SortStableFunc(all, func(a, b filteredLogEvent) int {
		if a.Timestamp != b.Timestamp {
			return int(a.Timestamp - b.Timestamp)
		}
		return strings.Compare(a.EventID, b.EventID)
	})
	out := filterLogEventsOutput{Events: []filteredLogEvent{}}
	if offset < len(all) {
		end := min(offset+limit, len(all))
		out.Events = append(out.Events, all[offset:end]...)
		if end < len(all) {
			out.NextToken = pageToken("filter", strconv.Itoa(end))
		}
	}
	return out, nil
}

// LogEvents returns the messages of a log stream in order; nil when the
// group or stream does not exist.
func (s *Server) LogEvents(group, stream string) []string {
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.groups[group]
	if g == nil || g.streams[stream] == nil {
		return nil
	}
	var out []string
	for _, e := range g.streams[stream].events {
		out = append(out, e.message)
	}
	return out
}

// LogStreams returns the names of a log group's streams, sorted; nil when
// the group does not exist.
func (s *Server) LogStreams(group string) []string {
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.groups[group]
	if g == nil {
		return nil
	}
	out := make([]string, 0, len(g.streams))
	for name := range g.streams {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
