package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults injected for real during `pulumi up`; afterwards refresh + up converge with nothing duplicated or orphaned. */
@Tag("e2e")
class FaultsIT {
    static Ec2Client ec2;

    @BeforeAll
    static void init() {
        ec2 = TestBed.ec2();
    }

    @AfterAll
    static void done() throws Exception {
        ec2.close();
        TestBed.resetReplica();
    }

    static int accounts(String user) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            return TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = '" + user + "'").size();
        }
    }

    static int rules(String cidr) {
        return (int) ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                .securityGroupRules().stream().filter(r -> cidr.equals(r.cidrIpv4()) && !r.isEgress()).count();
    }

    /** Starts what the test bed lacks again (the servers keep their data). */
    static void testbedUp() throws Exception {
        Process p = new ProcessBuilder(TestBed.root().resolve("testbed/testbed.sh").toString(), "up").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    static void killByPidFile(String pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(Path.of(pidFile)).trim());
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        h.destroyForcibly();
        h.onExit().get();
    }

    static void converged(Cli cli, String user) throws Exception {
        cli.pulumi("refresh", "--yes", "--skip-preview").ok();
        cli.pulumi("up", "--yes", "--skip-preview").ok();
        cli.pulumi("preview", "--expect-no-changes").ok();
        assertEquals(1, accounts(user), "exactly one replication account");
        assertEquals(1, rules("127.0.0.1/32"), "exactly one rule for the source");
        var st = TestBed.replicaStatus();
        assertEquals("Yes", st.get("Slave_IO_Running"));
        assertEquals("Yes", st.get("Slave_SQL_Running"));
        assertEquals(user, st.get("Master_User"));
    }

    interface Step {
        void run(Cli cli) throws Exception;
    }

    /**
     * The shape every fault test shares: on a fresh stack of the YAML example, {@code before} prepares, {@code fault}
     * injects, `pulumi up` must fail saying {@code expected}, {@code repair} removes the fault, then refresh + up
     * converge; destroy leaves nothing.
     */
    static void faultThenConverge(String name, Step before, Step fault, String expected, Step repair) throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique(name);
        Cli cli = Cli.init("examples/yaml", user);
        try {
            before.run(cli);
            fault.run(cli);
            var failed = cli.pulumi("up", "--yes", "--skip-preview");
            assertNotEquals(0, failed.code());
            assertTrue(failed.out().contains(expected), failed.out());
            repair.run(cli);
            converged(cli, user);
        } finally {
            repair.run(cli);
            cli.pulumi("destroy", "--yes");
        }
        assertEquals(0, accounts(user));
        assertEquals(0, rules("127.0.0.1/32"));
    }

    /**
     * Restarting the test bed writes nothing to the source's binlog. It used to (the test root's ALTER USER): a
     * replica that replicates from the source after its restart applied it, and its root got the source's root
     * password; "Access denied for user 'root'@'127.0.0.1'" followed whenever that event came after the replica's
     * own setup.
     */
    @Test
    void testbedUpWritesNothingToTheSourceBinlog() throws Exception {
        String[] before = TestBed.sourcePosition();
        testbedUp();
        assertArrayEquals(before, TestBed.sourcePosition());
    }

    @Test
    void replicaKilledBetweenExternalMasterAndReplicationStart() throws Exception {
        String urn = "urn:pulumi:dev::rdsreplication-yaml::rdsreplication:index:";
        faultThenConverge("fault",
                cli -> cli.pulumi("up", "--yes", "--skip-preview", "--target", urn + "ExternalMaster::externalMaster",
                        "--target", urn + "ReplicationUser::replUser", "--target", urn + "SecurityGroupIngress::ingress").ok(),
                cli -> killByPidFile(TestBed.root().resolve(".testbed/replica/mysqld.pid").toString()),
                "cannot connect to the replica", cli -> testbedUp());
    }

    @Test
    void sourceDownDuringUpThenBack() throws Exception {
        faultThenConverge("srcdown", cli -> { },
                cli -> killByPidFile(TestBed.root().resolve(".testbed/source/mysqld.pid").toString()),
                "cannot connect to the source", cli -> testbedUp());
    }

    @Test
    void sourceKilledWhileAccountsAreBeingCreated() throws Exception {
        String prefix = TestBed.unique("kc");
        StringBuilder yaml = new StringBuilder("name: rdsreplication-yaml\nruntime: yaml\nconfig:\n  pw:\n    type: string\n"
                + "    secret: true\nresources:\n");
        for (int i = 0; i < 40; i++) {
            yaml.append("  u").append(i).append(":\n    type: rdsreplication:index:ReplicationUser\n    properties:\n")
                    .append("      user: ").append(prefix).append('_').append(i).append("\n      host: 10.88.0.%\n")
                    .append("      password: ${pw}\n");
        }
        Cli cli = Cli.init("examples/yaml", prefix);
        Files.writeString(cli.prog.resolve("Pulumi.yaml"), yaml.toString());
        cli.run(cli.prog, List.of("bash", "-c", TestBed.get("PULUMI") + " config set --secret pw \"$PW\""),
                Map.of("PW", "kill-during-create-" + prefix)).ok();
        try {
            Path log = Scratch.file("killed-source", ".log");
            Process up = cli.spawn(log, "up", "--yes", "--skip-preview", "--parallel", "8");
            // SIGKILL the source as soon as the first accounts exist: others are being created at that moment
            long end = System.nanoTime() + 60_000_000_000L;
            while (prefixCount(prefix) < 3 && up.isAlive() && System.nanoTime() < end) Thread.sleep(5);
            killByPidFile(TestBed.root().resolve(".testbed/source/mysqld.pid").toString());
            int code = up.waitFor();
            String out = Files.readString(log);
            assertTrue(code != 0, "the update saw the source die: " + out);
            testbedUp();
            cli.pulumi("refresh", "--yes", "--skip-preview").ok();
            cli.pulumi("up", "--yes", "--skip-preview", "--parallel", "8").ok();
            cli.pulumi("preview", "--expect-no-changes").ok();
            assertEquals(40, prefixCount(prefix), "every account exactly once, none orphaned");
        } finally {
            testbedUp();
            cli.pulumi("destroy", "--yes", "--parallel", "8");
        }
        assertEquals(0, prefixCount(prefix));
    }

    static int prefixCount(String prefix) {
        try (Connection c = TestBed.sourceRoot()) {
            return Integer.parseInt(TestBed.query(c, "SELECT COUNT(*) AS n FROM mysql.user WHERE User LIKE '" + prefix + "\\_%'")
                    .get(0).get("n"));
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void awsApiPausedDuringUpThenBack() throws Exception {
        // SIGSTOP the moto server we started: it accepts connections but answers nothing (its state is kept);
        // after SIGCONT it handles what it had buffered, so the rule may exist already when up runs again
        long moto = Long.parseLong(Files.readString(TestBed.root().resolve(".testbed/moto/moto.pid")).trim());
        faultThenConverge("awsdown",
                cli -> cli.pulumi("config", "set", "rdsreplication:awsTimeoutSeconds", "6").ok(),
                cli -> signal("STOP", moto), "did not answer in time",
                cli -> {
                    signal("CONT", moto);
                    Thread.sleep(1000);
                });
    }

    static void signal(String sig, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
    }

    @Test
    void providerKilledMidUpdate() throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique("kill");
        Cli cli = Cli.init("examples/yaml", user);
        try {
            // SIGKILL the plugin that our pulumi process started, 1.5 s after it appears (mid-update)
            Path log = Scratch.file("killed-up", ".log");
            Process up = cli.spawn(log, "up", "--yes", "--skip-preview");
            ProcessHandle plugin = Cli.awaitPlugin(up);
            assertTrue(plugin != null, "the plugin started");
            // what `ps` shows of the plugin: no password on its command line
            String cmdline = plugin.info().commandLine().orElse("");
            assertTrue(!cmdline.contains(TestBed.get("SOURCE_ROOT_PASSWORD")) && !cmdline.contains(TestBed.get("REPLICA_ADMIN_PASSWORD"))
                    && !cmdline.contains(cli.config("replicationPassword")), "a password on the plugin's command line");
            Thread.sleep(1500);
            boolean killed = plugin.destroyForcibly();
            int code = up.waitFor();
            System.out.println("up with the provider killed (" + killed + ") exited " + code);
            String out = Files.readString(log);
            assertTrue(code != 0 || out.contains("exited prematurely"), "the update saw the provider die: " + out);
            converged(cli, user);
        } finally {
            cli.pulumi("destroy", "--yes");
        }
        assertEquals(0, accounts(user));
        assertEquals(0, rules("127.0.0.1/32"));
    }
}
