package pgrestore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore/ecsjob"
)

// NewECS returns an Executor that runs the job in a Fargate task.
func NewECS(cfg ECSConfig) Executor {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.TaskPollInterval <= 0 {
		cfg.TaskPollInterval = 2 * time.Second
	}
	if cfg.MaxTaskPollInterval < cfg.TaskPollInterval {
		cfg.MaxTaskPollInterval = max(15*time.Second, cfg.TaskPollInterval)
	}
	if cfg.StopWait <= 0 {
		cfg.StopWait = 2 * time.Minute
	}
	if cfg.LogSettle <= 0 {
		cfg.LogSettle = 30 * time.Second
	}
	cfg.Clock = clock.Or(cfg.Clock)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = 2 * time.Second
	}
	cfg.Task = cfg.Task.withDefaults()
	return &ecsExecutor{cfg: cfg}
}

type ecsExecutor struct{ cfg ECSConfig }

// ecsRun is the state of one ECS job.
type ecsRun struct {
	*run
	cfg   ECSConfig
	runID string

	params  []string // transient SSM parameters to delete
	taskDef string   // registered task definition ARN, to deregister
	taskARN string
	stopped bool // the task was seen STOPPED

	logs *taskLog
}

// Run implements Executor.
func (x *ecsExecutor) Run(ctx context.Context, job Job) (*Result, error) {
	cfg := x.cfg
	r := &ecsRun{
		run: &run{
			cfg: LocalConfig{Heroku: cfg.Heroku, PollInterval: cfg.PollInterval, Clock: cfg.Clock, Logger: cfg.Logger,
				ProgressInterval: cfg.ProgressInterval},
			job: job, res: &Result{StartedAt: cfg.Clock.Now()}, red: &redactor{}, lastProgress: map[string]time.Time{},
		},
		cfg:   cfg,
		runID: cfg.RunID,
	}
	if r.runID == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		r.runID = hex.EncodeToString(b)
	}
	err := r.runECS(ctx)
	r.cleanup(ctx)
	r.res.FinishedAt = cfg.Clock.Now()
	for i, w := range r.res.Warnings {
		r.res.Warnings[i] = r.red.redact(w)
	}
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return r.res, r.red.wrap(err)
	}
	return r.res, nil
}

func (r *ecsRun) runECS(ctx context.Context) error {
	job := r.job
	r.opts = job.Options.withDefaults()
	target, err := parseDBURL(job.TargetURL)
	if err != nil {
		return fmt.Errorf("target_url: %w", err)
	}
	r.target = target
	r.red.add(target.password)
	if job.Source.DatabaseURL != "" {
		if d, err := parseDBURL(job.Source.DatabaseURL); err == nil {
			r.red.add(d.password)
		}
	}
	r.red.add(job.Source.DumpURL)
	if ps := append(Validate(job), ValidateECS(job, r.cfg.Task)...).Errors(); len(ps) > 0 {
		return ps
	}
	if r.cfg.ECS == nil || r.cfg.Logs == nil || r.cfg.SSM == nil {
		return errors.New("the ecs executor needs the ECS, CloudWatch Logs and SSM clients, which are not configured")
	}

	// The source, resolved as late as possible: a backup URL is signed
	// and short-lived.
	env := r.taskEnv()
	var sourceName, sourceValue string
	switch src := job.Source; {
	case src.HerokuBackup != nil:
		t, app, err := r.findBackup(ctx, src.HerokuBackup, true)
		if err != nil {
			return err
		}
		r.res.BackupID = t.Name
		if err := CheckStorage(t.Name, t.SourceBytes, r.cfg.Task); err != nil {
			return err
		}
		u, err := r.cfg.Heroku.BackupPublicURL(ctx, app, t.Num)
		if err != nil {
			return fmt.Errorf("getting the download URL of backup %s: %w", t.Name, err)
		}
		r.red.add(u)
		sourceName, sourceValue = ecsjob.EnvSourceURL, u
		env = append(env, kv(ecsjob.EnvSourceKind, ecsjob.SourceURL))
	case src.DumpURL != "":
		sourceName, sourceValue = ecsjob.EnvSourceURL, strings.TrimSpace(src.DumpURL)
		env = append(env, kv(ecsjob.EnvSourceKind, ecsjob.SourceURL))
	case src.DatabaseURL != "":
		d, err := parseDBURL(src.DatabaseURL)
		if err != nil {
			return fmt.Errorf("source.database_url: %w", err)
		}
		sourceName, sourceValue = ecsjob.EnvSourceService, serviceFile(d, r.opts.DefaultSSLMode)
		env = append(env, kv(ecsjob.EnvSourceKind, ecsjob.SourceDatabase))
	default:
		return errors.New("no source")
	}

	secrets := []ecstypes.Secret{}
	srcParam, err := r.putParameter(ctx, "source", sourceValue)
	if err != nil {
		return err
	}
	secrets = append(secrets, ecstypes.Secret{Name: aws.String(sourceName), ValueFrom: aws.String(srcParam)})
	passFrom := r.cfg.Task.TargetPasswordSecret
	if passFrom == "" {
		if passFrom, err = r.putParameter(ctx, "target-password", target.password); err != nil {
			return err
		}
	}
	secrets = append(secrets, ecstypes.Secret{Name: aws.String("PGPASSWORD"), ValueFrom: aws.String(passFrom)})

	if err := r.registerTaskDefinition(ctx, env, secrets); err != nil {
		return err
	}
	if err := r.startTask(ctx); err != nil {
		return err
	}
	task, err := r.watch(ctx)
	if err != nil {
		return err
	}
	return r.finish(ctx, task)
}

