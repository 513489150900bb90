package org.bookingrules.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the adapter's tables from the schema files on the classpath, for the embedded default and
 * for tests. Products that manage their schema with a migration tool run the same files themselves:
 * they are under {@code org/bookingrules/jdbc/schema/<h2|postgresql|mariadb>/} with Flyway names
 * ({@code V1__booking_tables.sql}, ...). Every statement is idempotent, so running them again is
 * safe. Stateless and thread-safe.
 */
public final class JdbcSchema {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSchema.class);
    private static final String OVERLAP_GUARD = "V2__overlap_guard.sql";

    private JdbcSchema() {
    }

    /**
     * Creates the tables that are missing. On PostgreSQL it also adds the exclusion constraint
     * against overlapping bookings when the btree_gist extension can be created; when it cannot
     * (no privilege, extension not installed) it logs a warning and goes on: the lock-row check
     * alone still prevents double booking.
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
            for (String resource : dialect.schemaResources()) {
                boolean optional = resource.endsWith(OVERLAP_GUARD);
                try {
                    for (String statement : statements(resource)) {
                        try (Statement s = c.createStatement()) {
                            s.execute(statement);
                        }
                    }
                } catch (SQLException e) {
                    if (!optional) {
                        throw new IllegalStateException("schema file " + resource + " failed: SQLState "
                                + e.getSQLState(), e);
                    }
                    LOG.warn("PostgreSQL overlap constraint not installed ({}; SQLState {}): the resource lock "
                            + "alone prevents double booking", resource, e.getSQLState());
                }
            }
            LOG.info("booking schema ready on {}", dialect);
            return dialect;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to create the schema: SQLState "
                    + e.getSQLState(), e);
        }
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
}
