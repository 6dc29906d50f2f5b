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

    /**
     * True when the value is not known yet: the unknown sentinel itself, or a list with an unknown element (a
     * list is validated as a whole, so one unknown element makes the whole list unknown to Check). Objects and
     * maps are not: their known parts are still checked, and their accessors skip the unknown parts.
     */
    public boolean isUnknown(String key) {
        Object v = Secret.unwrap(values.get(key));
        return v == Unknown.VALUE || v instanceof List<?> l && l.stream().anyMatch(Props::containsUnknown);
    }

    /** Present and known (neither absent, null nor unknown): its typed accessor returns a value. */
    public boolean known(String key) {
        return has(key) && !isUnknown(key);
    }

    /**
     * A copy in which the value at {@code path} (as {@link #name} spells it, e.g. {@code source.port} or
     * {@code tags.team}) is unknown. Check uses it to set aside a value of the wrong type and go on checking
     * the rest, as it skips any unknown value.
     */
    @SuppressWarnings("unchecked")
    public Props withUnknown(String path) {
        String prefix = this.path.isEmpty() ? "" : this.path + ".";
        String rel = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        Map<String, Object> copy = new LinkedHashMap<>(values);
        if (copy.containsKey(rel)) {
            copy.put(rel, Unknown.VALUE);
            return new Props(copy, this.path);
        }
        for (int i = rel.indexOf('.'); i > 0; i = rel.indexOf('.', i + 1)) {
            String head = rel.substring(0, i);
            if (Secret.unwrap(copy.get(head)) instanceof Map<?, ?> m) {
                Props inner = new Props((Map<String, Object>) m, name(head)).withUnknown(name(rel));
                copy.put(head, inner.values);
                return new Props(copy, this.path);
            }
        }
        int dot = rel.indexOf('.');
        copy.put(dot > 0 ? rel.substring(0, dot) : rel, Unknown.VALUE);
        return new Props(copy, this.path);
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

    /** A list of strings; null when absent or unknown (also when any element is unknown). */
    public List<String> strings(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || isUnknown(key)) return null;
        if (!(v instanceof List<?> l)) throw new ProviderException.InvalidInput(name(key), "must be a list of strings");
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            o = Secret.unwrap(o);
            if (!(o instanceof String s)) throw new ProviderException.InvalidInput(name(key), "must be a list of strings");
            out.add(s);
        }
        return out;
    }

    /** A map of strings, entries whose value is unknown left out; null when absent or unknown. */
    public Map<String, String> stringMap(String key) {
        Object v = Secret.unwrap(values.get(key));
        if (v == null || v == Unknown.VALUE) return null;
        if (!(v instanceof Map<?, ?> m)) throw new ProviderException.InvalidInput(name(key), "must be a map of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object o = Secret.unwrap(e.getValue());
            if (o == Unknown.VALUE) continue; // not known yet: checked when it is
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

    /**
     * Runs a check that reads {@code p} through the typed accessors and returns every failure: a value of the
     * wrong type makes an accessor throw at the first read; that value is set aside as unknown (which every
     * check skips) and the check runs again, so one bad field never hides the failures of the others. Failures
     * of a set-aside property are its type failure only.
     */
    public static List<CheckFailure> collect(Props p, java.util.function.Function<Props, List<CheckFailure>> check) {
        List<CheckFailure> typeFailures = new ArrayList<>();
        java.util.Set<String> setAside = new java.util.HashSet<>();
        Props current = p;
        while (true) {
            try {
                List<CheckFailure> rest = check.apply(current);
                List<CheckFailure> all = new ArrayList<>(typeFailures);
                for (CheckFailure f : rest) {
                    if (!setAside.contains(f.property())) all.add(f);
                }
                return all;
            } catch (ProviderException.InvalidInput e) {
                boolean progress = false;
                for (CheckFailure f : e.failures()) {
                    if (setAside.add(f.property())) {
                        typeFailures.add(f);
                        current = current.withUnknown(f.property());
                        progress = true;
                    }
                }
                if (!progress) return typeFailures;
            }
        }
    }

    @Override
    public String toString() {
        return "Props" + values.keySet();
    }
}
