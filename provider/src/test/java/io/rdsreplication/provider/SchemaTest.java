package io.rdsreplication.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdsreplication.provider.resources.Catalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaTest {
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("schema.json"))) p = p.getParent();
        return p;
    }

    /**
     * schema.json is generated from the Java declarations: the committed file must be exactly what they give.
     * {@code make schema} (or this test with -Dschema.update=true) writes it.
     */
    @Test
    void committedSchemaIsTheGeneratedOne() throws Exception {
        Path committed = root().resolve("schema.json");
        String generated = SchemaGen.generate(root().resolve("provider/src/main/schema/header.json"));
        if (Boolean.getBoolean("schema.update")) Files.writeString(committed, generated);
        assertEquals(generated, Files.readString(committed),
                "schema.json differs from what the declarations generate: run `make schema` (then `make sdk`) and commit both");
    }

    @Test
    void jarCarriesTheRepositorySchemaByteForByte() throws Exception {
        assertArrayEquals(Files.readAllBytes(root().resolve("schema.json")), Main.resource("schema.json"));
    }

    @Test
    void everyServedTokenIsInTheSchemaWithDescriptions() throws Exception {
        JsonNode s = new ObjectMapper().readTree(root().resolve("schema.json").toFile());
        assertEquals("rdsreplication", s.path("name").asText());
        for (var r : Catalog.resources()) {
            JsonNode n = s.path("resources").path(r.token());
            assertTrue(n.isObject(), r.token());
            assertTrue(n.path("description").asText().length() > 40, r.token());
            for (Iterator<String> it = n.path("inputProperties").fieldNames(); it.hasNext(); ) {
                String k = it.next();
                assertTrue(n.path("inputProperties").path(k).path("description").asText().length() > 5, r.token() + "." + k);
            }
        }
        for (var f : Catalog.functions()) assertTrue(s.path("functions").path(f.token()).isObject(), f.token());
        assertEquals("1.36.1", s.path("language").path("java").path("dependencies").path("com.pulumi:pulumi").asText());
        assertEquals("none", s.path("language").path("java").path("buildFiles").asText());
    }

    @Test
    void everyPasswordIsSecret() throws Exception {
        JsonNode s = new ObjectMapper().readTree(root().resolve("schema.json").toFile());
        assertTrue(s.at("/types/rdsreplication:index:Connection/properties/password/secret").asBoolean());
        assertTrue(s.at("/resources/rdsreplication:index:ReplicationUser/inputProperties/password/secret").asBoolean());
        assertTrue(s.at("/resources/rdsreplication:index:ReplicationUser/properties/password/secret").asBoolean());
        assertTrue(s.at("/resources/rdsreplication:index:ExternalMaster/inputProperties/replicationPassword/secret").asBoolean());
        assertTrue(s.at("/resources/rdsreplication:index:ExternalMaster/properties/replicationPassword/secret").asBoolean());
    }
}
