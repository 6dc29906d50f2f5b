package io.rdsreplication.provider.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Empty;
import com.google.protobuf.Struct;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.rdsreplication.provider.Registry;
import io.rdsreplication.provider.aws.AwsClients;
import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Function;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Shape;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.ProviderConfig;
import io.rdsreplication.provider.resources.types.Connection;
import pulumirpc.Plugin.PluginInfo;
import pulumirpc.Provider.CheckRequest;
import pulumirpc.Provider.CheckResponse;
import pulumirpc.Provider.ConfigureRequest;
import pulumirpc.Provider.ConfigureResponse;
import pulumirpc.Provider.CreateRequest;
import pulumirpc.Provider.CreateResponse;
import pulumirpc.Provider.DeleteRequest;
import pulumirpc.Provider.DiffRequest;
import pulumirpc.Provider.DiffResponse;
import pulumirpc.Provider.GetSchemaRequest;
import pulumirpc.Provider.GetSchemaResponse;
import pulumirpc.Provider.InvokeRequest;
import pulumirpc.Provider.InvokeResponse;
import pulumirpc.Provider.PropertyDiff;
import pulumirpc.Provider.ReadRequest;
import pulumirpc.Provider.ReadResponse;
import pulumirpc.Provider.UpdateRequest;
import pulumirpc.Provider.UpdateResponse;
import pulumirpc.ResourceProviderGrpc;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** The gRPC adapter: one method per RPC, decode → call the resource → encode. No domain logic here. */
public final class ProviderService extends ResourceProviderGrpc.ResourceProviderImplBase {
    private static final Logger LOG = Logger.getLogger(ProviderService.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Registry registry;
    private final String version;
    private final byte[] schema;
    private final EngineLog engine;
    private volatile ProviderConfig config = ProviderConfig.EMPTY;
    private volatile AwsClients aws = new AwsClients(null, null, null);
    private final io.rdsreplication.provider.core.Cancellation cancellation = new io.rdsreplication.provider.core.Cancellation();

    public ProviderService(Registry registry, String version, byte[] schema, EngineLog engine) {
        this.registry = registry;
        this.version = version;
        this.schema = schema;
        this.engine = engine;
    }

    @Override
    public void getPluginInfo(Empty request, StreamObserver<PluginInfo> out) {
        reply(out, "GetPluginInfo", null, () -> PluginInfo.newBuilder().setVersion(version).build());
    }

    @Override
    public void getSchema(GetSchemaRequest request, StreamObserver<GetSchemaResponse> out) {
        reply(out, "GetSchema", null, () -> GetSchemaResponse.newBuilder()
                .setSchema(new String(schema, java.nio.charset.StandardCharsets.UTF_8)).build());
    }

    @Override
    public void checkConfig(CheckRequest request, StreamObserver<CheckResponse> out) {
        reply(out, "CheckConfig", null, () -> {
            Map<String, Object> news = normalizeConfig(PropertyCodec.decode(request.getNews()));
            Check<ProviderConfig> c = Check.of(ProviderConfig.class, news);
            Connection.check(c, ProviderConfig::source);
            Connection.check(c, ProviderConfig::replica);
            return checkResponse(news, c.failures());
        });
    }

    @Override
    public void diffConfig(DiffRequest request, StreamObserver<DiffResponse> out) {
        reply(out, "DiffConfig", null, () -> {
            Map<String, Object> olds = normalizeConfig(PropertyCodec.decode(request.getOlds()));
            Map<String, Object> news = normalizeConfig(PropertyCodec.decode(request.getNews()));
            Set<String> keys = new HashSet<>(olds.keySet());
            keys.addAll(news.keySet());
            keys.remove("version");
            DiffResult d = DiffResult.compare(new Props(olds), new Props(news), keys, Set.of()).build();
            return diffResponse(d);
        });
    }

    @Override
    @SuppressWarnings("deprecation") // `variables`: what engines that send no `args` give
    public void configure(ConfigureRequest request, StreamObserver<ConfigureResponse> out) {
        reply(out, "Configure", null, () -> {
            Map<String, Object> args;
            if (request.hasArgs()) {
                args = PropertyCodec.decode(request.getArgs());
            } else {
                args = new LinkedHashMap<>();
                for (var e : request.getVariablesMap().entrySet()) {
                    String k = e.getKey();
                    args.put(k.substring(k.lastIndexOf(':') + 1), e.getValue());
                }
            }
            ProviderConfig c = Shape.of(ProviderConfig.class).decode(normalizeConfig(args)).value();
            AwsClients old = aws;
            aws = new AwsClients(c.region(), c.profile(), c.awsEndpointUrl(), c.awsTimeoutSeconds());
            config = c;
            old.close();
            return ConfigureResponse.newBuilder().setAcceptSecrets(true).setSupportsPreview(true)
                    .setAcceptResources(true).setAcceptOutputs(false).build();
        });
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> out) {
        reply(out, "Check", null, () -> {
            Resource<Context> r = resource(request.getType(), request.getUrn());
            Map<String, Object> news = PropertyCodec.decode(request.getNews());
            Resource.CheckResult res = r.check(new Props(PropertyCodec.decode(request.getOlds())), new Props(news));
            res.warnings().forEach(engine.forResource(request.getUrn())::warn);
            return checkResponse(keepSecrets(news, res.inputs()), res.failures());
        });
    }

    @Override
    public void diff(DiffRequest request, StreamObserver<DiffResponse> out) {
        reply(out, "Diff", null, () -> {
            Resource<Context> r = resource(request.getType(), request.getUrn());
            DiffResult d = r.diff(request.getId(), new Props(PropertyCodec.decode(request.getOlds())),
                    new Props(PropertyCodec.decode(request.getNews())));
            return diffResponse(d);
        });
    }

    @Override
    public void create(CreateRequest request, StreamObserver<CreateResponse> out) {
        Map<String, Object> inputs = PropertyCodec.decode(request.getProperties());
        reply(out, "Create", inputs, () -> {
            Resource<Context> r = resource(request.getType(), request.getUrn());
            Resource.CreateResult res = r.create(ctx(request.getUrn()), new Props(inputs), request.getPreview());
            return CreateResponse.newBuilder().setId(res.id() == null ? "" : res.id())
                    .setProperties(outputs(r, inputs, res.outputs())).build();
        });
    }

    @Override
    public void read(ReadRequest request, StreamObserver<ReadResponse> out) {
        reply(out, "Read", null, () -> {
            Resource<Context> r = resource(request.getType(), request.getUrn());
            Map<String, Object> state = PropertyCodec.decode(request.getProperties());
            Map<String, Object> inputs = PropertyCodec.decode(request.getInputs());
            Resource.ReadResult res = r.read(ctx(request.getUrn()), request.getId(), new Props(state), new Props(inputs));
            if (res.isGone()) return ReadResponse.newBuilder().setId("").build();
            Map<String, Object> newInputs = keepSecrets(inputs, res.inputs());
            return ReadResponse.newBuilder().setId(res.id())
                    .setProperties(outputs(r, newInputs, keepSecrets(state, res.outputs())))
                    .setInputs(PropertyCodec.encode(newInputs))
                    .build();
        });
    }

    @Override
    public void update(UpdateRequest request, StreamObserver<UpdateResponse> out) {
        Map<String, Object> news = PropertyCodec.decode(request.getNews());
        reply(out, "Update", news, () -> {
            Resource<Context> r = resource(request.getType(), request.getUrn());
            Map<String, Object> res = r.update(ctx(request.getUrn()), request.getId(),
                    new Props(PropertyCodec.decode(request.getOlds())), new Props(news), request.getPreview());
            return UpdateResponse.newBuilder().setProperties(outputs(r, news, res)).build();
        });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<Empty> out) {
        reply(out, "Delete", null, () -> {
            Resource<Context> r = resource(request.getType(), request.getUrn());
            r.delete(ctx(request.getUrn()), request.getId(), new Props(PropertyCodec.decode(request.getProperties())));
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void invoke(InvokeRequest request, StreamObserver<InvokeResponse> out) {
        reply(out, "Invoke", null, () -> {
            Function<Context> f = registry.function(request.getTok());
            if (f == null) {
                throw Status.INVALID_ARGUMENT.withDescription("unknown function " + request.getTok()
                        + "; this provider has " + registry.functionTokens()).asRuntimeException();
            }
            Map<String, Object> args = PropertyCodec.decode(request.getArgs());
            try {
                Map<String, Object> result = f.invoke(ctx(""), new Props(args));
                return InvokeResponse.newBuilder().setReturn(PropertyCodec.encode(result)).build();
            } catch (ProviderException.InvalidInput e) {
                InvokeResponse.Builder b = InvokeResponse.newBuilder();
                for (CheckFailure cf : e.failures()) {
                    b.addFailures(pulumirpc.Provider.CheckFailure.newBuilder().setProperty(cf.property()).setReason(cf.reason()));
                }
                return b.build();
            }
        });
    }

    @Override
    public void cancel(Empty request, StreamObserver<Empty> out) {
        // trips the signal every running operation checks (Context.checkCancelled/sleep/onCancel): copies and
        // waits end promptly with an error, their connections closed, so the source keeps no lock
        reply(out, "Cancel", null, () -> {
            LOG.info("Cancel: stopping running operations");
            cancellation.cancel();
            return Empty.getDefaultInstance();
        });
    }

    // ---- helpers ----

    private Context ctx(String urn) {
        return new Context(config, aws, engine.forResource(urn), urn == null ? "" : urn, cancellation);
    }

    private Resource<Context> resource(String type, String urn) {
        String t = type == null || type.isEmpty() ? typeFromUrn(urn) : type;
        Resource<Context> r = registry.resource(t);
        if (r == null) {
            throw Status.INVALID_ARGUMENT.withDescription("unknown resource type " + t + "; this provider has "
                    + registry.resourceTokens()).asRuntimeException();
        }
        return r;
    }

    static String typeFromUrn(String urn) {
        String[] parts = urn.split("::");
        if (parts.length < 4) return urn;
        String t = parts[2];
        int i = t.lastIndexOf('$');
        return i < 0 ? t : t.substring(i + 1);
    }

    /** Outputs (secret properties are marked by their declarations), and every output whose input was secret marked secret. */
    private Struct outputs(Resource<Context> r, Map<String, Object> inputs, Map<String, Object> outputs) {
        return PropertyCodec.encode(PropertyCodec.markSecret(outputs, PropertyCodec.secretKeys(inputs)));
    }

    private static Map<String, Object> keepSecrets(Map<String, Object> from, Map<String, Object> to) {
        return PropertyCodec.markSecret(to, PropertyCodec.secretKeys(from));
    }

    private static CheckResponse checkResponse(Map<String, Object> inputs, List<CheckFailure> failures) {
        CheckResponse.Builder b = CheckResponse.newBuilder().setInputs(PropertyCodec.encode(inputs));
        for (CheckFailure f : failures) {
            b.addFailures(pulumirpc.Provider.CheckFailure.newBuilder().setProperty(f.property()).setReason(f.reason()));
        }
        return b.build();
    }

    private static DiffResponse diffResponse(DiffResult d) {
        DiffResponse.Builder b = DiffResponse.newBuilder()
                .setChanges(d.hasChanges() ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE)
                .setHasDetailedDiff(true)
                .setDeleteBeforeReplace(d.deleteBeforeReplace());
        // detailedDiff takes property paths (replica.host); diffs and replaces take top-level keys (replica)
        java.util.Set<String> diffs = new java.util.LinkedHashSet<>();
        d.detailed().forEach((k, kind) -> {
            diffs.add(topLevel(k));
            b.putDetailedDiff(k, PropertyDiff.newBuilder().setKind(PropertyDiff.Kind.valueOf(kind.name()))
                    .setInputDiff(true).build());
        });
        b.addAllDiffs(diffs);
        b.addAllReplaces(new java.util.LinkedHashSet<>(d.replaces().stream().map(ProviderService::topLevel).toList()));
        return b.build();
    }

    static String topLevel(String path) {
        int i = path.indexOf('.');
        int j = path.indexOf('[');
        int cut = i < 0 ? j : j < 0 ? i : Math.min(i, j);
        return cut < 0 ? path : path.substring(0, cut);
    }

    /** Config values may arrive as JSON strings (the older `variables` form); objects are parsed. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> normalizeConfig(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        for (String k : List.of("source", "replica")) {
            Object v = out.get(k);
            boolean secret = v instanceof Secret;
            Object plain = Secret.unwrap(v);
            Map<String, Object> conn;
            boolean keepOuterSecret = false;
            if (plain instanceof String s && s.trim().startsWith("{")) {
                keepOuterSecret = secret; // a secret JSON string stays secret as a whole
                try {
                    conn = new LinkedHashMap<>(JSON.readValue(s, Map.class));
                } catch (java.io.IOException e) {
                    throw new ProviderException.InvalidInput(k, "is not a valid Connection object");
                }
            } else if (plain instanceof Map<?, ?> mm && secret) {
                // a whole-object secret is unwrapped so its fields can be read; the password stays secret
                conn = new LinkedHashMap<>((Map<String, Object>) mm);
            } else {
                continue;
            }
            Object pw = conn.get("password");
            if (pw != null && !(pw instanceof Secret)) conn.put("password", new Secret(pw));
            out.put(k, keepOuterSecret ? new Secret(conn) : conn);
        }
        return out;
    }

    private <T> void reply(StreamObserver<T> out, String op, Map<String, Object> inputs, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (Throwable t) {
            out.onError(ErrorMapper.toStatus(t, op, inputs));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }
}
