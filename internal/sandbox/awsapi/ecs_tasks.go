package awsapi

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// --- tasks ---

func newTaskID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// taskContainer picks the container the sandbox runs: the first essential
// one.
func taskContainer(defs []ecsContainerDefinition) ecsContainerDefinition {
	for _, c := range defs {
		if c.essential() {
			return c
		}
	}
	return defs[0]
}

func (s *Server) ecsRunTask(in *runTaskInput) (any, *awsError) {
	ref := aws.ToString(in.TaskDefinition)
	if ref == "" {
		return nil, clientError("InvalidParameterException", "TaskDefinition can not be blank.")
	}
	count := aws.ToInt64(in.Count)
	if in.Count == nil {
		count = 1
	}
	if count < 1 || count > 10 {
		return nil, clientError("InvalidParameterException", "Count must be between 1 and 10.")
	}
	launch := aws.ToString(in.LaunchType)
	if launch != "" && !slices.Contains([]string{"EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"}, launch) {
		return nil, clientError("InvalidParameterException", "Invalid launchType: "+launch+".")
	}
	cluster := clusterName(in.Cluster)

	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil, &awsError{Status: http.StatusInternalServerError, Code: "ServerException", Message: "The sandbox server is closed."}
	}
	td := s.findTaskDef(ref)
	switch {
	case td == nil:
		return nil, clientError("ClientException", "Unable to find task definition.")
	case td.out.Status != "ACTIVE":
		return nil, clientError("ClientException", "TaskDefinition is inactive")
	}
	def := td.out
	if launch == "FARGATE" && !slices.Contains(def.RequiresCompatibilities, "FARGATE") {
		return nil, clientError("InvalidParameterException", "Task definition does not support launch_type FARGATE.")
	}
	if def.NetworkMode == "awsvpc" {
		nc := in.NetworkConfiguration
		if nc == nil || nc.AwsvpcConfiguration == nil {
			return nil, clientError("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(nc.AwsvpcConfiguration.Subnets) == 0 {
			return nil, clientError("InvalidParameterException", "subnets can not be empty.")
		}
		if ip := nc.AwsvpcConfiguration.AssignPublicIP; ip != nil && *ip != "ENABLED" && *ip != "DISABLED" {
			return nil, clientError("InvalidParameterException", "assignPublicIp must be ENABLED or DISABLED.")
		}
	}
	container := taskContainer(def.ContainerDefinitions)
	command := append(slices.Clone(container.EntryPoint), container.Command...)
	envList := slices.Clone(container.Environment)
	var overrides taskOverride
	if in.Overrides != nil {
		overrides = *in.Overrides
		for _, o := range overrides.ContainerOverrides {
			if !slices.ContainsFunc(def.ContainerDefinitions, func(c ecsContainerDefinition) bool { return aws.ToString(c.Name) == aws.ToString(o.Name) }) {
				return nil, clientError("InvalidParameterException", "Override for container named "+aws.ToString(o.Name)+" is not a container in the TaskDefinition.")
			}
			if aws.ToString(o.Name) != aws.ToString(container.Name) {
				continue
			}
			if o.Command != nil {
				command = append(slices.Clone(container.EntryPoint), o.Command...)
			}
			envList = append(envList, o.Environment...)
		}
	}
	if overrides.ContainerOverrides == nil {
		overrides.ContainerOverrides = []containerOverride{}
	}
	if len(command) == 0 {
		return nil, clientError("InvalidParameterException", "The sandbox needs a command (or entryPoint) to run container "+aws.ToString(container.Name)+".")
	}
	env := map[string]string{}
	for _, kv := range envList {
		env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}

	out := tasksOutput{Tasks: []taskJSON{}, Failures: []ecsFailure{}}
	for range count {
		id := newTaskID()
		t := &ecsTask{
			id: id, arn: s.ecsARN("task", cluster+"/"+id), cluster: cluster, def: def,
			container: container, command: command, env: env, launchType: launch,
			startedBy: aws.ToString(in.StartedBy), overrides: overrides,
			lastStatus: TaskProvisioning, desiredStatus: TaskRunning, version: 1, createdAt: s.now(),
			stop: make(chan struct{}), done: make(chan struct{}),
		}
		if st.failN > 0 {
			st.failN--
			t.failStart = st.failReason
			if t.failStart == "" {
				t.failStart = "TaskFailedToStart"
			}
		}
		st.tasks[t.arn] = t
		st.order = append(st.order, t)
		st.running.Add(1)
		go s.runTask(t)
		out.Tasks = append(out.Tasks, s.taskOut(t))
	}
	return out, nil
}

