package awsapi

import (
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ECS state inspection for tests, as in state.go: none of these calls
// goes through quotas, faults or the request log.

// TaskState is an ECS task as the sandbox holds it.
type TaskState struct {
	ARN               string
	ID                string
	Cluster           string // name
	TaskDefinitionARN string
	LastStatus        string // PROVISIONING, PENDING, RUNNING or STOPPED
	DesiredStatus     string
	StopCode          string
	StoppedReason     string
	// ExitCode is the exit code of the container the sandbox ran; nil
	// until it exits, and for a task that never started.
	ExitCode *int
	// Command is what the process runs (entryPoint + command, after
	// overrides); Env is its environment (after overrides), secrets
	// included once resolved, PATH, HOME and TMPDIR excluded.
	Command []string
	Env     map[string]string
	// PID is the process ID, 0 until it starts.
	PID       int
	CreatedAt time.Time
	StartedAt time.Time
	StoppedAt time.Time
}

// Tasks returns every task in RunTask order.
func (s *Server) Tasks() []TaskState {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]TaskState, 0, len(st.order))
	for _, t := range st.order {
		ts := TaskState{
			ARN: t.arn, ID: t.id, Cluster: t.cluster, TaskDefinitionARN: t.def.TaskDefinitionArn,
			LastStatus: t.lastStatus, DesiredStatus: t.desiredStatus, StopCode: t.stopCode, StoppedReason: t.stoppedReason,
			Command: slices.Clone(t.command), Env: map[string]string{}, PID: t.pid,
			CreatedAt: t.createdAt, StartedAt: t.startedAt, StoppedAt: t.stoppedAt,
		}
		if t.exitCode != nil {
			ts.ExitCode = new(*t.exitCode)
		}
		for k, v := range t.env {
			ts.Env[k] = v
		}
		out = append(out, ts)
	}
	return out
}

// WaitTask blocks until the task (ARN) is STOPPED or the timeout passes,
// and reports whether it stopped.
func (s *Server) WaitTask(arn string, timeout time.Duration) bool {
	st := s.ecs
	st.mu.Lock()
	t := st.tasks[arn]
	st.mu.Unlock()
	if t == nil {
		return false
	}
	select {
	case <-t.done:
		return true
	default:
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-t.done:
		return true
	case <-timer.C:
		return false
	}
}

// TaskDefinitionState is a registered task definition revision.
type TaskDefinitionState struct {
	ARN                     string
	Family                  string
	Revision                int64
	Status                  string // ACTIVE or INACTIVE
	CPU, Memory             string
	NetworkMode             string
	RequiresCompatibilities []string
	ExecutionRoleARN        string
	TaskRoleARN             string
	EphemeralStorageGiB     int64
	Containers              []ContainerDefinitionState
}

// ContainerDefinitionState is one container of a task definition.
type ContainerDefinitionState struct {
	Name        string
	Image       string
	Essential   bool
	EntryPoint  []string
	Command     []string
	Environment map[string]string
	Secrets     map[string]string // name -> valueFrom
	LogDriver   string
	LogOptions  map[string]string
}

// TaskDefinitions returns every registered revision, by family then
// revision.
func (s *Server) TaskDefinitions() []TaskDefinitionState {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	families := make([]string, 0, len(st.families))
	for f := range st.families {
		families = append(families, f)
	}
	slices.Sort(families)
	var out []TaskDefinitionState
	for _, f := range families {
		for _, td := range st.families[f] {
			d := td.out
			ts := TaskDefinitionState{
				ARN: d.TaskDefinitionArn, Family: d.Family, Revision: d.Revision, Status: d.Status,
				CPU: d.CPU, Memory: d.Memory, NetworkMode: d.NetworkMode,
				RequiresCompatibilities: slices.Clone(d.RequiresCompatibilities),
				ExecutionRoleARN:        d.ExecutionRoleArn, TaskRoleARN: d.TaskRoleArn,
			}
			if d.EphemeralStorage != nil {
				ts.EphemeralStorageGiB = d.EphemeralStorage.SizeInGiB
			}
			for _, c := range d.ContainerDefinitions {
				cs := ContainerDefinitionState{
					Name: aws.ToString(c.Name), Image: aws.ToString(c.Image), Essential: c.essential(),
					EntryPoint: slices.Clone(c.EntryPoint), Command: slices.Clone(c.Command),
					Environment: map[string]string{}, Secrets: map[string]string{},
				}
				for _, kv := range c.Environment {
					cs.Environment[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
				}
				for _, sec := range c.Secrets {
					cs.Secrets[aws.ToString(sec.Name)] = aws.ToString(sec.ValueFrom)
				}
				if lc := c.LogConfiguration; lc != nil {
					cs.LogDriver = aws.ToString(lc.LogDriver)
					cs.LogOptions = maps.Clone(lc.Options)
				}
				ts.Containers = append(ts.Containers, cs)
			}
			out = append(out, ts)
		}
	}
	return out
}
