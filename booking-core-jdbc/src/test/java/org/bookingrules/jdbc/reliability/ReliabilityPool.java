package org.bookingrules.jdbc.reliability;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small connection pool for the reliability tests (the module has no pool dependency, on
 * purpose), like the other test suites' pools, with one addition: {@link #discard(Connection)}
 * drops a lent connection's physical connection without rolling it back, as a pool does with a
 * connection that broke, so the <em>server</em> must undo the open transaction. At most
 * {@code max} connections are out at once; a caller waits up to 30 s for one. A connection given
 * back is rolled back if a transaction was left open and put back in auto-commit and at its
 * isolation level; one that fails doing so is closed and dropped. A connection idle for more than
 * half a second is checked with the server before it is lent again, as production pools do, so a
 * session killed while idle is replaced instead of failing the next command. Thread-safe.
 */
final class ReliabilityPool implements DataSource, AutoCloseable {

    private static final long WAIT_SECONDS = 30;
    private static final long VALIDATE_AFTER_MILLIS = 500;

    private final DataSource driver;
    private final List<String> onOpen;
    private final Semaphore permits;
    private final BlockingDeque<Connection> idle = new LinkedBlockingDeque<>();
    private final Map<Connection, Integer> isolationWhenOpened = new ConcurrentHashMap<>();
    /** Lent proxy to its physical connection, for {@link #discard}. */
    private final Map<Connection, Lent> lent = new ConcurrentHashMap<>();
    /** When each idle connection was given back, by {@link System#nanoTime()}. */
    private final Map<Connection, Long> idleSince = new ConcurrentHashMap<>();
    /** Each open physical connection's server session id, when a query for it was given. */
    private final Map<Connection, Long> sessions = new ConcurrentHashMap<>();
    private final String sessionIdQuery;
    private final String tag;
    private volatile boolean closed;

    /**
     * @param driver the driver's own data source, which opens physical connections
     * @param max the most connections out at once
     * @param onOpen statements run once on every new physical connection
     */
    ReliabilityPool(DataSource driver, int max, List<String> onOpen) {
        this(driver, max, onOpen, null, null);
    }

    /**
     * @param driver the driver's own data source, which opens physical connections
     * @param max the most connections out at once
     * @param onOpen statements run once on every new physical connection
     * @param sessionIdQuery a query returning the connection's server session id, run once on
     *     every new physical connection so that {@link #sessionIds()} can name them; or null
     * @param tag the application name the driver gives every session of this pool, or null
     */
    ReliabilityPool(DataSource driver, int max, List<String> onOpen, String sessionIdQuery, String tag) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.onOpen = List.copyOf(onOpen);
        this.permits = new Semaphore(max, true);
        this.sessionIdQuery = sessionIdQuery;
        this.tag = tag;
    }

    /** @return the application name of this pool's sessions, or null */
    String tag() {
        return tag;
    }

    /**
     * @return the server session ids of this pool's physical connections that the pool has not
     *     closed (some may have been killed since)
     */
    List<Long> sessionIds() {
        return List.copyOf(sessions.values());
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("test pool closed", "08003");
        }
        try {
            if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("test pool: no connection free after " + WAIT_SECONDS + " s", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", "08001", e);
        }
        try {
            Connection physical = idle.pollFirst();
            while (physical != null && !alive(physical)) {
                drop(physical);
                physical = idle.pollFirst();
            }
            if (physical == null) {
                physical = open();
            }
            return lend(physical);
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /**
     * Gives a lent connection back by closing its physical connection without a rollback: the
     * server ends the session and undoes whatever it had not committed.
     *
     * @param connection a connection this pool lent, not yet given back
     */
    void discard(Connection connection) {
        Lent l = lent.get(connection);
        if (l != null) {
            l.discard();
        }
    }

    /**
     * Whether an idle connection may be lent: checked with the server, like a production pool
     * does, when it sat idle for more than {@value #VALIDATE_AFTER_MILLIS} ms (it may have been
     * killed meanwhile); lent at once when it was given back just now.
     */
    private boolean alive(Connection physical) {
        Long since = idleSince.remove(physical);
        if (since != null && System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(VALIDATE_AFTER_MILLIS)) {
            return true;
        }
        try {
            return physical.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private void drop(Connection physical) {
        isolationWhenOpened.remove(physical);
        sessions.remove(physical);
        try {
            physical.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    private Connection open() throws SQLException {
        Connection c = driver.getConnection();
        try (Statement s = c.createStatement()) {
            for (String sql : onOpen) {
                s.execute(sql);
            }
            if (sessionIdQuery != null) {
                try (ResultSet r = s.executeQuery(sessionIdQuery)) {
                    r.next();
                    sessions.put(c, r.getLong(1));
                }
            }
            isolationWhenOpened.put(c, c.getTransactionIsolation());
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Connection lend(Connection physical) {
        Lent handler = new Lent(physical);
        Connection proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
        handler.proxy = proxy;
        lent.put(proxy, handler);
        return proxy;
    }

    /** One lent connection. */
    private final class Lent implements InvocationHandler {
        private final Connection physical;
        private Connection proxy;
        private boolean returned;
        private boolean isolationChanged;

        Lent(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    synchronized (this) {
                        if (!returned) {
                            returned = true;
                            lent.remove(proxy);
                            giveBack(physical, isolationChanged);
                        }
                    }
                    return null;
                case "isClosed":
                    return returned || physical.isClosed();
                case "equals":
                    return self == args[0];
                case "hashCode":
                    return System.identityHashCode(self);
                case "toString":
                    return "pooled " + physical;
                case "setTransactionIsolation":
                    isolationChanged |= !args[0].equals(isolationWhenOpened.get(physical));
                    return delegate(method, args);
                default:
                    return delegate(method, args);
            }
        }

        synchronized void discard() {
            if (returned) {
                return;
            }
            returned = true;
            lent.remove(proxy);
            isolationWhenOpened.remove(physical);
            sessions.remove(physical);
            try {
                physical.close();
            } catch (SQLException ignored) {
                // already broken
            } finally {
                permits.release();
            }
        }

        private Object delegate(Method method, Object[] args) throws Throwable {
            if (returned) {
                throw new SQLException("connection already given back to the pool", "08003");
            }
            try {
                return method.invoke(physical, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private void giveBack(Connection physical, boolean isolationChanged) {
        try {
            if (closed) {
                isolationWhenOpened.remove(physical);
                sessions.remove(physical);
                physical.close();
                return;
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            if (isolationChanged) {
                physical.setTransactionIsolation(isolationWhenOpened.get(physical));
            }
            if (physical.isClosed()) {
                throw new SQLException("connection closed by the driver", "08003");
            }
            idleSince.put(physical, System.nanoTime());
            idle.offerFirst(physical);
        } catch (SQLException e) {
            // A broken connection is dropped; the next caller opens a new one.
            isolationWhenOpened.remove(physical);
            sessions.remove(physical);
            try {
                physical.close();
            } catch (SQLException ignored) {
                // already broken
            }
        } finally {
            permits.release();
        }
    }

    /** Closes the idle connections; connections still out are closed when given back. */
    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            sessions.remove(c);
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the test pool has one set of credentials");
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
        // the driver's data source has its own
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
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