// taskOut renders a task. The caller holds mu.
func (s *Server) taskOut(t *ecsTask) taskJSON {
	out := taskJSON{
		TaskArn: t.arn, ClusterArn: s.ecsARN("cluster", t.cluster), TaskDefinitionArn: t.def.TaskDefinitionArn,
		LastStatus: t.lastStatus, DesiredStatus: t.desiredStatus, LaunchType: t.launchType,
		CPU: t.def.CPU, Memory: t.def.Memory, Group: "family:" + t.def.Family, StartedBy: t.startedBy,
		Overrides: t.overrides, CreatedAt: epochPtr(t.createdAt), StartedAt: epochPtr(t.startedAt),
		StoppingAt: epochPtr(t.stoppingAt), StoppedAt: epochPtr(t.stoppedAt),
		StopCode: t.stopCode, StoppedReason: t.stoppedReason, Version: t.version,
	}
	if t.launchType == "FARGATE" {
		out.PlatformVersion = "1.4.0"
	}
	for _, c := range t.def.ContainerDefinitions {
		cj := containerJSON{
			ContainerArn: s.ecsARN("container", t.cluster+"/"+t.id+"/"+aws.ToString(c.Name)),
			TaskArn:      t.arn, Name: aws.ToString(c.Name), Image: aws.ToString(c.Image), LastStatus: t.lastStatus,
		}
		if aws.ToString(c.Name) == aws.ToString(t.container.Name) && t.exitCode != nil {
			cj.ExitCode = new(*t.exitCode)
		}
		out.Containers = append(out.Containers, cj)
	}
	return out
}

// taskARN is the ARN of a task given by ARN or by ID in a cluster.
func (s *Server) taskARN(cluster, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return s.ecsARN("task", cluster+"/"+ref)
}

// findTask resolves a task ARN or ID in a cluster. The caller holds mu.
func (s *Server) findTask(cluster, ref string) *ecsTask {
	t := s.ecs.tasks[s.taskARN(cluster, ref)]
	if t == nil || t.cluster != cluster {
		return nil
	}
	return t
}

func (s *Server) ecsDescribeTasks(in *describeTasksInput) (any, *awsError) {
	if len(in.Tasks) == 0 {
		return nil, clientError("InvalidParameterException", "Tasks cannot be empty.")
	}
	if len(in.Tasks) > 100 {
		return nil, clientError("InvalidParameterException", "Tasks cannot have more than 100 elements.")
	}
	cluster := clusterName(in.Cluster)
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	out := tasksOutput{Tasks: []taskJSON{}, Failures: []ecsFailure{}}
	for _, ref := range in.Tasks {
		t := s.findTask(cluster, ref)
		if t == nil {
			out.Failures = append(out.Failures, ecsFailure{Arn: s.taskARN(cluster, ref), Reason: "MISSING"})
			continue
		}
		out.Tasks = append(out.Tasks, s.taskOut(t))
	}
	return out, nil
}

func (s *Server) ecsStopTask(in *stopTaskInput) (any, *awsError) {
	if aws.ToString(in.Task) == "" {
		return nil, clientError("InvalidParameterException", "Task can not be blank.")
	}
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	t := s.findTask(clusterName(in.Cluster), *in.Task)
	if t == nil {
		return nil, clientError("InvalidParameterException", "The referenced task was not found.")
	}
	reason := aws.ToString(in.Reason)
	if reason == "" {
		reason = "Task stopped by user"
	}
	s.requestStop(t, reason)
	return stopTaskOutput{Task: s.taskOut(t)}, nil
}

// requestStop asks a task to stop. The caller holds mu.
func (s *Server) requestStop(t *ecsTask, reason string) {
	if t.stopping || t.lastStatus == TaskStopped {
		return
	}
	t.stopping = true
	t.desiredStatus = TaskStopped
	t.stoppingAt = s.now()
	t.stopCode = StopCodeUserInitiated
	t.stoppedReason = reason
	t.version++
	close(t.stop)
}

// Close stops every task still running, as StopTask would (SIGTERM, then
// SIGKILL after ECSStopTimeout), and waits for their processes. Later
// RunTask calls fail with ServerException. Start calls it when the test
// ends. It is safe to call more than once.
func (s *Server) Close() {
	st := s.ecs
	st.mu.Lock()
	st.closed = true
	for _, t := range st.order {
		s.requestStop(t, "The sandbox server closed")
	}
	st.mu.Unlock()
	st.running.Wait()
}
