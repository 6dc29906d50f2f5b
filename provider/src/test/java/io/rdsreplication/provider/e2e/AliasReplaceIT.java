package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ReplicationUser whose source connection changes to another name of the same server (127.0.0.1 →
 * localhost) is replaced (the provider cannot know the names are one server) and must still exist afterwards:
 * created first, the new resource would find this very account and take it over, and the old one's delete would
 * then drop it. Through the real CLI, so the engine's own replacement order is what is tested.
 */
@Tag("e2e")
class AliasReplaceIT {
    @Test
    void replacingOntoAnotherNameOfTheSameServerKeepsTheAccount() throws Exception {
        String user = TestBed.unique("alias");
        Cli cli = Cli.init("examples/yaml", user);
        Files.copy(Path.of(AliasReplaceIT.class.getResource("/alias/Pulumi.yaml").toURI()), cli.prog.resolve("Pulumi.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String tls = TestBed.sourceIsMysql() ? "preferred" : "disabled";
        for (var e : Map.of("replicationUser", user, "replicaAccountHost", "127.0.0.1", "sourceName", "127.0.0.1",
                "sourcePort", String.valueOf(TestBed.sourcePort()), "sourceUser", TestBed.get("SOURCE_ROOT_USER"),
                "sourceTls", tls).entrySet()) {
            cli.pulumi("config", "set", e.getKey(), e.getValue()).ok();
        }
        cli.run(cli.prog, java.util.List.of("sh", "-c", "printf '%s' \"$PW\" | " + TestBed.get("PULUMI") + " config set --secret sourcePassword"),
                Map.of("PW", TestBed.get("SOURCE_ROOT_PASSWORD"))).ok();
        try {
            cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertEquals(1, accounts(user), "created");
            cli.pulumi("config", "set", "sourceName", "localhost").ok();
            var preview = cli.pulumi("preview", "--diff").ok();
            assertTrue(preview.out().contains("replace"), preview.out());
            cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertEquals(1, accounts(user), "the account survives a replace onto another name of its server");
            cli.pulumi("preview", "--expect-no-changes").ok();
            cli.pulumi("destroy", "--yes").ok();
            assertEquals(0, accounts(user), "destroy drops it");
        } finally {
            cli.pulumi("destroy", "--yes");
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
            }
        }
    }

    static int accounts(String user) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            return TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = '" + user + "'").size();
        }
    }
}
