//go:build unix

package awsapi

import (
	"errors"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func ecsClient(t testing.TB, url string) *ecs.Client {
	return ecs.NewFromConfig(sdkConfig(t, false), func(o *ecs.Options) { o.BaseEndpoint = aws.String(url) })
}

type ecsFixture struct {
	srv  *Server
	url  string
	ecs  *ecs.Client
	logs *cloudwatchlogs.Client
	ssm  *ssm.Client
}

func startECS(t *testing.T) *ecsFixture {
	t.Helper()
	srv, url := Start(t, unlimited(Options{ECSStartDelay: 10 * time.Millisecond}))
	f := &ecsFixture{srv: srv, url: url, ecs: ecsClient(t, url), logs: logsClient(t, url), ssm: ssmClient(t, url, false)}
	must[*cloudwatchlogs.CreateLogGroupOutput](t)(f.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/run")}))
	return f
}

// register registers a Fargate task definition of one container "app".
func (f *ecsFixture) register(t *testing.T, family string, command []string, secrets map[string]string, logGroup string) *ecstypes.TaskDefinition {
	t.Helper()
	var sec []ecstypes.Secret
	for k, v := range secrets {
		sec = append(sec, ecstypes.Secret{Name: aws.String(k), ValueFrom: aws.String(v)})
	}
	out := must[*ecs.RegisterTaskDefinitionOutput](t)(f.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/exec"),
		TaskRoleArn:             aws.String("arn:aws:iam::123456789012:role/task"),
		EphemeralStorage:        &ecstypes.EphemeralStorage{SizeInGiB: 30},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("registry.example/app:1"), Essential: aws.Bool(true),
			Command:     command,
			Environment: []ecstypes.KeyValuePair{{Name: aws.String("PLAIN"), Value: aws.String("plain-value")}},
			Secrets:     sec,
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": logGroup, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "run",
			}},
		}},
	}))
	return out.TaskDefinition
}

func (f *ecsFixture) run(t *testing.T, taskDef string, overrides *ecstypes.TaskOverride) ecstypes.Task {
	t.Helper()
	out := must[*ecs.RunTaskOutput](t)(f.ecs.RunTask(ctx, &ecs.RunTaskInput{
		Cluster: aws.String("jobs"), TaskDefinition: aws.String(taskDef), LaunchType: ecstypes.LaunchTypeFargate, Count: aws.Int32(1),
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"}, AssignPublicIp: ecstypes.AssignPublicIpDisabled,
		}},
		Overrides: overrides,
	}))
	if len(out.Tasks) != 1 || len(out.Failures) != 0 {
		t.Fatalf("RunTask = %+v", out)
	}
	task := out.Tasks[0]
	if aws.ToString(task.LastStatus) != TaskProvisioning || aws.ToString(task.DesiredStatus) != TaskRunning ||
		!strings.HasPrefix(aws.ToString(task.TaskArn), "arn:aws:ecs:us-east-1:123456789012:task/jobs/") {
		t.Fatalf("new task = %+v", task)
	}
	return task
}

// waitStopped polls DescribeTasks until the task is STOPPED and returns it
// with the statuses seen on the way.
func (f *ecsFixture) waitStopped(t *testing.T, arn string, within time.Duration) (ecstypes.Task, []string) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		out := must[*ecs.DescribeTasksOutput](t)(f.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("jobs"), Tasks: []string{arn}}))
		if len(out.Tasks) != 1 {
			t.Fatalf("DescribeTasks = %+v", out)
		}
		st := aws.ToString(out.Tasks[0].LastStatus)
		if len(seen) == 0 || seen[len(seen)-1] != st {
			seen = append(seen, st)
		}
		if st == TaskStopped {
			return out.Tasks[0], seen
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("task %s not STOPPED within %v (seen %v)", arn, within, seen)
	return ecstypes.Task{}, nil
}

