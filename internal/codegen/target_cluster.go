package codegen

// This file writes target/cluster.tf: the ECS cluster, the shared task
// execution role and the EventBridge Scheduler role.

import "fmt"

func (p *targetPlan) clusterFile() *tfWriter {
	w := newTFWriter("The ECS cluster, the task execution role shared by every task, and the role EventBridge Scheduler runs jobs with. Each app's task role is in its app_*.tf.")
	w.block(false, "data", "aws_caller_identity", "current")
	w.block(false, "data", "aws_partition", "current")

	b := w.block(false, "locals")
	w.set(b, "ssm_parameter_arn_prefix", tfTmpl("arn:", refPartition, ":ssm:", refVarRegion, ":", refAccountID, ":parameter"))
	w.set(b, "task_definition_arn_prefix", tfTmpl("arn:", refPartition, ":ecs:", refVarRegion, ":", refAccountID, ":task-definition"))
	w.set(b, "ecs_tasks_assume_role_policy", tfAssumeRolePolicy("ecs-tasks.amazonaws.com", false))

	b = w.block(false, "resource", "aws_ecs_cluster", "main")
	w.set(b, "name", tfLit(p.prefix))
	s := w.nested(b, "setting")
	w.set(s, "name", tfLit("containerInsights"))
	w.set(s, "value", tfLit("enabled"))

	b = w.block(false, "resource", "aws_iam_role", "task_execution")
	w.set(b, "name", tfLit(p.prefix+"-ecs-task-execution"))
	w.set(b, "path", tfLit(p.rolePath))
	w.set(b, "assume_role_policy", refTasksTrust)

	b = w.block(false, "resource", "aws_iam_role_policy_attachment", "task_execution")
	w.set(b, "role", tfRef("aws_iam_role", "task_execution", "name"))
	w.set(b, "policy_arn", tfTmpl("arn:", refPartition, ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"))

	// The execution role reads each app's parameters. Past IAM's size
	// limit, one wildcard over the environment replaces the list.
	var paths []tfExpr
	size := 0
	for _, ap := range p.apps {
		paths = append(paths, tfTmpl(refSSMPrefix, "/"+ap.app.Name+"/", refVarEnv, "/*"))
		size += 140 + len(ap.app.Name)
	}
	var ssmResource tfExpr
	switch {
	case len(paths) == 0:
		ssmResource = tfTmpl(refSSMPrefix, "/*/", refVarEnv, "/*")
	case size > inlinePolicyBudget:
		w.comment(fmt.Sprintf("The %d apps' parameter paths do not fit IAM's inline policy size limit: the policy below allows /*/<environment>/* instead.", len(p.apps)))
		ssmResource = tfTmpl(refSSMPrefix, "/*/", refVarEnv, "/*")
	default:
		ssmResource = tfLines(paths...)
	}
	b = w.block(size > inlinePolicyBudget, "resource", "aws_iam_role_policy", "task_execution_ssm")
	w.set(b, "name", tfLit("read-config-vars"))
	w.set(b, "role", tfRef("aws_iam_role", "task_execution", "id"))
	w.set(b, "policy", tfCall("jsonencode", tfObj(
		tfField("Version", tfLit("2012-10-17")),
		tfField("Statement", tfLines(
			tfObj(
				tfField("Sid", tfLit("ReadConfigVars")),
				tfField("Effect", tfLit("Allow")),
				tfField("Action", tfStrings([]string{"ssm:GetParameters"})),
				tfField("Resource", ssmResource),
			),
			tfObj(
				tfField("Sid", tfLit("DecryptConfigVars")),
				tfField("Effect", tfLit("Allow")),
				tfField("Action", tfStrings([]string{"kms:Decrypt"})),
				tfField("Resource", tfLit("*")),
				tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("kms:ViaService", tfTmpl("ssm.", refVarRegion, ".amazonaws.com")))))),
			),
		)),
	)))

	var dbSecrets []tfExpr
	for _, sp := range p.stores {
		if sp.postgres {
			dbSecrets = append(dbSecrets, targetDBSecretARN(sp))
		}
	}
	if len(dbSecrets) > 0 {
		w.comment("The execution role reads the RDS-managed master secrets, for the tasks' database passwords. They are",
			"encrypted with the AWS managed key aws/secretsmanager, which needs no kms:Decrypt grant here.")
		b = w.block(true, "resource", "aws_iam_role_policy", "task_execution_db_secrets")
		w.set(b, "name", tfLit("read-database-secrets"))
		w.set(b, "role", tfRef("aws_iam_role", "task_execution", "id"))
		w.set(b, "policy", tfCall("jsonencode", tfObj(
			tfField("Version", tfLit("2012-10-17")),
			tfField("Statement", tfLines(tfObj(
				tfField("Sid", tfLit("ReadDatabaseSecrets")),
				tfField("Effect", tfLit("Allow")),
				tfField("Action", tfStrings([]string{"secretsmanager:GetSecretValue"})),
				tfField("Resource", tfLines(dbSecrets...)),
			))),
		)))
	}

	if len(p.scheduled) > 0 {
		p.schedulerRole(w)
	}
	return w
}

