package awsapi

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
