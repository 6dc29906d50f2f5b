import * as pulumi from "@pulumi/pulumi";
import * as rdsreplication from "@rdsreplication/pulumi-rdsreplication";

/**
 * The runbook as one program, with the initial copy: copy the source's databases into the RDS instance
 * (SourceSnapshot), open the security group to the source, create the replication account, point the RDS
 * instance at the copy's binlog coordinates and start replication. Everything environment-specific comes from
 * stack configuration (see README.md). Returns the stack outputs.
 */
export function runbook() {
    const cfg = new pulumi.Config();
    const dbInstance = cfg.require("dbInstanceIdentifier");

    // Runbook steps 1-4: one consistent copy of the databases; the source stays writable.
    const snapshot = new rdsreplication.SourceSnapshot("snapshot", {
        databases: cfg.requireObject<string[]>("snapshotDatabases"),
    });

    // Runbook step 5: open the RDS instance's security group to the external source.
    const ingress = new rdsreplication.SecurityGroupIngress("ingress", {
        dbInstanceIdentifier: dbInstance,
        sourceCidr: cfg.get("sourceCidr") ?? "127.0.0.1/32",
        description: "external MariaDB source",
        tags: { purpose: "rds-external-replication" },
    });

    // Runbook steps 6-7: the replication account on the source.
    const replUser = new rdsreplication.ReplicationUser("replUser", {
        user: cfg.get("replicationUser") ?? "repl",
        host: cfg.get("replicaAccountHost") ?? "127.0.0.1",
        password: cfg.requireSecret("replicationPassword"),
    });

    // Runbook step 8: point the RDS instance at the source, from where the copy was taken.
    const externalMaster = new rdsreplication.ExternalMaster("externalMaster", {
        dbInstanceIdentifier: dbInstance,
        sourceHost: cfg.get("sourceHostForReplica") ?? "127.0.0.1",
        sourcePort: cfg.getNumber("sourcePort") ?? 3306,
        replicationUser: replUser.user,
        replicationPassword: replUser.password,
        binlogFile: snapshot.binlogFile,
        binlogPosition: snapshot.binlogPosition,
        snapshotId: snapshot.id,
        sslEncryption: cfg.getBoolean("sslEncryption") ?? false,
    }, { dependsOn: [ingress] });

    // Runbook step 9: start replication and prove it runs.
    const start = new rdsreplication.ReplicationStart("start", {
        externalMasterId: externalMaster.id,
        maxLagSeconds: 30,
        timeoutSeconds: 120,
    });

    return {
        rowsCopied: snapshot.rowsCopied,
        securityGroupRuleId: ingress.securityGroupRuleId,
        grants: replUser.grants,
        procedure: externalMaster.procedure,
        ioRunning: start.ioRunning,
        sqlRunning: start.sqlRunning,
        secondsBehindSource: start.secondsBehindSource,
    };
}
