package io.rdsreplication.provider.rpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * google.protobuf.Struct ⇄ plain Java values (String, Double, Boolean, List, Map, {@link Secret},
 * {@link Unknown}, null). The only place that knows Pulumi's special encodings: the signature key, secrets,
 * resource references, output values, and the seven unknown sentinels.
 */
public final class PropertyCodec {
    public static final String SIG = "4dabf18193072939515e22adb298388d";
    public static final String SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
    public static final String RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
    public static final String OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
    public static final String UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    public static final Set<String> UNKNOWNS = Set.of(
            "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // bool
            "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
            UNKNOWN_STRING,                          // string / any
            "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
            "030794c1-ac77-496b-92df-f27374a8bd58", // asset
            "e48ece36-62e2-4504-bad9-02848725956a", // archive
            "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"); // object

    private PropertyCodec() {
    }

    public static Map<String, Object> decode(Struct s) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (s == null) return out;
        s.getFieldsMap().forEach((k, v) -> out.put(k, decode(v)));
        return out;
    }

    public static Object decode(Value v) {
        switch (v.getKindCase()) {
            case NULL_VALUE:
            case KIND_NOT_SET:
                return null;
            case NUMBER_VALUE:
                return v.getNumberValue();
            case BOOL_VALUE:
                return v.getBoolValue();
            case STRING_VALUE:
                return UNKNOWNS.contains(v.getStringValue()) ? Unknown.VALUE : v.getStringValue();
            case LIST_VALUE: {
                List<Object> l = new ArrayList<>();
                for (Value e : v.getListValue().getValuesList()) l.add(decode(e));
                return l;
            }
            case STRUCT_VALUE: {
                Map<String, Value> f = v.getStructValue().getFieldsMap();
                Value sig = f.get(SIG);
                if (sig != null && sig.hasStringValue()) return decodeSpecial(sig.getStringValue(), f, v);
                return decode(v.getStructValue());
            }
            default:
                return null;
        }
    }

    private static Object decodeSpecial(String sig, Map<String, Value> f, Value whole) {
        switch (sig) {
            case SECRET_SIG:
                return new Secret(decode(f.getOrDefault("value", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build())));
            case RESOURCE_REF_SIG: {
                // A reference to a custom resource is its id (unknown during preview); to a component, its URN.
                Value id = f.get("id");
                if (id != null) return decode(id);
                Value urn = f.get("urn");
                return urn == null ? null : urn.getStringValue();
            }
            case OUTPUT_SIG: {
                Value inner = f.get("value");
                Object o = inner == null ? Unknown.VALUE : decode(inner);
                Value secret = f.get("secret");
                return secret != null && secret.getBoolValue() ? new Secret(o) : o;
            }
            default:
                // assets and archives are not used by this provider: keep them as plain maps
                return decode(whole.getStructValue());
        }
    }

    public static Struct encode(Map<String, Object> m) {
        Struct.Builder b = Struct.newBuilder();
        if (m != null) m.forEach((k, v) -> b.putFields(k, encode(v)));
        return b.build();
    }

    @SuppressWarnings("unchecked")
    public static Value encode(Object o) {
        if (o == null) return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        if (o instanceof Secret s) {
            return Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields(SIG, Value.newBuilder().setStringValue(SECRET_SIG).build())
                    .putFields("value", encode(s.value()))).build();
        }
        if (o == Unknown.VALUE) return Value.newBuilder().setStringValue(UNKNOWN_STRING).build();
        if (o instanceof String s) return Value.newBuilder().setStringValue(s).build();
        if (o instanceof Boolean b) return Value.newBuilder().setBoolValue(b).build();
        if (o instanceof Number n) return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        if (o instanceof Map<?, ?> m) {
            return Value.newBuilder().setStructValue(encode((Map<String, Object>) m)).build();
        }
        if (o instanceof List<?> l) {
            ListValue.Builder lb = ListValue.newBuilder();
            for (Object e : l) lb.addValues(encode(e));
            return Value.newBuilder().setListValue(lb).build();
        }
        throw new IllegalArgumentException("cannot encode " + o.getClass().getSimpleName());
    }

    /** Marks top-level {@code keys} of {@code m} secret (idempotent); returns a new map. */
    public static Map<String, Object> markSecret(Map<String, Object> m, Set<String> keys) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        for (String k : keys) {
            Object v = out.get(k);
            if (v != null && !(v instanceof Secret)) out.put(k, new Secret(v));
        }
        return out;
    }

    /** Keys whose values are secret, at the top level. */
    public static Set<String> secretKeys(Map<String, Object> m) {
        Set<String> out = new java.util.HashSet<>();
        m.forEach((k, v) -> {
            if (v instanceof Secret) out.add(k);
        });
        return out;
    }
}