func kv(k, v string) ecstypes.KeyValuePair {
	return ecstypes.KeyValuePair{Name: aws.String(k), Value: aws.String(v)}
}

// taskEnv is the task's plain environment: nothing secret.
func (r *ecsRun) taskEnv() []ecstypes.KeyValuePair {
	t, o := r.target, r.opts
	port := t.port
	if port == "" {
		port = "5432"
	}
	sslmode := t.withSSL(o.DefaultSSLMode).Query().Get("sslmode")
	if sslmode == "" {
		sslmode = "prefer"
	}
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = r.cfg.Task.VCPUs()
	}
	env := []ecstypes.KeyValuePair{
		kv("PGHOST", t.host), kv("PGPORT", port), kv("PGUSER", t.user), kv("PGDATABASE", t.dbname), kv("PGSSLMODE", sslmode),
		kv(ecsjob.EnvJobs, strconv.Itoa(jobs)),
		kv(ecsjob.EnvNoOwner, strconv.FormatBool(o.NoOwner)),
		kv(ecsjob.EnvNoACL, strconv.FormatBool(o.NoACL)),
		kv(ecsjob.EnvClean, strconv.FormatBool(o.Clean)),
		kv(ecsjob.EnvAnalyze, strconv.FormatBool(o.Analyze)),
		kv(ecsjob.EnvVerify, o.Verify),
	}
	if len(o.Extensions) > 0 {
		env = append(env, kv(ecsjob.EnvExtensions, strings.Join(o.Extensions, " ")))
	}
	return env
}

// serviceFile is a pg_service.conf with the source's connection in its
// [source] section: the task's pg_dump reads it from a 0600 file, so no
// credential reaches a command line.
func serviceFile(d *dbURL, defSSL string) string {
	port := d.port
	if port == "" {
		port = "5432"
	}
	var b strings.Builder
	b.WriteString("[source]\n")
	for _, kv := range [][2]string{
		{"host", d.host}, {"port", port}, {"dbname", d.dbname}, {"user", d.user}, {"password", d.password},
		{"sslmode", d.withSSL(defSSL).Query().Get("sslmode")},
	} {
		if kv[1] != "" {
			b.WriteString(kv[0] + "=" + kv[1] + "\n")
		}
	}
	return b.String()
}

// putParameter writes a transient SecureString parameter and returns the
// name the task definition refers to it by.
func (r *ecsRun) putParameter(ctx context.Context, name, value string) (string, error) {
	full := ParameterPrefix + "/" + r.runID + "/" + name
	tier := ssmtypes.ParameterTierStandard
	if len(value) > 4096 {
		tier = ssmtypes.ParameterTierAdvanced // up to 8 KB
	}
	_, err := r.cfg.SSM.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(full), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString, Tier: tier,
		Description: aws.String("heroku2aws pg restore job " + r.runID + ": read by its ECS task, deleted when the task ends"),
	})
	if err != nil {
		return "", fmt.Errorf("writing the transient SSM parameter %s that hands the task its %s: %w", full,
			map[string]string{"source": "source", "target-password": "target password"}[name], err)
	}
	r.params = append(r.params, full)
	return full, nil
}

