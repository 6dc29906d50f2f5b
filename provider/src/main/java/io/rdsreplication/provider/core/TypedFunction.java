package io.rdsreplication.provider.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A function declared by two records: its arguments {@code A} and its result {@code R}. Bad arguments are
 * refused with every failure named, before {@link #call} runs.
 */
public abstract class TypedFunction<C, A, R> implements Function<C> {
    private final Class<A> args;
    private final Class<R> result;

    protected TypedFunction(Class<A> args, Class<R> result) {
        this.args = args;
        this.result = result;
    }

    public SchemaType declaration() {
        return getClass().getAnnotation(SchemaType.class);
    }

    @Override
    public String token() {
        return declaration().token();
    }

    public Class<A> argsType() {
        return args;
    }

    public Class<R> resultType() {
        return result;
    }

    /** Extra checks of the arguments (their types, required and bounds are checked already). */
    protected void check(Check<A> c) {
    }

    protected abstract R call(C ctx, A args);

    @Override
    public Map<String, Object> invoke(C ctx, Props raw) {
        Decoded<A> d = Shape.of(args).decode(raw.asMap());
        Check<A> c = new Check<>(d, null);
        c.generic();
        check(c);
        List<CheckFailure> failures = new ArrayList<>(c.failures());
        // a function runs now: a value that is not known yet cannot be used (type errors are named already)
        for (String path : d.unknownPaths()) {
            if (failures.stream().noneMatch(f -> f.property().equals(path))) {
                failures.add(new CheckFailure(path, "is not known yet; a function needs known arguments"));
            }
        }
        if (!failures.isEmpty()) throw new ProviderException.InvalidInput(failures);
        return Shape.of(result).encode(call(ctx, c.news()));
    }
}
