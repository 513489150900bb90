package org.bookingrules.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the adapter's tables from the schema files on the classpath, for the embedded default and
 * for tests, and tells a migration tool where those files are and how far {@link #create} got.
 *
 * <p>The files are under {@code org/bookingrules/jdbc/schema/<h2|postgresql|mariadb>/} with Flyway
 * names ({@code V1__booking_tables.sql}, ...); {@link JdbcDialect#schemaResources()} lists them in
 * order. Every statement is idempotent, so running them again is safe. A released file never
 * changes: later schema changes ship as new files with higher versions.
 *
 * <p><b>With Flyway.</b> Run the library's files with a Flyway instance of their own: locations
 * {@link #location(JdbcDialect)}, history table {@link #HISTORY_TABLE}, {@code baselineOnMigrate}
 * on and baseline version {@link #appliedVersion(DataSource)}. Their versions then never meet the
 * application's own, and a database first made by {@link #create} is taken over without running
 * its files again. {@code docs/SCHEMA.md} shows the whole set-up. The library itself never depends
 * on Flyway.
 *
 * <p>Stateless and thread-safe.
 */
public final class JdbcSchema {

    /**
     * The history table a Flyway instance running the library's files should keep, apart from the
     * application's own ({@code flyway_schema_history}): {@value}.
     */
    public static final String HISTORY_TABLE = "br_schema_history";

    /**
     * The table in which {@link #create} records each schema file it has run to the end, one row per
     * version: {@value}. Created by {@code V3__schema_version.sql} ({@code V4__schema_version.sql} on
     * PostgreSQL); migration tools leave it empty, they keep their own history.
     */
    public static final String VERSION_TABLE = "br_schema_version";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSchema.class);
    private static final String OVERLAP_GUARD = "V2__overlap_guard.sql";
    private static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]*)__[a-z0-9_]+\\.sql");
    private static final String CLASSPATH = "classpath:";
    private static final Set<String> MISSING_TABLE = Set.of("42P01", "42S02", "42S03", "42S04");

    private JdbcSchema() {
    }

    /**
     * Creates the tables that are missing and records, in {@value #VERSION_TABLE}, every schema file
     * it ran to the end. On PostgreSQL it also adds the exclusion constraint against overlapping
     * bookings when the btree_gist extension can be created; when it cannot (no privilege,
     * extension not installed) it logs a warning and goes on: the lock-row check alone still
     * prevents double booking. That file is then not recorded, so {@link #appliedVersion} stays
     * below it and a migration tool taking over runs it again.
     *
     * @param dataSource where to create them, not null
     * @return the dialect detected
     * @throws IllegalStateException if a statement fails (the message names the file and SQLState)
     */
    public static JdbcDialect create(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            JdbcDialect dialect = JdbcDialect.detect(c);
            List<String> applied = new ArrayList<>();
            for (String resource : dialect.schemaResources()) {
                boolean optional = resource.endsWith(OVERLAP_GUARD);
                try {
                    for (String statement : statements(resource)) {
                        try (Statement s = c.createStatement()) {
                            s.execute(statement);
                        }
                    }
                    applied.add(resource);
                } catch (SQLException e) {
                    if (!optional) {
                        throw new IllegalStateException("schema file " + resource + " failed: SQLState "
                                + e.getSQLState(), e);
                    }
                    LOG.warn("PostgreSQL overlap constraint not installed ({}; SQLState {}): the resource lock "
                            + "alone prevents double booking", resource, e.getSQLState());
                }
            }
            try {
                record(c, dialect, applied);
            } catch (SQLException e) {
                throw new IllegalStateException("recording the schema version in " + VERSION_TABLE
                        + " failed: SQLState " + e.getSQLState(), e);
            }
            LOG.info("booking schema ready on {} (version {})", dialect, appliedVersion(c, dialect));
            return dialect;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to create the schema: SQLState "
                    + e.getSQLState(), e);
        }
    }

    /**
     * The version up to which {@link #create} has run every schema file on this database: the
     * highest version {@code n} such that files 1 to {@code n} are all recorded in
     * {@value #VERSION_TABLE}. A migration tool taking over the database uses it as its baseline, so
     * it runs only the files above it. 0 when {@code create} never ran here (a new database, or one
     * whose schema a migration tool has managed from the start, or one made by a release that did
     * not record versions: the files' statements are idempotent, so running them all again is safe).
     *
     * @param dataSource the database, not null
     * @return the version, 0 or more
     * @throws IllegalStateException if the database cannot be reached or read (the message names the
     *         SQLState)
     */
    public static int appliedVersion(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return appliedVersion(c, JdbcDialect.detect(c));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema version from " + VERSION_TABLE + ": SQLState "
                    + e.getSQLState(), e);
        }
    }

    /**
     * The version of a dialect's last schema file: the version a database has once every file of
     * this release has run.
     *
     * @param dialect the database, not null
     * @return the highest version among {@link JdbcDialect#schemaResources()}
     */
    public static int latestVersion(JdbcDialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        return dialect.schemaResources().stream().mapToInt(JdbcSchema::version).max().orElse(0);
    }

    /**
     * Where a dialect's schema files are, in the form Flyway's {@code locations} takes.
     *
     * @param dialect the database, not null
     * @return for example {@code classpath:org/bookingrules/jdbc/schema/postgresql}
     */
    public static String location(JdbcDialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        return CLASSPATH + dialect.schemaFolder();
    }

    /**
     * The version of a schema file, from its Flyway name.
     *
     * @param resource a schema file, e.g. {@code org/bookingrules/jdbc/schema/h2/V2__link_guard.sql}
     * @return its version, e.g. 2
     * @throws IllegalArgumentException if the file name is not {@code V<n>__<name>.sql}
     */
    static int version(String resource) {
        Objects.requireNonNull(resource, "resource");
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        Matcher m = FILE_NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a versioned schema file name (V<n>__<name>.sql): " + name);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * The statements of one schema file: split at semicolons that end a line, except inside
     * PostgreSQL dollar-quoted blocks; comment lines dropped.
     *
     * @param resource a classpath resource from {@link JdbcDialect#schemaResources()}
     * @return the statements, in order
     */
    public static List<String> statements(String resource) {
        String text;
        try (InputStream in = JdbcSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema file on the classpath: " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inDollarBlock = false;
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!inDollarBlock && (trimmed.isEmpty() || trimmed.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.contains("$$")) {
                // An odd number of $$ on a line opens or closes a block.
                int count = trimmed.split("\\$\\$", -1).length - 1;
                if (count % 2 == 1) {
                    inDollarBlock = !inDollarBlock;
                }
            }
            if (!inDollarBlock && trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }

    // ------------------------------------------------------------------------------ versions

    /** Adds a row for each applied file not recorded yet. Two nodes recording at once is fine. */
    private static void record(Connection c, JdbcDialect dialect, List<String> applied) throws SQLException {
        Set<Integer> recorded = recordedVersions(c, dialect);
        Instant now = Instant.now();
        for (String resource : applied) {
            int version = version(resource);
            if (recorded.contains(version)) {
                continue;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + VERSION_TABLE
                    + " (version, script, installed_on) VALUES (?, ?, ?)")) {
                s.setInt(1, version);
                s.setString(2, resource.substring(resource.lastIndexOf('/') + 1));
                dialect.sql().bindInstant(s, 3, now);
                s.executeUpdate();
            } catch (SQLException e) {
                if (!dialect.sql().isUniqueViolation(e)) {
                    throw e;
                }
                // Another node's create recorded the same file at the same moment.
            }
        }
    }

    private static int appliedVersion(Connection c, JdbcDialect dialect) throws SQLException {
        Set<Integer> recorded;
        try {
            recorded = recordedVersions(c, dialect);
        } catch (SQLException e) {
            if (isMissingTable(e)) {
                return 0;
            }
            throw e;
        }
        int version = 0;
        while (recorded.contains(version + 1)) {
            version++;
        }
        return version;
    }

    private static Set<Integer> recordedVersions(Connection c, JdbcDialect dialect) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rows = s.executeQuery(dialect.sql().read("SELECT version FROM " + VERSION_TABLE))) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    /**
     * Undefined table: 42P01 on PostgreSQL, 42S02 on MariaDB; on H2 42S02, or 42S03 and 42S04 when
     * it adds a hint (a similar name, an empty database).
     */
    private static boolean isMissingTable(SQLException e) {
        return MISSING_TABLE.contains(e.getSQLState());
    }
}
