package org.bookingrules.jdbc.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bookingrules.jdbc.JdbcDialect;
import org.bookingrules.jdbc.JdbcSchema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schema files as a migration tool sees them: every file of a folder listed by
 * {@link JdbcDialect#schemaResources()}, versions 1 to n without a gap, every statement idempotent,
 * released files unchanged, no Flyway class in the library, and the helpers a Flyway set-up uses.
 * No database needed.
 */
@DisplayName("Schema files and the helpers a migration tool uses")
class JdbcSchemaFilesTest {

    /**
     * The SHA-256 of every released schema file (line ends as LF). Flyway refuses a database whose
     * applied file has changed, so a released file is never edited: a schema change is a new file,
     * added here with its digest.
     */
    private static final Map<String, String> RELEASED = Map.ofEntries(
            Map.entry("org/bookingrules/jdbc/schema/h2/V1__booking_tables.sql",
                    "aa8d0f8cf27c1cf204c058a8454634aff4e9567436d4ee0059db3367be4cf263"),
            Map.entry("org/bookingrules/jdbc/schema/h2/V2__link_guard.sql",
                    "eded6b7b07b6f49c8dd56babfd19368055d9ec62a0a77559bb464aaba21c61ce"),
            Map.entry("org/bookingrules/jdbc/schema/h2/V3__schema_version.sql",
                    "98e15be00fcfcc0f3770efbf00f0ce8a26757a4149f77b760e0aa8502fba1335"),
            Map.entry("org/bookingrules/jdbc/schema/h2/V4__active_bookings_index.sql",
                    "844b47cab155fedb6656679a425421078017ebb6429e243936743fd9e2419c7d"),
            Map.entry("org/bookingrules/jdbc/schema/h2/V5__outbox_json.sql",
                    "dbdebbe5cf361627f149bf01d78457dc132b629c6145310e311b2a33880f3e94"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V1__booking_tables.sql",
                    "51fb238d11b1ae5d96f2a454a57864003c7316d83b4ff43809d4ea09debb98ba"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V2__link_guard.sql",
                    "ff5f3cf36fdd45110f1106a083cb88e99039f6a9d09ff634a892161923e4570b"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V3__schema_version.sql",
                    "544ad222ce25edd88fd7e9e7822004d6276fdfeef7d828fff7133e7af91fc2ef"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V4__active_bookings_index.sql",
                    "e710c14ed46300e8e82838081232a20e6c7dd8a48bb46eebf0946117d48dc884"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V5__outbox_json.sql",
                    "3a4448ed6e9a6eeb5e78a74a5a8fdc34d35facd04b7e44e65d897d1bdbc38447"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V1__booking_tables.sql",
                    "7bc2b5c03d6d7a5a9b73553e99509a3a07a50d85c89650ddf6c9e0f8ff6baf7a"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V2__overlap_guard.sql",
                    "1815f60895f4713d5ead4c0d594a00dce505ff0da3e9d7603cbede651ef52502"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V3__link_guard.sql",
                    "382d0aa33b26b6da019de57ebaad5678e63de09454b885a252cccdbfb5d86866"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V4__schema_version.sql",
                    "61067a11248a9186bcb351da1e6b76bf4d65f9ae14f0a114670505cc790058ef"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V5__active_bookings_index.sql",
                    "210c4f28afec302744fac423157bae68359c0509eb8bfd0f8b400753b7a0a2c4"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V6__outbox_json.sql",
                    "d0551cc137747102625a500d5c0160b5b7c50a8ee5c1470a15342a923df963ae"),
            Map.entry("org/bookingrules/jdbc/schema/h2/V6__link_lockout.sql",
                    "8f3b503293a03e97abcc4a1d46a1c3a80109d0570fd53f7ab8315a8097cf3dbb"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V6__link_lockout.sql",
                    "d839039fd3947937f0eaac9852ae05dff41dfa2f09579f3cdb74d09190b64055"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V7__link_lockout.sql",
                    "bbb9ea6ce6821eaa203d9e5de2b8283c575294f0c0c24aed491c81a68d49a7b0"),
            Map.entry("org/bookingrules/jdbc/schema/h2/V7__appointment_tables.sql",
                    "31a713592f932cd0a77a847d2f04788cddd1b888f0c54414143122a148f82746"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V7__appointment_tables.sql",
                    "a208e5c544a0f2075e435a09306da8e2b56c12a4eb9fb7e717e2df64ef1a7f74"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V8__appointment_tables.sql",
                    "0922092da28955d5dca5b57153a8d6057509075fbdc9501d34403cd43daaaa49"),
            Map.entry("org/bookingrules/jdbc/schema/h2/V8__cancellation_list.sql",
                    "63b064d5afbfa54822d47ae0d53300c67db5bdc66bc25db516fa377e5ef2fab6"),
            Map.entry("org/bookingrules/jdbc/schema/mariadb/V8__cancellation_list.sql",
                    "ba2b0f9ab78dbb84a47fda8b24a74fa1ea29233d6e5b99301b3b0ff00e9d7d33"),
            Map.entry("org/bookingrules/jdbc/schema/postgresql/V9__cancellation_list.sql",
                    "e7739096a6fdc8cdd8a626f5169ba6e055b007225b1f7a351299f7a93f1f3672"));

    private static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]*)__[a-z0-9_]+\\.sql");
    /**
     * What may be run again: a creation or a column guarded by IF NOT EXISTS, a guarded DO block, or
     * making a column optional (PostgreSQL DROP NOT NULL, H2 SET NULL, MariaDB MODIFY ... NULL), which
     * changes nothing the second time.
     */
    private static final Pattern IDEMPOTENT = Pattern.compile("^(CREATE (TABLE|INDEX|UNIQUE INDEX|EXTENSION) IF NOT EXISTS "
            + "|ALTER TABLE [A-Z_]+ ADD COLUMN IF NOT EXISTS |DO \\$\\$"
            + "|ALTER TABLE [A-Z_]+ ALTER COLUMN [A-Z_]+ (DROP NOT NULL|SET NULL)$"
            + "|ALTER TABLE [A-Z_]+ MODIFY COLUMN IF EXISTS [A-Z_]+ [A-Z]+ NULL$).*", Pattern.DOTALL);

    @ParameterizedTest(name = "{0}")
    @EnumSource(JdbcDialect.class)
    @DisplayName("schemaResources lists every file of the dialect's folder, in version order, versions 1 to n")
    void everyFileListedInOrder(JdbcDialect dialect) throws IOException, URISyntaxException {
        List<String> inFolder = filesIn(dialect.schemaFolder());

        assertThat(inFolder).isNotEmpty().allMatch(name -> FILE_NAME.matcher(name).matches());
        assertThat(dialect.schemaResources()).containsExactlyElementsOf(inFolder.stream()
                .sorted(Comparator.comparingInt(JdbcSchemaFilesTest::version))
                .map(name -> dialect.schemaFolder() + "/" + name).toList());
        assertThat(inFolder.stream().map(JdbcSchemaFilesTest::version).sorted().toList())
                .as("no gap, no repeat").containsExactlyElementsOf(IntStream.rangeClosed(1, inFolder.size())
                        .boxed().toList());
        assertThat(JdbcSchema.latestVersion(dialect)).isEqualTo(inFolder.size());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(JdbcDialect.class)
    @DisplayName("every statement of every file is idempotent (IF NOT EXISTS, or a guarded DO block)")
    void everyStatementIdempotent(JdbcDialect dialect) {
        for (String resource : dialect.schemaResources()) {
            assertThat(JdbcSchema.statements(resource)).as(resource).isNotEmpty().allSatisfy(statement ->
                    assertThat(statement.toUpperCase(Locale.ROOT)).matches(IDEMPOTENT));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(JdbcDialect.class)
    @DisplayName("the version table JdbcSchema.create records in ships in a file of its own, once per database")
    void versionTableShipsInItsOwnFile(JdbcDialect dialect) {
        List<String> files = dialect.schemaResources().stream()
                .filter(r -> r.endsWith("__schema_version.sql")).toList();

        assertThat(files).hasSize(1);
        assertThat(JdbcSchema.statements(files.get(0))).singleElement().asString()
                .startsWith("CREATE TABLE IF NOT EXISTS " + JdbcSchema.VERSION_TABLE + " (");
    }

    @Test
    @DisplayName("no released schema file has changed, and every file is pinned here")
    void releasedFilesUnchanged() throws IOException {
        Map<String, String> actual = new TreeMap<>();
        for (JdbcDialect dialect : JdbcDialect.values()) {
            for (String resource : dialect.schemaResources()) {
                actual.put(resource, sha256(resource));
            }
        }

        assertThat(actual).as("a released file was edited (ship the change as a new V<n+1> file instead), or a new "
                + "file is not pinned in RELEASED yet").containsExactlyInAnyOrderEntriesOf(RELEASED);
    }

    @Test
    @DisplayName("location, latestVersion and the table names a Flyway set-up uses")
    void helpers() {
        assertThat(JdbcSchema.location(JdbcDialect.H2)).isEqualTo("classpath:org/bookingrules/jdbc/schema/h2");
        assertThat(JdbcSchema.location(JdbcDialect.POSTGRESQL))
                .isEqualTo("classpath:org/bookingrules/jdbc/schema/postgresql");
        assertThat(JdbcSchema.location(JdbcDialect.MARIADB))
                .isEqualTo("classpath:org/bookingrules/jdbc/schema/mariadb");
        assertThat(JdbcSchema.latestVersion(JdbcDialect.H2)).isEqualTo(8);
        assertThat(JdbcSchema.latestVersion(JdbcDialect.POSTGRESQL)).isEqualTo(9);
        assertThat(JdbcSchema.latestVersion(JdbcDialect.MARIADB)).isEqualTo(8);
        assertThat(JdbcSchema.HISTORY_TABLE).isEqualTo("br_schema_history");
        assertThat(JdbcSchema.VERSION_TABLE).isEqualTo("br_schema_version");
    }

    @Test
    @DisplayName("the library's classes refer to no Flyway class: Flyway stays out of its dependencies")
    void noFlywayInTheLibrary() throws IOException, URISyntaxException {
        Path classes = Path.of(JdbcSchema.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).isDirectory();
        List<Path> compiled;
        try (Stream<Path> files = Files.walk(classes)) {
            compiled = files.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(compiled).as("main classes found").anyMatch(p -> p.endsWith("JdbcSchema.class"));
        for (Path file : compiled) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(file.getFileName().toString()).doesNotContain("org/flywaydb");
        }
    }

    private static List<String> filesIn(String folder) throws IOException, URISyntaxException {
        URL url = JdbcSchemaFilesTest.class.getClassLoader().getResource(folder);
        assertThat(url).as(folder + " on the classpath").isNotNull();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String sha256(String resource) throws IOException {
        try (InputStream in = JdbcSchemaFilesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int version(String name) {
        Matcher m = FILE_NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name);
        }
        return Integer.parseInt(m.group(1));
    }
}
