package org.bookingrules.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.bookingrules.jdbc.ForwardingDataSource;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;

/**
 * Ends server sessions the way an operator does ({@code pg_terminate_backend}, MariaDB's
 * {@code KILL CONNECTION}), from a connection of its own, for the tests of what the library does
 * when its connections die. It kills only sessions it can tell are a test's own: those of a pool it
 * made ({@link #killablePool}) or one whose id a test read on its own connection. Thread-safe.
 */
final class Sessions {

    private final Database db;
    /** Each killable pool's sessions, by pool name (MariaDB: its ids are never reused). */
    private final Map<String, Set<Long>> sessionsByPool = new ConcurrentHashMap<>();

    /**
     * @param db a PostgreSQL or MariaDB database; H2 runs in memory here, with no session to kill
     */
    Sessions(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** @return the query for the current session's id on this server */
    String sessionIdQuery() {
        return switch (db.store()) {
            case H2 -> "SELECT SESSION_ID()";
            case POSTGRESQL -> "SELECT pg_backend_pid()";
            case MARIADB -> "SELECT CONNECTION_ID()";
        };
    }

    /**
     * A pool of its own over the database whose sessions {@link #killAll} can end, and nobody
     * else's: on PostgreSQL its sessions carry the pool's name as {@code application_name}
     * (PostgreSQL reuses process ids, so an id noted earlier may name another session by now); on
     * MariaDB the pool notes each session's id as it opens it. Closed by the test, or else with the
     * database.
     *
     * @param max the most connections
     * @return the pool
     */
    HikariDataSource killablePool(int max) {
        HikariConfig config = db.poolConfig("kill");
        config.setMaximumPoolSize(max);
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        sessionsByPool.put(config.getPoolName(), ids);
        config.setDataSource(new NotingSessions(config.getDataSource(), sessionIdQuery(), ids));
        return db.adopt(new HikariDataSource(config));
    }

    /**
     * Kills every session of a pool made by {@link #killablePool}, and nobody else's.
     *
     * @param pool the pool
     * @return how many sessions were killed
     */
    int killAll(HikariDataSource pool) {
        List<Long> victims = new ArrayList<>();
        try (Connection c = db.ownConnection()) {
            if (db.store() == Store.POSTGRESQL) {
                try (PreparedStatement s = c.prepareStatement("SELECT pid FROM pg_stat_activity "
                        + "WHERE application_name = ? AND pid <> pg_backend_pid()")) {
                    s.setString(1, pool.getPoolName());
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            victims.add(r.getLong(1));
                        }
                    }
                }
            } else if (db.store() == Store.MARIADB) {
                for (long id : Objects.requireNonNull(sessionsByPool.get(pool.getPoolName()), "a killable pool")) {
                    try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM "
                            + "information_schema.PROCESSLIST WHERE ID = ? AND DB = ?")) {
                        s.setLong(1, id);
                        s.setString(2, db.namespace());
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
            if (db.store() == Store.POSTGRESQL ? killTagged(victim, pool.getPoolName()) : kill(victim)) {
                killed++;
            }
        }
        return killed;
    }

    /** Kills a PostgreSQL session only if it still carries the tag (its pid was not reused). */
    private boolean killTagged(long pid, String tag) {
        try (Connection c = db.ownConnection(); PreparedStatement s = c.prepareStatement(
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

    /**
     * Ends a session read on the test's own connection, and waits until the server has removed it
     * (its transaction undone, its locks released).
     *
     * @param sessionId the session
     * @return whether the session existed and was ended
     */
    boolean kill(long sessionId) {
        if (db.store() == Store.H2) {
            throw new UnsupportedOperationException("H2 runs in memory here: no server session to kill");
        }
        String kill = db.store() == Store.POSTGRESQL ? "SELECT pg_terminate_backend(" + sessionId + ")"
                : "KILL CONNECTION " + sessionId;
        try (Connection c = db.ownConnection(); Statement s = c.createStatement()) {
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
        String alive = db.store() == Store.POSTGRESQL ? "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = "
                + sessionId : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + sessionId;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection c = db.ownConnection(); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet r = s.executeQuery(alive)) {
                    r.next();
                    if (r.getLong(1) == 0) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(db.store() + " session " + sessionId + " still there 10 s after "
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
     * The driver's data source under a killable pool: notes the server session id of every
     * physical connection it opens. Thread-safe.
     */
    private static final class NotingSessions extends ForwardingDataSource {
        private final String sessionIdQuery;
        private final Set<Long> ids;

        NotingSessions(DataSource driver, String sessionIdQuery, Set<Long> ids) {
            super(driver);
            this.sessionIdQuery = sessionIdQuery;
            this.ids = ids;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = delegate().getConnection();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sessionIdQuery)) {
                r.next();
                ids.add(r.getLong(1));
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }
    }
}
