package codegen

// This file writes target/outputs.tf: the outputs of the target root
// module that feed the migration.

import "sort"

func (p *targetPlan) outputsFile() *tfWriter {
	w := newTFWriter("Outputs. aws_targets, database_target_urls and database_secret_arns feed the migration module (../migration). None holds a password.")
	// No output is sensitive: none holds a password.
	output := func(name, desc string, value tfExpr) {
		b := w.block(false, "output", name)
		w.set(b, "description", tfLit(desc))
		w.set(b, "value", value)
	}
	var targets, dbURLs, dbSecrets, repos, logs, releases, validations []tfKV
	for _, ap := range p.apps {
		a := ap.app
		if ap.lb != nil {
			targets = append(targets, tfEntry(a.Name, tfRef("aws_lb", ap.lb.label, "dns_name")))
			if ap.lb.cert != "" {
				validations = append(validations, tfEntry(a.Name, tfSrc(
					"{ for o in %s : o.domain_name => { name = o.resource_record_name, type = o.resource_record_type, value = o.resource_record_value } if !contains(keys(var.route53_zone_ids), o.domain_name) }",
					tfRef("aws_acm_certificate", ap.lb.cert, "domain_validation_options"))))
			}
		}
		var urls, secrets []tfKV
		for _, ad := range a.Postgres() {
			if p.inv.RestoringApp(ad) == a.Name {
				urls = append(urls, tfEntry(a.AttachmentName(ad), refDataStoreURL.index(tfLit(ad.Name))))
				secrets = append(secrets, tfEntry(a.AttachmentName(ad), targetDBSecretARN(p.store(ad.Name))))
			}
		}
		sort.Slice(urls, func(i, j int) bool { return urls[i].key.src() < urls[j].key.src() })
		sort.Slice(secrets, func(i, j int) bool { return secrets[i].key.src() < secrets[j].key.src() })
		if len(urls) > 0 {
			dbURLs = append(dbURLs, tfEntry(a.Name, tfObj(urls...)))
			dbSecrets = append(dbSecrets, tfEntry(a.Name, tfObj(secrets...)))
		}
		repos = append(repos, tfEntry(a.Name, tfRef("aws_ecr_repository", ap.ecr, "repository_url")))
		logs = append(logs, tfEntry(a.Name, tfRef("aws_cloudwatch_log_group", ap.logGroup, "name")))
		if ap.release != nil {
			releases = append(releases, tfEntry(a.Name, tfRef("aws_ecs_task_definition", ap.release.label, "family")))
		}
	}
	output("aws_targets", "DNS name of each app's load balancer, by Heroku app name (apps with a web process only). The migration's weighted DNS records point the custom domains here.", tfObj(targets...))
	output("database_target_urls", "postgres:// URL of the RDS instance per app and Heroku Postgres attachment name, for the app that copies each database (a shared database is copied once). It holds no password: the password is in the secret of database_secret_arns.", tfObj(dbURLs...))
	output("database_secret_arns", "ARN of the RDS-managed Secrets Manager secret (JSON with username and password) per app and Heroku Postgres attachment name, as in database_target_urls. The migration reads it through an ephemeral resource, so that the password never reaches its state.", tfObj(dbSecrets...))
	output("ecs_cluster_name", "Name of the ECS cluster every service and task runs in.", refCluster.dot("name"))
	output("ecr_repository_urls", "ECR repository URL per app: push each app's image here, tagged var.image_tag.", tfObj(repos...))
	output("log_group_names", "CloudWatch Logs group per app.", tfObj(logs...))
	output("release_task_families", "Task definition family of each app's release phase: run it with aws ecs run-task before each deploy.", tfObj(releases...))
	output("private_subnet_ids", "Private subnets, for aws ecs run-task --network-configuration.", refPrivateSubs)
	output("tasks_security_group_id", "Security group of the tasks, for aws ecs run-task --network-configuration.", refTasksSG)
	output("certificate_validation_records", "DNS validation records to create by hand, per app and custom domain, for the domains that have no hosted zone in route53_zone_ids.", tfObj(validations...))
	return w
}
