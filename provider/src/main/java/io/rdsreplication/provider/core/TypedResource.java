package io.rdsreplication.provider.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A resource declared by two records: its inputs {@code A} and its state {@code S} (the inputs, as an
 * {@link Inputs} component, plus the outputs). Everything generic happens here, from the declarations: decoding
 * with every type error collected, unknown values skipped by Check, required properties and bounds, defaults,
 * secrets, the comparison of Diff (replacing where declared, a connection's identity replacing, its
 * credentials not), and unknown outputs in previews. The resource writes only its own rules and operations.
 */
public abstract class TypedResource<C, A, S> implements Resource<C> {
    private final Class<A> argsType;
    private final Class<S> stateType;
    private final boolean deleteBeforeReplace;

    protected TypedResource(Class<A> argsType, Class<S> stateType, boolean deleteBeforeReplace) {
        this.argsType = argsType;
        this.stateType = stateType;
        this.deleteBeforeReplace = deleteBeforeReplace;
        if (Shape.of(stateType).inputsField() == null || Shape.of(stateType).inputsField().type() != argsType) {
            throw new IllegalArgumentException(stateType.getSimpleName() + " must begin with an @Inputs " + argsType.getSimpleName());
        }
    }

    public SchemaType declaration() {
        return getClass().getAnnotation(SchemaType.class);
    }

    @Override
    public String token() {
        return declaration().token();
    }

    public Class<A> argsType() {
        return argsType;
    }

    public Class<S> stateType() {
        return stateType;
    }

    public boolean deleteBeforeReplace() {
        return deleteBeforeReplace;
    }

    // ---- what a resource writes ----

    /** The resource's own rules (types, required properties and bounds are checked already). */
    protected void check(Check<A> c) {
    }

    /** The resource's own changes, after the generic comparison. */
    protected void diff(Changes<A, S> d) {
    }

    protected abstract Created<S> create(C ctx, A inputs, boolean preview);

    /** The object as it is now, or null when it is gone. {@code inputs} is null and the state empty on import. */
    protected abstract S read(C ctx, String id, S state, A inputs);

    /** The inputs a read reports to the engine ({@code given}: the program's, null on import); by default the state's. */
    protected A refreshedInputs(S now, A given) {
        return inputsOf(now);
    }

    protected abstract S update(C ctx, String id, S olds, A news, boolean preview);

    protected abstract void delete(C ctx, String id, S state);

    /** A create's answer; outputs left null are unknown in a preview. */
    public record Created<S>(String id, S state) {
    }

    /** A create that failed after making the object: Pulumi keeps {@code state} and the next up finishes it. */
    protected ProviderException.ResourceInitFailed initFailed(String id, S state, String reason, Throwable cause) {
        return new ProviderException.ResourceInitFailed(id, Shape.of(stateType).encode(state), reason, cause);
    }

    /** The inputs inside a state record. */
    @SuppressWarnings("unchecked")
    protected A inputsOf(S state) {
        return state == null ? null : (A) Shape.of(stateType).get(state, Shape.of(stateType).inputsField().name());
    }

    // ---- the protocol ----

    @Override
    public CheckResult check(Props olds, Props news) {
        Shape<A> shape = Shape.of(argsType);
        Decoded<A> n = shape.decode(news.asMap());
        Decoded<A> o = olds.asMap().isEmpty() ? null : shape.decode(olds.asMap());
        Check<A> c = new Check<>(n, o);
        c.generic();
        check(c);
        Map<String, Object> inputs = new LinkedHashMap<>(news.asMap());
        for (Shape.Field f : shape.fields()) { // a declared secret is secret from the first moment, known or not
            Object v = inputs.get(f.name());
            if (f.secret() && v != null && !(v instanceof Secret)) inputs.put(f.name(), new Secret(v));
        }
        A before = n.value();
        A after = c.news();
        for (Shape.Field f : shape.fields()) {
            Object b = shape.get(before, f.name());
            Object a = shape.get(after, f.name());
            boolean defaulted = a != null && Secret.unwrap(news.raw(f.name())) == null && !f.prop().defaultValue().isEmpty();
            if (!Objects.equals(a, b) || defaulted) {
                if (a == null) inputs.remove(f.name());
                else {
                    Object e = shape.encodeValue(f, a);
                    inputs.put(f.name(), f.secret() || news.raw(f.name()) instanceof Secret ? new Secret(e) : e);
                }
            }
        }
        return new CheckResult(inputs, c.failures(), c.warnings());
    }