func (r *ecsRun) registerTaskDefinition(ctx context.Context, env []ecstypes.KeyValuePair, secrets []ecstypes.Secret) error {
	t := r.cfg.Task
	image := t.Image
	if image == "" {
		image = ecsjob.DefaultImage
	}
	in := &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(TaskFamily),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		Cpu:                     aws.String(strconv.Itoa(t.CPU)),
		Memory:                  aws.String(strconv.Itoa(t.Memory)),
		ExecutionRoleArn:        aws.String(t.ExecutionRoleARN),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:      aws.String(ContainerName),
			Image:     aws.String(image),
			Essential: aws.Bool(true),
			// The script, not the image's entrypoint: nothing secret here,
			// the secrets come in through Secrets.
			EntryPoint:  []string{"sh", "-c"},
			Command:     []string{ecsjob.Script},
			Environment: env,
			Secrets:     secrets,
			LogConfiguration: &ecstypes.LogConfiguration{
				LogDriver: ecstypes.LogDriverAwslogs,
				Options: map[string]string{
					"awslogs-group": t.LogGroup, "awslogs-region": r.cfg.Region, "awslogs-stream-prefix": LogStreamPrefix,
				},
			},
		}},
		Tags: []ecstypes.Tag{{Key: aws.String("heroku2aws:run"), Value: aws.String(r.runID)}},
	}
	if t.TaskRoleARN != "" {
		in.TaskRoleArn = aws.String(t.TaskRoleARN)
	}
	if t.EphemeralStorageGiB > 0 {
		in.EphemeralStorage = &ecstypes.EphemeralStorage{SizeInGiB: int32(t.EphemeralStorageGiB)}
	}
	out, err := r.cfg.ECS.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return fmt.Errorf("registering the task definition (family %s): %w", TaskFamily, err)
	}
	if out.TaskDefinition == nil || out.TaskDefinition.TaskDefinitionArn == nil {
		return errors.New("registering the task definition: the response has no ARN")
	}
	r.taskDef = *out.TaskDefinition.TaskDefinitionArn
	return nil
}

func (r *ecsRun) startTask(ctx context.Context) error {
	t := r.cfg.Task
	public := ecstypes.AssignPublicIpDisabled
	if t.AssignPublicIP {
		public = ecstypes.AssignPublicIpEnabled
	}
	out, err := r.cfg.ECS.RunTask(ctx, &ecs.RunTaskInput{
		Cluster:        aws.String(t.Cluster),
		TaskDefinition: aws.String(r.taskDef),
		LaunchType:     ecstypes.LaunchTypeFargate,
		Count:          aws.Int32(1),
		StartedBy:      aws.String(startedBy),
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: t.Subnets, SecurityGroups: t.SecurityGroups, AssignPublicIp: public,
		}},
	})
	if err != nil {
		return fmt.Errorf("starting the task in cluster %s: %w", t.Cluster, err)
	}
	if len(out.Tasks) == 0 {
		var why []string
		for _, f := range out.Failures {
			why = append(why, strings.TrimSpace(aws.ToString(f.Reason)+" "+aws.ToString(f.Detail)+" "+aws.ToString(f.Arn)))
		}
		return fmt.Errorf("ECS did not start the task in cluster %s: %s", t.Cluster, strings.Join(why, "; "))
	}
	r.taskARN = aws.ToString(out.Tasks[0].TaskArn)
	id := r.taskARN[strings.LastIndexByte(r.taskARN, '/')+1:]
	r.logs = &taskLog{group: t.LogGroup, stream: LogStreamPrefix + "/" + ContainerName + "/" + id}
	r.phase(ctx, "task", true, map[string]any{"status": "started", "task": r.taskARN, "log_group": t.LogGroup,
		"log_stream": r.logs.stream})
	return nil
}

