package awsapi

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func logsClient(t testing.TB, url string) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(sdkConfig(t, false), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(url) })
}

func TestLogsGroupsAndStreams(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, unlimited(Options{}))
	c := logsClient(t, url)
	must[*cloudwatchlogs.CreateLogGroupOutput](t)(c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/app")}))
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/app")})
	wantErr[*types.ResourceAlreadyExistsException](t, err)
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad name")})
	wantErr[*types.InvalidParameterException](t, err)

	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/missing"), LogStreamName: aws.String("s")})
	wantErr[*types.ResourceNotFoundException](t, err)
	must[*cloudwatchlogs.CreateLogStreamOutput](t)(c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s")}))
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s")})
	wantErr[*types.ResourceAlreadyExistsException](t, err)

	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/missing"), LogStreamName: aws.String("s")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/missing")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("nope"),
		LogEvents: []types.InputLogEvent{{Message: aws.String("x"), Timestamp: aws.Int64(1)}}})
	wantErr[*types.ResourceNotFoundException](t, err)
	if got := srv.LogStreams("/ecs/app"); !slices.Equal(got, []string{"s"}) {
		t.Fatalf("LogStreams = %v", got)
	}
	if r := srv.Requests(); r[0].Service != "logs" || r[0].Operation != "CreateLogGroup" || r[0].Name != "/ecs/app" {
		t.Fatalf("request log = %+v", r[0])
	}
}

func TestLogsPutGetFilter(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, unlimited(Options{}))
	c := logsClient(t, url)
	must[*cloudwatchlogs.CreateLogGroupOutput](t)(c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")}))
	for _, s := range []string{"a/1", "a/2", "b/1"} {
		must[*cloudwatchlogs.CreateLogStreamOutput](t)(c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(s)}))
	}
	put := func(stream string, ts int64, msgs ...string) error {
		var ev []types.InputLogEvent
		for i, m := range msgs {
			ev = append(ev, types.InputLogEvent{Message: aws.String(m), Timestamp: aws.Int64(ts + int64(i))})
		}
		out, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(stream), LogEvents: ev})
		if err == nil && aws.ToString(out.NextSequenceToken) == "" {
			t.Fatal("no nextSequenceToken")
		}
		return err
	}
	if err := put("a/1", 1000, "one", "two", "three", "four", "five"); err != nil {
		t.Fatal(err)
	}
	if err := put("a/2", 1002, "other two"); err != nil {
		t.Fatal(err)
	}
	if err := put("b/1", 1001, "b one"); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a/1"),
		LogEvents: []types.InputLogEvent{{Message: aws.String("late"), Timestamp: aws.Int64(5)}, {Message: aws.String("early"), Timestamp: aws.Int64(4)}}})
	wantErr[*types.InvalidParameterException](t, err)
	wantMessage(t, err, "chronological order")
	if got := srv.LogEvents("g", "a/1"); !slices.Equal(got, []string{"one", "two", "three", "four", "five"}) {
		t.Fatalf("LogEvents = %v", got)
	}

	// GetLogEvents from the head, two at a time, until the token repeats.
	var got []string
	var token *string
	for i := 0; ; i++ {
		if i > 10 {
			t.Fatal("forward token never repeated")
		}
		out := must[*cloudwatchlogs.GetLogEventsOutput](t)(c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String("g"), LogStreamName: aws.String("a/1"), StartFromHead: aws.Bool(true), Limit: aws.Int32(2), NextToken: token}))
		for _, e := range out.Events {
			if aws.ToInt64(e.IngestionTime) == 0 || aws.ToInt64(e.Timestamp) < 1000 {
				t.Fatalf("event %+v", e)
			}
			got = append(got, aws.ToString(e.Message))
		}
		if token != nil && aws.ToString(out.NextForwardToken) == *token {
			if len(out.Events) != 0 {
				t.Fatal("repeated token with events")
			}
			break
		}
		token = out.NextForwardToken
	}
	if !slices.Equal(got, []string{"one", "two", "three", "four", "five"}) {
		t.Fatalf("paged events = %v", got)
	}
	// Without startFromHead: the latest events; the backward token goes back.
	out := must[*cloudwatchlogs.GetLogEventsOutput](t)(c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("g"), LogStreamName: aws.String("a/1"), Limit: aws.Int32(2)}))
	if len(out.Events) != 2 || aws.ToString(out.Events[1].Message) != "five" {
		t.Fatalf("tail = %+v", out.Events)
	}
	out = must[*cloudwatchlogs.GetLogEventsOutput](t)(c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("g"), LogStreamName: aws.String("a/1"), Limit: aws.Int32(2), NextToken: out.NextBackwardToken}))
	if len(out.Events) != 2 || aws.ToString(out.Events[0].Message) != "two" {
		t.Fatalf("backward page = %+v", out.Events)
	}
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a/1"), NextToken: aws.String("garbage")})
	wantErr[*types.InvalidParameterException](t, err)

	filter := func(in *cloudwatchlogs.FilterLogEventsInput) (msgs []string, streams []string) {
		t.Helper()
		in.LogGroupName = aws.String("g")
		for {
			out := must[*cloudwatchlogs.FilterLogEventsOutput](t)(c.FilterLogEvents(ctx, in))
			for _, e := range out.Events {
				if aws.ToString(e.EventId) == "" {
					t.Fatal("no eventId")
				}
				msgs = append(msgs, aws.ToString(e.Message))
				streams = append(streams, aws.ToString(e.LogStreamName))
			}
			if out.NextToken == nil {
				return msgs, streams
			}
			in.NextToken = out.NextToken
		}
	}
	// By timestamp, then in the order of ingestion.
	msgs, streams := filter(&cloudwatchlogs.FilterLogEventsInput{Limit: aws.Int32(2)})
	if !slices.Equal(msgs, []string{"one", "two", "b one", "three", "other two", "four", "five"}) {
		t.Fatalf("filter all = %v", msgs)
	}
	if streams[2] != "b/1" || streams[4] != "a/2" {
		t.Fatalf("streams = %v", streams)
	}
	if msgs, _ = filter(&cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("two")}); !slices.Equal(msgs, []string{"two", "other two"}) {
		t.Fatalf("filter pattern = %v", msgs)
	}
	if msgs, _ = filter(&cloudwatchlogs.FilterLogEventsInput{LogStreamNamePrefix: aws.String("a/"), StartTime: aws.Int64(1002), EndTime: aws.Int64(1004)}); !slices.Equal(msgs, []string{"three", "other two", "four"}) {
		t.Fatalf("filter prefix/time = %v", msgs)
	}
	if msgs, _ = filter(&cloudwatchlogs.FilterLogEventsInput{LogStreamNames: []string{"b/1"}}); !slices.Equal(msgs, []string{"b one"}) {
		t.Fatalf("filter names = %v", msgs)
	}
}
