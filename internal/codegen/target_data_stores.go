package codegen

// This file writes target/data_stores.tf: the RDS instances, ElastiCache
// replication groups and the SSM parameters holding their URLs.

import (
	"cmp"
	"fmt"
	"strings"
)

func (p *targetPlan) dataStoresFile() *tfWriter {
	w := newTFWriter("The data stores: one RDS instance per Heroku Postgres add-on and one ElastiCache replication group per Heroku Redis add-on (a shared add-on once), and the SSM parameters that hand their URLs to the apps.")
	if len(p.stores) == 0 {
		w.comment("The apps have no Heroku Postgres or Heroku Redis add-on.")
		return w
	}
	var hasPG, hasRedis bool
	for _, sp := range p.stores {
		hasPG = hasPG || sp.postgres
		hasRedis = hasRedis || !sp.postgres
	}
	if hasPG {
		b := w.block(false, "resource", "aws_db_subnet_group", "main")
		w.set(b, "name", tfLit(p.prefix))
		w.set(b, "subnet_ids", refPrivateSubs)
	}
	if hasRedis {
		b := w.block(false, "resource", "aws_elasticache_subnet_group", "main")
		w.set(b, "name", tfLit(p.prefix))
		w.set(b, "subnet_ids", refPrivateSubs)
	}

	var urls []tfKV
	for _, sp := range p.stores {
		if sp.postgres {
			db := tfRef("aws_db_instance", sp.label)
			urls = append(urls, tfEntry(sp.ad.Name, tfTmpl("postgres://heroku2aws@", db.dot("address"), ":", db.dot("port"), "/app")))
		} else {
			rg := tfRef("aws_elasticache_replication_group", sp.label)
			urls = append(urls, tfEntry(sp.ad.Name, tfTmpl("rediss://", rg.dot("primary_endpoint_address"), ":6379")))
		}
	}
	w.comment("Connection URLs by Heroku add-on name. They hold no password, so neither this plan nor its state does: " +
		"RDS keeps each database's master password in Secrets Manager (manage_master_user_password), the tasks get it " +
		"from there as <NAME>_PASSWORD and PGPASSWORD (see app_<app>.tf), and the caches have none.")
	b := w.block(true, "locals")
	w.set(b, "data_store_urls", tfObj(urls...))

	for _, sp := range p.stores {
		p.dataStore(w, sp)
		for _, ap := range p.apps {
			for _, pp := range ap.params {
				if pp.store != sp {
					continue
				}
				w.comment(fmt.Sprintf("%s of %s, without a password; the app's task definitions read it as a secret.", pp.varName, ap.app.Name))
				b := w.block(true, "resource", "aws_ssm_parameter", pp.label)
				w.set(b, "name", tfTmpl("/"+ap.app.Name+"/", refVarEnv, "/"+pp.varName))
				w.set(b, "type", tfLit("SecureString"))
				w.set(b, "value", refDataStoreURL.index(tfLit(sp.ad.Name)))
			}
		}
	}
	return w
}