func TestECSRunTaskWithSSMSecretAndLogs(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	must[*ssm.PutParameterOutput](t)(f.ssm.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String("/app/greeting"), Value: aws.String("hi from ssm"), Type: ssmtypes.ParameterTypeSecureString}))
	td := f.register(t, "job", []string{"/bin/sh", "-c", `echo hello; echo "$GREETING"; echo err >&2; exit 3`},
		map[string]string{"GREETING": "arn:aws:ssm:us-east-1:123456789012:parameter/app/greeting"}, "/ecs/run")
	if aws.ToString(td.TaskDefinitionArn) != "arn:aws:ecs:us-east-1:123456789012:task-definition/job:1" || td.Revision != 1 {
		t.Fatalf("task definition = %s rev %d", aws.ToString(td.TaskDefinitionArn), td.Revision)
	}
	task := f.run(t, "job", nil)
	stopped, seen := f.waitStopped(t, aws.ToString(task.TaskArn), 10*time.Second)
	if stopped.StopCode != ecstypes.TaskStopCodeEssentialContainerExited || aws.ToString(stopped.StoppedReason) != StoppedReasonEssentialExited {
		t.Fatalf("stop = %s %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
	}
	if len(stopped.Containers) != 1 || stopped.Containers[0].ExitCode == nil || *stopped.Containers[0].ExitCode != 3 {
		t.Fatalf("containers = %+v", stopped.Containers)
	}
	if seen[len(seen)-1] != TaskStopped || slices.Index(seen, TaskStopped) != len(seen)-1 {
		t.Fatalf("statuses = %v", seen)
	}

	id := aws.ToString(task.TaskArn)[strings.LastIndex(aws.ToString(task.TaskArn), "/")+1:]
	stream := "run/app/" + id
	var msgs []string
	out := must[*cloudwatchlogs.GetLogEventsOutput](t)(f.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("/ecs/run"), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)}))
	var last int64
	for _, e := range out.Events {
		if aws.ToInt64(e.Timestamp) < last {
			t.Fatalf("timestamps out of order: %+v", out.Events)
		}
		last = aws.ToInt64(e.Timestamp)
		msgs = append(msgs, aws.ToString(e.Message))
	}
	slices.Sort(msgs)
	if !slices.Equal(msgs, []string{"err", "hello", "hi from ssm"}) {
		t.Fatalf("log events = %q", msgs)
	}
	if stdout := slices.DeleteFunc(f.srv.LogEvents("/ecs/run", stream), func(m string) bool { return m == "err" }); !slices.Equal(stdout, []string{"hello", "hi from ssm"}) {
		t.Fatalf("stdout order = %q", stdout)
	}
	fl := must[*cloudwatchlogs.FilterLogEventsOutput](t)(f.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String("/ecs/run"), LogStreamNamePrefix: aws.String("run/app/"), FilterPattern: aws.String("ssm")}))
	if len(fl.Events) != 1 || aws.ToString(fl.Events[0].Message) != "hi from ssm" || aws.ToString(fl.Events[0].LogStreamName) != stream {
		t.Fatalf("FilterLogEvents = %+v", fl.Events)
	}

	tasks := f.srv.Tasks()
	if len(tasks) != 1 || tasks[0].Env["GREETING"] != "hi from ssm" || tasks[0].Env["PLAIN"] != "plain-value" ||
		tasks[0].ExitCode == nil || *tasks[0].ExitCode != 3 || tasks[0].Command[0] != "/bin/sh" {
		t.Fatalf("Tasks() = %+v", tasks)
	}
	defs := f.srv.TaskDefinitions()
	if len(defs) != 1 || defs[0].Containers[0].Secrets["GREETING"] == "" || defs[0].EphemeralStorageGiB != 30 ||
		defs[0].Containers[0].LogOptions["awslogs-group"] != "/ecs/run" {
		t.Fatalf("TaskDefinitions() = %+v", defs)
	}
}

func TestECSSecretsManagerSecretAndOverrides(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	sm := smClient(t, f.url, false)
	_, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String(`{"user":"admin","password":"s3cret"}`)})
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := f.srv.Secret("db")
	td := f.register(t, "smjob", []string{"/bin/sh", "-c", "echo unused"},
		map[string]string{"DB_PASSWORD": sec.ARN + ":password::"}, "/ecs/run")
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{
		Name: aws.String("app"), Command: []string{"/bin/sh", "-c", `echo "pw=$DB_PASSWORD extra=$EXTRA plain=$PLAIN"`},
		Environment: []ecstypes.KeyValuePair{{Name: aws.String("EXTRA"), Value: aws.String("x1")}},
	}}})
	stopped, _ := f.waitStopped(t, aws.ToString(task.TaskArn), 10*time.Second)
	if *stopped.Containers[0].ExitCode != 0 {
		t.Fatalf("exit = %d", *stopped.Containers[0].ExitCode)
	}
	id := f.srv.Tasks()[0].ID
	if got := f.srv.LogEvents("/ecs/run", "run/app/"+id); !slices.Equal(got, []string{"pw=s3cret extra=x1 plain=plain-value"}) {
		t.Fatalf("logs = %q", got)
	}
}

