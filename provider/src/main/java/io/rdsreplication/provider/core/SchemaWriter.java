package io.rdsreplication.provider.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Pulumi package schema, generated from the declarations: every resource's and function's records, the
 * configuration record, and the object and enum types they use. The package's own facts (name, version,
 * descriptions, language settings) come from a header. Written as JSON with two-space indentation and ASCII
 * escapes, so the committed file is stable and diffable.
 */
public final class SchemaWriter {
    private final Map<String, Object> types = new TreeMap<>();

    private SchemaWriter() {
    }

    public static String generate(Map<String, Object> header, List<? extends TypedResource<?, ?, ?>> resources,
                                  List<? extends TypedFunction<?, ?, ?>> functions, Class<?> config) {
        return Json.write(new SchemaWriter().build(header, resources, functions, config)) + "\n";
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> build(Map<String, Object> header, List<? extends TypedResource<?, ?, ?>> resources,
                                      List<? extends TypedFunction<?, ?, ?>> functions, Class<?> config) {
        Map<String, Object> out = new LinkedHashMap<>(header);
        Map<String, Object> res = new LinkedHashMap<>();
        for (TypedResource<?, ?, ?> r : resources) res.put(r.token(), resource(r));
        Map<String, Object> fns = new LinkedHashMap<>();
        for (TypedFunction<?, ?, ?> f : functions) fns.put(f.token(), function(f));
        Map<String, Object> provider = new LinkedHashMap<>((Map<String, Object>) header.getOrDefault("provider", Map.of()));
        provider.put("inputProperties", properties(Shape.of(config), false, false));
        out.put("config", Map.of("variables", properties(Shape.of(config), false, true)));
        out.put("types", types);
        out.put("provider", provider);
        out.put("resources", res);
        out.put("functions", fns);
        return out;
    }

    private Map<String, Object> resource(TypedResource<?, ?, ?> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", r.declaration().description());
        Shape<?> args = Shape.of(r.argsType());
        m.put("inputProperties", properties(args, true, false));
        m.put("requiredInputs", required(args, false));
        Shape<?> state = Shape.of(r.stateType());
        m.put("properties", properties(state, true, false));
        List<String> always = required(state, true);
        always.sort(null);
        m.put("required", always);
        return m;
    }

    private Map<String, Object> function(TypedFunction<?, ?, ?> f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", f.declaration().description());
        Shape<?> args = Shape.of(f.argsType());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("properties", properties(args, false, false));
        inputs.put("required", required(args, false));
        m.put("inputs", inputs);
        Shape<?> result = Shape.of(f.resultType());
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("properties", properties(result, false, false));
        outputs.put("required", required(result, true));
        m.put("outputs", outputs);
        return m;
    }

    /** Required inputs, or (with {@code always}) the properties every state or result holds. */
    private static List<String> required(Shape<?> shape, boolean always) {
        List<String> out = new ArrayList<>();
        for (Shape.Field f : shape.flatFields()) {
            Prop p = f.prop();
            if (p.required() || always && (p.always() || !p.defaultValue().isEmpty())) out.add(f.name());
        }
        return out;
    }

    private Map<String, Object> properties(Shape<?> shape, boolean resource, boolean config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Shape.Field f : shape.flatFields()) out.put(f.name(), property(f, resource, config));
        return out;
    }

    private Map<String, Object> property(Shape.Field f, boolean resource, boolean config) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (f.kind()) {
            case STRING -> m.put("type", "string");
            case INT, LONG -> m.put("type", "integer");
            case DOUBLE -> m.put("type", "number");
            case BOOL -> m.put("type", "boolean");
            case STRINGS -> {
                m.put("type", "array");
                m.put("items", Map.of("type", "string"));
            }
            case STRING_MAP -> {
                m.put("type", "object");
                m.put("additionalProperties", Map.of("type", "string"));
            }
            case ENUM -> m.put("$ref", "#/types/" + enumType(f.type()));
            case OBJECT -> m.put("$ref", "#/types/" + objectType(f.type(), config && f.prop().alias()));
            default -> throw new IllegalStateException();
        }
        m.put("description", f.prop().value());
        Object d = Shape.defaultJson(f);
        if (d != null) m.put("default", d);
        if (f.secret()) m.put("secret", true);
        if (resource && f.replaces()) m.put("replaceOnChanges", true);
        return m;
    }

    private String enumType(Class<?> type) {
        SchemaType t = declared(type);
        if (!types.containsKey(t.token())) {
            List<Object> values = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                Map<String, Object> v = new LinkedHashMap<>(); // Map.of's order changes from run to run
                v.put("value", ((Wire) c).wire());
                v.put("description", ((Wire) c).description());
                values.add(v);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "string");
            m.put("description", t.description());
            m.put("enum", values);
            types.put(t.token(), m);
        }
        return t.token();
    }

    private String objectType(Class<?> type, boolean alias) {
        SchemaType t = declared(type);
        String token = alias ? t.alias() : t.token();
        if (token.isEmpty()) throw new IllegalStateException(type + " has no alias");
        if (!types.containsKey(token)) {
            types.put(token, Map.of()); // placeholder: a type may refer to itself
            Shape<?> shape = Shape.of(type);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "object");
            m.put("description", alias ? t.aliasDescription() : t.description());
            m.put("properties", properties(shape, false, alias));
            m.put("required", required(shape, false));
            types.put(token, m);
        }
        return token;
    }

    private static SchemaType declared(Class<?> type) {
        SchemaType t = type.getAnnotation(SchemaType.class);
        if (t == null) throw new IllegalStateException(type + " has no @SchemaType");
        return t;
    }

    /** JSON text as Python's json.dumps(indent=2, ensure_ascii=True) writes it. */
    static final class Json {
        static String write(Object v) {
            StringBuilder sb = new StringBuilder();
            write(sb, v, 0);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object v, int depth) {
            if (v == null) sb.append("null");
            else if (v instanceof String s) string(sb, s);
            else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) sb.append(v);
            else if (v instanceof Double d) sb.append(d);
            else if (v instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    indent(sb, depth + 1);
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    write(sb, e.getValue(), depth + 1);
                    sb.append(++i < m.size() ? ",\n" : "\n");
                }
                indent(sb, depth);
                sb.append('}');
            } else if (v instanceof List<?> l) {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    indent(sb, depth + 1);
                    write(sb, l.get(i), depth + 1);
                    sb.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                indent(sb, depth);
                sb.append(']');
            } else throw new IllegalArgumentException("not JSON: " + v.getClass());
        }

        private static void indent(StringBuilder sb, int depth) {
            sb.append("  ".repeat(depth));
        }

        private static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20 || c > 0x7f) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                    }
                }
            }
            sb.append('"');
        }
    }
}
