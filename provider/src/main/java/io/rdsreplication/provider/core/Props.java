package io.rdsreplication.provider.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded property map as the protocol delivers it (values: String, Double, Boolean, List, Map, Secret, Unknown
 * or null). Only the protocol layer reads it; resources see their typed records ({@link TypedResource}).
 */
public final class Props {
    private final Map<String, Object> values;

    public Props(Map<String, Object> values) {
        this.values = values == null ? Map.of() : values;
    }

    public static Props empty() {
        return new Props(Map.of());
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** A mutable copy. */
    public Map<String, Object> copy() {
        return new LinkedHashMap<>(values);
    }

    public boolean has(String key) {
        return Secret.unwrap(values.get(key)) != null;
    }

    public Object raw(String key) {
        return values.get(key);
    }

    /** True when this value or anything inside it is unknown. */
    public boolean containsUnknown(String key) {
        return containsUnknown(values.get(key));
    }

    private static boolean containsUnknown(Object o) {
        o = Secret.unwrap(o);
        if (o == Unknown.VALUE) return true;
        if (o instanceof Map<?, ?> m) return m.values().stream().anyMatch(Props::containsUnknown);
        if (o instanceof List<?> l) return l.stream().anyMatch(Props::containsUnknown);
        return false;
    }

    @Override
    public String toString() {
        return "Props" + values.keySet();
    }
}
