# Runs moto's server in-process on 127.0.0.1 for internal/sandbox/mototest,
# with the patches listed below, and prints "MOTO_READY <port>" once it
# listens. Exit codes: 3 when moto is not importable.
#
# Patches (each fills a gap of moto 5.2 that the AWS provider trips on):
#   - ElastiCache: CreateReplicationGroup lists member cache cluster ids but
#     creates no cache clusters; hashicorp/aws reads each member back with
#     DescribeCacheClusters after create, as AWS creates them
#     (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html).
#     The patch creates them.
#   - ElastiCache: with cluster mode disabled, moto makes one member per
#     ReplicasPerNodeGroup + 1 and ignores NumCacheClusters, which AWS
#     honours ("the number of clusters this replication group initially
#     has"); the patch adds the missing members.
#   - ElastiCache: a group or cluster created without EngineVersion has
#     none in moto, while AWS uses the engine's default (latest) version;
#     hashicorp/aws fails parsing the empty version. The patch records the
#     default, 7.1.
#   - ElastiCache: DeleteReplicationGroup and DeleteCacheCluster leave the
#     object "deleting" forever; AWS removes it once deleted, and the
#     provider waits for it to be gone. The patch removes it (and the
#     group's member clusters) at once.
#   - RDS: every DB instance gets the same DbiResourceId, a constant, where
#     AWS gives each its own; hashicorp/aws finds an instance by filtering
#     on it (dbi-resource-id) and fails when two answer. The patch gives
#     each instance a random one
#     (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html).
#   - ElastiCache: DeleteCacheSubnetGroup is not implemented (HTTP 500,
#     which hashicorp/aws retries for its whole delete timeout); the patch
#     implements it
#     (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html).
import os
import random
import string
import sys
import threading

# AWS managed policies (arn:aws:iam::aws:policy/...) exist only when moto
# loads them, which it does only with this set before the IAM backend starts.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
# ACM issues a DNS-validated certificate once its records resolve; moto has
# no DNS to check and issues after this many seconds (default 60).
os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "0")

try:
    from moto.core.responses import EmptyResult
    from moto.elasticache import exceptions as ec_errors
    from moto.elasticache import models as ec
    from moto.elasticache import responses as ec_responses
    from moto.rds import models as rds_models
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server
except ImportError as err:  # moto or its server extras are missing
    print("moto is not importable: %s" % err, file=sys.stderr)
    sys.exit(3)

# DEFAULT_REDIS_VERSION is ElastiCache's default Redis OSS engine version
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/supported-engine-versions.html).
DEFAULT_REDIS_VERSION = "7.1"

_create_rg = ec.ElastiCacheBackend.create_replication_group


