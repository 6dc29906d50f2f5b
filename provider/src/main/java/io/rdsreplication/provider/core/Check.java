package io.rdsreplication.provider.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a resource's check sees and says: the new inputs (decoded; a value not known yet is null and
 * {@link #unknown} says so), the old ones, and the failures and warnings it adds. Types, required properties and
 * numeric bounds are checked generically before the resource's own rules run.
 */
public final class Check<A> {
    private final Decoded<A> news;
    private final Decoded<A> olds;
    private A value;
    private final List<CheckFailure> failures = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Decodes {@code news} and runs the generic checks. */
    public static <A> Check<A> of(Class<A> type, java.util.Map<String, Object> news) {
        Check<A> c = new Check<>(Shape.of(type).decode(news), null);
        c.generic();
        return c;
    }

    Check(Decoded<A> news, Decoded<A> olds) {
        this.news = news;
        this.olds = olds;
        this.value = news.value();
        failures.addAll(news.failures());
    }

    /** The new inputs, with what the check has set so far. */
    public A news() {
        return value;
    }

    /** The inputs of the previous Check (the state's inputs); null on create. */
    public A olds() {
        return olds == null ? null : olds.value();
    }

    public Decoded<A> decoded() {
        return news;
    }

    public Decoded<A> decodedOlds() {
        return olds;
    }

    public boolean unknown(Getter<A, ?> g) {
        return news.unknown(g);
    }

    public boolean given(Getter<A, ?> g) {
        return news.given(g);
    }

    public boolean known(Getter<A, ?> g) {
        return news.known(g);
    }

    /** Whether the previous inputs gave {@code g}. */
    public boolean givenBefore(Getter<A, ?> g) {
        return olds != null && olds.given(g);
    }

    public void fail(Getter<A, ?> g, String reason) {
        add(news.path(g), reason);
    }

    /** A value set aside for its type error gets no other failure: the type error says what to fix. */
    private void add(String path, String reason) {
        if (news.failures().stream().noneMatch(f -> f.property().equals(path))) failures.add(new CheckFailure(path, reason));
    }

    /** A failure of a property inside an object property ({@code source.host}). */
    public <C> void fail(Getter<A, C> outer, Getter<C, ?> inner, String reason) {
        add(news.nested(outer).path(inner), reason);
    }

    /** A failure of one entry of a map property ({@code tags.team}). */
    public void failEntry(Getter<A, ? extends java.util.Map<String, ?>> g, String key, String reason) {
        add(news.path(g) + "." + key, reason);
    }

    /** Failures of a domain validator, which names properties by the same paths as the schema. */
    public void addAll(List<CheckFailure> domain) {
        for (CheckFailure f : domain) add(f.property(), f.reason());
    }

    /** Whether a failure names {@code g} already (a type error, or an earlier rule). */
    public boolean failed(Getter<A, ?> g) {
        String p = news.path(g);
        return failures.stream().anyMatch(f -> f.property().equals(p));
    }

    public void warn(String message) {
        warnings.add(message);
    }

    /** Sets an input (a generated value, a normalised one); it is part of the inputs Check returns. */
    public <V> void set(Getter<A, V> g, V v) {
        @SuppressWarnings("unchecked") Shape<A> s = (Shape<A>) Shape.of(value.getClass());
        value = s.with(value, g.property(), v);
    }

    public List<CheckFailure> failures() {
        return failures;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Required properties and bounds, of the record and of each object property given. */
    void generic() {
        generic(Shape.of(typeOf()), value, news.prefix());
    }

    @SuppressWarnings("unchecked")
    private Class<A> typeOf() {
        return (Class<A>) value.getClass();
    }

    private <X> void generic(Shape<X> shape, Object rec, String prefix) {
        for (Shape.Field f : shape.fields()) {
            if (f.kind() == Shape.Kind.INPUTS) continue;
            String path = prefix + f.name();
            if (news.unknownItself(path)) continue;
            @SuppressWarnings("unchecked") Object v = rec == null ? null : shape.get((X) rec, f.name());
            if (f.prop().required() && (v == null || v instanceof String s && s.isEmpty()) && !hasFailure(path)) {
                failures.add(new CheckFailure(path, "is required" + f.prop().hint()));
                continue;
            }
            if (v instanceof Number n && (f.prop().min() != Long.MIN_VALUE || f.prop().max() != Long.MAX_VALUE)) {
                long l = n.longValue();
                if (l < f.prop().min() || l > f.prop().max()) {
                    failures.add(new CheckFailure(path, "must be between " + f.prop().min() + " and " + f.prop().max()
                            + (f.prop().unit().isEmpty() ? "" : " " + f.prop().unit()) + ", got " + l));
                }
            }
            if (f.kind() == Shape.Kind.OBJECT && v != null) generic(f.nested(), v, path + ".");
        }
    }

    private boolean hasFailure(String path) {
        return failures.stream().anyMatch(f -> f.property().equals(path));
    }
}
