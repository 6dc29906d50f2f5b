package io.rdsreplication.provider.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, read-only access to a decoded property map. Values are String, Double, Boolean, List, Map, Secret,
 * Unknown or null. A value of the wrong type is an {@link ProviderException.InvalidInput} naming the property
 * by its full path (for example {@code source.port}).
 */
public final class Props {
    private final Map<String, Object> values;
    private final String path;

    public Props(Map<String, Object> values) {
        this(values, "");
    }

    private Props(Map<String, Object> values, String path) {
        this.values = values == null ? Map.of() : values;
        this.path = path;
    }

    public static Props empty() {
        return new Props(Map.of());
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** A mutable copy, for building outputs from inputs. */
    public Map<String, Object> copy() {
        return new LinkedHashMap<>(values);
    }

    public String name(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        return Secret.unwrap(values.get(key)) != null;
    }

    public boolean isUnknown(String key) {
        return Secret.unwrap(values.get(key)) == Unknown.VALUE;
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

    public boolean isSecret(String key) {
        return values.get(key) instanceof Secret;
    }

    public Object raw(String key) {
        return values.get(key);
    }

    public String string(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (v instanceof String s) return s;
        throw new ProviderException.InvalidInput(name(key), "must be a string");
    }

    public String string(String key, String dflt) {
        String s = string(key);
        return s == null ? dflt : s;
    }

    public Integer integer(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw new ProviderException.InvalidInput(name(key), "must be a whole number, got " + n);
            }
            return (int) d;
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new ProviderException.InvalidInput(name(key), "must be a whole number");
            }
        }
        throw new ProviderException.InvalidInput(name(key), "must be a whole number");
    }

    public Long longValue(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new ProviderException.InvalidInput(name(key), "must be a whole number, got " + n);
            }
            return (long) d;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new ProviderException.InvalidInput(name(key), "must be a whole number");
            }
        }
        throw new ProviderException.InvalidInput(name(key), "must be a whole number");
    }

    public int integer(String key, int dflt) {
        Integer i = integer(key);
        return i == null ? dflt : i;
    }

    public Boolean bool(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s && (s.equals("true") || s.equals("false"))) return Boolean.parseBoolean(s);
        throw new ProviderException.InvalidInput(name(key), "must be true or false");
    }

    public boolean bool(String key, boolean dflt) {
        Boolean b = bool(key);
        return b == null ? dflt : b;
    }

    public List<String> strings(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (!(v instanceof List<?> l)) throw new ProviderException.InvalidInput(name(key), "must be a list of strings");
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            o = Secret.unwrap(o);
            if (!(o instanceof String s)) throw new ProviderException.InvalidInput(name(key), "must be a list of strings");
            out.add(s);
        }
        return out;
    }

    public Map<String, String> stringMap(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (!(v instanceof Map<?, ?> m)) throw new ProviderException.InvalidInput(name(key), "must be a map of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object o = Secret.unwrap(e.getValue());
            if (!(o instanceof String s)) {
                throw new ProviderException.InvalidInput(name(key) + "." + e.getKey(), "must be a string");
            }
            out.put(String.valueOf(e.getKey()), s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public Props object(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (!(v instanceof Map<?, ?> m)) throw new ProviderException.InvalidInput(name(key), "must be an object");
        return new Props((Map<String, Object>) m, name(key));
    }

    @Override
    public String toString() {
        return "Props" + values.keySet();
    }
}
