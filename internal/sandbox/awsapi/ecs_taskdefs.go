package awsapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

type ecsTaskDef struct {
	out taskDefinitionJSON // Status and DeregisteredAt change
}

// --- task definitions ---

func (s *Server) ecsRegisterTaskDefinition(in *registerTaskDefinitionInput) (any, *awsError) {
	family := aws.ToString(in.Family)
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
		if aws.ToString(c.Name) == "" {
			return nil, clientError("ClientException", "Container.name should not be null or empty.")
		}
		if names[*c.Name] {
			return nil, clientError("ClientException", "Duplicate container names are not allowed.")
		}
		names[*c.Name] = true
		if aws.ToString(c.Image) == "" {
			return nil, clientError("ClientException", "Container.image should not be null or empty.")
		}
		if lc := c.LogConfiguration; lc != nil {
			if aws.ToString(lc.LogDriver) == "" {
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
			if aws.ToString(sec.Name) == "" || aws.ToString(sec.ValueFrom) == "" {
				return nil, clientError("ClientException", "Secret name and valueFrom are required.")
			}
		}
	}
	mode := aws.ToString(in.NetworkMode)
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
		case aws.ToString(in.CPU) == "":
			return nil, clientError("ClientException", "Fargate requires that 'cpu' be defined at the task level.")
		case aws.ToString(in.Memory) == "":
			return nil, clientError("ClientException", "Fargate requires that 'memory' be defined at the task level.")
		}
		for _, c := range in.ContainerDefinitions {
			if (len(c.Secrets) > 0 || (c.LogConfiguration != nil && aws.ToString(c.LogConfiguration.LogDriver) == "awslogs")) && aws.ToString(in.ExecutionRoleArn) == "" {
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
		CPU: aws.ToString(in.CPU), Memory: aws.ToString(in.Memory), NetworkMode: mode,
		RequiresCompatibilities: slices.Clone(in.RequiresCompatibilities),
		Compatibilities:         []string{"EC2", "FARGATE"},
		ExecutionRoleArn:        aws.ToString(in.ExecutionRoleArn), TaskRoleArn: aws.ToString(in.TaskRoleArn),
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
	if aws.ToString(in.TaskDefinition) == "" {
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
	ref := aws.ToString(in.TaskDefinition)
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
