package io.rdsreplication.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdsreplication.provider.core.SchemaWriter;
import io.rdsreplication.provider.resources.Catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generates schema.json from the declarations ({@link Catalog}) and the package header
 * ({@code provider/src/main/schema/header.json}). {@code SchemaGen HEADER OUT} writes it; the plugin serves the
 * committed file, which a test keeps equal to what this generates.
 */
public final class SchemaGen {
    private SchemaGen() {
    }

    @SuppressWarnings("unchecked")
    public static String generate(Path header) throws IOException {
        Map<String, Object> h = new ObjectMapper().readValue(header.toFile(), LinkedHashMap.class);
        return SchemaWriter.generate(h, Catalog.resources(), Catalog.functions(), Catalog.config());
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[1]), generate(Path.of(args[0])), StandardCharsets.UTF_8);
    }
}