// schedulerRole writes the role EventBridge Scheduler assumes to run the
// scheduled jobs' tasks.
func (p *targetPlan) schedulerRole(w *tfWriter) {
	var families, roles []tfExpr
	size := 0
	for _, ap := range p.scheduled {
		for _, pp := range ap.procs {
			families = append(families, tfTmpl(refTaskDefPref, "/"+pp.family+":*"))
			size += 100 + len(pp.family)
		}
		roles = append(roles, tfRef("aws_iam_role", ap.taskRole, "arn"))
		size += 80 + len(ap.taskRoleName) + len(p.rolePath)
	}
	w.comment("Role EventBridge Scheduler assumes to run the Heroku Scheduler jobs (var.scheduler_jobs) as ECS tasks.")
	b := w.block(true, "resource", "aws_iam_role", "scheduler")
	w.set(b, "name", tfLit(p.prefix+"-scheduler"))
	w.set(b, "path", tfLit(p.rolePath))
	w.set(b, "assume_role_policy", tfAssumeRolePolicy("scheduler.amazonaws.com", true))

	runTask := tfObj(
		tfField("Sid", tfLit("RunScheduledTasks")),
		tfField("Effect", tfLit("Allow")),
		tfField("Action", tfStrings([]string{"ecs:RunTask"})),
		tfField("Resource", tfLines(families...)),
		tfField("Condition", tfObj(tfField("ArnEquals", tfObj(tfEntry("ecs:cluster", refCluster.dot("arn")))))),
	)
	passRole := tfObj(
		tfField("Sid", tfLit("PassTaskRoles")),
		tfField("Effect", tfLit("Allow")),
		tfField("Action", tfStrings([]string{"iam:PassRole"})),
		tfField("Resource", tfLines(append([]tfExpr{refExecRole.dot("arn")}, roles...)...)),
		tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("iam:PassedToService", tfLit("ecs-tasks.amazonaws.com")))))),
	)
	attached := false
	if size > inlinePolicyBudget {
		w.comment(fmt.Sprintf("The %d scheduled apps' task definitions and roles do not fit IAM's inline policy size limit: the policy below allows every task definition in the cluster and every role under %s.", len(p.scheduled), p.rolePath))
		attached = true
		runTask = tfObj(
			tfField("Sid", tfLit("RunScheduledTasks")),
			tfField("Effect", tfLit("Allow")),
			tfField("Action", tfStrings([]string{"ecs:RunTask"})),
			tfField("Resource", tfList(tfTmpl(refTaskDefPref, "/*"))),
			tfField("Condition", tfObj(tfField("ArnEquals", tfObj(tfEntry("ecs:cluster", refCluster.dot("arn")))))),
		)
		passRole = tfObj(
			tfField("Sid", tfLit("PassTaskRoles")),
			tfField("Effect", tfLit("Allow")),
			tfField("Action", tfStrings([]string{"iam:PassRole"})),
			tfField("Resource", tfList(tfTmpl("arn:", refPartition, ":iam::", refAccountID, ":role"+p.rolePath+"*"))),
			tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("iam:PassedToService", tfLit("ecs-tasks.amazonaws.com")))))),
		)
	}
	b = w.block(attached, "resource", "aws_iam_role_policy", "scheduler")
	w.set(b, "name", tfLit("run-scheduled-tasks"))
	w.set(b, "role", refSchedRole.dot("id"))
	w.set(b, "policy", tfCall("jsonencode", tfObj(
		tfField("Version", tfLit("2012-10-17")),
		tfField("Statement", tfLines(runTask, passRole)),
	)))
}

// tfAssumeRolePolicy lets service assume a role; sameAccount limits it to
// calls on behalf of this account.
func tfAssumeRolePolicy(service string, sameAccount bool) tfExpr {
	stmt := []tfKV{
		tfField("Effect", tfLit("Allow")),
		tfField("Principal", tfObj(tfField("Service", tfLit(service)))),
		tfField("Action", tfLit("sts:AssumeRole")),
	}
	if sameAccount {
		stmt = append(stmt, tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("aws:SourceAccount", refAccountID))))))
	}
	return tfCall("jsonencode", tfObj(
		tfField("Version", tfLit("2012-10-17")),
		tfField("Statement", tfLines(tfObj(stmt...))),
	))
}