    @Override
    public DiffResult diff(String id, Props olds, Props news) {
        Shape<A> shape = Shape.of(argsType);
        Decoded<S> o = Shape.of(stateType).decode(olds.asMap());
        Decoded<A> oi = new Decoded<>(inputsOf(o.value()), "", o.facts());
        Decoded<A> n = shape.decode(news.asMap());
        DiffResult.Builder b = new DiffResult.Builder();
        for (Shape.Field f : shape.fields()) {
            if (f.prop().customDiff()) continue;
            if (f.kind() == Shape.Kind.OBJECT && f.nested().fields().stream().anyMatch(Shape.Field::identity)) {
                objectWithIdentity(b, f, shape, oi, n);
                continue;
            }
            Object ov = shape.encodeValue(f, shape.get(oi.value(), f.name()));
            Object nv = shape.encodeValue(f, shape.get(n.value(), f.name()));
            boolean unknown = n.unknownPath(f.name());
            if (!unknown && DiffResult.equalValues(ov, nv)) continue;
            b.put(f.name(), Changes.kind(ov != null || oi.givenPath(f.name()), nv != null || unknown, f.replaces()));
        }
        diff(new Changes<>(o, oi, n, b));
        return b.deleteBeforeReplace(deleteBeforeReplace).build();
    }

    /**
     * An object that names a server (a connection): another server (a change of an identity property, or the
     * whole object not known yet) replaces; its other properties (credentials, TLS, timeouts) change in place.
     * Given on one side only (the provider's default on the other), it is an in-place change: which server the
     * default names is not known here.
     */
    private void objectWithIdentity(DiffResult.Builder b, Shape.Field f, Shape<A> shape, Decoded<A> oi, Decoded<A> n) {
        Object ov = shape.get(oi.value(), f.name());
        Object nv = shape.get(n.value(), f.name());
        if (nv == null && n.unknownPath(f.name())) {
            b.put(f.name(), DiffResult.Kind.UPDATE_REPLACE); // the server it names may change
            return;
        }
        if (ov == null && nv == null) return;
        if (ov == null || nv == null) {
            b.put(f.name(), ov == null ? DiffResult.Kind.ADD : DiffResult.Kind.DELETE);
            return;
        }
        @SuppressWarnings("unchecked") Shape<Object> inner = (Shape<Object>) f.nested();
        for (Shape.Field g : inner.fields()) {
            String path = f.name() + "." + g.name();
            Object x = inner.encodeValue(g, inner.get(ov, g.name()));
            Object y = inner.encodeValue(g, inner.get(nv, g.name()));
            boolean unknown = n.unknownPath(path);
            if (g.identity()) {
                if (unknown || !Changes.sameIdentity(x, y)) b.put(path, DiffResult.Kind.UPDATE_REPLACE);
            } else if (unknown || !DiffResult.equalValues(x, y)) {
                b.put(path, Changes.kind(x != null, y != null || unknown, false));
            }
        }
    }

    @Override
    public CreateResult create(C ctx, Props inputs, boolean preview) {
        Decoded<A> in = Shape.of(argsType).decode(inputs.asMap());
        Created<S> r = create(ctx, in.value(), preview);
        return new CreateResult(r.id(), withUnknownInputs(Shape.of(stateType).encode(r.state(), preview), inputs, in));
    }

    @Override
    public ReadResult read(C ctx, String id, Props state, Props inputs) {
        S st = Shape.of(stateType).decode(state.asMap()).value();
        A in = inputs.asMap().isEmpty() ? null : Shape.of(argsType).decode(inputs.asMap()).value();
        S now = read(ctx, id, st, in);
        if (now == null) return ReadResult.gone();
        return new ReadResult(id, Shape.of(stateType).encode(now), Shape.of(argsType).encode(refreshedInputs(now, in)));
    }

    @Override
    public Map<String, Object> update(C ctx, String id, Props olds, Props news, boolean preview) {
        S o = Shape.of(stateType).decode(olds.asMap()).value();
        Decoded<A> n = Shape.of(argsType).decode(news.asMap());
        S r = update(ctx, id, o, n.value(), preview);
        return withUnknownInputs(Shape.of(stateType).encode(r, preview), news, n);
    }

    @Override
    public void delete(C ctx, String id, Props state) {
        delete(ctx, id, Shape.of(stateType).decode(state.asMap()).value());
    }

    /** In a preview, an input not known yet stays unknown in the outputs (its decoded value is null). */
    private Map<String, Object> withUnknownInputs(Map<String, Object> out, Props raw, Decoded<A> in) {
        for (Shape.Field f : Shape.of(argsType).fields()) {
            Object v = raw.raw(f.name());
            if (in.unknownPath(f.name()) && v != null) out.put(f.name(), f.secret() && !(v instanceof Secret) ? new Secret(v) : v);
        }
        return out;
    }
}
