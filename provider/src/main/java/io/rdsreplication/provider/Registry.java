package io.rdsreplication.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdsreplication.provider.core.Function;
import io.rdsreplication.provider.core.Resource;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The resources and functions this provider serves, and which of their properties the schema marks secret. */
public final class Registry {
    private final Map<String, Resource> resources = new TreeMap<>();
    private final Map<String, Function> functions = new TreeMap<>();
    private final byte[] schema;
    private Map<String, Set<String>> secretKeys;

    public Registry(byte[] schema, Collection<Resource> rs, Collection<Function> fs) {
        for (Resource r : rs) resources.put(r.token(), r);
        for (Function f : fs) functions.put(f.token(), f);
        this.schema = schema;
    }

    /** Secret properties per resource token, read from the schema on first use (keeps the plugin's start short). */
    private synchronized Map<String, Set<String>> secretKeyMap() {
        if (secretKeys != null) return secretKeys;
        Map<String, Set<String>> out = new HashMap<>();
        try {
            JsonNode root = new ObjectMapper().readTree(schema);
            JsonNode res = root.path("resources");
            for (Iterator<String> it = res.fieldNames(); it.hasNext(); ) {
                String tok = it.next();
                Set<String> keys = new HashSet<>();
                for (String part : List.of("properties", "inputProperties")) {
                    res.path(tok).path(part).fields().forEachRemaining(e -> {
                        if (e.getValue().path("secret").asBoolean(false)) keys.add(e.getKey());
                    });
                }
                out.put(tok, keys);
            }
        } catch (IOException e) {
            throw new IllegalStateException("schema.json is not valid JSON", e);
        }
        secretKeys = out;
        return out;
    }

    public Resource resource(String token) {
        return resources.get(token);
    }

    public Function function(String token) {
        return functions.get(token);
    }

    public Set<String> resourceTokens() {
        return resources.keySet();
    }

    public Set<String> functionTokens() {
        return functions.keySet();
    }

    public Set<String> secretKeys(String token) {
        return secretKeyMap().getOrDefault(token, Set.of());
    }
}
