package awsapi

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// inheritedEnv are the only variables of the sandbox's own environment a
// task's process sees.
var inheritedEnv = []string{"PATH", "HOME", "TMPDIR"}

// runTask drives one task from PROVISIONING to STOPPED.
func (s *Server) runTask(t *ecsTask) {
	st := s.ecs
	defer st.running.Done()
	defer close(t.done)

	if !s.taskWait(t, st.startDelay) {
		s.stopTaskNow(t, "", "", nil)
		return
	}
	if t.failStart != "" {
		s.stopTaskNow(t, StopCodeTaskFailedToStart, t.failStart, nil)
		return
	}
	s.setTaskStatus(t, TaskPending)

	env, reason := s.resolveTaskEnv(t)
	if reason != "" {
		s.stopTaskNow(t, StopCodeTaskFailedToStart, reason, nil)
		return
	}
	logGroup, logStream, reason := s.prepareTaskLogs(t)
	if reason != "" {
		s.stopTaskNow(t, StopCodeTaskFailedToStart, reason, nil)
		return
	}
	if !s.taskWait(t, st.startDelay) {
		s.stopTaskNow(t, "", "", nil)
		return
	}

	cmd := exec.Command(t.command[0], t.command[1:]...)
	cmd.Env = env
	if wd := aws.ToString(t.container.WorkingDirectory); wd != "" {
		cmd.Dir = wd
	}
	setProcessGroup(cmd)
	outR, outW, err := os.Pipe()
	if err != nil {
		s.stopTaskNow(t, StopCodeTaskFailedToStart, "CannotStartContainerError: "+err.Error(), nil)
		return
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		s.stopTaskNow(t, StopCodeTaskFailedToStart, "CannotStartContainerError: "+err.Error(), nil)
		return
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		s.stopTaskNow(t, StopCodeTaskFailedToStart,
			"CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: "+err.Error(), nil)
		return
	}

	st.mu.Lock()
	t.lastStatus = TaskRunning
	t.startedAt = s.now()
	t.pid = cmd.Process.Pid
	t.version++
	killAfter := st.killAfter
	st.killAfter = 0
	st.mu.Unlock()

	var readers sync.WaitGroup
	readers.Add(2)
	go s.forwardLogs(&readers, outR, logGroup, logStream)
	go s.forwardLogs(&readers, errR, logGroup, logStream)

	waited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(waited)
	}()
	var killC <-chan time.Time
	if killAfter > 0 {
		kt := time.NewTimer(killAfter)
		defer kt.Stop()
		killC = kt.C
	}
	stopC := t.stop
	var termC <-chan time.Time
wait:
	for {
		select {
		case <-waited:
			break wait
		case <-killC:
			signalTask(cmd, syscall.SIGKILL)
			killC = nil
		case <-stopC:
			signalTask(cmd, syscall.SIGTERM)
			stopC = nil
			tt := time.NewTimer(ECSStopTimeout)
			defer tt.Stop()
			termC = tt.C
		case <-termC:
			signalTask(cmd, syscall.SIGKILL)
			termC = nil
		}
	}
	// The container ends with its essential process: whatever it left
	// behind goes too.
	signalTask(cmd, syscall.SIGKILL)
	readers.Wait()
	code := exitCode(cmd)
	s.stopTaskNow(t, StopCodeEssentialContainerExited, StoppedReasonEssentialExited, &code)
}

// taskWait waits d unless the task is asked to stop first.
func (s *Server) taskWait(t *ecsTask, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-t.stop:
		return false
	}
}

func (s *Server) setTaskStatus(t *ecsTask, status string) {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	if t.lastStatus != TaskStopped {
		t.lastStatus = status
		t.version++
	}
}

// stopTaskNow marks the task STOPPED. A stop asked for by StopTask (or
// Close) keeps its UserInitiated code and reason; otherwise code and reason
// are recorded.
func (s *Server) stopTaskNow(t *ecsTask, code, reason string, exit *int) {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	if !t.stopping && code != "" {
		t.stopCode = code
		t.stoppedReason = reason
	}
	if t.stoppingAt.IsZero() {
		t.stoppingAt = s.now()
	}
	t.exitCode = exit
	t.lastStatus = TaskStopped
	t.desiredStatus = TaskStopped
	t.stoppedAt = s.now()
	t.version++
}