// watch polls the task until it stops, streaming its log. On cancel or
// timeout it stops the task and waits for it.
func (r *ecsRun) watch(ctx context.Context) (*ecstypes.Task, error) {
	wait := r.cfg.TaskPollInterval
	last := ""
	missing, failed := 0, 0
	for {
		task, err := r.describe(ctx)
		switch {
		case ctx.Err() != nil:
			return nil, r.abort(ctx.Err())
		case err != nil:
			// The SDK has retried already; a restore of hours should still
			// outlive a short ECS outage, so only a run of failures stops it.
			if failed++; failed >= 5 {
				return nil, r.abort(err)
			}
			r.phase(ctx, "task", true, map[string]any{"status": "describe failed", "error": err.Error()})
		case task == nil:
			// DescribeTasks is eventually consistent right after RunTask.
			if missing++; missing > 5 {
				return nil, r.abort(fmt.Errorf("ECS does not know task %s", r.taskARN))
			}
		default:
			failed = 0
			if s := aws.ToString(task.LastStatus); s != last {
				last = s
				r.phase(ctx, "task", true, map[string]any{"status": strings.ToLower(s), "task": r.taskARN})
			}
		}
		if err := r.readLogs(ctx); err != nil && ctx.Err() == nil {
			r.phase(ctx, "task", false, map[string]any{"status": "log read failed", "error": err.Error()})
		}
		if task != nil && aws.ToString(task.LastStatus) == string(ecstypes.DesiredStatusStopped) {
			r.stopped = true
			return task, nil
		}
		if err := r.cfg.Clock.Sleep(ctx, wait); err != nil {
			return nil, r.abort(err)
		}
		wait = min(wait+wait/2, r.cfg.MaxTaskPollInterval)
	}
}

func (r *ecsRun) describe(ctx context.Context) (*ecstypes.Task, error) {
	out, err := r.cfg.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(r.cfg.Task.Cluster), Tasks: []string{r.taskARN}})
	if err != nil {
		return nil, fmt.Errorf("describing task %s: %w", r.taskARN, err)
	}
	for i := range out.Tasks {
		if aws.ToString(out.Tasks[i].TaskArn) == r.taskARN {
			return &out.Tasks[i], nil
		}
	}
	return nil, nil
}

// abort stops the running task because of cause (the apply was cancelled,
// timed out, or ECS could not be asked), waits for it to stop, and returns
// the error to report.
func (r *ecsRun) abort(cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.StopWait)
	defer cancel()
	human := cause.Error()
	switch {
	case errors.Is(cause, context.DeadlineExceeded):
		human = "the create timeout was reached"
	case errors.Is(cause, context.Canceled):
		human = "the apply was interrupted"
	}
	reason := "heroku2aws: " + human
	if len(reason) > 255 {
		reason = reason[:255]
	}
	stopErr := r.stopTask(ctx, reason)
	msg := fmt.Sprintf("task %s was stopped", r.taskARN)
	if stopErr != nil {
		msg = fmt.Sprintf("stopping task %s failed (%v): stop it with `aws ecs stop-task --cluster %s --task %s`",
			r.taskARN, stopErr, r.cfg.Task.Cluster, r.taskARN)
	}
	if human != cause.Error() {
		return fmt.Errorf("%s (%w); %s%s", human, cause, msg, r.logs.tailText())
	}
	return fmt.Errorf("%w; %s%s", cause, msg, r.logs.tailText())
}

// stopTask calls StopTask and waits until the task is STOPPED.
func (r *ecsRun) stopTask(ctx context.Context, reason string) error {
	if _, err := r.cfg.ECS.StopTask(ctx, &ecs.StopTaskInput{
		Cluster: aws.String(r.cfg.Task.Cluster), Task: aws.String(r.taskARN), Reason: aws.String(reason),
	}); err != nil {
		return err
	}
	wait := r.cfg.TaskPollInterval
	for {
		task, err := r.describe(ctx)
		if err == nil && task != nil && aws.ToString(task.LastStatus) == string(ecstypes.DesiredStatusStopped) {
			r.stopped = true
			_ = r.readLogs(ctx)
			return nil
		}
		if err := r.cfg.Clock.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("the task did not reach STOPPED within %s", r.cfg.StopWait)
		}
		wait = min(wait+wait/2, r.cfg.MaxTaskPollInterval)
	}
}

