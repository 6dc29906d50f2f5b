package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.net.URI;
import java.nio.file.Files;
import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 50 ReplicationUsers and 20 SecurityGroupIngress rules under `pulumi up --parallel 16`, twice. */
@Tag("e2e")
class ConcurrencyIT {
    @Test
    void seventyResourcesInParallelThenANoOp() throws Exception {
        String prefix = TestBed.unique("par");
        int octet = (int) (System.nanoTime() % 150) + 50;
        StringBuilder yaml = new StringBuilder("name: rdsreplication-yaml\nruntime: yaml\nresources:\n");
        for (int i = 0; i < 50; i++) {
            yaml.append("  u").append(i).append(":\n    type: rdsreplication:index:ReplicationUser\n    properties:\n")
                    .append("      user: ").append(prefix).append('_').append(i).append("\n      host: 10.77.0.%\n");
        }
        for (int i = 0; i < 20; i++) {
            yaml.append("  r").append(i).append(":\n    type: rdsreplication:index:SecurityGroupIngress\n    properties:\n")
                    .append("      securityGroupId: ").append(TestBed.get("SECURITY_GROUP_ID")).append('\n')
                    .append("      sourceCidr: 192.0.").append(octet).append('.').append(i + 1).append("/32\n")
                    .append("      port: 3306\n");
        }
        Cli cli = Cli.init("examples/yaml", prefix);
        Files.writeString(cli.prog.resolve("Pulumi.yaml"), yaml.toString());
        String cidrPrefix = "192.0." + octet + ".";
        try (Ec2Client ec2 = TestBed.ec2()) {
            try {
                var up = cli.pulumi("up", "--yes", "--skip-preview", "--parallel", "16").ok();
                assertTrue(up.out().contains("71 created"), up.out());
                assertEquals(50, accounts(prefix));
                assertEquals(20, rules(ec2, cidrPrefix));
                var again = cli.pulumi("up", "--yes", "--parallel", "16", "--expect-no-changes").ok();
                assertTrue(again.out().contains("71 unchanged"), again.out());
                assertEquals(50, accounts(prefix));
                assertEquals(20, rules(ec2, cidrPrefix));
            } finally {
                cli.pulumi("destroy", "--yes", "--parallel", "16");
            }
            assertEquals(0, accounts(prefix));
            assertEquals(0, rules(ec2, cidrPrefix));
        }
    }

    static int accounts(String prefix) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            return Integer.parseInt(TestBed.query(c, "SELECT COUNT(*) AS n FROM mysql.user WHERE User LIKE '" + prefix + "\\_%'")
                    .get(0).get("n"));
        }
    }

    static int rules(Ec2Client ec2, String cidrPrefix) {
        return (int) ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                .securityGroupRules().stream().filter(r -> r.cidrIpv4() != null && r.cidrIpv4().startsWith(cidrPrefix)).count();
    }
}
