package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The databases the JDBC adapter speaks, detected from {@link DatabaseMetaData}. Each has its SQL in
 * one place ({@link Sql}) and its schema files under
 * {@code org/bookingrules/jdbc/schema/<folder>/V<n>__<name>.sql}: released files never change, a
 * schema change ships as a new file with the next version.
 */
public enum JdbcDialect {
    /** H2 2.x, the embedded default. */
    H2("h2", List.of("V1__booking_tables.sql", "V2__link_guard.sql", "V3__schema_version.sql",
            "V4__active_bookings_index.sql", "V5__outbox_json.sql", "V6__link_lockout.sql",
            "V7__appointment_tables.sql", "V8__cancellation_list.sql")),
    /** PostgreSQL 12 or later. {@code V2__overlap_guard.sql} needs the btree_gist extension. */
    POSTGRESQL("postgresql", List.of("V1__booking_tables.sql", "V2__overlap_guard.sql", "V3__link_guard.sql",
            "V4__schema_version.sql", "V5__active_bookings_index.sql", "V6__outbox_json.sql",
            "V7__link_lockout.sql", "V8__appointment_tables.sql", "V9__cancellation_list.sql")),
    /** MariaDB 10.6 or later (InnoDB). */
    MARIADB("mariadb", List.of("V1__booking_tables.sql", "V2__link_guard.sql", "V3__schema_version.sql",
            "V4__active_bookings_index.sql", "V5__outbox_json.sql", "V6__link_lockout.sql",
            "V7__appointment_tables.sql", "V8__cancellation_list.sql"));

    private final String folder;
    private final List<String> scripts;

    JdbcDialect(String folder, List<String> scripts) {
        this.folder = folder;
        this.scripts = scripts;
    }

    /**
     * The dialect of a connection's database.
     *
     * @param connection an open connection, not null
     * @return the dialect
     * @throws SQLException if the metadata cannot be read
     * @throws IllegalArgumentException if the database is not supported (the message names it)
     */
    public static JdbcDialect detect(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (name.contains("h2")) {
            return H2;
        }
        if (name.contains("postgres")) {
            return POSTGRESQL;
        }
        if (name.contains("mariadb") || name.contains("mysql")) {
            return MARIADB;
        }
        throw new IllegalArgumentException("unsupported database: " + product
                + " (supported: H2, PostgreSQL, MariaDB)");
    }

    /**
     * The dialect of a data source's database, for code that runs on more than one.
     *
     * @param dataSource the database, not null
     * @return the dialect
     * @throws IllegalStateException if no connection can be had or its metadata cannot be read (the
     *         message names the SQLState)
     * @throws IllegalArgumentException if the database is not supported (the message names it)
     */
    public static JdbcDialect detect(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            return detect(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to detect its dialect: SQLState "
                    + e.getSQLState(), e);
        }
    }

    /**
     * The classpath folder of this dialect's schema files.
     *
     * @return for example {@code org/bookingrules/jdbc/schema/postgresql}
     */
    public String schemaFolder() {
        return "org/bookingrules/jdbc/schema/" + folder;
    }

    /**
     * The classpath locations of this dialect's schema files, in the order to run them.
     *
     * @return resource paths such as {@code org/bookingrules/jdbc/schema/h2/V1__booking_tables.sql}
     */
    public List<String> schemaResources() {
        return scripts.stream().map(s -> schemaFolder() + "/" + s).toList();
    }

    Sql sql() {
        return switch (this) {
            case H2 -> Sql.H2;
            case POSTGRESQL -> Sql.POSTGRESQL;
            case MARIADB -> Sql.MARIADB;
        };
    }
}