// cleanup deregisters the task definition and deletes the transient
// parameters, whatever happened: with a context of its own, since ctx may
// be the cancelled one. A task still running (the watch never saw it
// stop, for instance because the process is ending) is stopped first.
func (r *ecsRun) cleanup(parent context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), r.cfg.StopWait)
	defer cancel()
	if r.taskARN != "" && !r.stopped {
		if err := r.stopTask(ctx, "heroku2aws: the job ended before the task"); err != nil {
			r.warn("task %s may still be running (%v): stop it with `aws ecs stop-task --cluster %s --task %s`",
				r.taskARN, err, r.cfg.Task.Cluster, r.taskARN)
		}
	}
	if r.taskDef != "" {
		if _, err := r.cfg.ECS.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(r.taskDef)}); err != nil {
			r.warn("deregistering the transient task definition %s failed (%v); deregister it by hand", r.taskDef, err)
		}
	}
	for _, p := range r.params {
		if _, err := r.cfg.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(p)}); err != nil {
			r.warn("deleting the transient SSM parameter %s failed (%v); it holds a secret: delete it by hand "+
				"(`aws ssm delete-parameter --name %s`)", p, err, p)
		}
	}
}

// finish reads the stopped task's outcome into the result.
func (r *ecsRun) finish(ctx context.Context, task *ecstypes.Task) error {
	var exit *int32
	var containerReason string
	for _, c := range task.Containers {
		if aws.ToString(c.Name) == ContainerName {
			exit, containerReason = c.ExitCode, aws.ToString(c.Reason)
		}
	}
	stopCode, stopReason := task.StopCode, aws.ToString(task.StoppedReason)
	if stopCode == ecstypes.TaskStopCodeTaskFailedToStart || exit == nil {
		return fmt.Errorf("the ECS task did not start: %s%s", firstNonEmpty(stopReason, containerReason, string(stopCode)),
			startHint(stopReason+" "+containerReason))
	}
	code := int(*exit)
	// CloudWatch Logs ingests with a delay: wait for the summary a while
	// when the job says it wrote one.
	if code == ecsjob.ExitOK || code == ecsjob.ExitRestoreErrors {
		deadline := r.cfg.Clock.Now().Add(r.cfg.LogSettle)
		for r.logs.summary == "" && r.cfg.Clock.Now().Before(deadline) {
			if err := r.readLogs(ctx); err != nil && ctx.Err() != nil {
				return err
			}
			if r.logs.summary != "" {
				break
			}
			if err := r.cfg.Clock.Sleep(ctx, time.Second); err != nil {
				return err
			}
		}
	} else {
		_ = r.readLogs(ctx)
	}
	if r.logs.summary == "" || (code != ecsjob.ExitOK && code != ecsjob.ExitRestoreErrors) {
		what := ecsjob.ExitMeaning(code)
		switch {
		case what != "":
		case code == 137:
			what = "the container was killed (SIGKILL)"
			if strings.Contains(containerReason, "OutOfMemory") {
				what += ": it ran out of memory; raise ecs.memory"
			}
		case code == 143:
			what = "the container was stopped (SIGTERM)"
		default:
			what = "the job failed"
		}
		detail := ""
		if r.logs.errLine != "" {
			detail = ": " + r.logs.errLine
		}
		if r.logs.summary == "" && (code == ecsjob.ExitOK || code == ecsjob.ExitRestoreErrors) {
			detail = fmt.Sprintf(": its log %s has no summary line after %s", r.logs.stream, r.cfg.LogSettle)
		}
		extra := ""
		if containerReason != "" {
			extra = " (" + containerReason + ")"
		}
		if stopCode == ecstypes.TaskStopCodeUserInitiated {
			extra += "; it was stopped: " + stopReason
		}
		return fmt.Errorf("the ECS task exited with status %d%s: %s%s%s", code, extra, what, detail, r.logs.tailText())
	}
	sum, err := ecsjob.Parse(r.logs.summary)
	if err != nil {
		return fmt.Errorf("reading the task's summary: %w", err)
	}
	r.res.BytesTransferred = sum.Bytes
	r.res.PGRestoreVersion = sum.PGRestoreVersion
	for _, w := range sum.Warnings {
		r.warn("%s", w)
	}
	if r.logs.parser == nil {
		r.logs.parser = newStderrParser()
	}
	r.logs.parser.Close()
	if err := r.judgeRestore(r.logs.parser, sum.PGRestoreExit, nil); err != nil {
		return err
	}
	r.res.TablesRestored = sum.TablesRestored
	if sum.Verify == VerifyNone {
		return nil
	}
	r.res.Tables = make([]TableResult, len(sum.Tables))
	for i, t := range sum.Tables {
		r.res.Tables[i] = TableResult{Schema: t.Schema, Name: t.Name, SourceRows: t.SourceRows, TargetRows: t.TargetRows}
	}
	_, err = checkTables(r.res.Tables, sum.Verify)
	return err
}

