package io.rdsreplication.provider.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A decoded record and what the plain values said beyond it: which properties were given, which are not known
 * yet (their value is null in the record), which were secret, and every type error. Paths are the schema's
 * ({@code source.port}); properties are named by accessor ({@code Args::port}).
 */
public final class Decoded<T> {
    private final T value;
    private final String prefix;
    private final Builder facts;

    Decoded(T value, String prefix, Builder facts) {
        this.value = value;
        this.prefix = prefix;
        this.facts = facts;
    }

    /** The record; a property that is absent, not known yet or of the wrong type is null (or its default). */
    public T value() {
        return value;
    }

    public String path(Getter<T, ?> g) {
        return prefix + g.property();
    }

    /** Not known yet (during preview), or anything inside it; also a value set aside for its type error. */
    public boolean unknown(Getter<T, ?> g) {
        String p = path(g);
        if (facts.unknown.contains(p)) return true;
        for (String u : facts.unknown) if (u.startsWith(p + ".")) return true;
        return false;
    }

    /** Given by the user (known or not); a default is not given. */
    public boolean given(Getter<T, ?> g) {
        return facts.present.contains(path(g));
    }

    /** Given and known. */
    public boolean known(Getter<T, ?> g) {
        return given(g) && !unknown(g);
    }

    public boolean secret(Getter<T, ?> g) {
        return facts.secret.contains(path(g));
    }

    /** An object property, with the facts of its own properties. */
    public <C> Decoded<C> nested(Getter<T, C> g) {
        return new Decoded<>(value == null ? null : g.apply(value), path(g) + ".", facts);
    }

    /** A state record's inputs (at the same level as its outputs). */
    public <C> Decoded<C> inputs(Getter<T, C> g) {
        return new Decoded<>(value == null ? null : g.apply(value), prefix, facts);
    }

    /** Every type error, each naming its property by path. */
    public List<CheckFailure> failures() {
        return facts.failures;
    }

    boolean unknownPath(String path) {
        if (facts.unknown.contains(path)) return true;
        for (String u : facts.unknown) if (u.startsWith(path + ".")) return true;
        return false;
    }

    /** Every path not known yet (or set aside for its type error). */
    java.util.Set<String> unknownPaths() {
        return new java.util.TreeSet<>(facts.unknown);
    }

    /** This very value is not known (or set aside), not merely something inside it. */
    boolean unknownItself(String path) {
        return facts.unknown.contains(path);
    }

    boolean givenPath(String path) {
        return facts.present.contains(path);
    }

    String prefix() {
        return prefix;
    }

    Builder facts() {
        return facts;
    }

    static final class Builder {
        final Set<String> unknown = new HashSet<>();
        final Set<String> present = new HashSet<>();
        final Set<String> secret = new HashSet<>();
        final List<CheckFailure> failures = new ArrayList<>();

        <T> Decoded<T> build(T v, String prefix) {
            return new Decoded<>(v, prefix, this);
        }
    }
}
