package org.bookingrules.jdbc.reliability;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.bookingrules.jdbc.ForwardingDataSource;

/**
 * A {@link DataSource} that hands out connections which fail on purpose at one chosen step of the
 * next write transaction that reaches it (a JDK {@link Proxy} around the pool's connections and
 * their prepared statements). Steps are recognized by the statement's SQL, the way the repository
 * writes it, so a test also checks that its step was reached ({@link #fired()}): a changed SQL
 * text fails the test instead of letting it pass without a fault.
 *
 * <p>Two things can happen at the step:
 * <ul>
 *   <li>{@link #failAt(Step)}: the call throws {@code SQLException} with SQLState {@value #STATE}
 *       ("connection failure"), and the connection is dead from then on, as when a network link
 *       dies: its physical connection is closed at once without a rollback and evicted from the
 *       HikariCP pool, so the server undoes the open transaction and releases its
 *       locks, and every further call but {@code close} and {@code isClosed} throws
 *       SQLState {@value #CLOSED_STATE}, as a driver does on a connection it knows is closed
 *       (PostgreSQL's does so even for {@code getAutoCommit});</li>
 *   <li>{@link #pauseAt(Step, SessionAction)}: before the step runs, the action is called on the
 *       command's thread, inside the open transaction, with the physical connection (to read its
 *       session id and kill it from another connection, say); then the step runs for real.</li>
 * </ul>
 * A fault fires once, then the injector is disarmed. Thread-safe.
 */
final class FaultInjector extends ForwardingDataSource {

    /** SQLState of the injected failure: connection failure. */
    static final String STATE = "08006";
    /** SQLState of any call on a connection after it failed: connection does not exist. */
    static final String CLOSED_STATE = "08003";

    /** Where in a write transaction the fault strikes. */
    enum Step {
        /**
         * The first statement inside the transaction, before it runs: the resource lock
         * ({@code SELECT ... FOR UPDATE}) for a change that claims a slot; the booking update
         * for one that does not (a cancel takes no lock).
         */
        BEFORE_LOCK,
        /** Just after the booking row was inserted or updated on the server. */
        AFTER_BOOKING_WRITE,
        /** At the insert of the history events, before it runs. */
        AT_EVENT_INSERT,
        /**
         * At the insert of the outbox rows, before it runs; on PostgreSQL the same statement as the
         * events' insert.
         */
        AT_OUTBOX_INSERT,
        /** At commit, before the commit reaches the server. */
        AT_COMMIT,
        /** After the commit succeeded on the server, with its reply lost on the way back. */
        COMMIT_REPLY_LOST
    }

    /** Something done with the physical connection at a paused step. */
    @FunctionalInterface
    interface SessionAction {
        /**
         * @param physical the physical connection, inside the open transaction
         * @throws Exception to fail the command's statement with it
         */
        void run(Connection physical) throws Exception;
    }

    private record Armed(Step step, SessionAction pause) {
    }

    private final HikariDataSource pool;
    private final AtomicReference<Armed> armed = new AtomicReference<>();
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param pool the pool whose connections are wrapped
     */
    FaultInjector(HikariDataSource pool) {
        super(pool);
        this.pool = pool;
    }

    /**
     * Arms a connection failure at a step of the next write transaction that reaches it.
     *
     * @param step the step
     */
    void failAt(Step step) {
        arm(new Armed(step, null));
    }

    /**
     * Arms a pause at a step: the action runs there, then the step runs for real.
     *
     * @param step the step; not {@link Step#COMMIT_REPLY_LOST}
     * @param action what to do with the physical connection
     */
    void pauseAt(Step step, SessionAction action) {
        if (step == Step.COMMIT_REPLY_LOST) {
            throw new IllegalArgumentException("pause before the commit with AT_COMMIT");
        }
        arm(new Armed(step, Objects.requireNonNull(action, "action")));
    }

    private void arm(Armed a) {
        if (!armed.compareAndSet(null, a)) {
            throw new IllegalStateException("already armed: " + armed.get().step());
        }
    }

    /** Disarms a fault that has not fired. */
    void disarm() {
        armed.set(null);
    }

    /** @return how many faults fired since this injector was made */
    int fired() {
        return fired.get();
    }

    /**
     * @return how many connections were handed out and not closed (given back) yet: 0 when no
     *     command is running, unless a caller lost one
     */
    int openConnections() {
        return open.get();
    }

    /** Takes the armed fault if it is for this step; at most one caller gets it. */
    private Armed take(Step step) {
        Armed a = armed.get();
        if (a != null && a.step() == step && armed.compareAndSet(a, null)) {
            fired.incrementAndGet();
            return a;
        }
        return null;
    }

