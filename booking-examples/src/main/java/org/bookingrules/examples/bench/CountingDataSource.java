package org.bookingrules.examples.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A data source in front of the benchmarks' HikariCP pool through which a {@link CallCounter} can count
 * what the borrowed connections send to the database. While no counter is set (the timed phases) it
 * hands out the pool's own connections untouched, so the figures are HikariCP's; while one is set (the
 * profile) each connection comes in a thin proxy that counts every prepared statement executed, every
 * commit and rollback, and every read or change of the isolation level, and passes everything through.
 * Closing a connection gives it back to the pool, as usual. {@link #dataSource()} is a proxy too, which
 * passes every call but {@code getConnection} to the pool. Thread-safe; the counter can be set and
 * cleared at any time and applies to connections borrowed afterwards.
 */
final class CountingDataSource {

    private final DataSource pool;
    private final DataSource dataSource;
    private volatile CallCounter counter;

    /**
     * Wraps a pool.
     *
     * @param pool the pool whose connections are lent, not null
     */
    CountingDataSource(DataSource pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.dataSource = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, this::onDataSource);
    }

    /** @return the data source the benchmarks borrow from */
    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Counts, from the next borrowed connection on, what connections send to the database; null to stop.
     *
     * @param calls where to count, or null
     */
    void countCalls(CallCounter calls) {
        this.counter = calls;
    }

    /** Every call on {@link #dataSource()}: a borrowed connection is counted or not, the rest goes to the pool. */
    private Object onDataSource(Object proxy, Method method, Object[] args) throws Throwable {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "counting " + pool;
            case "getConnection" -> lend(args);
            case "unwrap" -> ((Class<?>) args[0]).isInstance(proxy) ? proxy : invoke(pool, method, args);
            case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy) || (Boolean) invoke(pool, method, args);
            default -> invoke(pool, method, args);
        };
    }

    private Connection lend(Object[] credentials) throws SQLException {
        if (credentials != null) {
            throw new SQLFeatureNotSupportedException("the benchmark pool has one set of credentials");
        }
        Connection pooled = pool.getConnection();
        CallCounter calls = counter;
        return calls == null ? pooled : counting(pooled, calls);
    }

    private static Connection counting(Connection pooled, CallCounter calls) {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "counting " + pooled;
            case "commit", "rollback", "setTransactionIsolation", "getTransactionIsolation" -> {
                calls.record(method.getName());
                yield invoke(pooled, method, args);
            }
            case "prepareStatement" -> counting((PreparedStatement) invoke(pooled, method, args), (String) args[0],
                    calls);
            default -> invoke(pooled, method, args);
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private static PreparedStatement counting(PreparedStatement statement, String sql, CallCounter calls) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                calls.statement(sql);
            }
            return invoke(statement, method, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
