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
			urls = append(urls, tfEntry(sp.ad.Name, tfTmpl("postgres://heroku2aws:", tfRef("random_password", sp.label, "result"), "@", db.dot("address"), ":", db.dot("port"), "/app")))
		} else {
			rg := tfRef("aws_elasticache_replication_group", sp.label)
			urls = append(urls, tfEntry(sp.ad.Name, tfTmpl("rediss://:", tfRef("random_password", sp.label, "result"), "@", rg.dot("primary_endpoint_address"), ":6379")))
		}
	}
	w.comment("Connection URLs by Heroku add-on name. They hold passwords: keep state private.")
	b := w.block(true, "locals")
	w.set(b, "data_store_urls", tfObj(urls...))

	for _, sp := range p.stores {
		p.dataStore(w, sp)
		for _, ap := range p.apps {
			for _, pp := range ap.params {
				if pp.store != sp {
					continue
				}
				w.comment(fmt.Sprintf("%s of %s; the app's task definitions read it as a secret.", pp.varName, ap.app.Name))
				b := w.block(true, "resource", "aws_ssm_parameter", pp.label)
				w.set(b, "name", tfTmpl("/"+ap.app.Name+"/", refVarEnv, "/"+pp.varName))
				w.set(b, "type", tfLit("SecureString"))
				w.set(b, "value", refDataStoreURL.index(tfLit(sp.ad.Name)))
			}
		}
	}
	return w
}

// dataStore writes the password and the RDS instance or ElastiCache
// replication group of one add-on.
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
	w.comment(fmt.Sprintf("Heroku add-on %s (%s)%s%s.", ad.Name, ad.Plan, owner, attached))
	b := w.block(true, "resource", "random_password", sp.label)
	w.set(b, "length", tfNum(32))
	w.set(b, "special", tfBool(false))

	if sp.postgres {
		class := cmp.Or(ad.AWS.InstanceClass, "db.t4g.micro")
		lines := []string{fmt.Sprintf("%s: %s on Heroku; %s%s.", ad.Name, ad.Plan, class, map[bool]string{true: ", Multi-AZ", false: ""}[ad.AWS.MultiAZ])}
		if ad.AWS.InstanceClass == "" {
			lines = append(lines, "The plan's size is unknown: db.t4g.micro is a placeholder; size it by hand.")
		}
		w.comment(lines...)
		b = w.block(true, "resource", "aws_db_instance", sp.label)
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
		w.set(b, "password", tfRef("random_password", sp.label, "result"))
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
	lines := []string{fmt.Sprintf("%s: %s on Heroku; %d x %s%s.", ad.Name, ad.Plan, clusters, node, map[bool]string{true: ", Multi-AZ with automatic failover", false: ""}[ha])}
	if ad.AWS.InstanceClass == "" {
		lines = append(lines, "The plan's size is unknown: cache.t4g.micro is a placeholder; size it by hand.")
	}
	w.comment(lines...)
	b = w.block(true, "resource", "aws_elasticache_replication_group", sp.label)
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
	w.set(b, "auth_token", tfRef("random_password", sp.label, "result"))
	b.AppendNewline()
	w.set(b, "subnet_group_name", tfRef("aws_elasticache_subnet_group", "main", "name"))
	w.set(b, "security_group_ids", tfList(tfRef("aws_security_group", "databases", "id")))
}