def _create_replication_group(self, *args, **kwargs):
    rg = _create_rg(self, *args, **kwargs)
    if not rg.engine_version:
        rg.engine_version = DEFAULT_REDIS_VERSION
    wanted = kwargs.get("num_cache_clusters") or 0
    if rg.cluster_mode != "enabled" and rg.node_groups:
        group = rg.node_groups[0]
        while len(rg.member_clusters) < wanted:
            cid = "%s-%03d" % (rg.replication_group_id, len(rg.member_clusters) + 1)
            group["node_group_members"].append({
                "cache_cluster_id": cid,
                "cache_node_id": group["node_group_id"],
                "read_endpoint": {"address": "%s.%s" % (cid, group["primary_endpoint_address"].split(".", 1)[1]), "port": rg.port},
                "preferred_availability_zone": "us-east-1b",
                "current_role": "replica",
            })
            rg.member_clusters.append(cid)
    azs = kwargs.get("preferred_cache_cluster_azs") or []
    for i, cid in enumerate(rg.member_clusters):
        if cid in self.cache_clusters:
            continue
        cc = ec.CacheCluster(
            account_id=self.account_id,
            region_name=self.region_name,
            cache_cluster_id=cid,
            cache_node_type=rg.cache_node_type,
            replication_group_id=rg.replication_group_id,
            az_mode=None,
            preferred_availability_zone=azs[i] if i < len(azs) else None,
            num_cache_nodes=1,
            engine=rg.engine,
            engine_version=rg.engine_version,
            cache_parameter_group_name=rg.cache_parameter_group_name,
            cache_subnet_group_name=rg.cache_subnet_group_name,
            transit_encryption_enabled=rg.transit_encryption_enabled,
            network_type=rg.network_type,
            ip_discovery=rg.ip_discovery,
            snapshot_name=None,
            preferred_maintenance_window=rg.preferred_maintenance_window,
            port=rg.port,
            notification_topic_arn=None,
            auto_minor_version_upgrade=rg.auto_minor_version_upgrade,
            snapshot_retention_limit=rg.snapshot_retention_limit,
            snapshot_window=rg.snapshot_window,
            auth_token=None,
            outpost_mode=None,
            preferred_outpost_arn=None,
            preferred_availability_zones=None,
            cache_security_group_names=None,
            security_group_ids=rg.security_group_ids,
            tags=None,
            snapshot_arns=None,
            preferred_outpost_arns=None,
            log_delivery_configurations=[],
            cache_node_ids_to_remove=None,
            cache_node_ids_to_reboot=None,
        )
        # AWS describes each member with the group's encryption, auth and
        # security groups; hashicorp/aws reads them from the first member.
        cc.at_rest_encryption_enabled = rg.at_rest_encryption_enabled
        cc.auth_token_enabled = rg.auth_token_enabled
        cc.security_groups = [{"SecurityGroupId": g, "Status": "active"} for g in (rg.security_group_ids or [])]
        self.cache_clusters[cid] = cc
    return rg


_delete_rg = ec.ElastiCacheBackend.delete_replication_group


def _delete_replication_group(self, replication_group_id, retain_primary_cluster):
    rg = _delete_rg(self, replication_group_id, retain_primary_cluster)
    for cid in list(rg.member_clusters):
        self.cache_clusters.pop(cid, None)
    self.replication_groups.pop(replication_group_id, None)
    return rg


_delete_cc = ec.ElastiCacheBackend.delete_cache_cluster


def _delete_cache_cluster(self, cache_cluster_id):
    cc = _delete_cc(self, cache_cluster_id)
    self.cache_clusters.pop(cache_cluster_id, None)
    return cc


def _backend_delete_cache_subnet_group(self, cache_subnet_group_name):
    if cache_subnet_group_name not in self.cache_subnet_groups:
        raise ec_errors.CacheSubnetGroupNotFound(cache_subnet_group_name)
    del self.cache_subnet_groups[cache_subnet_group_name]


def _response_delete_cache_subnet_group(self):
    self.elasticache_backend.delete_cache_subnet_group(self._get_param("CacheSubnetGroupName"))
    return EmptyResult()


_db_init = rds_models.DBInstance.__init__


def _db_instance_init(self, *args, **kwargs):
    _db_init(self, *args, **kwargs)
    self.dbi_resource_id = "db-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))


rds_models.DBInstance.__init__ = _db_instance_init
ec.ElastiCacheBackend.delete_cache_subnet_group = _backend_delete_cache_subnet_group
ec_responses.ElastiCacheResponse.delete_cache_subnet_group = _response_delete_cache_subnet_group
ec.ElastiCacheBackend.create_replication_group = _create_replication_group
ec.ElastiCacheBackend.delete_replication_group = _delete_replication_group
ec.ElastiCacheBackend.delete_cache_cluster = _delete_cache_cluster


def _exit_with_parent():
    # The test holds our stdin open; EOF means it is gone (even killed by
    # a test timeout, which runs no cleanup), so moto must not outlive it.
    sys.stdin.read()
    os._exit(0)


def main():
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print("MOTO_READY %d" % server.server_port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
