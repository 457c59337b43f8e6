package awsapi

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ECS task statuses and stop codes.
const (
	TaskProvisioning = "PROVISIONING"
	TaskPending      = "PENDING"
	TaskRunning      = "RUNNING"
	TaskStopped      = "STOPPED"

	StopCodeTaskFailedToStart        = "TaskFailedToStart"
	StopCodeEssentialContainerExited = "EssentialContainerExited"
	StopCodeUserInitiated            = "UserInitiated"

	// StoppedReasonEssentialExited is the stoppedReason of a task whose
	// essential container exited.
	StoppedReasonEssentialExited = "Essential container in task exited"
	// ECSStopTimeout is how long StopTask waits after SIGTERM before
	// SIGKILL (ECS's default stopTimeout is 30s; the sandbox is quicker).
	ECSStopTimeout = 2 * time.Second
)

var ecsFamilyPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

type ecsKeyValue struct {
	Name  *string `json:"name,omitempty"`
	Value *string `json:"value,omitempty"`
}

type ecsSecret struct {
	Name      *string `json:"name"`
	ValueFrom *string `json:"valueFrom"`
}

type ecsLogConfiguration struct {
	LogDriver *string           `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

type ecsContainerDefinition struct {
	Name             *string              `json:"name,omitempty"`
	Image            *string              `json:"image,omitempty"`
	CPU              *int64               `json:"cpu,omitempty"`
	Memory           *int64               `json:"memory,omitempty"`
	Essential        *bool                `json:"essential,omitempty"`
	EntryPoint       []string             `json:"entryPoint,omitempty"`
	Command          []string             `json:"command,omitempty"`
	WorkingDirectory *string              `json:"workingDirectory,omitempty"`
	Environment      []ecsKeyValue        `json:"environment"`
	Secrets          []ecsSecret          `json:"secrets,omitempty"`
	LogConfiguration *ecsLogConfiguration `json:"logConfiguration,omitempty"`
}

func (c *ecsContainerDefinition) essential() bool { return c.Essential == nil || *c.Essential }

type ecsEphemeralStorage struct {
	SizeInGiB int64 `json:"sizeInGiB"`
}

type ecsTag struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

type registerTaskDefinitionInput struct {
	Family                  *string                  `json:"family"`
	ContainerDefinitions    []ecsContainerDefinition `json:"containerDefinitions"`
	CPU                     *string                  `json:"cpu"`
	Memory                  *string                  `json:"memory"`
	NetworkMode             *string                  `json:"networkMode"`
	RequiresCompatibilities []string                 `json:"requiresCompatibilities"`
	ExecutionRoleArn        *string                  `json:"executionRoleArn"`
	TaskRoleArn             *string                  `json:"taskRoleArn"`
	EphemeralStorage        *ecsEphemeralStorage     `json:"ephemeralStorage"`
	Tags                    []ecsTag                 `json:"tags"`
}

type taskDefinitionJSON struct {
	TaskDefinitionArn       string                   `json:"taskDefinitionArn"`
	Family                  string                   `json:"family"`
	Revision                int64                    `json:"revision"`
	Status                  string                   `json:"status"`
	ContainerDefinitions    []ecsContainerDefinition `json:"containerDefinitions"`
	CPU                     string                   `json:"cpu,omitempty"`
	Memory                  string                   `json:"memory,omitempty"`
	NetworkMode             string                   `json:"networkMode,omitempty"`
	RequiresCompatibilities []string                 `json:"requiresCompatibilities,omitempty"`
	Compatibilities         []string                 `json:"compatibilities"`
	ExecutionRoleArn        string                   `json:"executionRoleArn,omitempty"`
	TaskRoleArn             string                   `json:"taskRoleArn,omitempty"`
	EphemeralStorage        *ecsEphemeralStorage     `json:"ephemeralStorage,omitempty"`
	RegisteredAt            *epoch                   `json:"registeredAt,omitempty"`
	DeregisteredAt          *epoch                   `json:"deregisteredAt,omitempty"`
	RegisteredBy            string                   `json:"registeredBy"`
}

type ecsTaskDef struct {
	out taskDefinitionJSON // Status and DeregisteredAt change
}

type taskDefinitionInput struct {
	TaskDefinition *string `json:"taskDefinition"`
}

type taskDefinitionOutput struct {
	TaskDefinition taskDefinitionJSON `json:"taskDefinition"`
	Tags           []ecsTag           `json:"tags,omitempty"`
}

type awsvpcConfiguration struct {
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
	AssignPublicIP *string  `json:"assignPublicIp,omitempty"`
}

type networkConfiguration struct {
	AwsvpcConfiguration *awsvpcConfiguration `json:"awsvpcConfiguration"`
}

type containerOverride struct {
	Name        *string       `json:"name,omitempty"`
	Command     []string      `json:"command,omitempty"`
	Environment []ecsKeyValue `json:"environment,omitempty"`
}

type taskOverride struct {
	ContainerOverrides []containerOverride `json:"containerOverrides"`
	CPU                *string             `json:"cpu,omitempty"`
	Memory             *string             `json:"memory,omitempty"`
}

type runTaskInput struct {
	Cluster              *string               `json:"cluster"`
	TaskDefinition       *string               `json:"taskDefinition"`
	LaunchType           *string               `json:"launchType"`
	Count                *int64                `json:"count"`
	NetworkConfiguration *networkConfiguration `json:"networkConfiguration"`
	Overrides            *taskOverride         `json:"overrides"`
	StartedBy            *string               `json:"startedBy"`
	Group                *string               `json:"group"`
	PlatformVersion      *string               `json:"platformVersion"`
}

type containerJSON struct {
	ContainerArn string `json:"containerArn"`
	TaskArn      string `json:"taskArn"`
	Name         string `json:"name"`
	Image        string `json:"image"`
	LastStatus   string `json:"lastStatus"`
	ExitCode     *int   `json:"exitCode,omitempty"`
	Reason       string `json:"reason,omitempty"`
}

type taskJSON struct {
	TaskArn           string          `json:"taskArn"`
	ClusterArn        string          `json:"clusterArn"`
	TaskDefinitionArn string          `json:"taskDefinitionArn"`
	LastStatus        string          `json:"lastStatus"`
	DesiredStatus     string          `json:"desiredStatus"`
	LaunchType        string          `json:"launchType,omitempty"`
	PlatformVersion   string          `json:"platformVersion,omitempty"`
	CPU               string          `json:"cpu,omitempty"`
	Memory            string          `json:"memory,omitempty"`
	Group             string          `json:"group"`
	StartedBy         string          `json:"startedBy,omitempty"`
	Containers        []containerJSON `json:"containers"`
	Overrides         taskOverride    `json:"overrides"`
	CreatedAt         *epoch          `json:"createdAt,omitempty"`
	StartedAt         *epoch          `json:"startedAt,omitempty"`
	StoppingAt        *epoch          `json:"stoppingAt,omitempty"`
	StoppedAt         *epoch          `json:"stoppedAt,omitempty"`
	StopCode          string          `json:"stopCode,omitempty"`
	StoppedReason     string          `json:"stoppedReason,omitempty"`
	Version           int64           `json:"version"`
}

type ecsFailure struct {
	Arn    string `json:"arn,omitempty"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

type tasksOutput struct {
	Tasks    []taskJSON   `json:"tasks"`
	Failures []ecsFailure `json:"failures"`
}

type describeTasksInput struct {
	Cluster *string  `json:"cluster"`
	Tasks   []string `json:"tasks"`
}

type stopTaskInput struct {
	Cluster *string `json:"cluster"`
	Task    *string `json:"task"`
	Reason  *string `json:"reason"`
}

type stopTaskOutput struct {
	Task taskJSON `json:"task"`
}

// ecsTask is one task. The ecsStore's mu guards its mutable fields.
type ecsTask struct {
	id, arn, cluster string
	def              taskDefinitionJSON // as of RunTask
	container        ecsContainerDefinition
	command          []string
	env              map[string]string // environment and secrets, resolved at start
	launchType       string
	startedBy        string
	overrides        taskOverride
	failStart        string // FailNextTaskStart's reason, if any

	lastStatus, desiredStatus string
	stopCode, stoppedReason   string
	exitCode                  *int
	pid                       int
	version                   int64
	createdAt, startedAt      time.Time
	stoppingAt, stoppedAt     time.Time

	stop     chan struct{} // closed by StopTask or Close
	stopping bool
	done     chan struct{} // closed once STOPPED
}

type ecsStore struct {
	mu         sync.Mutex
	startDelay time.Duration
	families   map[string][]*ecsTaskDef // revision r at index r-1
	tasks      map[string]*ecsTask      // by ARN
	order      []*ecsTask
	failN      int
	failReason string
	killAfter  time.Duration // 0: none pending
	closed     bool
	running    sync.WaitGroup
}

func newECSStore(opts Options) *ecsStore {
	d := opts.ECSStartDelay
	if d == 0 {
		d = DefaultECSStartDelay
	}
	return &ecsStore{startDelay: d, families: map[string][]*ecsTaskDef{}, tasks: map[string]*ecsTask{}}
}

func (s *Server) registerECS() {
	register(s, ecsService, "RegisterTaskDefinition", QuotaECS, true,
		named(func(in *registerTaskDefinitionInput) *string { return in.Family }), s.ecsRegisterTaskDefinition)
	register(s, ecsService, "DeregisterTaskDefinition", QuotaECS, true,
		named(func(in *taskDefinitionInput) *string { return in.TaskDefinition }), s.ecsDeregisterTaskDefinition)
	register(s, ecsService, "DescribeTaskDefinition", QuotaECS, false,
		named(func(in *taskDefinitionInput) *string { return in.TaskDefinition }), s.ecsDescribeTaskDefinition)
	register(s, ecsService, "RunTask", QuotaECS, true,
		named(func(in *runTaskInput) *string { return in.TaskDefinition }), s.ecsRunTask)
	register(s, ecsService, "DescribeTasks", QuotaECS, false,
		func(in *describeTasksInput) []string { return in.Tasks }, s.ecsDescribeTasks)
	register(s, ecsService, "StopTask", QuotaECS, true,
		named(func(in *stopTaskInput) *string { return in.Task }), s.ecsStopTask)
}

func (s *Server) ecsARN(kind, rest string) string {
	return "arn:aws:ecs:" + s.region + ":" + s.accountID + ":" + kind + "/" + rest
}

// clusterName returns the name of a cluster given by name or ARN; the
// default cluster when empty. Clusters exist implicitly.
func clusterName(c *string) string {
	name := deref(c)
	if _, rest, ok := strings.Cut(name, ":cluster/"); ok && strings.HasPrefix(name, "arn:") {
		name = rest
	}
	if name == "" {
		name = "default"
	}
	return name
}

// --- task definitions ---

func (s *Server) ecsRegisterTaskDefinition(in *registerTaskDefinitionInput) (any, *awsError) {
	family := deref(in.Family)
	if family == "" {
		return nil, clientError("ClientException", "Family is required.")
	}
	if !ecsFamilyPattern.MatchString(family) {
		return nil, clientError("ClientException", "Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	if len(in.ContainerDefinitions) == 0 {
		return nil, clientError("ClientException", "Container list cannot be empty.")
	}
	names := map[string]bool{}
	for _, c := range in.ContainerDefinitions {
		if deref(c.Name) == "" {
			return nil, clientError("ClientException", "Container.name should not be null or empty.")
		}
		if names[*c.Name] {
			return nil, clientError("ClientException", "Duplicate container names are not allowed.")
		}
		names[*c.Name] = true
		if deref(c.Image) == "" {
			return nil, clientError("ClientException", "Container.image should not be null or empty.")
		}
		if lc := c.LogConfiguration; lc != nil {
			if deref(lc.LogDriver) == "" {
				return nil, clientError("ClientException", "Log driver should not be null or empty.")
			}
			if *lc.LogDriver == "awslogs" {
				for _, opt := range []string{"awslogs-group", "awslogs-region"} {
					if lc.Options[opt] == "" {
						return nil, clientError("ClientException", "Log driver awslogs requires options: "+opt+".")
					}
				}
			}
		}
		for _, sec := range c.Secrets {
			if deref(sec.Name) == "" || deref(sec.ValueFrom) == "" {
				return nil, clientError("ClientException", "Secret name and valueFrom are required.")
			}
		}
	}
	mode := deref(in.NetworkMode)
	if mode != "" && !slices.Contains([]string{"bridge", "host", "awsvpc", "none"}, mode) {
		return nil, clientError("ClientException", "Invalid networkMode: "+mode+".")
	}
	for _, c := range in.RequiresCompatibilities {
		if !slices.Contains([]string{"EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"}, c) {
			return nil, clientError("ClientException", "Invalid requiresCompatibilities value: "+c+".")
		}
	}
	if slices.Contains(in.RequiresCompatibilities, "FARGATE") {
		switch {
		case mode != "awsvpc":
			return nil, clientError("ClientException", "Fargate only supports network mode ‘awsvpc’.")
		case deref(in.CPU) == "":
			return nil, clientError("ClientException", "Fargate requires that 'cpu' be defined at the task level.")
		case deref(in.Memory) == "":
			return nil, clientError("ClientException", "Fargate requires that 'memory' be defined at the task level.")
		}
		for _, c := range in.ContainerDefinitions {
			if (len(c.Secrets) > 0 || (c.LogConfiguration != nil && deref(c.LogConfiguration.LogDriver) == "awslogs")) && deref(in.ExecutionRoleArn) == "" {
				return nil, clientError("ClientException", "Fargate requires task definition to have execution role ARN to support log driver awslogs and secrets.")
			}
		}
	}
	if es := in.EphemeralStorage; es != nil && (es.SizeInGiB < 21 || es.SizeInGiB > 200) {
		return nil, clientError("ClientException", "The ephemeral storage size must be between 21 and 200 GiB.")
	}

	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	rev := int64(len(st.families[family]) + 1)
	containers := make([]ecsContainerDefinition, len(in.ContainerDefinitions))
	for i, c := range in.ContainerDefinitions {
		if c.Environment == nil {
			c.Environment = []ecsKeyValue{}
		}
		if c.Essential == nil {
			c.Essential = new(true)
		}
		containers[i] = c
	}
	td := &ecsTaskDef{out: taskDefinitionJSON{
		TaskDefinitionArn: s.ecsARN("task-definition", family+":"+strconv.FormatInt(rev, 10)),
		Family:            family, Revision: rev, Status: "ACTIVE", ContainerDefinitions: containers,
		CPU: deref(in.CPU), Memory: deref(in.Memory), NetworkMode: mode,
		RequiresCompatibilities: slices.Clone(in.RequiresCompatibilities),
		Compatibilities:         []string{"EC2", "FARGATE"},
		ExecutionRoleArn:        deref(in.ExecutionRoleArn), TaskRoleArn: deref(in.TaskRoleArn),
		EphemeralStorage: in.EphemeralStorage, RegisteredAt: epochPtr(s.now()),
		RegisteredBy: "arn:aws:iam::" + s.accountID + ":user/sandbox",
	}}
	st.families[family] = append(st.families[family], td)
	return taskDefinitionOutput{TaskDefinition: td.out, Tags: in.Tags}, nil
}

// findTaskDef resolves "family", "family:revision" or an ARN. A bare
// family means its latest ACTIVE revision. The caller holds mu.
func (s *Server) findTaskDef(ref string) *ecsTaskDef {
	st := s.ecs
	if rest, ok := strings.CutPrefix(ref, s.ecsARN("task-definition", "")); ok {
		ref = rest
	}
	family, revStr, hasRev := strings.Cut(ref, ":")
	defs := st.families[family]
	if !hasRev {
		for i := len(defs) - 1; i >= 0; i-- {
			if defs[i].out.Status == "ACTIVE" {
				return defs[i]
			}
		}
		return nil
	}
	rev, err := strconv.Atoi(revStr)
	if err != nil || rev < 1 || rev > len(defs) {
		return nil
	}
	return defs[rev-1]
}

func (s *Server) ecsDescribeTaskDefinition(in *taskDefinitionInput) (any, *awsError) {
	if deref(in.TaskDefinition) == "" {
		return nil, clientError("ClientException", "TaskDefinition is required.")
	}
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	td := s.findTaskDef(*in.TaskDefinition)
	if td == nil {
		return nil, clientError("ClientException", "Unable to describe task definition.")
	}
	return taskDefinitionOutput{TaskDefinition: td.out}, nil
}

func (s *Server) ecsDeregisterTaskDefinition(in *taskDefinitionInput) (any, *awsError) {
	ref := deref(in.TaskDefinition)
	if ref == "" {
		return nil, clientError("ClientException", "TaskDefinition is required.")
	}
	bare := strings.TrimPrefix(ref, s.ecsARN("task-definition", ""))
	if !strings.Contains(bare, ":") {
		return nil, clientError("ClientException", "Invalid revision number. Number: "+bare)
	}
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	td := s.findTaskDef(ref)
	if td == nil {
		return nil, clientError("ClientException", "The specified task definition does not exist.")
	}
	if td.out.Status == "ACTIVE" {
		td.out.Status = "INACTIVE"
		td.out.DeregisteredAt = epochPtr(s.now())
	}
	return taskDefinitionOutput{TaskDefinition: td.out}, nil
}

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
	ref := deref(in.TaskDefinition)
	if ref == "" {
		return nil, clientError("InvalidParameterException", "TaskDefinition can not be blank.")
	}
	count := deref(in.Count)
	if in.Count == nil {
		count = 1
	}
	if count < 1 || count > 10 {
		return nil, clientError("InvalidParameterException", "Count must be between 1 and 10.")
	}
	launch := deref(in.LaunchType)
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
			if !slices.ContainsFunc(def.ContainerDefinitions, func(c ecsContainerDefinition) bool { return deref(c.Name) == deref(o.Name) }) {
				return nil, clientError("InvalidParameterException", "Override for container named "+deref(o.Name)+" is not a container in the TaskDefinition.")
			}
			if deref(o.Name) != deref(container.Name) {
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
		return nil, clientError("InvalidParameterException", "The sandbox needs a command (or entryPoint) to run container "+deref(container.Name)+".")
	}
	env := map[string]string{}
	for _, kv := range envList {
		env[deref(kv.Name)] = deref(kv.Value)
	}

	out := tasksOutput{Tasks: []taskJSON{}, Failures: []ecsFailure{}}
	for range count {
		id := newTaskID()
		t := &ecsTask{
			id: id, arn: s.ecsARN("task", cluster+"/"+id), cluster: cluster, def: def,
			container: container, command: command, env: env, launchType: launch,
			startedBy: deref(in.StartedBy), overrides: overrides,
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
			ContainerArn: s.ecsARN("container", t.cluster+"/"+t.id+"/"+deref(c.Name)),
			TaskArn:      t.arn, Name: deref(c.Name), Image: deref(c.Image), LastStatus: t.lastStatus,
		}
		if deref(c.Name) == deref(t.container.Name) && t.exitCode != nil {
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
	if deref(in.Task) == "" {
		return nil, clientError("InvalidParameterException", "Task can not be blank.")
	}
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	t := s.findTask(clusterName(in.Cluster), *in.Task)
	if t == nil {
		return nil, clientError("InvalidParameterException", "The referenced task was not found.")
	}
	reason := deref(in.Reason)
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

// FailNextTaskStart makes the tasks of the next n RunTask calls go from
// PROVISIONING to STOPPED without running, with stopCode TaskFailedToStart
// and the stoppedReason reason, for example "CannotPullContainerError:
// pull image manifest has been retried 5 time(s): ...". n <= 0 cancels.
func (s *Server) FailNextTaskStart(n int, reason string) {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	st.failN = max(n, 0)
	st.failReason = reason
}

// KillTaskAfter makes the next task whose process starts be killed with
// SIGKILL d after its start: its container exits with 137 and the task
// stops with EssentialContainerExited, as ECS reports an out-of-memory
// kill. d <= 0 cancels.
func (s *Server) KillTaskAfter(d time.Duration) {
	st := s.ecs
	st.mu.Lock()
	defer st.mu.Unlock()
	st.killAfter = max(d, 0)
}

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
					Name: deref(c.Name), Image: deref(c.Image), Essential: c.essential(),
					EntryPoint: slices.Clone(c.EntryPoint), Command: slices.Clone(c.Command),
					Environment: map[string]string{}, Secrets: map[string]string{},
				}
				for _, kv := range c.Environment {
					cs.Environment[deref(kv.Name)] = deref(kv.Value)
				}
				for _, sec := range c.Secrets {
					cs.Secrets[deref(sec.Name)] = deref(sec.ValueFrom)
				}
				if lc := c.LogConfiguration; lc != nil {
					cs.LogDriver = deref(lc.LogDriver)
					cs.LogOptions = maps.Clone(lc.Options)
				}
				ts.Containers = append(ts.Containers, cs)
			}
			out = append(out, ts)
		}
	}
	return out
}
