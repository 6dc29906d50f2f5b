package io.rdsreplication.provider.core;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a record declares, read once by reflection: its properties (one per component, described by
 * {@link Prop}), how each is decoded from and encoded to the engine's plain values, and how a copy with one
 * value changed is made. The codec of every resource, function and object type.
 */
public final class Shape<T> {
    public enum Kind { STRING, INT, LONG, DOUBLE, BOOL, ENUM, STRINGS, STRING_MAP, OBJECT, INPUTS }

    /** One property: its name, kind, declaration, and for objects and enums the nested type. */
    public record Field(String name, Kind kind, Prop prop, RecordComponent component, Class<?> type) {
        public boolean secret() {
            return prop != null && prop.secret();
        }

        public boolean replaces() {
            return prop != null && prop.replaces();
        }

        public boolean identity() {
            return prop != null && prop.identity();
        }

        public Shape<?> nested() {
            return Shape.of(type);
        }

        Object get(Object rec) {
            try {
                return component.getAccessor().invoke(rec);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final Map<Class<?>, Shape<?>> CACHE = new ConcurrentHashMap<>();
    private final Class<T> type;
    private final List<Field> fields;
    private final Constructor<T> ctor;

    @SuppressWarnings("unchecked")
    public static <T> Shape<T> of(Class<T> type) {
        Shape<?> s = CACHE.get(type);
        if (s == null) {
            s = new Shape<>(type);
            CACHE.put(type, s);
        }
        return (Shape<T>) s;
    }

    private Shape(Class<T> type) {
        if (!type.isRecord()) throw new IllegalArgumentException(type + " is not a record");
        this.type = type;
        List<Field> fs = new ArrayList<>();
        RecordComponent[] rcs = type.getRecordComponents();
        for (RecordComponent rc : rcs) {
            Prop p = rc.getAnnotation(Prop.class);
            Class<?> c = rc.getType();
            if (rc.isAnnotationPresent(Inputs.class)) {
                fs.add(new Field(rc.getName(), Kind.INPUTS, null, rc, c));
                continue;
            }
            if (p == null) throw new IllegalArgumentException(type.getSimpleName() + "." + rc.getName() + " has no @Prop");
            fs.add(new Field(rc.getName(), kindOf(type, rc), p, rc, c.isEnum() || c.isRecord() ? c : elementOrSelf(rc)));
        }
        this.fields = List.copyOf(fs);
        try {
            this.ctor = type.getDeclaredConstructor(Arrays.stream(rcs).map(RecordComponent::getType).toArray(Class[]::new));
            this.ctor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> elementOrSelf(RecordComponent rc) {
        return rc.getType();
    }

    private static Kind kindOf(Class<?> owner, RecordComponent rc) {
        Class<?> c = rc.getType();
        if (c == String.class) return Kind.STRING;
        if (c == Integer.class) return Kind.INT;
        if (c == Long.class) return Kind.LONG;
        if (c == Double.class) return Kind.DOUBLE;
        if (c == Boolean.class) return Kind.BOOL;
        if (c.isEnum() && Wire.class.isAssignableFrom(c)) return Kind.ENUM;
        if (c.isRecord()) return Kind.OBJECT;
        Type g = rc.getGenericType();
        if (c == List.class && g instanceof ParameterizedType pt && pt.getActualTypeArguments()[0] == String.class) return Kind.STRINGS;
        if (c == Map.class && g instanceof ParameterizedType pt && pt.getActualTypeArguments()[1] == String.class) return Kind.STRING_MAP;
        throw new IllegalArgumentException(owner.getSimpleName() + "." + rc.getName() + ": unsupported type " + g
                + " (use String, Integer, Long, Double, Boolean, a Wire enum, a record, List<String> or Map<String,String>)");
    }

    public Class<T> type() {
        return type;
    }

    /** The declared properties, with the inputs of a state record in place (flattened). */
    public List<Field> fields() {
        return fields;
    }

    /** The properties as the wire sees them: a state record's inputs first, then its own outputs. */
    public List<Field> flatFields() {
        List<Field> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.kind() == Kind.INPUTS) out.addAll(f.nested().flatFields());
            else out.add(f);
        }
        return out;
    }

    public Field field(String name) {
        for (Field f : fields) if (f.name().equals(name)) return f;
        throw new IllegalArgumentException(type.getSimpleName() + " has no property " + name);
    }

    /** The state record's inputs component, or null. */
    public Field inputsField() {
        for (Field f : fields) if (f.kind() == Kind.INPUTS) return f;
        return null;
    }

    // ---- decode ----

    /** Decodes plain values into the record: every type error collected, unknown values null and listed. */
    public Decoded<T> decode(Map<String, Object> raw) {
        Decoded.Builder b = new Decoded.Builder();
        T v = decode(raw == null ? Map.of() : raw, "", b);
        return b.build(v, "");
    }

    @SuppressWarnings("unchecked")
    T decode(Map<String, Object> raw, String prefix, Decoded.Builder b) {
        Object[] args = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.kind() == Kind.INPUTS) {
                args[i] = f.nested().decode(raw, prefix, b);
                continue;
            }
            String path = prefix + f.name();
            Object v = raw.get(f.name());
            if (v instanceof Secret) b.secret.add(path);
            v = Secret.unwrap(v);
            if (v == null && !f.prop().defaultValue().isEmpty()) v = parseDefault(f); // a default is not "given"
            else if (v != null) b.present.add(path);
            if (v == null) continue;
            if (v == Unknown.VALUE) {
                b.unknown.add(path);
                continue;
            }
            try {
                args[i] = decodeValue(f, v, path, b);
            } catch (ProviderException.InvalidInput e) {
                b.failures.addAll(e.failures());
                b.unknown.add(path); // set aside: every check skips it
            }
        }
        return construct(args);
    }

