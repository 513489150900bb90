package org.bookingrules.jdbc.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcDialect;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.jdbc.TestQueries;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The databases of the reliability tests: one pooled {@link DataSource} per store, its
 * schema created once per test JVM with {@link JdbcSchema#create(DataSource)}, and
 * {@link Database#clean()} to empty the tables before each test. Built like the repository tests'
 * {@code TestDatabases}, in a namespace of its own, {@value #NAMESPACE}, so that the other suites
 * running against the same servers at the same time are not disturbed: a PostgreSQL schema, a
 * MariaDB database, a private in-memory H2 database.
 *
 * <ul>
 *   <li><b>H2</b> always runs.</li>
 *   <li><b>PostgreSQL</b> runs when {@value #POSTGRES_URL} is set, e.g.
 *       {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}.</li>
 *   <li><b>MariaDB</b> runs when {@value #MARIADB_URL} is set, e.g.
 *       {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}.</li>
 * </ul>
 * An unset variable skips that store's tests with a message saying how to enable them; a set one
 * whose server cannot be reached fails them (in CI a silent skip would hide a broken store).
 *
 * <p>Two builds running these classes against the same server at once would clobber each other's
 * namespace, so the first use of a server takes a server-wide named lock on the namespace (a
 * PostgreSQL advisory lock, a MariaDB {@code GET_LOCK}), held by one connection until the JVM ends;
 * a second build waits for it. Every connection runs with a non-UTC session time zone on purpose
 * (STYLE 11). Thread-safe.
 */
final class FaultDatabases {

    /** Environment variable with the JDBC URL of the PostgreSQL test database. */
    static final String POSTGRES_URL = "BOOKING_TEST_POSTGRES_URL";
    /** Environment variable with the JDBC URL of the MariaDB test database. */
    static final String MARIADB_URL = "BOOKING_TEST_MARIADB_URL";
    /** The PostgreSQL schema, and the MariaDB database, these tests own. */
    static final String NAMESPACE = "br_fault_test";
    /** The session time zone of every test connection. */
    static final String SESSION_ZONE = "America/Santiago";
    /** Start of the application name of the PostgreSQL pools whose sessions the tests kill. */
    static final String POOL_TAG_PREFIX = "br_fault_kill_";

    private static final String MARIADB_FALLBACK_OFFSET = "-03:00";
    private static final long LOCK_WAIT_MINUTES = 15;
    private static final List<String> TABLES = List.of("br_outbox", "br_booking_event", "br_idempotency_key",
            "br_booking", "br_resource_lock", "br_link_guard");
    private static final Pattern MARIADB_DATABASE =
            Pattern.compile("^(jdbc:(?:mariadb|mysql)://[^/?]+)(/[^?]*)?(\\?.*)?$");

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
    /**
     * The connections holding the namespace locks, referenced for the life of the JVM: a driver
     * may close a connection it finds unreachable (pgjdbc does), which would release the lock.
     */
    private static final List<Connection> GUARDS = new CopyOnWriteArrayList<>();

    private FaultDatabases() {
    }

    /**
     * The database of a store, ready and shared by all tests of the JVM. Skips the calling test
     * when the store is not configured.
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
                String state = e instanceof SQLException sql ? ", SQLState " + sql.getSQLState() : "";
                opened = new IllegalStateException(store + " test database cannot be reached or prepared ("
                        + e.getClass().getSimpleName() + state + "); " + (url == null ? ""
                        : variable(store) + " is set, so its tests fail instead of skipping"), e);
            }
            OPENED.put(store, opened);
        }
        if (opened instanceof IllegalStateException failure) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return (Database) opened;
    }

    /**
     * Whether a store is configured.
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

    private static String variable(Store store) {
        return store == Store.POSTGRESQL ? POSTGRES_URL : MARIADB_URL;
    }

    private static String configuredUrl(Store store) {
        String url = System.getenv(variable(store));
        Assumptions.assumeTrue(url != null && !url.isBlank(), () -> store + " reliability tests skipped: "
                + variable(store) + " is not set. To run them, point it at a database, e.g. " + variable(store) + "='"
                + (store == Store.POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
                : "jdbc:mariadb://127.0.0.1:3306/test?user=root") + "' (`bash .ci/run` sets both); the tests work in "
                + "their own " + (store == Store.POSTGRESQL ? "schema " : "database ") + NAMESPACE + ".");
        return url.trim();
    }

    // ------------------------------------------------------------------------------- opening

    private static Database openH2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + NAMESPACE + "_" + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1");
        return prepare(Store.H2, ds, List.of("SET TIME ZONE '" + SESSION_ZONE + "'"));
    }

    private static Database openPostgres(String url) throws SQLException {
        PGSimpleDataSource admin = pg(url);
        holdNamespace(Store.POSTGRESQL, admin);
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + NAMESPACE + " CASCADE");
            s.execute("CREATE SCHEMA " + NAMESPACE);
        }
        return prepare(Store.POSTGRESQL, pg(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + NAMESPACE),
                List.of("SET TIME ZONE '" + SESSION_ZONE + "'"));
    }

    private static PGSimpleDataSource pg(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setLoginTimeout(10);
        return ds;
    }

    private static Database openMariaDb(String url) throws SQLException {
        Matcher m = MARIADB_DATABASE.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(MARIADB_URL + " is not a jdbc:mariadb://host[:port]/database URL");
        }
        MariaDbDataSource admin = new MariaDbDataSource(url);
        holdNamespace(Store.MARIADB, admin);
        String zone;
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + NAMESPACE);
            s.execute("CREATE DATABASE " + NAMESPACE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM mysql.time_zone_name WHERE Name = '"
                    + SESSION_ZONE + "'")) {
                zone = r.next() && r.getInt(1) > 0 ? SESSION_ZONE : MARIADB_FALLBACK_OFFSET;
            }
        }
        MariaDbDataSource own = new MariaDbDataSource(m.group(1) + "/" + NAMESPACE + (m.group(3) == null ? ""
                : m.group(3)));
        return prepare(Store.MARIADB, own, List.of("SET time_zone = '" + zone + "'"));
    }

    /**
     * Takes the server-wide lock on the namespace, on a connection kept open (never closed) for
     * the rest of the JVM: a second build running these tests against the same server waits.
     */
    private static void holdNamespace(Store store, DataSource admin) throws SQLException {
        Connection guard = admin.getConnection();
        String attempt = store == Store.POSTGRESQL ? "SELECT pg_try_advisory_lock(hashtext('" + NAMESPACE + "'))"
                : "SELECT GET_LOCK('" + NAMESPACE + "', 1)";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(LOCK_WAIT_MINUTES);
        while (true) {
            try (Statement s = guard.createStatement(); ResultSet r = s.executeQuery(attempt)) {
                r.next();
                if (r.getBoolean(1)) {
                    GUARDS.add(guard);
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                guard.close();
                throw new IllegalStateException(store + ": namespace " + NAMESPACE + " still in use by another test "
                        + "run after " + LOCK_WAIT_MINUTES + " minutes");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                guard.close();
                throw new IllegalStateException("interrupted waiting for " + NAMESPACE, e);
            }
        }
    }

    private static Database prepare(Store store, DataSource driver, List<String> onOpen) {
        ReliabilityPool pool = new ReliabilityPool(driver, 48, onOpen);
        JdbcDialect dialect = JdbcSchema.create(pool);
        return new Database(store, dialect, pool, driver, onOpen);
    }

    /** One store's database: its pool, its dialect, and helpers for plain-JDBC checks. */
    static final class Database {
        private final Store store;
        private final JdbcDialect dialect;
        private final ReliabilityPool pool;
        private final DataSource driver;
        private final List<String> onOpen;

        private Database(Store store, JdbcDialect dialect, ReliabilityPool pool, DataSource driver,
                         List<String> onOpen) {
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

        /** @return the dialect */
        JdbcDialect dialect() {
            return dialect;
        }

        /** @return the shared pool over this database's namespace */
        ReliabilityPool pool() {
            return pool;
        }

        /**
         * A new pool of its own over this database's namespace, which knows the server session
         * id of each of its connections ({@link ReliabilityPool#sessionIds()}): for tests that kill
         * sessions, so that they kill no one else's. Close it after use.
         *
         * @param max the most connections out at once
         * @return the pool
         */
        ReliabilityPool newPool(int max) {
            DataSource own = driver;
            if (driver instanceof PGSimpleDataSource pg) {
                // Tagged, so that killAll ends this pool's sessions and nobody else's: PostgreSQL
                // reuses process ids, so an id noted earlier may name another session by now.
                PGSimpleDataSource tagged = pg(pg.getUrl());
                tagged.setApplicationName(POOL_TAG_PREFIX + UUID.randomUUID().toString().substring(0, 8));
                own = tagged;
            }
            return new ReliabilityPool(own, max, onOpen, sessionIdQuery(), own instanceof PGSimpleDataSource pg
                    ? pg.getApplicationName() : null);
        }

        /**
         * Kills every session of a pool made by {@link #newPool(int)}, and nobody else's: on
         * PostgreSQL the sessions carrying the pool's application name, on MariaDB the pool's
         * connection ids (never reused by the server) that are still connected to this namespace.
         *
         * @param pool the pool
         * @return how many sessions were killed
         */
        int killAll(ReliabilityPool pool) {
            List<Long> victims = new ArrayList<>();
            try (Connection c = ownConnection()) {
                if (store == Store.POSTGRESQL) {
                    try (PreparedStatement s = c.prepareStatement("SELECT pid FROM pg_stat_activity "
                            + "WHERE application_name = ? AND pid <> pg_backend_pid()")) {
                        s.setString(1, Objects.requireNonNull(pool.tag(), "a pool of newPool"));
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                victims.add(r.getLong(1));
                            }
                        }
                    }
                } else if (store == Store.MARIADB) {
                    for (long id : pool.sessionIds()) {
                        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM "
                                + "information_schema.PROCESSLIST WHERE ID = ? AND DB = '" + NAMESPACE + "'")) {
                            s.setLong(1, id);
                            try (ResultSet r = s.executeQuery()) {
                                if (r.next() && r.getLong(1) > 0) {
                                    victims.add(id);
                                }
                            }
                        }
                    }
                } else {
                    throw new UnsupportedOperationException("H2 runs in memory here: no server session to kill");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("listing the pool's sessions failed: SQLState " + e.getSQLState(), e);
            }
            int killed = 0;
            for (long victim : victims) {
                if (store == Store.POSTGRESQL ? killTagged(victim, pool.tag()) : kill(victim)) {
                    killed++;
                }
            }
            return killed;
        }

        /** Kills a PostgreSQL session only if it still carries the tag (its pid was not reused). */
        private boolean killTagged(long pid, String tag) {
            try (Connection c = ownConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ? AND application_name = ?")) {
                s.setLong(1, pid);
                s.setString(2, tag);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() || !r.getBoolean(1)) {
                        return false;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("killing a session failed: SQLState " + e.getSQLState(), e);
            }
            return waitGone(pid);
        }

        /** @return the query for the current session's id on this server, null on H2 */
        String sessionIdQuery() {
            return switch (store) {
                case H2 -> "SELECT SESSION_ID()";
                case POSTGRESQL -> "SELECT pg_backend_pid()";
                case MARIADB -> "SELECT CONNECTION_ID()";
            };
        }

        /**
         * Ends another session the way an operator does ({@code pg_terminate_backend}, MariaDB's
         * {@code KILL CONNECTION}), from a connection of its own, and waits until the server has
         * removed it (its transaction undone, its locks released).
         *
         * @param sessionId the session
         * @return whether the session existed and was ended
         */
        boolean kill(long sessionId) {
            if (store == Store.H2) {
                throw new UnsupportedOperationException("H2 runs in memory here: no server session to kill");
            }
            String kill = store == Store.POSTGRESQL ? "SELECT pg_terminate_backend(" + sessionId + ")"
                    : "KILL CONNECTION " + sessionId;
            try (Connection c = ownConnection(); Statement s = c.createStatement()) {
                if (s.execute(kill) && !readBoolean(s)) {
                    return false;
                }
            } catch (SQLException e) {
                // MariaDB: 1094 unknown thread id, already gone.
                if (e.getErrorCode() == 1094) {
                    return false;
                }
                throw new IllegalStateException("killing session " + sessionId + " failed: SQLState "
                        + e.getSQLState(), e);
            }
            return waitGone(sessionId);
        }

        /** Waits until the server has removed a killed session (its transaction undone). */
        private boolean waitGone(long sessionId) {
            String alive = store == Store.POSTGRESQL ? "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + sessionId
                    : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + sessionId;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try (Connection c = ownConnection(); Statement s = c.createStatement()) {
                while (true) {
                    try (ResultSet r = s.executeQuery(alive)) {
                        r.next();
                        if (r.getLong(1) == 0) {
                            return true;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(store + " session " + sessionId + " still there 10 s after "
                                + "it was killed");
                    }
                    Thread.sleep(20);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("watching session " + sessionId + " failed: SQLState "
                        + e.getSQLState(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while killing a session", e);
            }
        }

        private static boolean readBoolean(Statement s) throws SQLException {
            try (ResultSet r = s.getResultSet()) {
                return r.next() && r.getBoolean(1);
            }
        }

        /**
         * A connection of its own, outside the pool, with the session setup run: for killing
         * another session, or holding one open.
         *
         * @return a new physical connection; the caller closes it
         * @throws SQLException if it cannot be opened
         */
        Connection ownConnection() throws SQLException {
            Connection c = driver.getConnection();
            try (Statement s = c.createStatement()) {
                for (String sql : onOpen) {
                    s.execute(sql);
                }
            }
            return c;
        }

        /** Deletes every row of every adapter table, so a test starts empty. */
        void clean() {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                for (String table : TABLES) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cleaning the " + store + " tables failed: SQLState "
                        + e.getSQLState(), e);
            }
        }

        /**
         * Cleans the tables and builds a repository over a data source onto them.
         *
         * @param dataSource the pool, or a fault-injecting wrapper of it
         * @return a repository over an empty database
         */
        JdbcBookingRepository emptyRepository(DataSource dataSource) {
            clean();
            return JdbcBookingRepository.create(dataSource);
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
         * Runs one statement that changes rows: for tests that break the tables on purpose.
         *
         * @param sql the statement, with {@code ?} for the string arguments
         * @param args the arguments
         * @return the number of rows changed
         */
        int execute(String sql, String... args) {
            try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setString(i + 1, args[i]);
                }
                return s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("statement failed: " + sql + ": SQLState " + e.getSQLState(), e);
            }
        }

        @Override
        public String toString() {
            return store.toString();
        }
    }
}