func TestECSMissingSecretFailsToStart(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	td := f.register(t, "nosecret", []string{"/bin/sh", "-c", "echo should-not-run"},
		map[string]string{"X": "/does/not/exist"}, "/ecs/run")
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	stopped, _ := f.waitStopped(t, aws.ToString(task.TaskArn), 10*time.Second)
	if !strings.HasPrefix(aws.ToString(stopped.StoppedReason), "ResourceInitializationError: unable to pull secrets or registry auth: ") ||
		stopped.StopCode != ecstypes.TaskStopCodeTaskFailedToStart || stopped.Containers[0].ExitCode != nil {
		t.Fatalf("stopped = %s %q exit %v", stopped.StopCode, aws.ToString(stopped.StoppedReason), stopped.Containers[0].ExitCode)
	}
	if f.srv.Tasks()[0].PID != 0 || len(f.srv.LogStreams("/ecs/run")) != 0 {
		t.Fatal("the task ran")
	}
}

func TestECSMissingLogGroupFailsToStart(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	td := f.register(t, "nologs", []string{"/bin/sh", "-c", "echo hi"}, nil, "/ecs/missing")
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	stopped, _ := f.waitStopped(t, aws.ToString(task.TaskArn), 10*time.Second)
	if !strings.Contains(aws.ToString(stopped.StoppedReason), "failed to validate logger args") ||
		!strings.Contains(aws.ToString(stopped.StoppedReason), "log group does not exist") || stopped.Containers[0].ExitCode != nil {
		t.Fatalf("stopped = %q", aws.ToString(stopped.StoppedReason))
	}
}

func TestECSFailNextTaskStart(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	td := f.register(t, "pullfail", []string{"/bin/sh", "-c", "echo ran"}, nil, "/ecs/run")
	reason := "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found"
	f.srv.FailNextTaskStart(1, reason)
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	stopped, seen := f.waitStopped(t, aws.ToString(task.TaskArn), 10*time.Second)
	if stopped.StopCode != ecstypes.TaskStopCodeTaskFailedToStart || aws.ToString(stopped.StoppedReason) != reason || slices.Contains(seen, TaskRunning) {
		t.Fatalf("stopped = %s %q seen %v", stopped.StopCode, aws.ToString(stopped.StoppedReason), seen)
	}
	// Only one: the next task runs.
	task = f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	stopped, _ = f.waitStopped(t, aws.ToString(task.TaskArn), 10*time.Second)
	if stopped.StopCode != ecstypes.TaskStopCodeEssentialContainerExited || *stopped.Containers[0].ExitCode != 0 {
		t.Fatalf("second task = %s", stopped.StopCode)
	}
}

func processGone(pid int) bool {
	err := syscall.Kill(pid, 0)
	return errors.Is(err, syscall.ESRCH)
}

func TestECSStopTask(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	td := f.register(t, "sleeper", []string{"sleep", "30"}, nil, "/ecs/run")
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	var pid int
	for deadline := time.Now().Add(5 * time.Second); pid == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		pid = f.srv.Tasks()[0].PID
	}
	if pid == 0 || processGone(pid) {
		t.Fatal("the process never started")
	}
	begin := time.Now()
	out := must[*ecs.StopTaskOutput](t)(f.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String("jobs"), Task: task.TaskArn, Reason: aws.String("cancelled by test")}))
	if aws.ToString(out.Task.DesiredStatus) != TaskStopped {
		t.Fatalf("StopTask task = %+v", out.Task)
	}
	stopped, _ := f.waitStopped(t, aws.ToString(task.TaskArn), 5*time.Second)
	if time.Since(begin) > 3*time.Second {
		t.Fatalf("stop took %v", time.Since(begin))
	}
	if stopped.StopCode != ecstypes.TaskStopCodeUserInitiated || aws.ToString(stopped.StoppedReason) != "cancelled by test" {
		t.Fatalf("stopped = %s %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
	}
	if code := stopped.Containers[0].ExitCode; code == nil || *code != 143 {
		t.Fatalf("exit code = %v, want 143 (SIGTERM)", code)
	}
	if !processGone(pid) {
		t.Fatalf("process %d still exists", pid)
	}
	_, err := f.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String("jobs"), Task: aws.String("0123456789abcdef0123456789abcdef")})
	wantErr[*ecstypes.InvalidParameterException](t, err)
}