// startHint says what usually causes a start failure.
func startHint(reason string) string {
	switch {
	case strings.Contains(reason, "CannotPullContainerError"):
		return "\n\nThe image could not be pulled: check ecs.image, and that the subnets reach the registry (a NAT " +
			"gateway, ecs.assign_public_ip = true in a public subnet, or ECR VPC endpoints)."
	case strings.Contains(reason, "ResourceInitializationError"):
		return "\n\nThe task's secrets or log stream could not be set up: the execution role needs ssm:GetParameters on " +
			"parameter" + ParameterPrefix + "/*, secretsmanager:GetSecretValue on ecs.target_password_secret (and " +
			"kms:Decrypt for a customer-managed key), and logs:CreateLogStream and logs:PutLogEvents on the log group, " +
			"which must exist; the subnets must reach SSM, Secrets Manager and CloudWatch Logs."
	}
	return ""
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// taskLog follows the task's log stream.
type taskLog struct {
	group, stream string
	token         string
	summary       string // the last summary line
	errLine       string // the last ErrorPrefix line
	tail          []string
	inRestore     bool
	parser        *stderrParser
}

const logTailLines = 15

func (l *taskLog) tailText() string {
	if l == nil || len(l.tail) == 0 {
		return ""
	}
	return fmt.Sprintf("\n\nThe last lines of the task's log (%s, stream %s):\n  %s", l.group, l.stream, strings.Join(l.tail, "\n  "))
}

// readLogs reads the log events that arrived since the last call.
func (r *ecsRun) readLogs(ctx context.Context) error {
	l := r.logs
	if l == nil {
		return nil
	}
	if l.parser == nil {
		l.parser = newStderrParser()
	}
	for {
		in := &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String(l.group), LogStreamName: aws.String(l.stream), StartFromHead: aws.Bool(true),
		}
		if l.token != "" {
			in.NextToken = aws.String(l.token)
		}
		out, err := r.cfg.Logs.GetLogEvents(ctx, in)
		if err != nil {
			var nf *logstypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				return nil // the stream appears when the container starts
			}
			return err
		}
		for _, e := range out.Events {
			r.logLine(ctx, aws.ToString(e.Message))
		}
		next := aws.ToString(out.NextForwardToken)
		if next == "" || next == l.token {
			return nil
		}
		l.token = next
		if len(out.Events) == 0 {
			return nil
		}
	}
}

// logLine handles one line of the task's log.
func (r *ecsRun) logLine(ctx context.Context, line string) {
	l := r.logs
	line = strings.TrimRight(line, "\r\n")
	red := r.red.redact(line)
	r.cfg.Logger.DebugContext(ctx, "pg restore job task: "+red)
	switch {
	case strings.HasPrefix(line, ecsjob.Prefix):
		l.summary = line
		return
	case strings.HasPrefix(line, ecsjob.ErrorPrefix):
		l.errLine = strings.TrimPrefix(red, ecsjob.ErrorPrefix)
	}
	l.tail = append(l.tail, red)
	if len(l.tail) > logTailLines {
		l.tail = l.tail[1:]
	}
	if ph, ok := ecsjob.ParsePhase(line); ok {
		if ph.Name == "restore" {
			l.inRestore = ph.Status == "started"
		}
		fields := map[string]any{"status": ph.Status, "where": "task"}
		for k, v := range ph.Fields {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				fields[k] = n
			} else {
				fields[k] = v
			}
		}
		r.phase(ctx, ph.Name, true, fields)
		return
	}
	if l.inRestore {
		l.parser.Line(line)
		r.phase(ctx, "restore", false, map[string]any{"status": "running", "where": "task",
			"tables_done": l.parser.TablesProgress(), "errors": l.parser.FailedN})
	}
}