    private Object decodeValue(Field f, Object v, String path, Decoded.Builder b) {
        switch (f.kind()) {
            case STRING:
                if (v instanceof String s) return s;
                throw new ProviderException.InvalidInput(path, "must be a string");
            case INT: {
                long l = whole(v, path);
                if (Math.abs(l) > Integer.MAX_VALUE) throw new ProviderException.InvalidInput(path, "must be a whole number, got " + v);
                return (int) l;
            }
            case LONG:
                return whole(v, path);
            case DOUBLE:
                if (v instanceof Number n) return n.doubleValue();
                throw new ProviderException.InvalidInput(path, "must be a number");
            case BOOL:
                if (v instanceof Boolean x) return x;
                if (v instanceof String s && (s.equals("true") || s.equals("false"))) return Boolean.parseBoolean(s);
                throw new ProviderException.InvalidInput(path, "must be true or false");
            case ENUM: {
                if (v instanceof String s) {
                    for (Object c : f.type().getEnumConstants()) if (((Wire) c).wire().equals(s)) return c;
                }
                throw new ProviderException.InvalidInput(path, "must be one of " + String.join(", ", wires(f.type())));
            }
            case STRINGS: {
                if (!(v instanceof List<?> l)) throw new ProviderException.InvalidInput(path, "must be a list of strings");
                List<String> out = new ArrayList<>();
                for (Object o : l) {
                    o = Secret.unwrap(o);
                    if (o == Unknown.VALUE) {
                        b.unknown.add(path); // a list is checked as a whole: one unknown element makes it unknown
                        return null;
                    }
                    if (!(o instanceof String s)) throw new ProviderException.InvalidInput(path, "must be a list of strings");
                    out.add(s);
                }
                return List.copyOf(out);
            }
            case STRING_MAP: {
                if (!(v instanceof Map<?, ?> m)) throw new ProviderException.InvalidInput(path, "must be a map of strings");
                Map<String, String> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    Object o = Secret.unwrap(e.getValue());
                    String p = path + "." + e.getKey();
                    if (o == Unknown.VALUE) {
                        b.unknown.add(p); // not known yet: checked when it is
                        continue;
                    }
                    if (!(o instanceof String s)) {
                        b.failures.add(new CheckFailure(p, "must be a string"));
                        b.unknown.add(p);
                        continue;
                    }
                    out.put(String.valueOf(e.getKey()), s);
                }
                return java.util.Collections.unmodifiableMap(out);
            }
            case OBJECT: {
                if (!(v instanceof Map<?, ?> m)) throw new ProviderException.InvalidInput(path, "must be an object");
                @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
                return f.nested().decode(mm, path + ".", b);
            }
            default:
                throw new IllegalStateException();
        }
    }

