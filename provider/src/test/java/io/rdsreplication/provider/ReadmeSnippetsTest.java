package io.rdsreplication.provider;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every code block the README marks {@code <!-- snippet: PATH -->} is, line for line, a part of the example file
 * PATH, which the end-to-end tests run: the README cannot drift from what is tested.
 */
class ReadmeSnippetsTest {
    static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+) -->\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void everySnippetIsInItsExample() throws Exception {
        Path root = SchemaTest.root();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = SNIPPET.matcher(readme);
        List<String> missing = new ArrayList<>();
        int n = 0;
        while (m.find()) {
            n++;
            Path example = root.resolve(m.group(1));
            assertTrue(Files.isRegularFile(example), "the README names a snippet source that does not exist: " + m.group(1));
            if (!Files.readString(example).contains(m.group(2) + "\n")) {
                missing.add(m.group(1) + ": " + m.group(2).lines().findFirst().orElse("").strip() + " …");
            }
        }
        // TypeScript, Python, Go, Java and YAML each have at least one
        assertTrue(n >= 5, "snippets found in README.md: " + n);
        for (String language : List.of("examples/typescript/", "examples/python/", "examples/go/", "examples/java/", "examples/yaml/")) {
            assertTrue(readme.contains("<!-- snippet: " + language), "no README snippet from " + language);
        }
        assertTrue(missing.isEmpty(), "README snippets not found verbatim in their example: " + missing);
    }
}