func TestECSKillTaskAfter(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	td := f.register(t, "oom", []string{"sleep", "30"}, nil, "/ecs/run")
	f.srv.KillTaskAfter(50 * time.Millisecond)
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	stopped, _ := f.waitStopped(t, aws.ToString(task.TaskArn), 5*time.Second)
	if code := stopped.Containers[0].ExitCode; code == nil || *code != 137 {
		t.Fatalf("exit code = %v, want 137", code)
	}
	if stopped.StopCode != ecstypes.TaskStopCodeEssentialContainerExited || aws.ToString(stopped.StoppedReason) != StoppedReasonEssentialExited {
		t.Fatalf("stopped = %s %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
	}
}

// Not parallel: t.Setenv.
func TestECSTaskDoesNotInheritSandboxEnv(t *testing.T) {
	t.Setenv("SANDBOX_LEAK_CANARY", "leaked")
	f := startECS(t)
	td := f.register(t, "env", []string{"/bin/sh", "-c", `echo "canary=[$SANDBOX_LEAK_CANARY] path=[${PATH:+set}]"`}, nil, "/ecs/run")
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	f.waitStopped(t, aws.ToString(task.TaskArn), 10*time.Second)
	got := f.srv.LogEvents("/ecs/run", "run/app/"+f.srv.Tasks()[0].ID)
	want := "canary=[] path=[set]"
	if os.Getenv("PATH") == "" {
		want = "canary=[] path=[]"
	}
	if !slices.Equal(got, []string{want}) {
		t.Fatalf("logs = %q, want %q", got, want)
	}
}

func TestECSTaskDefinitionErrors(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	_, err := f.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("jobs"), TaskDefinition: aws.String("unknown:1"), LaunchType: ecstypes.LaunchTypeFargate})
	wantErr[*ecstypes.ClientException](t, err)
	_, err = f.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("unknown")})
	wantErr[*ecstypes.ClientException](t, err)

	td := f.register(t, "fam", []string{"true"}, nil, "/ecs/run")
	td2 := f.register(t, "fam", []string{"false"}, nil, "/ecs/run")
	if td2.Revision != 2 || aws.ToString(td2.TaskDefinitionArn) != "arn:aws:ecs:us-east-1:123456789012:task-definition/fam:2" {
		t.Fatalf("second revision = %+v", td2)
	}
	// Missing subnets for awsvpc.
	_, err = f.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("jobs"), TaskDefinition: td.TaskDefinitionArn, LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{}}}})
	wantErr[*ecstypes.InvalidParameterException](t, err)
	_, err = f.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("jobs"), TaskDefinition: td.TaskDefinitionArn, LaunchType: ecstypes.LaunchTypeFargate})
	wantErr[*ecstypes.InvalidParameterException](t, err)

	dereg := must[*ecs.DeregisterTaskDefinitionOutput](t)(f.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: td.TaskDefinitionArn}))
	if dereg.TaskDefinition.Status != ecstypes.TaskDefinitionStatusInactive {
		t.Fatalf("deregistered status = %s", dereg.TaskDefinition.Status)
	}
	_, err = f.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("jobs"), TaskDefinition: td.TaskDefinitionArn, LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
	wantErr[*ecstypes.ClientException](t, err)
	wantMessage(t, err, "inactive")
	desc := must[*ecs.DescribeTaskDefinitionOutput](t)(f.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("fam")}))
	if desc.TaskDefinition.Revision != 2 {
		t.Fatalf("latest ACTIVE = %d", desc.TaskDefinition.Revision)
	}
	if got := f.srv.TaskDefinitions(); len(got) != 2 || got[0].Status != "INACTIVE" || got[1].Status != "ACTIVE" {
		t.Fatalf("TaskDefinitions() = %+v", got)
	}

	desc2 := must[*ecs.DescribeTasksOutput](t)(f.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("jobs"), Tasks: []string{"0123456789abcdef0123456789abcdef"}}))
	if len(desc2.Tasks) != 0 || len(desc2.Failures) != 1 || aws.ToString(desc2.Failures[0].Reason) != "MISSING" {
		t.Fatalf("DescribeTasks unknown = %+v", desc2)
	}
	if r := f.srv.Requests(); r[len(r)-1].Service != "ecs" || r[len(r)-1].Operation != "DescribeTasks" {
		t.Fatalf("request log = %+v", r[len(r)-1])
	}
}

func TestECSCloseStopsTasks(t *testing.T) {
	t.Parallel()
	f := startECS(t)
	td := f.register(t, "closer", []string{"sleep", "30"}, nil, "/ecs/run")
	task := f.run(t, aws.ToString(td.TaskDefinitionArn), nil)
	var pid int
	for deadline := time.Now().Add(5 * time.Second); pid == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		pid = f.srv.Tasks()[0].PID
	}
	if pid == 0 {
		t.Fatal("never started")
	}
	f.srv.Close()
	if !processGone(pid) || f.srv.Tasks()[0].LastStatus != TaskStopped || !f.srv.WaitTask(aws.ToString(task.TaskArn), 0) {
		t.Fatal("Close left the task running")
	}
	_, err := f.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("jobs"), TaskDefinition: td.TaskDefinitionArn, LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
	wantErr[*ecstypes.ServerException](t, err)
}
