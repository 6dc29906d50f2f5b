package io.rdsreplication.provider.core;

import java.util.Locale;
import java.util.Objects;

/**
 * What a resource's diff sees: the stored state and the new inputs, both decoded, and the changes found so far by
 * the generic comparison (every input not marked {@link Prop#customDiff}, replacing where {@link Prop#replaces}
 * or a connection's {@link Prop#identity} says so). The resource adds or removes changes by accessor.
 */
public final class Changes<A, S> {
    private final Decoded<S> olds;
    private final Decoded<A> oldInputs;
    private final Decoded<A> news;
    private final DiffResult.Builder builder;

    Changes(Decoded<S> olds, Decoded<A> oldInputs, Decoded<A> news, DiffResult.Builder builder) {
        this.olds = olds;
        this.oldInputs = oldInputs;
        this.news = news;
        this.builder = builder;
    }

    public S olds() {
        return olds.value();
    }

    /** The stored state's inputs. */
    public A oldInputs() {
        return oldInputs.value();
    }

    public A news() {
        return news.value();
    }

    public Decoded<S> decodedOlds() {
        return olds;
    }

    public Decoded<A> decodedOldInputs() {
        return oldInputs;
    }

    public Decoded<A> decodedNews() {
        return news;
    }

    /** The new value is not known yet (or holds something not known yet). */
    public boolean unknown(Getter<A, ?> g) {
        return news.unknown(g);
    }

    /** Old and new values of an input differ (numbers by value, absent as its default); unknown counts as a change. */
    public boolean changed(Getter<A, ?> g) {
        return news.unknown(g) || !Objects.equals(g.apply(oldInputs.value()), g.apply(news.value()));
    }

    /** A change of {@code g}: an addition, a removal or an update, replacing or not. */
    public void put(Getter<A, ?> g, boolean replace) {
        builder.put(news.path(g), kind(g.apply(oldInputs.value()) != null || oldInputs.given(g),
                g.apply(news.value()) != null || news.given(g), replace));
    }

    public void put(Getter<A, ?> g, DiffResult.Kind kind) {
        builder.put(news.path(g), kind);
    }

    /** A change found in an output (drift the update repairs, such as a revoked grant). */
    public void putOutput(Getter<S, ?> g, DiffResult.Kind kind) {
        builder.put(olds.path(g), kind);
    }

    public void remove(Getter<A, ?> g) {
        builder.remove(news.path(g));
    }

    static DiffResult.Kind kind(boolean had, boolean has, boolean replace) {
        if (!had) return replace ? DiffResult.Kind.ADD_REPLACE : DiffResult.Kind.ADD;
        if (!has) return replace ? DiffResult.Kind.DELETE_REPLACE : DiffResult.Kind.DELETE;
        return replace ? DiffResult.Kind.UPDATE_REPLACE : DiffResult.Kind.UPDATE;
    }

    /** Identity values compare as a server names them: host names without case or surrounding space. */
    static boolean sameIdentity(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return x.trim().toLowerCase(Locale.ROOT).equals(y.trim().toLowerCase(Locale.ROOT));
        }
        return Objects.equals(a, b);
    }
}
