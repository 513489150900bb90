package org.bookingrules.examples.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * A very small connection pool for the benchmarks (a copy of the JDBC module's test pool), so that
 * thousands of short transactions do not each pay for a new physical connection, and the library and
 * the hand-written SQL get their connections the same way, at the same small cost. At most
 * {@code max} connections are out at once; a caller waits up to 30 s for one. Every physical
 * connection runs the given statements once when it is opened (the session time zone, for
 * example). A connection handed back is rolled back if a transaction was left open, put back in
 * auto-commit and at its original isolation level, as a real pool does. Thread-safe.
 */
public final class BenchPool implements DataSource, AutoCloseable {

    private static final long WAIT_SECONDS = 30;

    private final DataSource driver;
    private final List<String> onOpen;
    private final Semaphore permits;
    private final BlockingDeque<Connection> idle = new LinkedBlockingDeque<>();
    /** Each physical connection's isolation level when opened, read once (a round trip on some drivers). */
    private final Map<Connection, Integer> isolationWhenOpened = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile CallCounter counter;

    /**
     * A pool.
     *
     * @param driver the driver's own data source, which opens physical connections
     * @param max the most connections out at once
     * @param onOpen statements run once on every new physical connection
     */
    public BenchPool(DataSource driver, int max, List<String> onOpen) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.onOpen = List.copyOf(onOpen);
        this.permits = new Semaphore(max, true);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("benchmark pool closed", "08003");
        }
        try {
            if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("benchmark pool: no connection free after " + WAIT_SECONDS + " s", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", "08001", e);
        }
        try {
            Connection physical = idle.pollFirst();
            if (physical == null) {
                physical = open();
            }
            return lend(physical);
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection open() throws SQLException {
        Connection c = driver.getConnection();
        try (Statement s = c.createStatement()) {
            for (String sql : onOpen) {
                s.execute(sql);
            }
            isolationWhenOpened.put(c, c.getTransactionIsolation());
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Connection lend(Connection physical) throws SQLException {
        InvocationHandler handler = new InvocationHandler() {
            private boolean returned;
            private boolean isolationChanged;

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                switch (method.getName()) {
                    case "close":
                        if (!returned) {
                            returned = true;
                            giveBack(physical, isolationChanged);
                        }
                        return null;
                    case "isClosed":
                        return returned || physical.isClosed();
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "toString":
                        return "pooled " + physical;
                    case "setTransactionIsolation":
                        isolationChanged |= !args[0].equals(isolationWhenOpened.get(physical));
                        count(method.getName());
                        return delegate(method, args);
                    case "commit", "rollback", "getTransactionIsolation":
                        count(method.getName());
                        return delegate(method, args);
                    case "prepareStatement":
                        Object statement = delegate(method, args);
                        CallCounter c = counter;
                        return c == null ? statement : counting((PreparedStatement) statement, (String) args[0], c);
                    default:
                        return delegate(method, args);
                }
            }

            private void count(String what) {
                CallCounter c = counter;
                if (c != null) {
                    c.record(what);
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
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    /**
     * Counts, from now on, what the lent connections send to the database; null to stop counting.
     *
     * @param calls where to count, or null
     */
    public void countCalls(CallCounter calls) {
        this.counter = calls;
    }

    private static PreparedStatement counting(PreparedStatement statement, String sql, CallCounter calls) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                calls.statement(sql);
            }
            try {
                return method.invoke(statement, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private void giveBack(Connection physical, boolean isolationChanged) {
        try {
            if (closed) {
                isolationWhenOpened.remove(physical);
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
            idle.offerFirst(physical);
        } catch (SQLException e) {
            // A broken connection is dropped; the next caller opens a new one.
            isolationWhenOpened.remove(physical);
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
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the benchmark pool has one set of credentials");
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