    private static long whole(Object v, String path) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > 9.007199254740992E15) {
                throw new ProviderException.InvalidInput(path, "must be a whole number, got " + n);
            }
            return (long) d;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new ProviderException.InvalidInput(path, "must be a whole number");
            }
        }
        throw new ProviderException.InvalidInput(path, "must be a whole number");
    }

    static List<String> wires(Class<?> enumType) {
        List<String> out = new ArrayList<>();
        for (Object c : enumType.getEnumConstants()) out.add(((Wire) c).wire());
        return out;
    }

    private static Object parseDefault(Field f) {
        String d = f.prop().defaultValue();
        return switch (f.kind()) {
            case STRING, ENUM -> d.startsWith("\"") ? d.substring(1, d.length() - 1) : d;
            case INT, LONG, DOUBLE -> Double.parseDouble(d);
            case BOOL -> Boolean.parseBoolean(d);
            default -> throw new IllegalStateException("no default for " + f.kind());
        };
    }

    /** The default as a JSON value for the schema. */
    static Object defaultJson(Field f) {
        String d = f.prop().defaultValue();
        if (d.isEmpty()) return null;
        return switch (f.kind()) {
            case INT, LONG -> Long.parseLong(d);
            case DOUBLE -> Double.parseDouble(d);
            case BOOL -> Boolean.parseBoolean(d);
            default -> d.startsWith("\"") ? d.substring(1, d.length() - 1) : d;
        };
    }

    T construct(Object[] args) {
        try {
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- encode ----

    /** Plain values for the engine: numbers as doubles, enums by their wire value, secret properties wrapped. */
    public Map<String, Object> encode(T value) {
        return encode(value, false);
    }

    /**
     * With {@code preview}, an output (a state property that is not an input) without a value is unknown: the
     * server decides it.
     */
    public Map<String, Object> encode(T value, boolean preview) {
        return encode(value, preview, false);
    }

    /** Inputs in a preview: only those the operation resolves when absent ({@link Prop#always}) are unknown. */
    private Map<String, Object> encode(T value, boolean preview, boolean asInputs) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (value == null) return out;
        for (Field f : fields) {
            Object v = f.get(value);
            if (f.kind() == Kind.INPUTS) {
                if (v != null) out.putAll(encodeInputs(f.type(), v, preview));
                continue;
            }
            if (v == null) {
                if (preview && (!asInputs || f.prop().always())) out.put(f.name(), f.secret() ? new Secret(Unknown.VALUE) : Unknown.VALUE);
                continue;
            }
            Object e = encodeValue(f, v);
            out.put(f.name(), f.secret() ? new Secret(e) : e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <X> Map<String, Object> encodeInputs(Class<X> type, Object v, boolean preview) {
        return Shape.of(type).encode((X) v, preview, true);
    }

    @SuppressWarnings("unchecked")
    private static <X> Map<String, Object> encodeAny(Class<X> type, Object v, boolean preview) {
        return Shape.of(type).encode((X) v, preview);
    }

    /** One property's value as the engine sees it (unwrapped). */
    public Object encodeValue(Field f, Object v) {
        if (v == null) return null;
        return switch (f.kind()) {
            case INT, LONG, DOUBLE -> ((Number) v).doubleValue();
            case ENUM -> ((Wire) v).wire();
            case OBJECT -> encodeAny(f.type(), v, false);
            case STRINGS -> new ArrayList<>((List<?>) v);
            case STRING_MAP -> new LinkedHashMap<>((Map<?, ?>) v);
            default -> v;
        };
    }

    /** The value of property {@code name} of {@code rec}. */
    public Object get(T rec, String name) {
        return rec == null ? null : field(name).get(rec);
    }

    /** A copy of {@code rec} with property {@code name} set to {@code value}. */
    public T with(T rec, String name, Object value) {
        Object[] args = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            args[i] = f.name().equals(name) ? value : rec == null ? null : f.get(rec);
        }
        return construct(args);
    }

    /** Names of properties whose values differ between two records of this shape (numbers by value). */
    public Set<String> differences(T a, T b) {
        Set<String> out = new HashSet<>();
        for (Field f : fields) {
            Object x = a == null ? null : f.get(a);
            Object y = b == null ? null : f.get(b);
            if (!java.util.Objects.equals(x, y)) out.add(f.name());
        }
        return out;
    }
}
