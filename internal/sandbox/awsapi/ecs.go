package awsapi

import (
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	name := aws.ToString(c)
	if _, rest, ok := strings.Cut(name, ":cluster/"); ok && strings.HasPrefix(name, "arn:") {
		name = rest
	}
	if name == "" {
		name = "default"
	}
	return name
}