// dataStore writes the RDS instance or ElastiCache replication group of
// one add-on.
func (p *targetPlan) dataStore(w *tfWriter, sp *storePlan) {
	ad := sp.ad
	owner := ""
	if ad.App != "" {
		owner = ", owned by " + ad.App
	}
	attached := ""
	if len(sp.apps) > 0 {
		attached = "; attached to " + strings.Join(sp.apps, ", ")
	}
	header := fmt.Sprintf("Heroku add-on %s (%s)%s%s.", ad.Name, ad.Plan, owner, attached)
	if sp.postgres {
		class := cmp.Or(ad.AWS.InstanceClass, "db.t4g.micro")
		lines := []string{header, fmt.Sprintf("%s: %s on Heroku; %s%s.", ad.Name, ad.Plan, class, map[bool]string{true: ", Multi-AZ", false: ""}[ad.AWS.MultiAZ])}
		if ad.AWS.InstanceClass == "" {
			lines = append(lines, "The plan's size is unknown: db.t4g.micro is a placeholder; size it by hand.")
		}
		lines = append(lines,
			"The master password is generated and kept by RDS in Secrets Manager (manage_master_user_password), never in "+
				"this configuration, its plan or its state (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html). "+
				"The secret's ARN is master_user_secret[0].secret_arn. RDS rotates it every 7 days by default, and a task reads it "+
				"when it starts: restart the services after a rotation, or change the rotation schedule.")
		w.comment(lines...)
		b := w.block(true, "resource", "aws_db_instance", sp.label)
		w.set(b, "identifier", tfLit(sp.id))
		w.set(b, "engine", tfLit("postgres"))
		w.set(b, "engine_version", tfRef("var", "postgres_engine_version"))
		w.set(b, "instance_class", tfLit(class))
		w.set(b, "multi_az", tfBool(ad.AWS.MultiAZ))
		b.AppendNewline()
		w.set(b, "allocated_storage", tfNum(20))
		w.set(b, "max_allocated_storage", tfNum(1000))
		w.set(b, "storage_type", tfLit("gp3"))
		w.set(b, "storage_encrypted", tfBool(true))
		b.AppendNewline()
		w.set(b, "db_name", tfLit("app"))
		w.set(b, "username", tfLit("heroku2aws"))
		w.set(b, "manage_master_user_password", tfBool(true))
		b.AppendNewline()
		w.set(b, "db_subnet_group_name", tfRef("aws_db_subnet_group", "main", "name"))
		w.set(b, "vpc_security_group_ids", tfList(tfRef("aws_security_group", "databases", "id")))
		b.AppendNewline()
		w.set(b, "backup_retention_period", tfNum(7))
		w.set(b, "deletion_protection", tfBool(true))
		w.set(b, "skip_final_snapshot", tfBool(false))
		w.set(b, "final_snapshot_identifier", tfLit(sp.id+"-final"))
		return
	}

	node := cmp.Or(ad.AWS.InstanceClass, "cache.t4g.micro")
	clusters, ha := 1, ad.AWS.MultiAZ
	if ha {
		clusters = 2
	}
	lines := []string{header, fmt.Sprintf("%s: %s on Heroku; %d x %s%s.", ad.Name, ad.Plan, clusters, node, map[bool]string{true: ", Multi-AZ with automatic failover", false: ""}[ha])}
	if ad.AWS.InstanceClass == "" {
		lines = append(lines, "The plan's size is unknown: cache.t4g.micro is a placeholder; size it by hand.")
	}
	lines = append(lines,
		"No AUTH token: the AWS provider has no write-only auth_token, nor a write-only password for an RBAC user "+
			"(aws_elasticache_user.passwords), so any token would be stored in the state. The cache takes TLS connections "+
			"(rediss://) only, and only from the tasks' security group, in private subnets. To require authentication without "+
			"a secret, switch to IAM authentication: an aws_elasticache_user with authentication_mode { type = \"iam\" } in a "+
			"user group, Redis 7 or later, and an app that signs a token as its password "+
			"(https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html). Setting auth_token instead stores the token in the state.")
	w.comment(lines...)
	b := w.block(true, "resource", "aws_elasticache_replication_group", sp.label)
	w.set(b, "replication_group_id", tfLit(sp.id))
	w.set(b, "description", tfLit(tfOneLine(fmt.Sprintf("Heroku Redis %s (%s)", ad.Name, ad.Plan))))
	w.set(b, "engine", tfLit("redis"))
	w.set(b, "node_type", tfLit(node))
	w.set(b, "num_cache_clusters", tfNum(clusters))
	w.set(b, "automatic_failover_enabled", tfBool(ha))
	w.set(b, "multi_az_enabled", tfBool(ha))
	w.set(b, "port", tfNum(6379))
	b.AppendNewline()
	w.set(b, "transit_encryption_enabled", tfBool(true))
	w.set(b, "at_rest_encryption_enabled", tfBool(true))
	b.AppendNewline()
	w.set(b, "subnet_group_name", tfRef("aws_elasticache_subnet_group", "main", "name"))
	w.set(b, "security_group_ids", tfList(tfRef("aws_security_group", "databases", "id")))
}
