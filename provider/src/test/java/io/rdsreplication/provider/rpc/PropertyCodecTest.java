package io.rdsreplication.provider.rpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PropertyCodecTest {
    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value obj(Map<String, Value> m) {
        return Value.newBuilder().setStructValue(Struct.newBuilder().putAllFields(m)).build();
    }

    @Test
    void plainValuesRoundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "text with 'quotes' and \\ and 🐬");
        m.put("n", 3306.0);
        m.put("b", true);
        m.put("l", List.of("a", "b"));
        m.put("o", Map.of("k", "v"));
        m.put("z", null);
        assertEquals(m, PropertyCodec.decode(PropertyCodec.encode(m)));
    }

    @Test
    void secretsRoundTripAndAreNeverPrinted() {
        Map<String, Object> m = Map.of("password", new Secret("hunter2"), "nested", Map.of("password", new Secret("p2")));
        Struct s = PropertyCodec.encode(m);
        Value pw = s.getFieldsOrThrow("password");
        assertEquals(PropertyCodec.SECRET_SIG, pw.getStructValue().getFieldsOrThrow(PropertyCodec.SIG).getStringValue());
        Map<String, Object> back = PropertyCodec.decode(s);
        assertEquals(new Secret("hunter2"), back.get("password"));
        assertEquals("***", back.get("password").toString());
        assertFalse(back.toString().contains("hunter2"));
        assertFalse(back.toString().contains("p2"));
    }

    @Test
    void allSevenUnknownSentinelsDecodeAsUnknown() {
        assertEquals(7, PropertyCodec.UNKNOWNS.size());
        for (String u : PropertyCodec.UNKNOWNS) {
            assertEquals(Unknown.VALUE, PropertyCodec.decode(str(u)), u);
        }
        assertEquals(PropertyCodec.UNKNOWN_STRING, PropertyCodec.encode(Unknown.VALUE).getStringValue());
    }

    @Test
    void secretUnknownStaysSecretAndUnknown() {
        Object o = PropertyCodec.decode(obj(Map.of(PropertyCodec.SIG, str(PropertyCodec.SECRET_SIG),
                "value", str("04da6b54-80e4-46f7-96ec-b56ff0331ba9"))));
        assertInstanceOf(Secret.class, o);
        assertEquals(Unknown.VALUE, ((Secret) o).value());
    }

    @Test
    void resourceReferenceDecodesToItsId() {
        Object o = PropertyCodec.decode(obj(Map.of(PropertyCodec.SIG, str(PropertyCodec.RESOURCE_REF_SIG),
                "urn", str("urn:pulumi:s::p::rdsreplication:index:ExternalMaster::em"), "id", str("127.0.0.1:3306/ab"))));
        assertEquals("127.0.0.1:3306/ab", o);
        Object noId = PropertyCodec.decode(obj(Map.of(PropertyCodec.SIG, str(PropertyCodec.RESOURCE_REF_SIG),
                "urn", str("urn:x"))));
        assertEquals("urn:x", noId);
    }

    @Test
    void outputValuesDecodeToValueUnknownOrSecret() {
        assertEquals("v", PropertyCodec.decode(obj(Map.of(PropertyCodec.SIG, str(PropertyCodec.OUTPUT_SIG), "value", str("v")))));
        assertEquals(Unknown.VALUE, PropertyCodec.decode(obj(Map.of(PropertyCodec.SIG, str(PropertyCodec.OUTPUT_SIG)))));
        Object s = PropertyCodec.decode(obj(Map.of(PropertyCodec.SIG, str(PropertyCodec.OUTPUT_SIG), "value", str("v"),
                "secret", Value.newBuilder().setBoolValue(true).build())));
        assertEquals(new Secret("v"), s);
    }

    @Test
    void markSecretWrapsOnlyNamedPresentKeys() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("password", "x");
        m.put("user", "u");
        Map<String, Object> out = PropertyCodec.markSecret(m, Set.of("password", "absent"));
        assertInstanceOf(Secret.class, out.get("password"));
        assertEquals("u", out.get("user"));
        assertFalse(out.containsKey("absent"));
        assertTrue(PropertyCodec.secretKeys(out).contains("password"));
    }
}
