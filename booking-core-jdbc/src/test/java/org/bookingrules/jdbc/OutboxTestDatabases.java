package org.bookingrules.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support of the outbox relay tests: the three stores, each in a namespace of its own so that
 * other test suites running against the same servers at the same time are not disturbed
 * ({@code br_outbox_test} schema on PostgreSQL, {@code br_outbox_test} database on MariaDB, a
 * unique in-memory database on H2); a small connection pool; reading the outbox table back; and
 * thread-safe notifiers for the tests.
 */
final class OutboxTestDatabases {

    /** The PostgreSQL schema and MariaDB database these tests use. */
    static final String NAMESPACE = "br_outbox_test";
    static final String POSTGRES_ENV = "BOOKING_TEST_POSTGRES_URL";
    static final String MARIADB_ENV = "BOOKING_TEST_MARIADB_URL";

    private static final long LOCK_WAIT_MINUTES = 15;
    private static final List<String> TABLES = List.of("br_outbox", "br_booking_event", "br_idempotency_key",
            "br_booking", "br_resource_lock");

    private OutboxTestDatabases() {
    }

    /** The stores the relay runs on. */
    enum Store {
        H2(null),
        POSTGRESQL(POSTGRES_ENV),
        MARIADB(MARIADB_ENV);

        private final String env;

        Store(String env) {
            this.env = env;
        }

