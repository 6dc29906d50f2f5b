"""The runbook as one program: open the security group to the source, create the replication account, point
the RDS instance at the source's current binlog coordinates and start replication. Everything
environment-specific comes from stack configuration (see README.md)."""
import pulumi
import pulumi_rdsreplication as rdsreplication


def runbook():
    cfg = pulumi.Config()
    db_instance = cfg.require("dbInstanceIdentifier")
    source = rdsreplication.get_source_status_output()

    # Runbook step 5: open the RDS instance's security group to the external source.
    ingress = rdsreplication.SecurityGroupIngress(
        "ingress",
        db_instance_identifier=db_instance,
        source_cidr=cfg.get("sourceCidr") or "127.0.0.1/32",
        description="external MariaDB source",
        tags={"purpose": "rds-external-replication"})

    # Runbook steps 6-7: the replication account on the source.
    repl_user = rdsreplication.ReplicationUser(
        "replUser",
        user=cfg.get("replicationUser") or "repl",
        host=cfg.get("replicaAccountHost") or "127.0.0.1",
        password=cfg.require_secret("replicationPassword"))

    # Runbook step 8: point the RDS instance at the source's current coordinates (a starting point only).
    external_master = rdsreplication.ExternalMaster(
        "externalMaster",
        db_instance_identifier=db_instance,
        source_host=cfg.get("sourceHostForReplica") or "127.0.0.1",
        source_port=cfg.get_int("sourcePort") or 3306,
        replication_user=repl_user.user,
        replication_password=repl_user.password,
        binlog_file=source.binlog_file,
        binlog_position=source.binlog_position,
        ssl_encryption=cfg.get_bool("sslEncryption") or False,
        opts=pulumi.ResourceOptions(depends_on=[ingress]))

    # Runbook step 9: start replication and prove it runs.
    start = rdsreplication.ReplicationStart(
        "start",
        external_master_id=external_master.id,
        max_lag_seconds=30,
        timeout_seconds=120)

    pulumi.export("securityGroupRuleId", ingress.security_group_rule_id)
    pulumi.export("grants", repl_user.grants)
    pulumi.export("procedure", external_master.procedure)
    pulumi.export("ioRunning", start.io_running)
    pulumi.export("sqlRunning", start.sql_running)
    pulumi.export("secondsBehindSource", start.seconds_behind_source)
