package org.bookingrules.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.bookingrules.jdbc.JdbcSchema;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database the benchmarks run on, with the library's schema freshly created in the benchmarks' own
 * namespace, behind a HikariCP pool, the pool applications use.
 *
 * <ul>
 *   <li><b>PostgreSQL</b>: the schema {@value #NAMESPACE} of the database in the URL (dropped and created
 *       afresh, then reached with {@code currentSchema=br_bench}), so the tests' schemas
 *       ({@code br_repo_test}, {@code br_outbox_test}, {@code public}) are never touched. The URL comes
 *       from the {@code --postgres-url} argument, else {@value #POSTGRES_URL_VARIABLE}, else
 *       {@value #DEFAULT_POSTGRES_URL}.</li>
 *   <li><b>H2</b>: a private in-memory database, embedded in the benchmark's JVM.</li>
 *   <li><b>MariaDB</b>: the database {@value #NAMESPACE} on the server in the URL (dropped and created
 *       afresh), from the {@code --mariadb-url} argument, else {@value #MARIADB_URL_VARIABLE}, else
 *       {@value #DEFAULT_MARIADB_URL}. The module does not depend on MariaDB's driver: put
 *       {@code mariadb-java-client} on the class path to use it (BENCHMARKS.md shows how).</li>
 * </ul>
 *
 * <p><b>The pool.</b> HikariCP, over the driver's own data source (MariaDB: over the URL, through
 * {@link DriverManager}), at most {@code poolSize} connections, opened when first needed
 * ({@code minimumIdle} 0) and then reused; otherwise HikariCP's defaults: auto-commit on, the driver's
 * isolation level, which the pool puts back when a borrower changed it, a connection left in a transaction
 * rolled back when given back. Each database reaches its own namespace through its URL, so no statement
 * has to run when a connection opens. The connections come through a {@link CountingDataSource}, through
 * which {@link #countCalls} counts calls for the profile; while nothing is counted, the borrowers get
 * HikariCP's connections themselves.
 *
 * <p>Thread-safe; close it after use.
 */
public final class BenchDatabase implements AutoCloseable {

    /** The PostgreSQL schema the benchmarks own. */
    public static final String NAMESPACE = "br_bench";
    /** Environment variable with the PostgreSQL URL (the same one the tests read). */
    public static final String POSTGRES_URL_VARIABLE = "BOOKING_TEST_POSTGRES_URL";
    /** The PostgreSQL URL when none is given. */
    public static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    /** Environment variable with the MariaDB URL (the same one the tests read). */
    public static final String MARIADB_URL_VARIABLE = "BOOKING_TEST_MARIADB_URL";
    /** The MariaDB URL when none is given. */
    public static final String DEFAULT_MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

    /** The databases the benchmarks know. */
    public enum Kind {
        /** PostgreSQL, over the network (loopback). */
        POSTGRESQL("PostgreSQL"),
        /** H2 in memory, embedded. */
        H2("H2"),
        /** MariaDB, over the network (loopback); its driver must be on the class path. */
        MARIADB("MariaDB");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** @return the name to print */
        public String label() {
            return label;
        }

        /**
         * The kind named in an argument.
         *
         * @param name {@code postgres}, {@code postgresql}, {@code h2} or {@code mariadb}, any case
         * @return the kind
         * @throws IllegalArgumentException for another name
         */
        public static Kind parse(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "postgres", "postgresql", "pg" -> POSTGRESQL;
                case "h2" -> H2;
                case "mariadb", "maria" -> MARIADB;
                default -> throw new IllegalArgumentException("unknown database: " + name
                        + " (postgres, h2 or mariadb)");
            };
        }
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    static {
        // HikariCP logs each pool's start and stop at INFO, between the benchmarks' own lines on the
        // console; its warnings still show. Set before HikariCP's first logger exists, unless the run
        // sets the level itself.
        if (System.getProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
        }
    }

    private final Kind kind;
    private final HikariDataSource pool;
    private final CountingDataSource counting;
    private final DataSource h2Driver;

    /** Opens the {@linkplain #pool pool} of one database and creates the library's schema in it. */
    private BenchDatabase(Kind kind, DataSource driver, String url, int poolSize) {
        this.kind = kind;
        this.pool = pool(kind, driver, url, poolSize);
        this.counting = new CountingDataSource(pool);
        // Only H2's in-memory database outlives its pool; it is shut down on a connection of its own.
        this.h2Driver = kind == Kind.H2 ? driver : null;
        try {
            JdbcSchema.create(counting.dataSource());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The pool of one database.
     *
     * @param kind which database, for the pool's name
     * @param driver the driver's data source, or null to use {@code url}
     * @param url the JDBC URL for {@link DriverManager}, when {@code driver} is null
     * @param poolSize the most connections out at once
     * @return the pool, started
     */
    private static HikariDataSource pool(Kind kind, DataSource driver, String url, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("br-bench-" + kind.name().toLowerCase(Locale.ROOT) + "-" + POOLS.incrementAndGet());
        if (driver != null) {
            config.setDataSource(driver);
        } else {
            config.setJdbcUrl(Objects.requireNonNull(url, "url"));
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
        return new HikariDataSource(config);
    }

    /**
     * Opens a database of the given kind with a fresh schema.
     *
     * @param kind which database
     * @param postgresUrl the PostgreSQL URL (without currentSchema), or null for the default
     * @param poolSize the most connections out at once
     * @return the database
     * @throws SQLException if PostgreSQL cannot be reached
     */
    public static BenchDatabase open(Kind kind, String postgresUrl, int poolSize) throws SQLException {
        return kind == Kind.MARIADB ? mariadb(null, poolSize)
                : kind == Kind.POSTGRESQL ? postgres(postgresUrl, poolSize) : h2(poolSize);
    }

    /**
     * PostgreSQL, in the schema {@value #NAMESPACE}, dropped and created afresh.
     *
     * @param url the database URL without currentSchema, or null for {@link #postgresUrl(String)}
     * @param poolSize the most connections out at once
     * @return the database
     * @throws SQLException if the server cannot be reached
     */
    public static BenchDatabase postgres(String url, int poolSize) throws SQLException {
        return postgres(url, poolSize, NAMESPACE);
    }

    /**
     * PostgreSQL, in a schema of the benchmark's own, dropped and created afresh: for a benchmark that
     * compares two databases side by side.
     *
     * @param url the database URL without currentSchema, or null for {@link #postgresUrl(String)}
     * @param poolSize the most connections out at once
     * @param namespace the schema, {@value #NAMESPACE} or a name starting with it
     * @return the database
     * @throws SQLException if the server cannot be reached
     */
    public static BenchDatabase postgres(String url, int poolSize, String namespace) throws SQLException {
        String base = postgresUrl(url);
        recreateSchema(base, ownNamespace(namespace));
        String own = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + namespace;
        return new BenchDatabase(Kind.POSTGRESQL, pgDataSource(own), null, poolSize);
    }

    /**
     * Drops and creates the schema {@value #NAMESPACE} (empty).
     *
     * @param url the database URL without currentSchema, not null
     * @throws SQLException if the server cannot be reached
     */
    static void recreateSchema(String url) throws SQLException {
        recreateSchema(url, NAMESPACE);
    }

    private static void recreateSchema(String url, String namespace) throws SQLException {
        try (Connection c = pgDataSource(url).getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + namespace + " CASCADE");
            s.execute("CREATE SCHEMA " + namespace);
        }
    }

    static DataSource pgDataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(Objects.requireNonNull(url, "url"));
        ds.setLoginTimeout(10);
        return ds;
    }

    /** A namespace the benchmarks own: {@value #NAMESPACE}, or {@value #NAMESPACE} and a suffix. */
    private static String ownNamespace(String namespace) {
        if (namespace == null || !namespace.matches(NAMESPACE + "(_[a-z0-9]+)?")) {
            throw new IllegalArgumentException("not a benchmark namespace (" + NAMESPACE + "[_suffix]): " + namespace);
        }
        return namespace;
    }

    /**
     * A private in-memory H2 database.
     *
     * @param poolSize the most connections out at once
     * @return the database
     */
    public static BenchDatabase h2(int poolSize) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + NAMESPACE + "_" + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1");
        return new BenchDatabase(Kind.H2, ds, null, poolSize);
    }

    private static final Pattern MARIADB_DATABASE =
            Pattern.compile("^(jdbc:(?:mariadb|mysql)://[^/?]+)(/[^?]*)?(\\?.*)?$");

    /**
     * MariaDB, in the database {@value #NAMESPACE} of the server, dropped and created afresh. Opened
     * through {@link DriverManager}, so MariaDB's driver is needed on the class path at run time only.
     *
     * @param url the URL of any database of the server, or null for {@link #mariadbUrl(String)}
     * @param poolSize the most connections out at once
     * @return the database
     * @throws SQLException if the server cannot be reached, or no driver on the class path takes the URL
     */
    public static BenchDatabase mariadb(String url, int poolSize) throws SQLException {
        return mariadb(url, poolSize, NAMESPACE);
    }

    /**
     * MariaDB, in a database of the benchmark's own, dropped and created afresh: for a benchmark that
     * compares two databases side by side.
     *
     * @param url the URL of any database of the server, or null for {@link #mariadbUrl(String)}
     * @param poolSize the most connections out at once
     * @param namespace the database, {@value #NAMESPACE} or a name starting with it
     * @return the database
     * @throws SQLException if the server cannot be reached, or no driver on the class path takes the URL
     */
    public static BenchDatabase mariadb(String url, int poolSize, String namespace) throws SQLException {
        ownNamespace(namespace);
        String base = mariadbUrl(url);
        Matcher m = MARIADB_DATABASE.matcher(base);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:mariadb://host[:port]/database URL");
        }
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + namespace);
            s.execute("CREATE DATABASE " + namespace + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        String own = m.group(1) + "/" + namespace + (m.group(3) == null ? "" : m.group(3));
        return new BenchDatabase(Kind.MARIADB, null, own, poolSize);
    }

    /**
     * The MariaDB URL to use.
     *
     * @param given the URL given as an argument, or null
     * @return it, or {@value #MARIADB_URL_VARIABLE}, or {@value #DEFAULT_MARIADB_URL}
     */
    public static String mariadbUrl(String given) {
        return url(given, MARIADB_URL_VARIABLE, DEFAULT_MARIADB_URL);
    }

    /**
     * The PostgreSQL URL to use.
     *
     * @param given the URL given as an argument, or null
     * @return it, or {@value #POSTGRES_URL_VARIABLE}, or {@value #DEFAULT_POSTGRES_URL}
     */
    public static String postgresUrl(String given) {
        return url(given, POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL);
    }

    /** The URL given, else the environment variable's, else the default; trimmed. */
    private static String url(String given, String variable, String fallback) {
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        String env = System.getenv(variable);
        return env != null && !env.isBlank() ? env.trim() : fallback;
    }

    /** @return which database */
    public Kind kind() {
        return kind;
    }

    /** @return the pool's connections, through the call counter (see the class comment) */
    public DataSource dataSource() {
        return counting.dataSource();
    }

    /**
     * Counts, from the next borrowed connection on, what {@link #dataSource()}'s connections send to the
     * database; null to stop counting.
     *
     * @param calls where to count, or null
     */
    public void countCalls(CallCounter calls) {
        counting.countCalls(calls);
    }

    /**
     * Runs a query that returns one number.
     *
     * @param sql the query, without parameters
     * @return the number in the first column of the first row
     */
    public long count(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            if (!r.next()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql + ": SQLState " + e.getSQLState(), e);
        }
    }

    /**
     * Runs one statement.
     *
     * @param sql the statement, without parameters
     */
    public void execute(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql + ": SQLState " + e.getSQLState(), e);
        }
    }

    /**
     * Binds an instant as the library's repository stores it: UTC wall time in MariaDB's
     * {@code DATETIME(6)}, with its offset on the other databases.
     *
     * @param s the statement
     * @param index the parameter's index, from 1
     * @param instant the instant, not null
     * @throws SQLException when the driver refuses the value
     */
    public void bindInstant(PreparedStatement s, int index, Instant instant) throws SQLException {
        if (kind == Kind.MARIADB) {
            s.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else {
            s.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    /**
     * The server's version, for the record.
     *
     * @return for example {@code PostgreSQL 15.20} or {@code H2 2.3.232 (2024-08-11)}
     */
    public String serverVersion() {
        try (Connection c = dataSource().getConnection()) {
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return "unknown (SQLState " + e.getSQLState() + ")";
        }
    }

    @Override
    public void close() {
        pool.close();
        if (h2Driver != null) {
            // Frees the in-memory database (DB_CLOSE_DELAY=-1 keeps it otherwise), on a connection of its
            // own once the pool's are closed, so that none of them is left on a database shut down under it.
            try (Connection c = h2Driver.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                throw new IllegalStateException("H2 shutdown failed: SQLState " + e.getSQLState(), e);
            }
        }
    }
}
