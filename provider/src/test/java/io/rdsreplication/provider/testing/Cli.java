package io.rdsreplication.provider.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real pulumi CLI, with a local file backend, in a work folder made by examples/stack-init.sh. */
public final class Cli {
    public record Result(int code, String out) {
        public Result ok() {
            if (code != 0) {
                String tail = out.length() > 4000 ? "…" + out.substring(out.length() - 4000) : out;
                throw new AssertionError("exited " + code + ":\n" + tail);
            }
            return this;
        }
    }

    public final Path work;
    public final Path prog;
    private final Map<String, String> env = new HashMap<>();
    private final StringBuilder transcript = new StringBuilder();

    public Cli(Path work) throws IOException {
        this.work = work;
        this.prog = work.resolve("prog");
        Path plugin = ProviderProcess.pluginDir();
        env.put("PATH", plugin + ":" + TestBed.root().resolve(".bin") + ":" + System.getenv("PATH"));
        env.put("PULUMI_BACKEND_URL", "file://" + work.resolve("state"));
        env.put("PULUMI_HOME", work.resolve("home").toString());
        env.put("PULUMI_CONFIG_PASSPHRASE", "e2e-passphrase");
        env.put("PULUMI_SKIP_UPDATE_CHECK", "true");
        env.put("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true");
        for (String k : List.of("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) env.put(k, TestBed.get(k));
    }

    /** A new work folder with the example copied in and a stack configured for the test bed. */
    public static Cli init(String example, String replicationUser) throws Exception {
        Path work = Scratch.dir("rdsrepl-e2e");
        Cli c = new Cli(work);
        c.run(TestBed.root(), List.of(TestBed.root().resolve("examples/stack-init.sh").toString(),
                TestBed.root().resolve(example).toString(), work.toString()), Map.of("REPLICATION_USER", replicationUser)).ok();
        return c;
    }

    public Cli env(String k, String v) {
        env.put(k, v);
        return this;
    }

    public Result pulumi(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestBed.get("PULUMI"));
        cmd.addAll(List.of(args));
        return run(prog, cmd, Map.of());
    }

    public Result run(Path dir, List<String> cmd, Map<String, String> extra) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().putAll(extra);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        String s = new String(out);
        transcript.append("$ ").append(String.join(" ", cmd)).append('\n').append(s).append('\n');
        return new Result(p.exitValue(), s);
    }

    /** Starts pulumi without waiting (for fault injection); its output goes to {@code log}. */
    public Process spawn(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestBed.get("PULUMI"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(prog.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The plugin process a spawned pulumi started (waits up to 60 s for it to appear), or null. */
    public static ProcessHandle awaitPlugin(Process pulumi) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (pulumi.isAlive() && System.nanoTime() < end) {
            var plugin = pulumi.descendants().filter(h -> h.info().commandLine().orElse("").contains("pulumi-resource-rdsreplication.jar"))
                    .findFirst();
            if (plugin.isPresent()) return plugin.get();
            Thread.sleep(20);
        }
        return null;
    }

    /** Everything every command printed so far (for secret checks). */
    public String transcript() {
        return transcript.toString();
    }

    /** Sets a secret config value, passed on standard input (never in the arguments); not recorded in the transcript. */
    public void setSecret(String key, String value) throws Exception {
        Path f = Files.createTempFile(work, "secret", ".txt"); // owner-only
        try {
            Files.writeString(f, value);
            ProcessBuilder pb = new ProcessBuilder(TestBed.get("PULUMI"), "config", "set", "--secret", "--path", key)
                    .directory(prog.toFile()).redirectErrorStream(true).redirectInput(f.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("config set --secret " + key + ": " + out);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** A config value; not recorded in the transcript (it may be a secret the tests look for). */
    public String config(String key) throws Exception {
        int mark = transcript.length();
        String v = pulumi("config", "get", key).ok().out().trim();
        transcript.setLength(mark);
        return v;
    }
}