// resolveTaskEnv builds the process environment: PATH, HOME and TMPDIR of
// the sandbox, the container's environment (after overrides), then its
// secrets read from the sandbox's SSM parameters and Secrets Manager
// secrets. It returns the stoppedReason of a secret that cannot be read.
func (s *Server) resolveTaskEnv(t *ecsTask) (env []string, reason string) {
	for _, k := range inheritedEnv {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	resolved := map[string]string{}
	for k, v := range t.env {
		resolved[k] = v
		env = append(env, k+"="+v)
	}
	for _, sec := range t.container.Secrets {
		value, problem := s.resolveTaskSecret(aws.ToString(sec.ValueFrom))
		if problem != "" {
			return nil, "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " + problem
		}
		resolved[aws.ToString(sec.Name)] = value
		env = append(env, aws.ToString(sec.Name)+"="+value)
	}
	st := s.ecs
	st.mu.Lock()
	t.env = resolved
	st.mu.Unlock()
	return env, ""
}

// resolveTaskSecret reads a secret's valueFrom: an SSM parameter ARN or
// name, or a Secrets Manager secret ARN, optionally followed by
// ":json-key:version-stage:version-id".
func (s *Server) resolveTaskSecret(valueFrom string) (string, string) {
	smPrefix := "arn:aws:secretsmanager:" + s.region + ":" + s.accountID + ":secret:"
	if rest, ok := strings.CutPrefix(valueFrom, smPrefix); ok {
		parts := strings.SplitN(rest, ":", 4)
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		id, jsonKey, stage, versionID := smPrefix+parts[0], parts[1], parts[2], parts[3]
		notFound := "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret " +
			valueFrom + " from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret."
		unlock := s.lockSM()
		sec := s.resolveSecret(id)
		if sec == nil || sec.scheduled() {
			unlock()
			return "", notFound
		}
		if stage == "" {
			stage = stageCurrent
		}
		v := sec.staged(stage)
		if versionID != "" {
			v = sec.version(versionID)
		}
		if v == nil || v.str == nil {
			unlock()
			return "", notFound
		}
		value := *v.str
		unlock()
		if jsonKey == "" {
			return value, ""
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(value), &m); err != nil {
			return "", "unable to retrieve secret from asm: failed to unmarshal secret " + valueFrom + " as JSON"
		}
		field, ok := m[jsonKey]
		if !ok {
			return "", "unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key " + jsonKey
		}
		if str, ok := field.(string); ok {
			return str, ""
		}
		b, _ := json.Marshal(field)
		return string(b), ""
	}
	name := valueFrom
	if strings.HasPrefix(valueFrom, "arn:") {
		rest, ok := strings.CutPrefix(valueFrom, "arn:aws:ssm:"+s.region+":"+s.accountID+":parameter")
		if !ok {
			return "", "unable to retrieve secrets from ssm: invalid ssm parameters: " + valueFrom
		}
		name = rest
	}
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.params[ssmKey(name)]
	if p == nil {
		return "", "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: " + valueFrom
	}
	return p.value, ""
}

// prepareTaskLogs checks the awslogs configuration and creates the stream
// "<awslogs-stream-prefix>/<container>/<task id>". Without awslogs the
// output is dropped (empty group).
func (s *Server) prepareTaskLogs(t *ecsTask) (group, stream, reason string) {
	lc := t.container.LogConfiguration
	if lc == nil || aws.ToString(lc.LogDriver) != "awslogs" {
		return "", "", ""
	}
	group = lc.Options["awslogs-group"]
	stream = t.id
	if prefix := lc.Options["awslogs-stream-prefix"]; prefix != "" {
		stream = prefix + "/" + aws.ToString(t.container.Name) + "/" + t.id
	}
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.groups[group] == nil && lc.Options["awslogs-create-group"] == "true" {
		st.groups[group] = &logGroup{name: group, created: s.now(), streams: map[string]*logStream{}}
	}
	if st.groups[group] == nil {
		return "", "", "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: " +
			"failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"
	}
	if err := st.createStream(group, stream, s.now()); err != nil && err.Code != "ResourceAlreadyExistsException" {
		return "", "", "ResourceInitializationError: failed to validate logger args: " + err.Message
	}
	return group, stream, ""
}

// forwardLogs sends each non-empty line read from r to the task's log
// stream, as the awslogs driver does, with non-decreasing timestamps.
func (s *Server) forwardLogs(wg *sync.WaitGroup, r io.ReadCloser, group, stream string) {
	defer wg.Done()
	defer r.Close()
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line != "" && group != "" {
			s.appendTaskLog(group, stream, line)
		}
		if err != nil {
			return
		}
	}
}

func (s *Server) appendTaskLog(group, stream, line string) {
	st := s.logs
	st.mu.Lock()
	defer st.mu.Unlock()
	now := s.now()
	ts := now.UnixMilli()
	if g := st.groups[group]; g != nil {
		if ls := g.streams[stream]; ls != nil && len(ls.events) > 0 {
			ts = max(ts, ls.events[len(ls.events)-1].timestamp)
		}
	}
	// A group or stream deleted meanwhile drops the line, as the driver
	// would fail to put it.
	_ = st.appendEvents(group, stream, []inputLogEvent{{Timestamp: &ts, Message: &line}}, now)
}