    static SQLException failure(String where) {
        return new SQLException("injected connection failure " + where, STATE);
    }

    // ------------------------------------------------------------------------------ connections

    @Override
    public Connection getConnection() throws SQLException {
        Connection inner = pool.getConnection();
        open.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Faulty(inner));
    }

    /** One handed-out connection: tracks the transaction, breaks when a fault fires. */
    private final class Faulty implements InvocationHandler {
        private final Connection inner;
        private boolean autoCommit = true;
        private int statementsInTransaction;
        private boolean broken;
        private boolean closed;

        Faulty(Connection inner) {
            this.inner = inner;
        }

        @Override
        public synchronized Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "close":
                    if (!closed) {
                        closed = true;
                        open.decrementAndGet();
                        if (!broken) {
                            inner.close();
                        }
                    }
                    return null;
                case "isClosed":
                    return closed || broken || inner.isClosed();
                case "equals":
                    return self == args[0];
                case "hashCode":
                    return System.identityHashCode(self);
                case "toString":
                    return "faulty " + inner;
                default:
                    break;
            }
            if (broken || closed) {
                throw new SQLException("connection is closed", CLOSED_STATE);
            }
            switch (name) {
                case "setAutoCommit":
                    Object r = call(method, args);
                    autoCommit = (Boolean) args[0];
                    statementsInTransaction = 0;
                    return r;
                case "commit": {
                    Armed a = take(Step.AT_COMMIT);
                    if (a != null) {
                        strike(a, "at commit");
                        return call(method, args);
                    }
                    Object result = call(method, args);
                    statementsInTransaction = 0;
                    if (take(Step.COMMIT_REPLY_LOST) != null) {
                        die();
                        throw failure("after commit (reply lost)");
                    }
                    return result;
                }
                case "rollback":
                    statementsInTransaction = 0;
                    return call(method, args);
                case "prepareStatement": {
                    PreparedStatement statement = (PreparedStatement) call(method, args);
                    return statement(statement, (String) args[0]);
                }
                default:
                    return call(method, args);
            }
        }

        /** Fails the call (breaking the connection) or runs the pause action. */
        private void strike(Armed a, String where) throws Throwable {
            if (a.pause() == null) {
                die();
                throw failure(where);
            }
            a.pause().run(inner);
        }

        /**
         * The link dies: the physical connection is closed under the pool's proxy, without a
         * rollback, so the server ends the session and undoes its open transaction; the pool then
         * forgets it, as HikariCP does with a connection that broke. The proxy is not given back:
         * there is nothing left to give.
         */
        private void die() {
            broken = true;
            try {
                inner.unwrap(Connection.class).close();
            } catch (SQLException e) {
                // broken already
            }
            pool.evictConnection(inner);
        }

        private Object call(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private PreparedStatement statement(PreparedStatement statement, String sql) {
            String text = sql.strip().toUpperCase(Locale.ROOT);
            InvocationHandler handler = (self, method, args) -> {
                String name = method.getName();
                if (name.startsWith("execute")) {
                    return execute(statement, text, method, args);
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

        /**
         * Whether a statement inserts into the table: an INSERT, or a WITH holding one (PostgreSQL
         * writes a change's events and outbox rows in one such statement, which is then both steps).
         */
        private static boolean inserts(String text, String table) {
            String insert = "INSERT INTO " + table + " ";
            return text.startsWith(insert) || text.startsWith("WITH ") && text.contains(insert);
        }

        private Object execute(PreparedStatement statement, String text, Method method, Object[] args)
                throws Throwable {
            synchronized (this) {
                if (broken || closed) {
                    throw new SQLException("connection is closed", CLOSED_STATE);
                }
                boolean first = !autoCommit && statementsInTransaction++ == 0;
                Armed before = first ? take(Step.BEFORE_LOCK) : null;
                if (before == null && inserts(text, "BR_BOOKING_EVENT")) {
                    before = take(Step.AT_EVENT_INSERT);
                }
                if (before == null && inserts(text, "BR_OUTBOX")) {
                    before = take(Step.AT_OUTBOX_INSERT);
                }
                if (before != null) {
                    strike(before, "at " + before.step());
                }
                Object result;
                try {
                    result = method.invoke(statement, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                boolean bookingWrite = !autoCommit && (text.startsWith("INSERT INTO BR_BOOKING ")
                        || text.startsWith("INSERT INTO BR_BOOKING(") || text.startsWith("UPDATE BR_BOOKING "));
                Armed after = bookingWrite ? take(Step.AFTER_BOOKING_WRITE) : null;
                if (after != null) {
                    strike(after, "after the booking write");
                }
                return result;
            }
        }
    }
}
