package org.bookingrules.jdbc.hostile;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcLinkGuardStore;
import org.bookingrules.jdbc.JdbcSchema;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The databases the hostile-input suite runs on, each in a namespace of its own so the suite
 * never disturbs the other JDBC tests: H2 in memory always; PostgreSQL (schema {@value #NAMESPACE},
 * reached with {@code currentSchema}) when {@value #POSTGRES_URL} is set; MariaDB (database
 * {@value #NAMESPACE}) when {@value #MARIADB_URL} is set. A store whose variable is set but which
 * cannot be reached fails its cases instead of skipping them. Every connection runs with a non-UTC
 * session time zone, as in the rest of the module. Single-threaded use only (the suite runs one case
 * at a time).
 *
 * <p>Several builds of the project may run at once against the same servers (each with its own build
 * folder), and each drops and recreates {@value #NAMESPACE}: a server-wide lock (PostgreSQL advisory
 * lock, MariaDB {@code GET_LOCK}) taken before the namespace is recreated and held until
 * {@link #releaseAll()} makes those suites take turns instead of emptying each other's tables.
 */
final class HostileDatabases {

    static final String POSTGRES_URL = "BOOKING_TEST_POSTGRES_URL";
    static final String MARIADB_URL = "BOOKING_TEST_MARIADB_URL";
    static final String NAMESPACE = "br_hostile_test";
    static final String SESSION_ZONE = "America/Santiago";

    /** Every table of the adapter, in the order they are emptied. */
    static final List<String> TABLES = List.of("br_booking", "br_booking_event", "br_outbox", "br_resource_lock",
            "br_idempotency_key", "br_link_guard");

    /** The stores. */
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
    /** Connections holding each server's lock on the namespace, until {@link #releaseAll()}. */
    private static final Map<Store, Connection> LOCKS = new EnumMap<>(Store.class);
    /** How long a suite waits for another build's suite to finish with the namespace. */
    private static final int LOCK_WAIT_SECONDS = 900;
    private static final long PG_LOCK_KEY = 7_070_707_070L;

    private HostileDatabases() {
    }

    /**
     * The store's database, opened once per JVM; skips the calling case if the store is not configured.
     *
     * @param store the store
     * @return the database
     */
    static synchronized Database get(Store store) {
        String url = null;
        if (store != Store.H2) {
            String variable = store == Store.POSTGRESQL ? POSTGRES_URL : MARIADB_URL;
            url = System.getenv(variable);
            Assumptions.assumeTrue(url != null && !url.isBlank(),
                    () -> store + " hostile-input cases skipped: set " + variable + " to run them");
            url = url.trim();
        }
        Object opened = OPENED.get(store);
        if (opened == null) {
            try {
                opened = switch (store) {
                    case H2 -> open(Store.H2, h2());
                    case POSTGRESQL -> open(Store.POSTGRESQL, postgres(url));
                    case MARIADB -> open(Store.MARIADB, mariadb(url));
                };
            } catch (SQLException | RuntimeException e) {
                opened = new IllegalStateException(store + " cannot be reached or prepared for the hostile-input "
                        + "suite (" + e.getClass().getSimpleName() + ")", e);
            }
            OPENED.put(store, opened);
        }
        if (opened instanceof IllegalStateException failure) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return (Database) opened;
    }

    /** Lets other builds' suites have the namespace: releases the server locks. */
    static synchronized void releaseAll() {
        LOCKS.forEach((store, c) -> {
            try (Statement s = c.createStatement()) {
                s.execute(store == Store.POSTGRESQL ? "SELECT pg_advisory_unlock(" + PG_LOCK_KEY + ")"
                        : "SELECT RELEASE_LOCK('" + NAMESPACE + "')");
            } catch (SQLException e) {
                // closing the connection releases it anyway
            }
            try {
                c.close();
            } catch (SQLException e) {
                // released with the session
            }
        });
        LOCKS.clear();
        OPENED.forEach((store, opened) -> {
            if (store != Store.H2 && opened instanceof Database db) {
                db.pool.close();
            }
        });
        OPENED.keySet().removeIf(store -> store != Store.H2);
    }

    private record Driver(DataSource dataSource, String sessionZoneStatement) {
    }

    private static Driver h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + NAMESPACE + "_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        return new Driver(ds, "SET TIME ZONE '" + SESSION_ZONE + "'");
    }

    private static Driver postgres(String url) throws SQLException {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setUrl(url);
        admin.setLoginTimeout(10);
        Connection lock = admin.getConnection();
        LOCKS.put(Store.POSTGRESQL, lock);
        try (Statement s = lock.createStatement()) {
            s.execute("SET statement_timeout = " + LOCK_WAIT_SECONDS * 1000);
            s.execute("SELECT pg_advisory_lock(" + PG_LOCK_KEY + ")");
            s.execute("SET statement_timeout = 0");
        }
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + NAMESPACE + " CASCADE");
            s.execute("CREATE SCHEMA " + NAMESPACE);
        }
        PGSimpleDataSource own = new PGSimpleDataSource();
        own.setUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + NAMESPACE);
        own.setLoginTimeout(10);
        return new Driver(own, "SET TIME ZONE '" + SESSION_ZONE + "'");
    }

    private static final Pattern MARIADB = Pattern.compile("^(jdbc:(?:mariadb|mysql)://[^/?]+)(/[^?]*)?(\\?.*)?$");

    private static Driver mariadb(String url) throws SQLException {
        Matcher m = MARIADB.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(MARIADB_URL + " is not a jdbc:mariadb://host[:port]/database URL");
        }
        Connection lock = new MariaDbDataSource(url).getConnection();
        LOCKS.put(Store.MARIADB, lock);
        try (Statement s = lock.createStatement();
             ResultSet r = s.executeQuery("SELECT GET_LOCK('" + NAMESPACE + "', " + LOCK_WAIT_SECONDS + ")")) {
            if (!r.next() || r.getInt(1) != 1) {
                throw new SQLException("another build's hostile-input suite held " + NAMESPACE + " for "
                        + LOCK_WAIT_SECONDS + " s");
            }
        }
        try (Connection c = new MariaDbDataSource(url).getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + NAMESPACE);
            s.execute("CREATE DATABASE " + NAMESPACE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        MariaDbDataSource own = new MariaDbDataSource(m.group(1) + "/" + NAMESPACE
                + (m.group(3) == null ? "" : m.group(3)));
        return new Driver(own, "SET time_zone = '-03:00'");
    }

    private static Database open(Store store, Driver driver) {
        SmallPool pool = new SmallPool(driver.dataSource(), driver.sessionZoneStatement());
        JdbcSchema.create(pool);
        return new Database(store, pool);
    }

    /** One store's namespace: a small pool, the adapter over it, and plain-JDBC helpers. */
    static final class Database {
        private final Store store;
        private final SmallPool pool;
        private final JdbcBookingRepository repository;
        private final JdbcLinkGuardStore guards;

        private Database(Store store, SmallPool pool) {
            this.store = store;
            this.pool = pool;
            this.repository = JdbcBookingRepository.create(pool);
            this.guards = JdbcLinkGuardStore.create(pool);
        }

        Store store() {
            return store;
        }

        DataSource dataSource() {
            return pool;
        }

        JdbcBookingRepository repository() {
            return repository;
        }

        JdbcLinkGuardStore guards() {
            return guards;
        }

        /** Empties every table. */
        void clean() {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                for (String table : TABLES) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cleaning " + store + " failed: SQLState " + e.getSQLState(), e);
            }
        }

        /** @return the row count of every table, by table; fails if a table is gone */
        Map<String, Long> rowCounts() {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : TABLES) {
                counts.put(table, count("SELECT COUNT(*) FROM " + table));
            }
            return counts;
        }

        /**
         * One number from a query.
         *
         * @param sql the query, {@code ?} for the string arguments
         * @param args the arguments
         * @return the number
         */
        long count(String sql, String... args) {
            try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setString(i + 1, args[i]);
                }
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("query failed on " + store + ": " + sql + ": SQLState "
                        + e.getSQLState(), e);
            }
        }

        /**
         * The text values of one column, in the order of the query.
         *
         * @param sql the query, {@code ?} for the string arguments
         * @param args the arguments
         * @return the values
         */
        List<String> texts(String sql, String... args) {
            try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setString(i + 1, args[i]);
                }
                List<String> values = new java.util.ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        values.add(r.getString(1));
                    }
                }
                return values;
            } catch (SQLException e) {
                throw new IllegalStateException("query failed on " + store + ": " + sql + ": SQLState "
                        + e.getSQLState(), e);
            }
        }

        /**
         * Runs an update with string arguments (to tamper with a row, for the stored-zone case).
         *
         * @param sql the statement
         * @param args the arguments
         */
        void update(String sql, String... args) {
            try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setString(i + 1, args[i]);
                }
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("update failed on " + store + ": SQLState " + e.getSQLState(), e);
            }
        }

        @Override
        public String toString() {
            return store.toString();
        }
    }

    /**
     * A pool of physical connections for one thread at a time: a connection handed back is rolled
     * back if a transaction was left open and put back in auto-commit, then reused.
     */
    static final class SmallPool implements DataSource {
        private final DataSource driver;
        private final String onOpen;
        private final Deque<Connection> idle = new ArrayDeque<>();
        private final Map<Connection, Integer> isolationWhenOpened = new java.util.IdentityHashMap<>();

        SmallPool(DataSource driver, String onOpen) {
            this.driver = driver;
            this.onOpen = onOpen;
        }

        @Override
        public synchronized Connection getConnection() throws SQLException {
            Connection physical = idle.pollFirst();
            if (physical == null || physical.isClosed()) {
                physical = driver.getConnection();
                try (Statement s = physical.createStatement()) {
                    s.execute(onOpen);
                }
                isolationWhenOpened.put(physical, physical.getTransactionIsolation());
            }
            Connection lent = physical;
            int isolation = isolationWhenOpened.get(lent);
            boolean[] returned = {false};
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "close":
                                if (!returned[0]) {
                                    returned[0] = true;
                                    giveBack(lent, isolation);
                                }
                                return null;
                            case "isClosed":
                                return returned[0] || lent.isClosed();
                            case "equals":
                                return proxy == args[0];
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "toString":
                                return "pooled " + lent;
                            default:
                                if (returned[0]) {
                                    throw new SQLException("connection already given back", "08003");
                                }
                                try {
                                    return method.invoke(lent, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                        }
                    });
        }

        /** Closes the idle connections. */
        synchronized void close() {
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
        }

        private synchronized void giveBack(Connection physical, int isolation) {
            try {
                if (!physical.getAutoCommit()) {
                    physical.rollback();
                    physical.setAutoCommit(true);
                }
                if (physical.getTransactionIsolation() != isolation) {
                    physical.setTransactionIsolation(isolation);
                }
                idle.offerFirst(physical);
            } catch (SQLException e) {
                try {
                    physical.close();
                } catch (SQLException ignored) {
                    // broken anyway
                }
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("one set of credentials");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // no log
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // the driver's own
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
