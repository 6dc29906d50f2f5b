package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Scratch;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin as the pulumi CLI sees it: schema, previews, installation from the tarball, the launcher. */
@Tag("e2e")
class ProviderCliIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void getSchemaOfTheInstalledPluginEqualsSchemaJson() throws Exception {
        Cli cli = new Cli(Scratch.dir("rdsrepl-schema"));
        var r = cli.run(cli.work, List.of(TestBed.get("PULUMI"), "package", "get-schema",
                ProviderProcess.pluginDir().resolve("pulumi-resource-rdsreplication").toString()), Map.of()).ok();
        var ours = JSON.readTree(TestBed.root().resolve("schema.json").toFile());
        var served = JSON.readTree(r.out());
        // the CLI re-serialises the schema (key order, defaults): compare what matters, entry by entry
        assertEquals(ours.path("name"), served.path("name"));
        assertEquals(ours.path("version"), served.path("version"));
        for (String section : List.of("resources", "functions", "types")) {
            assertEquals(names(ours.path(section)), names(served.path(section)), section);
        }
        ours.path("resources").fields().forEachRemaining(e -> {
            var theirs = served.path("resources").path(e.getKey());
            assertEquals(names(e.getValue().path("inputProperties")), names(theirs.path("inputProperties")), e.getKey());
            assertEquals(names(e.getValue().path("properties")), names(theirs.path("properties")), e.getKey());
            e.getValue().path("properties").fields().forEachRemaining(prop -> {
                assertEquals(prop.getValue().path("secret").asBoolean(), theirs.path("properties").path(prop.getKey()).path("secret").asBoolean(),
                        e.getKey() + "." + prop.getKey() + " secret");
                assertEquals(prop.getValue().path("description"), theirs.path("properties").path(prop.getKey()).path("description"));
            });
        });
    }

    @Test
    void previewShowsUnknownOutputsAndTouchesNothing() throws Exception {
        String user = TestBed.unique("prev");
        Cli cli = Cli.init("examples/yaml", user);
        var r = cli.pulumi("preview", "--diff").ok();
        assertTrue(r.out().contains("5 to create"), r.out());
        assertTrue(r.out().contains("output<string>") || r.out().contains("[unknown]"), r.out());
        try (var c = TestBed.sourceRoot()) {
            assertTrue(TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = '" + user + "'").isEmpty());
        }
    }

    @Test
    void launcherExplainsAMissingOrOldJava() throws Exception {
        Path launcher = ProviderProcess.pluginDir().resolve("pulumi-resource-rdsreplication");
        ProcessBuilder none = new ProcessBuilder(launcher.toString()).redirectErrorStream(true);
        none.environment().remove("JAVA_HOME");
        Path bin = Scratch.dir("nojava");
        for (String tool : List.of("bash", "env", "dirname", "readlink", "sed", "head")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
        }
        none.environment().put("PATH", bin.toString());
        Process p = none.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertTrue(out.contains("no Java runtime found"), out);

        Path fake = Scratch.dir("oldjava");
        Files.createDirectories(fake.resolve("bin"));
        Path java = fake.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n");
        java.toFile().setExecutable(true);
        ProcessBuilder old = new ProcessBuilder(launcher.toString()).redirectErrorStream(true);
        old.environment().put("JAVA_HOME", fake.toString());
        Process q = old.start();
        String out2 = new String(q.getInputStream().readAllBytes());
        assertTrue(q.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, q.exitValue());
        assertTrue(out2.contains("Java 17 or newer is required"), out2);
    }

    /**
     * The installed folder (launcher, jar, class-data-sharing archive from scripts/cds.sh) copied elsewhere: the
     * archive no longer matches and the JVM says so, but on stderr; the first stdout line is still the port. Same
     * for an archive that is not one at all.
     */
    @Test
    void launcherKeepsJvmMessagesOffStdoutWhenThePluginFolderIsCopied() throws Exception {
        Path installed = Scratch.dir("rdsrepl-installed");
        Files.copy(Path.of(System.getProperty("provider.jar")), installed.resolve("pulumi-resource-rdsreplication.jar"));
        Files.copy(TestBed.root().resolve("provider/bin/pulumi-resource-rdsreplication"), installed.resolve("pulumi-resource-rdsreplication"));
        installed.resolve("pulumi-resource-rdsreplication").toFile().setExecutable(true);
        Process cds = new ProcessBuilder(TestBed.root().resolve("scripts/cds.sh").toString(), installed.toString())
                .redirectErrorStream(true).start();
        String cdsOut = new String(cds.getInputStream().readAllBytes());
        assertEquals(0, cds.waitFor(), cdsOut);
        assertTrue(Files.exists(installed.resolve("pulumi-resource-rdsreplication.jsa")), "cds.sh wrote an archive: " + cdsOut);

        Path copy = Scratch.dir("rdsrepl-copied");
        try (Stream<Path> files = Files.list(installed)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        String err = firstLineIsThePort(copy);
        assertTrue(err.contains("shared archive"), "the JVM did not use the moved archive and said so on stderr: " + err);

        Files.write(copy.resolve("pulumi-resource-rdsreplication.jsa"), new byte[]{'n', 'o', 't', ' ', 'c', 'd', 's'});
        firstLineIsThePort(copy);
    }

    /** Starts the plugin in {@code dir} against a listening "engine"; asserts stdout's first line is a port; returns stderr. */
    static String firstLineIsThePort(Path dir) throws Exception {
        Path err = Scratch.file("rdsrepl-launcher", ".log");
        try (ServerSocket engine = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Process p = new ProcessBuilder(dir.resolve("pulumi-resource-rdsreplication").toString(), "127.0.0.1:" + engine.getLocalPort())
                    .redirectError(err.toFile()).start();
            try {
                var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                String line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return reader.readLine();
                    } catch (IOException e) {
                        return "read failed: " + e;
                    }
                }).get(120, TimeUnit.SECONDS);
                assertTrue(line != null && line.trim().matches("\\d+"), "first stdout line must be the port, was: " + line
                        + "; stderr: " + Files.readString(err));
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
        return Files.readString(err);
    }

    @Test
    void pluginExitsWhenTheEngineGoesAway() throws Exception {
        int port;
        ProviderProcess p;
        try (ServerSocket engine = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = engine.getLocalPort();
            p = ProviderProcess.start(Map.of(), "127.0.0.1:" + port);
            assertTrue(p.isAlive());
        }
        long end = System.nanoTime() + 30_000_000_000L;
        while (p.isAlive() && System.nanoTime() < end) Thread.sleep(200);
        assertTrue(!p.isAlive(), "the plugin exited after the engine went away");
        p.close();
    }

    static java.util.Set<String> names(com.fasterxml.jackson.databind.JsonNode n) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
