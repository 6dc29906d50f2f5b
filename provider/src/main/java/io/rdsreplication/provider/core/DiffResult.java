package io.rdsreplication.provider.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What Diff found: per property, whether it changes in place or replaces the resource. */
public record DiffResult(Map<String, Kind> detailed, boolean deleteBeforeReplace) {
    public enum Kind { ADD, ADD_REPLACE, DELETE, DELETE_REPLACE, UPDATE, UPDATE_REPLACE }

    public boolean hasChanges() {
        return !detailed.isEmpty();
    }

    public List<String> replaces() {
        List<String> out = new ArrayList<>();
        detailed.forEach((k, v) -> {
            if (v == Kind.ADD_REPLACE || v == Kind.DELETE_REPLACE || v == Kind.UPDATE_REPLACE) out.add(k);
        });
        return out;
    }

    /**
     * Compares {@code keys} of the old state and the new inputs. A key in {@code replaceKeys} replaces; an
     * unknown new value counts as a change.
     */
    public static Builder compare(Props olds, Props news, Collection<String> keys, Set<String> replaceKeys) {
        Builder b = new Builder();
        for (String k : keys) {
            Object o = Secret.unwrap(olds.raw(k));
            Object n = Secret.unwrap(news.raw(k));
            if (equalValues(o, n) && !news.containsUnknown(k)) continue;
            boolean replace = replaceKeys.contains(k);
            Kind kind;
            if (o == null) kind = replace ? Kind.ADD_REPLACE : Kind.ADD;
            else if (n == null) kind = replace ? Kind.DELETE_REPLACE : Kind.DELETE;
            else kind = replace ? Kind.UPDATE_REPLACE : Kind.UPDATE;
            b.put(k, kind);
        }
        return b;
    }

    /** Numbers compare by value (the engine sends 3306 as 3306.0). */
    public static boolean equalValues(Object a, Object b) {
        a = Secret.unwrap(a);
        b = Secret.unwrap(b);
        if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) return false;
            for (Object k : x.keySet()) if (!equalValues(x.get(k), y.get(k))) return false;
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!equalValues(x.get(i), y.get(i))) return false;
            return true;
        }
        return Objects.equals(a, b);
    }

    public static final class Builder {
        private final Map<String, Kind> detailed = new LinkedHashMap<>();
        private boolean deleteBeforeReplace;

        public Builder put(String key, Kind kind) {
            detailed.put(key, kind);
            return this;
        }

        public Builder remove(String key) {
            detailed.remove(key);
            return this;
        }

        public Builder deleteBeforeReplace(boolean v) {
            deleteBeforeReplace = v;
            return this;
        }

        public DiffResult build() {
            return new DiffResult(Map.copyOf(detailed), deleteBeforeReplace && detailed.values().stream()
                    .anyMatch(k -> k == Kind.ADD_REPLACE || k == Kind.DELETE_REPLACE || k == Kind.UPDATE_REPLACE));
        }
    }
}
