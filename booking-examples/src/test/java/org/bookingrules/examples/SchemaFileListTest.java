package org.bookingrules.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bookingrules.jdbc.JdbcDialect;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README and {@code docs/SCHEMA.md} list every schema file the JDBC module ships, and no file it
 * does not: a new versioned file that the documents forget fails the build.
 */
@DisplayName("The documents list every schema file, and only those")
class SchemaFileListTest {

    private static final Pattern LISTED = Pattern.compile("org/bookingrules/jdbc/schema/[a-z0-9]+/V\\d+__\\w+\\.sql");

    @Test
    @DisplayName("README.md lists exactly the schema files of every database, each on the classpath")
    void readmeListsEverySchemaFile() throws IOException {
        List<String> shipped = shipped();
        String readme = read(ReadmeTestHarness.forProject().readme());

        assertThat(shipped).as("control: the module ships files").hasSizeGreaterThanOrEqualTo(9)
                .allSatisfy(resource -> assertThat(JdbcDialect.class.getClassLoader().getResource(resource))
                        .as(resource).isNotNull());
        assertThat(new TreeSet<>(listed(readme))).isEqualTo(new TreeSet<>(shipped));
    }

    @Test
    @DisplayName("docs/SCHEMA.md names every schema file of every database")
    void schemaDocumentNamesEveryFile() throws IOException {
        Path doc = ReadmeTestHarness.forProject().readme().resolveSibling("docs").resolve("SCHEMA.md");
        String text = read(doc);

        for (JdbcDialect dialect : JdbcDialect.values()) {
            String section = text.substring(Math.max(0, text.indexOf(dialect.schemaFolder() + "/")));
            assertThat(text).as("a section for " + dialect).contains(dialect.schemaFolder() + "/");
            for (String resource : dialect.schemaResources()) {
                String file = resource.substring(resource.lastIndexOf('/') + 1);
                assertThat(section).as(dialect + " " + file).contains(file);
            }
        }
    }

    @Test
    @DisplayName("negative control: a list missing one file is told apart")
    void aMissingFileIsNoticed() throws IOException {
        List<String> shipped = shipped();
        String readme = read(ReadmeTestHarness.forProject().readme());
        String shortened = readme.replace(shipped.get(shipped.size() - 1), "");

        assertThat(new TreeSet<>(listed(shortened))).isNotEqualTo(new TreeSet<>(shipped));
    }

    private static List<String> shipped() {
        List<String> all = new ArrayList<>();
        for (JdbcDialect dialect : JdbcDialect.values()) {
            all.addAll(dialect.schemaResources());
        }
        return all;
    }

    private static List<String> listed(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = LISTED.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
