package example;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.resources.CustomResourceOptions;
import io.rdsreplication.ExternalMaster;
import io.rdsreplication.ExternalMasterArgs;
import io.rdsreplication.RdsreplicationFunctions;
import io.rdsreplication.ReplicationStart;
import io.rdsreplication.ReplicationStartArgs;
import io.rdsreplication.ReplicationUser;
import io.rdsreplication.ReplicationUserArgs;
import io.rdsreplication.SecurityGroupIngress;
import io.rdsreplication.SecurityGroupIngressArgs;
import io.rdsreplication.inputs.GetSourceStatusArgs;

import java.util.Map;

/**
 * The runbook as one program: open the security group to the source, create the replication account,
 * point the RDS instance at the source's current binlog coordinates and start replication. Everything
 * environment-specific comes from stack configuration (see README.md).
 */
public final class App {
    public static void main(String[] args) {
        Pulumi.run(App::stack);
    }

    static void stack(Context ctx) {
        var cfg = ctx.config();
        String dbInstance = cfg.require("dbInstanceIdentifier");
        String sourceHost = cfg.get("sourceHostForReplica").orElse("127.0.0.1");
        int sourcePort = cfg.getInteger("sourcePort").orElse(3306);

        var source = RdsreplicationFunctions.getSourceStatus(GetSourceStatusArgs.builder().build());

        var ingress = new SecurityGroupIngress("ingress", SecurityGroupIngressArgs.builder()
                .dbInstanceIdentifier(dbInstance)
                .sourceCidr(cfg.get("sourceCidr").orElse("127.0.0.1/32"))
                .description("external MariaDB source")
                .tags(Map.of("purpose", "rds-external-replication"))
                .build());

        var user = new ReplicationUser("replUser", ReplicationUserArgs.builder()
                .user(cfg.get("replicationUser").orElse("repl"))
                .host(cfg.get("replicaAccountHost").orElse("127.0.0.1"))
                .password(cfg.requireSecret("replicationPassword"))
                .build());

        var master = new ExternalMaster("externalMaster", ExternalMasterArgs.builder()
                .dbInstanceIdentifier(dbInstance)
                .sourceHost(sourceHost)
                .sourcePort(sourcePort)
                .replicationUser(user.user())
                .replicationPassword(user.password())
                .binlogFile(source.applyValue(s -> s.binlogFile()))
                .binlogPosition(source.applyValue(s -> s.binlogPosition()))
                .sslEncryption(cfg.getBoolean("sslEncryption").orElse(false))
                .build(),
                // the coordinates are a starting point only: later ones never re-point the replica
                CustomResourceOptions.builder().dependsOn(ingress).build());

        var start = new ReplicationStart("start", ReplicationStartArgs.builder()
                .externalMasterId(master.id())
                .maxLagSeconds(30)
                .timeoutSeconds(120)
                .build());

        ctx.export("securityGroupRuleId", ingress.securityGroupRuleId());
        ctx.export("grants", user.grants());
        ctx.export("procedure", master.procedure());
        ctx.export("ioRunning", start.ioRunning());
        ctx.export("sqlRunning", start.sqlRunning());
        ctx.export("secondsBehindSource", start.secondsBehindSource());
        ctx.export("appliedSourceLogFile", start.appliedSourceLogFile());
    }
}
