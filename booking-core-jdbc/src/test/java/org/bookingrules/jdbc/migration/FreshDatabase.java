package org.bookingrules.jdbc.migration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.bookingrules.jdbc.JdbcDialect;
import org.bookingrules.jdbc.TestQueries;
import org.junit.jupiter.api.Assumptions;

/**
 * A new, empty database for one test, behind a HikariCP pool, dropped by {@link #close()}.
 *
 * <ul>
 *   <li><b>H2</b> always runs: a private in-memory database {@code jdbc:h2:mem:br_mig_<random>}.</li>
 *   <li><b>PostgreSQL</b> runs when {@value #POSTGRES_URL} is set (e.g.
 *       {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}): a new schema
 *       {@code br_mig_<random>} in that database, reached with {@code currentSchema}.</li>
 *   <li><b>MariaDB</b> runs when {@value #MARIADB_URL} is set (e.g.
 *       {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}): a new database {@code br_mig_<random>}
 *       on that server.</li>
 * </ul>
 * When a variable is unset, the test is skipped (a JUnit assumption) with a message saying how to
 * enable it. When it is set and the server cannot be reached, the test fails: in CI a silent skip
 * would hide a broken store. The random names let these tests run beside the module's other
 * database tests, which use their own fixed namespace on the same servers.
 */
final class FreshDatabase implements AutoCloseable {

    /** Environment variable with the JDBC URL of the PostgreSQL test database. */
    static final String POSTGRES_URL = "BOOKING_TEST_POSTGRES_URL";
    /** Environment variable with the JDBC URL of the MariaDB test database. */
    static final String MARIADB_URL = "BOOKING_TEST_MARIADB_URL";

    private static final Pattern MARIADB_DATABASE =
            Pattern.compile("^(jdbc:(?:mariadb|mysql)://[^/?]+)(/[^?]*)?(\\?.*)?$");

    private final JdbcDialect dialect;
    private final String name;
    private final String adminUrl;
    private final HikariDataSource pool;

    private FreshDatabase(JdbcDialect dialect, String name, String adminUrl, String url) {
        this.dialect = dialect;
        this.name = name;
        this.adminUrl = adminUrl;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName(name);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(10_000);
        this.pool = new HikariDataSource(config);
    }

    /**
     * Makes a new database of a kind.
     *
     * @param dialect which server
     * @return the database, empty
     * @throws org.opentest4j.TestAbortedException if the server's variable is unset
     * @throws IllegalStateException if it is set and the server cannot be reached
     */
    static FreshDatabase open(JdbcDialect dialect) {
        String name = "br_mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        switch (dialect) {
            case H2: {
                String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
                return new FreshDatabase(dialect, name, url, url);
            }
            case POSTGRESQL: {
                String url = configuredUrl(POSTGRES_URL, "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                        "schema");
                admin(url, "PostgreSQL", s -> {
                    // The overlap guard's extension, installed once per database in public: were it
                    // created inside this test's schema, dropping the schema would drop it from under
                    // the constraints of every other schema of the database.
                    s.execute("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public");
                    s.execute("CREATE SCHEMA " + name);
                });
                return new FreshDatabase(dialect, name, url,
                        url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name);
            }
            case MARIADB: {
                String url = configuredUrl(MARIADB_URL, "jdbc:mariadb://127.0.0.1:3306/test?user=root", "database");
                Matcher m = MARIADB_DATABASE.matcher(url);
                if (!m.matches()) {
                    throw new IllegalArgumentException(MARIADB_URL
                            + " is not a jdbc:mariadb://host[:port]/database URL");
                }
                admin(url, "MariaDB", s -> s.execute("CREATE DATABASE " + name
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"));
                return new FreshDatabase(dialect, name, url,
                        m.group(1) + "/" + name + (m.group(3) == null ? "" : m.group(3)));
            }
            default:
                throw new IllegalArgumentException(dialect.toString());
        }
    }

    private static String configuredUrl(String variable, String example, String what) {
        String url = System.getenv(variable);
        Assumptions.assumeTrue(url != null && !url.isBlank(), () -> "skipped: " + variable + " is not set. To run "
                + "this test, point it at a test database, e.g. " + variable + "='" + example + "' (`bash .ci/run` "
                + "sets " + POSTGRES_URL + " and " + MARIADB_URL + " and starts the servers). Each test then works "
                + "in a new " + what + " br_mig_<random>, dropped afterwards.");
        return url.trim();
    }

    private interface Work {
        void run(Statement statement) throws SQLException;
    }

    private static void admin(String url, String server, Work work) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            work.run(s);
        } catch (SQLException e) {
            int q = url.indexOf('?');
            throw new IllegalStateException(server + " test server at " + (q < 0 ? url : url.substring(0, q))
                    + " cannot be reached or prepared (SQLState " + e.getSQLState() + "); its variable is set, so "
                    + "the test fails instead of skipping: start the server or unset the variable", e);
        }
    }

    /** @return the database's kind */
    JdbcDialect dialect() {
        return dialect;
    }

    /** @return the pool over this database (PostgreSQL: over this test's schema) */
    DataSource dataSource() {
        return pool;
    }

    /** @return the PostgreSQL schema of this test, or null on other databases */
    String postgresSchema() {
        return dialect == JdbcDialect.POSTGRESQL ? name : null;
    }

    /**
     * The tables of this test's database (PostgreSQL: of its schema), in lower case.
     *
     * @return the table names
     */
    Set<String> tables() {
        try (Connection c = pool.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            String catalog = dialect == JdbcDialect.MARIADB ? name : null;
            String schema = switch (dialect) {
                case H2 -> "PUBLIC";
                case POSTGRESQL -> name;
                case MARIADB -> null;
            };
            Set<String> tables = new TreeSet<>();
            try (ResultSet rows = md.getTables(catalog, schema, "%", null)) {
                while (rows.next()) {
                    String type = rows.getString("TABLE_TYPE").toUpperCase(Locale.ROOT);
                    if (type.equals("TABLE") || type.equals("BASE TABLE")) {
                        tables.add(rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
            return tables;
        } catch (SQLException e) {
            throw new IllegalStateException("listing the tables failed: SQLState " + e.getSQLState(), e);
        }
    }

    /**
     * Runs a query that returns one number.
     *
     * @param sql the query, with {@code ?} for the string arguments
     * @param args the arguments
     * @return the number
     */
    long count(String sql, String... args) {
        return TestQueries.count(pool, sql, args);
    }

    /**
     * Runs one statement.
     *
     * @param sql the statement
     */
    void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql + ": SQLState " + e.getSQLState(), e);
        }
    }

    /** Closes the pool and drops the database (PostgreSQL: the schema). */
    @Override
    public void close() {
        pool.close();
        switch (dialect) {
            case H2 -> admin(adminUrl, "H2", s -> s.execute("SHUTDOWN"));
            case POSTGRESQL -> admin(adminUrl, "PostgreSQL", s -> s.execute("DROP SCHEMA IF EXISTS " + name
                    + " CASCADE"));
            case MARIADB -> admin(adminUrl, "MariaDB", s -> s.execute("DROP DATABASE IF EXISTS " + name));
        }
    }

    @Override
    public String toString() {
        return dialect + " " + name;
    }
}