        /**
         * A new {@link DataSource} object (no pooling) onto this store's test namespace, creating
         * the namespace if needed. Skips the calling test (assumption) when the store's environment
         * variable is unset; fails when it is set but the server cannot be reached.
         */
        DataSource rawDataSource(String h2Name) throws SQLException {
            switch (this) {
                case H2: {
                    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
                    ds.setURL("jdbc:h2:mem:" + h2Name + ";DB_CLOSE_DELAY=-1");
                    return ds;
                }
                case POSTGRESQL: {
                    String url = requiredUrl();
                    org.postgresql.ds.PGSimpleDataSource admin = new org.postgresql.ds.PGSimpleDataSource();
                    admin.setURL(url);
                    try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                        s.execute("CREATE SCHEMA IF NOT EXISTS " + NAMESPACE);
                    } catch (SQLException e) {
                        if (!"23505".equals(e.getSQLState()) && !"42P06".equals(e.getSQLState())) {
                            throw e; // a concurrent CREATE SCHEMA IF NOT EXISTS may lose the race harmlessly
                        }
                    }
                    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
                    ds.setURL(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + NAMESPACE);
                    return ds;
                }
                case MARIADB: {
                    String url = requiredUrl();
                    org.mariadb.jdbc.MariaDbDataSource admin = new org.mariadb.jdbc.MariaDbDataSource(url);
                    try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE IF NOT EXISTS " + NAMESPACE);
                    }
                    return new org.mariadb.jdbc.MariaDbDataSource(mariaDbUrlFor(url, NAMESPACE));
                }
                default:
                    throw new IllegalStateException(name());
            }
        }

        /** Whether the store is configured: H2 always, the servers when their variable is set. */
        boolean enabled() {
            if (env == null) {
                return true;
            }
            String url = System.getenv(env);
            return url != null && !url.isBlank();
        }

        /** Why the store's tests are skipped, and how to enable them. */
        String howToEnable() {
            return name() + " outbox relay tests skipped: set " + env + " to enable them, e.g. " + env + "='"
                    + (this == POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
                    : "jdbc:mariadb://127.0.0.1:3306/test?user=root") + "'";
        }

        /** Skips the calling test with {@link #howToEnable()} unless the store is configured. */
        void assumeEnabled() {
            Assumptions.assumeTrue(enabled(), this::howToEnable);
        }

        private String requiredUrl() {
            assumeEnabled();
            return System.getenv(env);
        }
    }

    /** The MariaDB URL with its database replaced: {@code jdbc:mariadb://host:port/db?x} to {@code .../other?x}. */
    static String mariaDbUrlFor(String url, String database) {
        int hostStart = url.indexOf("//");
        if (hostStart < 0) {
            throw new IllegalArgumentException("not a jdbc:mariadb://host/db URL: " + url);
        }
        int query = url.indexOf('?', hostStart);
        String head = query < 0 ? url : url.substring(0, query);
        String tail = query < 0 ? "" : url.substring(query);
        int slash = head.indexOf('/', hostStart + 2);
        String hostPart = slash < 0 ? head : head.substring(0, slash);
        return hostPart + "/" + database + tail;
    }

    /**
     * Opens a pooled data source onto the store's test namespace and creates the schema there.
     *
     * @param store the store
     * @return the pool and the name of its H2 database (for reopening it with a new object)
     */
    static Opened open(Store store) throws SQLException {
        String h2Name = "br_outbox_" + UUID.randomUUID().toString().replace("-", "");
        DataSource raw = store.rawDataSource(h2Name);
        Connection guard = store == Store.H2 ? null : exclusiveUse(store, raw);
        Pool pool = new Pool(raw);
        JdbcSchema.create(pool);
        return new Opened(store, h2Name, pool, guard);
    }

    /**
     * Takes a server-wide named lock on the namespace, held by the returned connection until it is
     * closed: another build running these same test classes against the same server at the same
     * time (a whole-module run next to a targeted one) waits instead of deleting rows under us.
     */
    private static Connection exclusiveUse(Store store, DataSource raw) throws SQLException {
        Connection guard = raw.getConnection();
        try {
            guard.setAutoCommit(true);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(LOCK_WAIT_MINUTES);
            String attempt = store == Store.POSTGRESQL ? "SELECT pg_try_advisory_lock(hashtext('" + NAMESPACE + "'))"
                    : "SELECT GET_LOCK('" + NAMESPACE + "', 1)";
            while (true) {
                try (Statement s = guard.createStatement(); ResultSet r = s.executeQuery(attempt)) {
                    r.next();
                    if (r.getBoolean(1)) {
                        return guard;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(store + ": namespace " + NAMESPACE + " still in use by another "
                            + "test run after " + LOCK_WAIT_MINUTES + " minutes");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for " + NAMESPACE, e);
                }
            }
        } catch (SQLException | RuntimeException e) {
            guard.close();
            throw e;
        }
    }

    /**
     * An opened store: the pool, what is needed to reach the same database again, and the
     * connection holding the namespace's lock (none on H2, whose database is private).
     */
    record Opened(Store store, String h2Name, Pool pool, Connection guard) implements AutoCloseable {

        /**
         * A new pool over a new data source object onto the same database, as a restarted
         * process would build.
         */
        Pool reopen() throws SQLException {
            return new Pool(store.rawDataSource(h2Name));
        }

        /** Closes the pool, then releases the namespace. */
        @Override
        public void close() throws SQLException {
            pool.close();
            if (guard != null) {
                guard.close();
            }
        }
    }

    /**
     * A store's pool, opened once per test class through {@code opened}, with every row of the
     * adapter's tables and of {@code br_link_guard} deleted. Skips the test if the store is not
     * configured.
     *
     * @param opened the test class's stores opened so far; the caller closes them
     * @param store the store
     * @return the pool
     * @throws SQLException if the rows cannot be deleted
     */
    static Pool emptied(Map<Store, Opened> opened, Store store) throws SQLException {
        store.assumeEnabled();
        Opened o = opened.get(store);
        if (o == null) {
            o = open(store);
            opened.put(store, o);
        }
        deleteRows(o.pool());
        try (Connection c = o.pool().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM br_link_guard");
        }
        return o.pool();
    }

    /** Deletes every row of the adapter's tables. */
    static void deleteRows(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (String table : TABLES) {
                s.executeUpdate("DELETE FROM " + table);
            }
        }
    }

    /** One outbox row as stored. */
    record OutboxRow(String tenantId, String notificationId, String bookingId, String kind, String recipient,
                     String status, int attempts, Instant nextAttemptAt, String lastError, Instant deliveredAt) {
    }

    /** Every outbox row, ordered by booking and notification id. */
    static List<OutboxRow> outbox(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Sql sql = JdbcDialect.detect(c).sql();
            try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, notification_id, booking_id, kind, "
                    + "recipient, status, attempts, next_attempt_at, last_error, delivered_at FROM br_outbox "
                    + "ORDER BY booking_id, notification_id");
                 ResultSet rows = s.executeQuery()) {
                List<OutboxRow> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(new OutboxRow(rows.getString("tenant_id"), rows.getString("notification_id"),
                            rows.getString("booking_id"), rows.getString("kind"), rows.getString("recipient"),
                            rows.getString("status"), rows.getInt("attempts"), sql.readInstant(rows, "next_attempt_at"),
                            rows.getString("last_error"), sql.readInstant(rows, "delivered_at")));
                }
                return result;
            }
        }
    }

    /** The number of outbox rows with a status. */
    static int countWithStatus(DataSource ds, String status) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM br_outbox WHERE status = ?")) {
            s.setString(1, status);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    // ------------------------------------------------------------------------------- notifiers

    /** Records every delivery, counting per notification id. Thread-safe. */
    static class RecordingNotifier implements BookingNotifier {
        private final Map<String, AtomicInteger> deliveriesById = new ConcurrentHashMap<>();
        private final List<Notification> delivered = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public void deliver(Notification notification) {
            calls.incrementAndGet();
            accept(notification);
            deliveriesById.computeIfAbsent(notification.id(), id -> new AtomicInteger()).incrementAndGet();
            delivered.add(notification);
        }

        /** Decides whether this call succeeds; throws to fail it. */
        void accept(Notification notification) {
        }

        /** Every call, successful or not. */
        int calls() {
            return calls.get();
        }

        /** Successful deliveries, in order. */
        List<Notification> delivered() {
            synchronized (delivered) {
                return List.copyOf(delivered);
            }
        }

        /** Successful deliveries per notification id. */
        Map<String, Integer> deliveriesById() {
            Map<String, Integer> copy = new java.util.HashMap<>();
            deliveriesById.forEach((id, n) -> copy.put(id, n.get()));
            return copy;
        }

        /** Notification ids delivered more than once. */
        List<String> duplicates() {
            List<String> ids = new ArrayList<>();
            deliveriesById.forEach((id, n) -> {
                if (n.get() > 1) {
                    ids.add(id);
                }
            });
            return ids;
        }
    }

    /**
     * Fails the first {@code failures} attempts of each notification id, with an exception whose
     * message carries the customer's e-mail (which must never reach the outbox or the log), then
     * succeeds.
     */
    static final class FlakyNotifier extends RecordingNotifier {
        private final int failures;
        private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();

        FlakyNotifier(int failures) {
            this.failures = failures;
        }

        @Override
        void accept(Notification notification) {
            int attempt = attemptsById.computeIfAbsent(notification.id(), id -> new AtomicInteger()).incrementAndGet();
            if (attempt <= failures) {
                throw new MailboxUnavailableException("mailbox of "
                        + notification.booking().customer().map(c -> c.email()).orElse("?") + " is full");
            }
        }
    }

    /** What {@link FlakyNotifier} throws. */
    static final class MailboxUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MailboxUnavailableException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------------------------ pool

    /**
     * A minimal connection pool: keeps returned connections and hands them out again, so the
     * thousands of short transactions of the tests do not each open a connection. Closing a
     * handed-out connection returns it (rolled back if left in a transaction, auto-commit on).
     * {@link #close()} closes every physical connection. Thread-safe.
     */
    static final class Pool implements DataSource, AutoCloseable {
        private final DataSource raw;
        private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        private final List<Connection> all = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean closed = new AtomicBoolean();

        Pool(DataSource raw) {
            this.raw = Objects.requireNonNull(raw);
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (closed.get()) {
                throw new SQLException("pool closed");
            }
            Connection physical = idle.pollFirst();
            if (physical == null || physical.isClosed()) {
                physical = raw.getConnection();
                all.add(physical);
            }
            return handOut(physical);
        }

        private Connection handOut(Connection physical) {
            AtomicBoolean returned = new AtomicBoolean();
            InvocationHandler handler = (proxy, method, args) -> {
                switch (method.getName()) {
                    case "close":
                        if (returned.compareAndSet(false, true)) {
                            giveBack(physical);
                        }
                        return null;
                    case "isClosed":
                        return returned.get() || physical.isClosed();
                    default:
                        if (returned.get()) {
                            throw new SQLException("connection already returned to the pool");
                        }
                        try {
                            return method.invoke(physical, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                }
            };
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, handler);
        }

        private void giveBack(Connection physical) throws SQLException {
            if (closed.get()) {
                physical.close();
                return;
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            idle.addFirst(physical);
        }

        @Override
        public void close() {
            closed.set(true);
            synchronized (all) {
                for (Connection c : all) {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        // closing on teardown; nothing to do
                    }
                }
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
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
