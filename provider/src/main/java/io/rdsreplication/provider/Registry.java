package io.rdsreplication.provider;

import io.rdsreplication.provider.core.Function;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.resources.Context;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The resources and functions this provider serves, by token. */
public final class Registry {
    private final Map<String, Resource<Context>> resources = new TreeMap<>();
    private final Map<String, Function<Context>> functions = new TreeMap<>();

    public Registry(Collection<? extends Resource<Context>> rs, Collection<? extends Function<Context>> fs) {
        for (Resource<Context> r : rs) resources.put(r.token(), r);
        for (Function<Context> f : fs) functions.put(f.token(), f);
    }

    public Resource<Context> resource(String token) {
        return resources.get(token);
    }

    public Function<Context> function(String token) {
        return functions.get(token);
    }

    public Set<String> resourceTokens() {
        return resources.keySet();
    }

    public Set<String> functionTokens() {
        return functions.keySet();
    }
}
