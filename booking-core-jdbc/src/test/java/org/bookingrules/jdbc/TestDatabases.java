package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The databases the JDBC tests run on: one pooled {@link DataSource} per store, its schema created
 * once per test run with {@link JdbcSchema#create(DataSource)}, and {@link Database#clean()} to
 * empty the tables before each test.
 *
 * <ul>
 *   <li><b>H2</b> always runs, in memory ({@code jdbc:h2:mem:br_repo_test_<random>}).</li>
 *   <li><b>PostgreSQL</b> runs when {@value #POSTGRES_URL} is set, e.g.
 *       {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}.</li>
 *   <li><b>MariaDB</b> runs when {@value #MARIADB_URL} is set, e.g.
 *       {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}.</li>
 * </ul>
 * When a variable is unset, the tests of that store are skipped (a JUnit assumption) with a message
 * saying how to enable them; {@code bash .ci/run} sets both. When it is set and the database cannot
 * be reached or prepared, the tests <em>fail</em>: in CI a silent skip would hide a broken store.
 *
 * <p><b>Own namespace.</b> Other test classes of this module (the outbox relay's) use the same
 * servers and the same {@code test} database at the same time. So these tests never touch the
 * database named in the URL: on PostgreSQL they work in the schema {@value #NAMESPACE} (created in
 * that database, and reached by appending {@code currentSchema=br_repo_test} to the URL); on
 * MariaDB in the database {@value #NAMESPACE} (created on that server, and reached by replacing the
 * database name in the URL). The namespace is dropped and created afresh once per test JVM, so the
 * schema files under test are always the current ones. Test classes run one after another
 * (Surefire's default), and each test starts with {@link Database#clean()}. Two test runs at once
 * against the same servers would clobber each other's namespace: run one at a time.
 *
 * <p><b>Session time zone.</b> Every connection runs with a non-UTC session time zone on purpose
 * (STYLE 11): {@value #SESSION_ZONE} on H2 and PostgreSQL; on MariaDB the named zone when the
 * server has its time zone tables loaded, otherwise the fixed offset {@value #MARIADB_FALLBACK_OFFSET}.
 *
 * <p>Thread-safe.
 */
final class TestDatabases {

    /** Environment variable with the JDBC URL of the PostgreSQL test database. */
    static final String POSTGRES_URL = "BOOKING_TEST_POSTGRES_URL";
    /** Environment variable with the JDBC URL of the MariaDB test database. */
    static final String MARIADB_URL = "BOOKING_TEST_MARIADB_URL";
    /** The PostgreSQL schema, and the MariaDB database, these tests own. */
    static final String NAMESPACE = "br_repo_test";
    /** The session time zone of every test connection. */
    static final String SESSION_ZONE = "America/Santiago";
    /** MariaDB's session zone when the server has no time zone tables. */
    static final String MARIADB_FALLBACK_OFFSET = "-03:00";

    /** Every table of the adapter, emptied by {@link Database#clean()}. */
    static final List<String> TABLES = List.of("br_booking", "br_booking_event", "br_outbox", "br_resource_lock",
            "br_idempotency_key", "br_link_guard");

    /** The stores the tests run on. */
    enum Store {
        H2("H2"), POSTGRESQL("PostgreSQL"), MARIADB("MariaDB");

        private final String label;

        Store(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final Map<Store, Object> OPENED = new EnumMap<>(Store.class);

    private TestDatabases() {
    }

    /**
     * The database of a store, ready and shared by all tests of the run. Skips the calling test
     * (or class, from {@code @BeforeAll}) when the store is not configured.
     *
     * @param store the store
     * @return the database
     * @throws org.opentest4j.TestAbortedException if the store's variable is unset
     * @throws IllegalStateException if it is set and the database cannot be reached or prepared
     */
    static synchronized Database get(Store store) {
        String url = store == Store.H2 ? null : configuredUrl(store);
        Object opened = OPENED.get(store);
        if (opened == null) {
            try {
                opened = switch (store) {
                    case H2 -> openH2();
                    case POSTGRESQL -> openPostgres(url);
                    case MARIADB -> openMariaDb(url);
                };
            } catch (SQLException | RuntimeException e) {
                opened = new IllegalStateException(unreachable(store, url, e), e);
            }
            OPENED.put(store, opened);
        }
        if (opened instanceof IllegalStateException failure) {
            // Rethrown for every class that asks, each failing on its own, never skipping.
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return (Database) opened;
    }

    /** @return the H2 database */
    static Database h2() {
        return get(Store.H2);
    }

    /** @return the PostgreSQL database, or the test is skipped */
    static Database postgres() {
        return get(Store.POSTGRESQL);
    }

    /** @return the MariaDB database, or the test is skipped */
    static Database mariadb() {
        return get(Store.MARIADB);
    }

    /**
     * Whether a store is configured; for tests that run over whichever stores there are.
     *
     * @param store the store
     * @return true for H2, and for a server whose variable is set
     */
    static boolean isConfigured(Store store) {
        if (store == Store.H2) {
            return true;
        }
        String url = System.getenv(variable(store));
        return url != null && !url.isBlank();
    }

    /**
     * How to enable a store's tests, for skip messages.
     *
     * @param store PostgreSQL or MariaDB
     * @return the message
     */
    static String howToEnable(Store store) {
        String example = store == Store.POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
                : "jdbc:mariadb://127.0.0.1:3306/test?user=root";
        return store + " tests skipped: " + variable(store) + " is not set. To run them, point it at a database, e.g. "
                + variable(store) + "='" + example + "' (`bash .ci/run` sets both " + POSTGRES_URL + " and "
                + MARIADB_URL + " and starts the servers). The tests then work in their own "
                + (store == Store.POSTGRESQL ? "schema " : "database ") + NAMESPACE + ".";
    }

    private static String variable(Store store) {
        return store == Store.POSTGRESQL ? POSTGRES_URL : MARIADB_URL;
    }

    private static String configuredUrl(Store store) {
        String url = System.getenv(variable(store));
        Assumptions.assumeTrue(url != null && !url.isBlank(), () -> howToEnable(store));
        return url.trim();
    }

    private static String unreachable(Store store, String url, Exception e) {
        String state = e instanceof SQLException sql ? ", SQLState " + sql.getSQLState() : "";
        String where = url == null ? "in memory" : "at " + withoutParameters(url);
        return store + " test database " + where + " cannot be reached or prepared (" + e.getClass().getSimpleName()
                + state + ")" + (url == null ? "" : ": " + variable(store) + " is set, so its tests fail instead of "
                + "skipping; start the server (`bash .ci/run` does) or unset the variable to skip them");
    }

    /** The URL without its parameters, which may hold a password. */
    private static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    // ------------------------------------------------------------------------------- opening

    private static Database openH2() {
        String url = "jdbc:h2:mem:" + NAMESPACE + "_" + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1";
        return prepare(Store.H2, h2DataSource(url), 64, List.of("SET TIME ZONE '" + SESSION_ZONE + "'"));
    }

    private static DataSource h2DataSource(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        return ds;
    }

    private static Database openPostgres(String url) throws SQLException {
        try (Connection c = pgDataSource(url).getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + NAMESPACE + " CASCADE");
            s.execute("CREATE SCHEMA " + NAMESPACE);
        }
        String own = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + NAMESPACE;
        return prepare(Store.POSTGRESQL, pgDataSource(own), 40, List.of("SET TIME ZONE '" + SESSION_ZONE + "'"));
    }

    private static DataSource pgDataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setLoginTimeout(10);
        return ds;
    }

    private static final Pattern MARIADB_DATABASE =
            Pattern.compile("^(jdbc:(?:mariadb|mysql)://[^/?]+)(/[^?]*)?(\\?.*)?$");

    private static Database openMariaDb(String url) throws SQLException {
        Matcher m = MARIADB_DATABASE.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(MARIADB_URL + " is not a jdbc:mariadb://host[:port]/database URL");
        }
        String zone;
        try (Connection c = mariaDataSource(url).getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + NAMESPACE);
            s.execute("CREATE DATABASE " + NAMESPACE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM mysql.time_zone_name WHERE Name = '"
                    + SESSION_ZONE + "'")) {
                zone = r.next() && r.getInt(1) > 0 ? SESSION_ZONE : MARIADB_FALLBACK_OFFSET;
            }
        }
        String own = m.group(1) + "/" + NAMESPACE + (m.group(3) == null ? "" : m.group(3));
        return prepare(Store.MARIADB, mariaDataSource(own), 48, List.of("SET time_zone = '" + zone + "'"));
    }

    private static DataSource mariaDataSource(String url) throws SQLException {
        MariaDbDataSource ds = new MariaDbDataSource(url);
        ds.setLoginTimeout(10);
        return ds;
    }

    private static Database prepare(Store store, DataSource driver, int poolSize, List<String> onOpen) {
        TinyPool pool = new TinyPool(driver, poolSize, onOpen);
        JdbcDialect dialect = JdbcSchema.create(pool);
        return new Database(store, dialect, pool, driver, onOpen);
    }

    /** One store's database: its pool, its dialect, and helpers for plain-JDBC checks. */
    static final class Database {
        private final Store store;
        private final JdbcDialect dialect;
        private final TinyPool pool;
        private final DataSource driver;
        private final List<String> onOpen;

        private Database(Store store, JdbcDialect dialect, TinyPool pool, DataSource driver, List<String> onOpen) {
            this.store = store;
            this.dialect = dialect;
            this.pool = pool;
            this.driver = driver;
            this.onOpen = onOpen;
        }

        /** @return the store */
        Store store() {
            return store;
        }

        /** @return the dialect {@link JdbcSchema#create} detected */
        JdbcDialect dialect() {
            return dialect;
        }

        /** @return the shared pool over this database's namespace */
        DataSource dataSource() {
            return pool;
        }

        /** @return the statements every connection runs when opened (the session zone) */
        List<String> sessionSetup() {
            return onOpen;
        }

        /**
         * A new pool over the same namespace whose physical connections are opened from now on:
         * for tests that change the JVM's default zone first. Close it after use.
         *
         * @param onOpenStatements what each new connection runs
         * @return the pool
         */
        TinyPool newPool(List<String> onOpenStatements) {
            return new TinyPool(driver, 8, onOpenStatements);
        }

        /** Deletes every row of every adapter table, so a test starts empty. */
        void clean() {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                for (String table : TABLES) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cleaning the " + store + " test tables failed: SQLState "
                        + e.getSQLState(), e);
            }
        }

        /**
         * Cleans the tables and builds a repository over them.
         *
         * @return a repository over an empty database
         */
        JdbcBookingRepository emptyRepository() {
            clean();
            return JdbcBookingRepository.create(pool);
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
         * Runs a query that returns one text value.
         *
         * @param sql the query
         * @return the value of the first column of the first row
         */
        String text(String sql) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery(sql)) {
                if (!r.next()) {
                    throw new IllegalStateException("no row from " + sql);
                }
                return r.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException("query failed: " + sql + ": SQLState " + e.getSQLState(), e);
            }
        }

        @Override
        public String toString() {
            return store.toString();
        }
    }
}
