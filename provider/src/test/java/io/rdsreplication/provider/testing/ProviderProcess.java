package io.rdsreplication.provider.testing;

import com.google.protobuf.Empty;
import com.google.protobuf.Struct;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.rpc.PropertyCodec;
import pulumirpc.Provider;
import pulumirpc.ResourceProviderGrpc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real plugin process (launcher script + jar, as Pulumi runs it), driven over gRPC. Its stderr goes to a
 * file so tests can look for leaked secrets.
 */
public final class ProviderProcess implements AutoCloseable {
    public static final String PKG = "rdsreplication";
    private static Path pluginDir;
    private final Process process;
    private final ManagedChannel channel;
    public final ResourceProviderGrpc.ResourceProviderBlockingStub stub;
    public final Path stderr;
    public final int port;

    /** A folder holding the launcher and the jar built by this Maven run (what `make install` lays out). */
    public static synchronized Path pluginDir() throws IOException {
        if (pluginDir == null) {
            String jar = System.getProperty("provider.jar");
            if (jar == null || !Files.exists(Path.of(jar))) {
                throw new IllegalStateException("provider.jar system property must name the built plugin jar (run through Maven failsafe)");
            }
            Path dir = Scratch.dir("rdsrepl-plugin");
            Files.copy(Path.of(jar), dir.resolve("pulumi-resource-rdsreplication.jar"), StandardCopyOption.REPLACE_EXISTING);
            Path launcher = dir.resolve("pulumi-resource-rdsreplication");
            Files.copy(TestBed.root().resolve("provider/bin/pulumi-resource-rdsreplication"), launcher, StandardCopyOption.REPLACE_EXISTING);
            launcher.toFile().setExecutable(true);
            pluginDir = dir;
        }
        return pluginDir;
    }

    public static ProviderProcess start(Map<String, String> extraEnv, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(pluginDir().resolve("pulumi-resource-rdsreplication").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Path err = Scratch.file("rdsrepl-provider", ".log");
        pb.redirectError(err.toFile());
        for (String k : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")) {
            pb.environment().put(k, TestBed.get(k));
        }
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null) {
            throw new IllegalStateException("plugin printed no port; stderr: " + Files.readString(err));
        }
        return new ProviderProcess(p, Integer.parseInt(line.trim()), err);
    }

    public static ProviderProcess start() throws IOException {
        return start(Map.of());
    }

    private ProviderProcess(Process process, int port, Path stderr) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        this.stub = ResourceProviderGrpc.newBlockingStub(channel);
    }

    /** Configures the provider with the test bed's source, replica and moto. */
    public ProviderProcess configureTestBed() {
        return configure(testBedConfig());
    }

    public static Map<String, Object> testBedConfig() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("region", TestBed.get("AWS_REGION"));
        cfg.put("awsEndpointUrl", TestBed.get("AWS_ENDPOINT_URL"));
        Map<String, Object> source = connection(TestBed.sourcePort(), TestBed.get("SOURCE_ROOT_USER"), TestBed.get("SOURCE_ROOT_PASSWORD"));
        Map<String, Object> replica = connection(TestBed.replicaPort(), TestBed.get("REPLICA_ADMIN_USER"), TestBed.get("REPLICA_ADMIN_PASSWORD"));
        // MySQL's caching_sha2_password accounts log in over TLS (MySQL servers always have a certificate)
        if (TestBed.sourceIsMysql()) source.put("tls", "preferred");
        if (TestBed.replicaIsMysql()) replica.put("tls", "preferred");
        cfg.put("source", source);
        cfg.put("replica", replica);
        return cfg;
    }

    public static Map<String, Object> connection(int port, String user, String password) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("host", "127.0.0.1");
        c.put("port", (double) port);
        c.put("username", user);
        c.put("password", new Secret(password));
        c.put("tls", "disabled");
        return c;
    }

    public ProviderProcess configure(Map<String, Object> cfg) {
        stub.configure(Provider.ConfigureRequest.newBuilder().setArgs(PropertyCodec.encode(cfg))
                .setAcceptSecrets(true).setAcceptResources(true).build());
        return this;
    }

    public static String urn(String type, String name) {
        return "urn:pulumi:test::proj::" + type + "::" + name;
    }

    public Provider.CheckResponse check(String type, Map<String, Object> olds, Map<String, Object> news) {
        return stub.check(Provider.CheckRequest.newBuilder().setUrn(urn(type, "r")).setType(type)
                .setOlds(PropertyCodec.encode(olds)).setNews(PropertyCodec.encode(news)).build());
    }

    /** Check that must pass; returns the checked inputs. */
    public Map<String, Object> checked(String type, Map<String, Object> olds, Map<String, Object> news) {
        Provider.CheckResponse r = check(type, olds, news);
        if (r.getFailuresCount() > 0) throw new AssertionError("check failed: " + r.getFailuresList());
        return PropertyCodec.decode(r.getInputs());
    }

    public Provider.CreateResponse create(String type, Map<String, Object> inputs, boolean preview) {
        return create(type, inputs, preview, "r");
    }

    /** Create for the resource named {@code name} (its URN decides, e.g., which rule a provider may take over). */
    public Provider.CreateResponse create(String type, Map<String, Object> inputs, boolean preview, String name) {
        return stub.create(Provider.CreateRequest.newBuilder().setUrn(urn(type, name)).setType(type)
                .setProperties(PropertyCodec.encode(inputs)).setPreview(preview).build());
    }

    public Provider.DiffResponse diff(String type, String id, Map<String, Object> olds, Map<String, Object> news) {
        return stub.diff(Provider.DiffRequest.newBuilder().setUrn(urn(type, "r")).setType(type).setId(id)
                .setOlds(PropertyCodec.encode(olds)).setNews(PropertyCodec.encode(news)).build());
    }

    public Provider.ReadResponse read(String type, String id, Map<String, Object> state, Map<String, Object> inputs) {
        return stub.read(Provider.ReadRequest.newBuilder().setUrn(urn(type, "r")).setType(type).setId(id)
                .setProperties(PropertyCodec.encode(state)).setInputs(PropertyCodec.encode(inputs)).build());
    }

    public Provider.UpdateResponse update(String type, String id, Map<String, Object> olds, Map<String, Object> news) {
        return stub.update(Provider.UpdateRequest.newBuilder().setUrn(urn(type, "r")).setType(type).setId(id)
                .setOlds(PropertyCodec.encode(olds)).setNews(PropertyCodec.encode(news)).build());
    }

    public void delete(String type, String id, Map<String, Object> state) {
        stub.delete(Provider.DeleteRequest.newBuilder().setUrn(urn(type, "r")).setType(type).setId(id)
                .setProperties(PropertyCodec.encode(state)).build());
    }

    public Provider.InvokeResponse invoke(String tok, Map<String, Object> args) {
        return stub.invoke(Provider.InvokeRequest.newBuilder().setTok(tok).setArgs(PropertyCodec.encode(args)).build());
    }

    public static Map<String, Object> decode(Struct s) {
        return PropertyCodec.decode(s);
    }

    public String log() throws IOException {
        return Files.readString(stderr);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }

    public Empty empty() {
        return Empty.getDefaultInstance();
    }
}
