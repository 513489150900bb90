package org.bookingrules.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The one opener of every database the JDBC tests use, with the one rule for when they run: a JUnit
 * extension that a test class registers once and asks for a store's database.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestDatabases DATABASES = new TestDatabases();
 * ...
 * Database db = DATABASES.empty(Store.POSTGRESQL);   // this class's namespace, tables emptied
 * JdbcBookingRepository repository = JdbcBookingRepository.create(db.dataSource());
 * }</pre>
 *
 * <p><b>Which stores run.</b>
 * <ul>
 *   <li><b>H2</b> always runs, in memory.</li>
 *   <li><b>PostgreSQL</b> runs when {@value #POSTGRES_URL} is set, e.g.
 *       {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}.</li>
 *   <li><b>MariaDB</b> runs when {@value #MARIADB_URL} is set, e.g.
 *       {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}.</li>
 * </ul>
 * A store whose variable is unset is skipped, test by test, with a message saying how to enable it
 * ({@link #howToEnable}); except in CI ({@value #CI} is {@code true}), where the test fails instead:
 * there a silent skip would hide a store that never ran. A store whose variable is set but which
 * cannot be reached or prepared fails its tests, in CI or not. {@code bash .ci/run} starts both
 * servers and sets both variables.
 *
 * <p><b>Namespaces.</b> Each test class gets a namespace of its own on each store it asks for, made
 * on first use and dropped after the class ({@link AfterAllCallback}): a PostgreSQL schema (reached
 * through {@code currentSchema}), a MariaDB database, or a private in-memory H2 database, named
 * {@value #NAMESPACE_PREFIX}{@code <time>_<random>}, with the library's schema created by
 * {@link JdbcSchema#create(DataSource)}. So builds running at once against the same servers (each
 * engineer's, each build folder's) never touch each other's rows, and no class sees another's
 * leftovers. {@link #fresh(Store)} gives a test an empty namespace without the schema (for the
 * migration tests). Namespaces a killed build left behind are dropped by the next build once they
 * are {@link #STALE_AFTER} old. On PostgreSQL the overlap guard's {@code btree_gist} extension is
 * installed once per database, in {@code public} when missing, never in a test schema: dropping
 * the schema would drop it from under every other schema's constraint.
 *
 * <p><b>Pools.</b> Every connection comes from HikariCP. A namespace has one pool of at most
 * {@value #POOL_SIZE} connections ({@link Database#dataSource()}), opened lazily and closed with the
 * namespace; a test that needs another pool over it (a second node, a restart, sessions to kill)
 * makes one with {@link Database#newPool} or {@link Database#poolConfig}, closed by the test or, at
 * the latest, with the namespace. Surefire runs one class at a time, so a build holds about one
 * class's connections (PostgreSQL allows about 100 in all).
 *
 * <p><b>Session time zone.</b> Every connection runs with a non-UTC session time zone on purpose
 * (STYLE 11): {@value #SESSION_ZONE} on H2 and PostgreSQL; on MariaDB the named zone when the
 * server has its time zone tables loaded, otherwise the fixed offset {@value #MARIADB_FALLBACK_OFFSET}.
 *
 * <p>Thread-safe. One instance per test class, in a static field, as above: a static field of an
 * abstract test class serves each subclass in turn, since every class's namespaces are dropped
 * after it.
 */
public final class TestDatabases implements AfterAllCallback {

    /** Environment variable with the JDBC URL of the PostgreSQL test database. */
    public static final String POSTGRES_URL = "BOOKING_TEST_POSTGRES_URL";
    /** Environment variable with the JDBC URL of the MariaDB test database. */
    public static final String MARIADB_URL = "BOOKING_TEST_MARIADB_URL";
    /** Environment variable that is {@code true} in CI, where a store's tests must not skip. */
    public static final String CI = "CI";
    /** The start of the name of every namespace the tests make. */
    public static final String NAMESPACE_PREFIX = "br_t_";
    /** The session time zone of every test connection. */
    public static final String SESSION_ZONE = "America/Santiago";
    /** MariaDB's session zone when the server has no time zone tables. */
    public static final String MARIADB_FALLBACK_OFFSET = "-03:00";
    /** The most connections of a namespace's own pool: a 16-thread race, its relay and its checks. */
    public static final int POOL_SIZE = 20;
    /** How old a namespace must be before another build drops it as a killed build's leftover. */
    public static final Duration STALE_AFTER = Duration.ofHours(6);

    /** Every table of the adapter, emptied by {@link Database#clean()}. */
    public static final List<String> TABLES = List.of("br_booking", "br_booking_event", "br_outbox",
            "br_resource_lock", "br_idempotency_key", "br_link_guard", "br_waitlist_entry", "br_waitlist_event",
            "br_slot_hold", "br_slot_offer");

    private static final Pattern MARIADB_DATABASE =
            Pattern.compile("^(jdbc:(?:mariadb|mysql)://[^/?]+)(/[^?]*)?(\\?.*)?$");
    private static final Pattern NAMESPACE_NAME = Pattern.compile(NAMESPACE_PREFIX + "([0-9a-z]+)_[0-9a-f]+");
    private static final int DROP_WAIT_SECONDS = 20;
    private static final AtomicInteger POOLS = new AtomicInteger();

    static {
        // HikariCP logs every pool's start and stop at INFO; dozens of pools a run would bury the
        // tests' own output. Set before the first HikariCP logger exists.
        if (System.getProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
        }
    }

    /** The stores the tests run on. */
    public enum Store {
        /** H2 in memory: always runs. */
        H2("H2", JdbcDialect.H2, null),
        /** PostgreSQL: runs when {@value TestDatabases#POSTGRES_URL} is set. */
        POSTGRESQL("PostgreSQL", JdbcDialect.POSTGRESQL, POSTGRES_URL),
        /** MariaDB: runs when {@value TestDatabases#MARIADB_URL} is set. */
        MARIADB("MariaDB", JdbcDialect.MARIADB, MARIADB_URL);

        private final String label;
        private final JdbcDialect dialect;
        private final String variable;

        Store(String label, JdbcDialect dialect, String variable) {
            this.label = label;
            this.dialect = dialect;
            this.variable = variable;
        }

        /**
         * The store of a dialect.
         *
         * @param dialect the dialect, not null
         * @return the store the library detects it on
         */
        public static Store of(JdbcDialect dialect) {
            return switch (Objects.requireNonNull(dialect, "dialect")) {
                case H2 -> H2;
                case POSTGRESQL -> POSTGRESQL;
                case MARIADB -> MARIADB;
            };
        }

        /** @return the dialect the library detects on this store */
        public JdbcDialect dialect() {
            return dialect;
        }

        /** @return the environment variable that enables this store, or null for H2 */
        public String variable() {
            return variable;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * A test run once on each {@link Store}, named "on" and the store: the method takes the store as
     * its only parameter and asks {@link #get} for its database, so a store not configured skips (or,
     * in CI, fails) that run alone.
     */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "on {0}")
    @EnumSource(Store.class)
    public @interface EachStore {
    }

    /** Per JVM: each server's admin access, opened once, or why it could not be. */
    private static final Map<Store, Object> SERVERS = new EnumMap<>(Store.class);

    private final Map<Store, Database> databases = new EnumMap<>(Store.class);
    private final List<Database> freshOnes = new CopyOnWriteArrayList<>();

    /** Makes the extension of one test class; its namespaces are made on first use. */
    public TestDatabases() {
    }

    // ------------------------------------------------------------------------------- the rule

    /**
     * Whether a store is configured.
     *
     * @param store the store, not null
     * @return true for H2, and for a server whose variable is set
     */
    public static boolean isConfigured(Store store) {
        if (store.variable() == null) {
            return true;
        }
        String url = System.getenv(store.variable());
        return url != null && !url.isBlank();
    }

    /** @return whether the tests run in CI, where no store may be skipped */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv(CI));
    }

    /**
     * How to enable a store's tests, for skip and failure messages.
     *
     * @param store PostgreSQL or MariaDB, not null
     * @return the message
     */
    public static String howToEnable(Store store) {
        String example = store == Store.POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
                : "jdbc:mariadb://127.0.0.1:3306/test?user=root";
        return store.variable() + " is not set. To run them, point it at a test "
                + "database, e.g. " + store.variable() + "='" + example + "' (`bash .ci/run` starts the servers and "
                + "sets both " + POSTGRES_URL + " and " + MARIADB_URL + "). Each test class then works in a "
                + (store == Store.POSTGRESQL ? "schema" : "database") + " of its own, " + NAMESPACE_PREFIX
                + "<time>_<random>, dropped after it.";
    }

    /**
     * The one rule: returns when the store's tests may run; skips the calling test (a JUnit
     * assumption) saying {@link #howToEnable how to enable them} when the store is not configured;
     * fails it instead when that happens in CI.
     *
     * @param store the store, not null
     * @throws org.opentest4j.TestAbortedException to skip
     * @throws IllegalStateException in CI, when the store is not configured
     */
    public static void assumeConfigured(Store store) {
        Objects.requireNonNull(store, "store");
        if (isConfigured(store)) {
            return;
        }
        if (inCi()) {
            throw new IllegalStateException(CI + "=true, so the " + store + " tests fail instead of skipping: "
                    + howToEnable(store));
        }
        Assumptions.abort(store + " tests skipped: " + howToEnable(store));
    }

    // ------------------------------------------------------------------------------- databases

    /**
     * The store's database of the calling test class, its schema created, opened on first use and
     * shared by the class's tests. Rows of earlier tests stay: see {@link #empty(Store)}.
     *
     * @param store the store, not null
     * @return the database
     * @throws org.opentest4j.TestAbortedException if the store is not configured (outside CI)
     * @throws IllegalStateException if it is configured and cannot be reached or prepared, or is not
     *     configured in CI
     */
    public Database get(Store store) {
        assumeConfigured(store);
        synchronized (this) {
            Database db = databases.get(store);
            if (db == null) {
                db = open(store, true);
                databases.put(store, db);
            }
            return db;
        }
    }

    /**
     * The store's database of the calling test class with every adapter table emptied: what a test
     * that counts rows starts from.
     *
     * @param store the store, not null
     * @return the database
     * @throws org.opentest4j.TestAbortedException if the store is not configured (outside CI)
     */
    public Database empty(Store store) {
        Database db = get(store);
        db.clean();
        return db;
    }

    /** @return the H2 database of the calling test class */
    public Database h2() {
        return get(Store.H2);
    }

    /** @return the PostgreSQL database of the calling test class, or the test is skipped */
    public Database postgres() {
        return get(Store.POSTGRESQL);
    }

    /** @return the MariaDB database of the calling test class, or the test is skipped */
    public Database mariadb() {
        return get(Store.MARIADB);
    }

    /**
     * A new, empty namespace of its own, without the library's schema: for tests of schema
     * creation and migration. The caller closes it, which drops it; one left open is dropped after
     * the class.
     *
     * @param store the store, not null
     * @return the database
     * @throws org.opentest4j.TestAbortedException if the store is not configured (outside CI)
     */
    public Database fresh(Store store) {
        assumeConfigured(store);
        Database db = open(store, false);
        freshOnes.add(db);
        return db;
    }

    /** Drops every namespace this class made. */
    @Override
    public void afterAll(ExtensionContext context) {
        List<Database> all;
        synchronized (this) {
            all = new ArrayList<>(databases.values());
            databases.clear();
        }
        all.addAll(freshOnes);
        freshOnes.clear();
        for (Database db : all) {
            db.close();
        }
    }

    // ------------------------------------------------------------------------------- opening

    /** What a server needs once per JVM: its URL, its admin access, and MariaDB's session zone. */
    private record Server(String url, DataSource admin, String sessionSetup) {
    }

    private static synchronized Server server(Store store) {
        Object known = SERVERS.get(store);
        if (known == null) {
            String url = store == Store.H2 ? null : System.getenv(store.variable()).trim();
            try {
                known = switch (store) {
                    case H2 -> new Server(null, null, "SET TIME ZONE '" + SESSION_ZONE + "'");
                    case POSTGRESQL -> postgresServer(url);
                    case MARIADB -> mariaDbServer(url);
                };
            } catch (SQLException | RuntimeException e) {
                known = new IllegalStateException(unreachable(store, url, e), e);
            }
            SERVERS.put(store, known);
        }
        if (known instanceof IllegalStateException failure) {
            // Thrown again for every class that asks, each failing on its own, never skipping.
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return (Server) known;
    }

    private static Server postgresServer(String url) throws SQLException {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setUrl(url);
        admin.setLoginTimeout(10);
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            boolean installed;
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM pg_extension WHERE extname = 'btree_gist'")) {
                installed = r.next() && r.getInt(1) > 0;
            }
            if (!installed) {
                s.execute("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public");
            }
            List<String> stale = stale(s, "SELECT nspname FROM pg_namespace WHERE nspname LIKE '"
                    + NAMESPACE_PREFIX.replace("_", "\\_") + "%'");
            for (String name : stale) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            }
        }
        return new Server(url, admin, "SET TIME ZONE '" + SESSION_ZONE + "'");
    }

    private static Server mariaDbServer(String url) throws SQLException {
        if (!MARIADB_DATABASE.matcher(url).matches()) {
            throw new IllegalArgumentException(MARIADB_URL + " is not a jdbc:mariadb://host[:port]/database URL");
        }
        MariaDbDataSource admin = new MariaDbDataSource(url);
        admin.setLoginTimeout(10);
        String zone;
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM mysql.time_zone_name WHERE Name = '"
                    + SESSION_ZONE + "'")) {
                zone = r.next() && r.getInt(1) > 0 ? SESSION_ZONE : MARIADB_FALLBACK_OFFSET;
            }
            List<String> stale = stale(s, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME "
                    + "LIKE '" + NAMESPACE_PREFIX.replace("_", "\\_") + "%'");
            for (String name : stale) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
        return new Server(url, admin, "SET time_zone = '" + zone + "'");
    }

    /** The namespaces a query lists that are older than {@link #STALE_AFTER}, by the time in their name. */
    private static List<String> stale(Statement s, String query) throws SQLException {
        long cutOff = Instant.now().minus(STALE_AFTER).getEpochSecond();
        List<String> names = new ArrayList<>();
        try (ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                Matcher m = NAMESPACE_NAME.matcher(r.getString(1));
                if (m.matches() && Long.parseLong(m.group(1), Character.MAX_RADIX) < cutOff) {
                    names.add(r.getString(1));
                }
            }
        }
        return names;
    }

    private static String unreachable(Store store, String url, Exception e) {
        String state = e instanceof SQLException sql ? ", SQLState " + sql.getSQLState() : "";
        String where = url == null ? "in memory" : "at " + withoutParameters(url);
        return store + " test database " + where + " cannot be reached or prepared (" + e.getClass().getSimpleName()
                + state + ")" + (url == null ? "" : ": " + store.variable() + " is set, so its tests fail instead of "
                + "skipping; start the server (`bash .ci/run` does) or unset the variable to skip them");
    }

    /** The URL without its parameters, which may hold a password. */
    private static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static String newNamespace() {
        return NAMESPACE_PREFIX + Long.toString(Instant.now().getEpochSecond(), Character.MAX_RADIX) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Makes a namespace on the store, with the library's schema or empty. */
    private static Database open(Store store, boolean withSchema) {
        Server server = server(store);
        String namespace = newNamespace();
        DataSource driver;
        try {
            driver = switch (store) {
                case H2 -> {
                    JdbcDataSource h2 = new JdbcDataSource();
                    h2.setURL("jdbc:h2:mem:" + namespace + ";DB_CLOSE_DELAY=-1");
                    yield h2;
                }
                case POSTGRESQL -> {
                    admin(server, "CREATE SCHEMA " + namespace);
                    yield postgresDriver(server.url() + (server.url().contains("?") ? "&" : "?") + "currentSchema="
                            + namespace, null);
                }
                case MARIADB -> {
                    admin(server, "CREATE DATABASE " + namespace + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
                    Matcher m = MARIADB_DATABASE.matcher(server.url());
                    if (!m.matches()) {
                        throw new IllegalStateException("checked when the server was opened");
                    }
                    MariaDbDataSource maria = new MariaDbDataSource(m.group(1) + "/" + namespace
                            + (m.group(3) == null ? "" : m.group(3)));
                    maria.setLoginTimeout(10);
                    yield maria;
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException(store + ": making namespace " + namespace + " failed: SQLState "
                    + e.getSQLState(), e);
        }
        Database db = new Database(store, namespace, server, driver);
        if (withSchema) {
            try {
                JdbcDialect detected = JdbcSchema.create(db.dataSource());
                if (detected != store.dialect()) {
                    throw new IllegalStateException(store + " detected as " + detected);
                }
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
        return db;
    }

    private static PGSimpleDataSource postgresDriver(String url, String applicationName) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(url);
        pg.setLoginTimeout(10);
        if (applicationName != null) {
            pg.setApplicationName(applicationName);
        }
        return pg;
    }

    private static void admin(Server server, String sql) throws SQLException {
        try (Connection c = server.admin().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    // ------------------------------------------------------------------------------- a database

    /**
     * One namespace on one store: its pool, the pools made over it, and plain-JDBC helpers for the
     * tests' own checks. Closing it closes every pool and drops the namespace. Thread-safe.
     */
    public static final class Database implements AutoCloseable {
        /** The rows {@link #insertRows} sends in one batch. */
        public static final int INSERT_BATCH = 500;

        private final Store store;
        private final String namespace;
        private final Server server;
        private final DataSource driver;
        private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();
        private volatile HikariDataSource pool;
        private volatile boolean closed;

        private Database(Store store, String namespace, Server server, DataSource driver) {
            this.store = store;
            this.namespace = namespace;
            this.server = server;
            this.driver = driver;
        }

        /** @return the store */
        public Store store() {
            return store;
        }

        /** @return the dialect of the store */
        public JdbcDialect dialect() {
            return store.dialect();
        }

        /** @return the namespace's name: the PostgreSQL schema, the MariaDB database, the H2 database */
        public String namespace() {
            return namespace;
        }

        /** @return the PostgreSQL schema of this namespace, or null on other stores */
        public String postgresSchema() {
            return store == Store.POSTGRESQL ? namespace : null;
        }

        /** @return the statement every new connection runs first: the session time zone */
        public String sessionSetup() {
            return server.sessionSetup();
        }

        /**
         * The namespace's own pool, of at most {@value TestDatabases#POOL_SIZE} connections, opened
         * on first use.
         *
         * @return the pool
         */
        public HikariDataSource dataSource() {
            HikariDataSource p = pool;
            if (p == null) {
                synchronized (this) {
                    if (pool == null) {
                        pool = newPool("main");
                    }
                    p = pool;
                }
            }
            return p;
        }

        /**
         * The settings of a new pool over this namespace, for a test to adjust before it builds the
         * pool with {@code new HikariDataSource(config)}: the driver's data source (on PostgreSQL
         * with the pool's name as {@code application_name}, so that its sessions can be told from
         * others), the session setup, at most 4 connections, none kept idle, a 10 s wait for one.
         * A pool built from it is closed by the test, or else with the namespace
         * ({@link #adopt}).
         *
         * @param name what the pool is for, short; made unique
         * @return the settings
         */
        public HikariConfig poolConfig(String name) {
            String poolName = "br-" + name + "-" + POOLS.incrementAndGet();
            HikariConfig config = new HikariConfig();
            config.setPoolName(poolName);
            config.setDataSource(driver instanceof PGSimpleDataSource pg ? postgresDriver(pg.getUrl(), poolName)
                    : driver);
            config.setConnectionInitSql(server.sessionSetup());
            config.setMaximumPoolSize(4);
            config.setMinimumIdle(0);
            config.setIdleTimeout(Duration.ofSeconds(30).toMillis());
            config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
            return config;
        }

        /**
         * A new pool of its own over this namespace, of at most {@value TestDatabases#POOL_SIZE}
         * connections: a second node, or a process after a restart. Closed by the test, or else with
         * the namespace.
         *
         * @param name what the pool is for, short
         * @return the pool
         */
        public HikariDataSource newPool(String name) {
            HikariConfig config = poolConfig(name);
            config.setMaximumPoolSize(POOL_SIZE);
            config.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
            return adopt(new HikariDataSource(config));
        }

        /**
         * Closes a pool with the namespace, if the test has not closed it by then.
         *
         * @param other a pool over this namespace, not null
         * @return the pool
         */
        public HikariDataSource adopt(HikariDataSource other) {
            pools.add(Objects.requireNonNull(other, "other"));
            return other;
        }

        /**
         * A connection of its own, outside every pool, with the session setup run: for killing
         * another session, or holding one open.
         *
         * @return a new physical connection; the caller closes it
         * @throws SQLException if it cannot be opened
         */
        public Connection ownConnection() throws SQLException {
            Connection c = driver.getConnection();
            try (Statement s = c.createStatement()) {
                s.execute(server.sessionSetup());
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }

        /** Deletes every row of every adapter table, so a test starts empty. */
        public void clean() {
            try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
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
        public JdbcBookingRepository emptyRepository() {
            return emptyRepository(dataSource());
        }

        /**
         * Cleans the tables and builds a repository over a data source onto them.
         *
         * @param over the pool, or a wrapper of it (a fault injector, say); not null
         * @return a repository over an empty database
         */
        public JdbcBookingRepository emptyRepository(DataSource over) {
            clean();
            return JdbcBookingRepository.create(over);
        }

        /**
         * Runs a query that returns one number.
         *
         * @param sql the query, with {@code ?} for the string arguments
         * @param args the arguments
         * @return the number
         */
        public long count(String sql, String... args) {
            return TestQueries.count(dataSource(), sql, args);
        }

        /**
         * Runs a query that returns one text value.
         *
         * @param sql the query
         * @return the value of the first column of the first row
         */
        public String text(String sql) {
            List<String> values = texts(sql);
            if (values.isEmpty()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return values.get(0);
        }

        /**
         * The text values of one column, in the order of the query.
         *
         * @param sql the query, {@code ?} for the string arguments
         * @param args the arguments
         * @return the values
         */
        public List<String> texts(String sql, String... args) {
            try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setString(i + 1, args[i]);
                }
                List<String> values = new ArrayList<>();
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
         * Runs one statement, with string arguments: to set up or to break the tables on purpose.
         *
         * @param sql the statement, with {@code ?} for the string arguments
         * @param args the arguments
         * @return the number of rows changed
         */
        public int execute(String sql, String... args) {
            try (Connection c = dataSource().getConnection()) {
                if (args.length == 0) {
                    // Not prepared: DDL too, on every store.
                    try (Statement s = c.createStatement()) {
                        s.execute(sql);
                        return Math.max(0, s.getUpdateCount());
                    }
                }
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    for (int i = 0; i < args.length; i++) {
                        s.setString(i + 1, args[i]);
                    }
                    s.execute();
                    return Math.max(0, s.getUpdateCount());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("statement failed on " + store + ": " + sql + ": SQLState "
                        + e.getSQLState(), e);
            }
        }

        /** Binds the parameters of one row of {@link #insertRows}. */
        @FunctionalInterface
        public interface RowBinder {
            /**
             * Binds one row.
             *
             * @param s the insert
             * @param row the row's number, from 0
             * @throws SQLException if a value cannot be bound
             */
            void bind(PreparedStatement s, int row) throws SQLException;
        }

        /**
         * Inserts many rows in one transaction, sent in batches of {@value #INSERT_BATCH}: to load a
         * table with more rows than a test would write one by one.
         *
         * @param insert the statement of one row
         * @param rows how many rows
         * @param binder binds row {@code 0} to {@code rows - 1}
         * @throws SQLException if a row cannot be bound or written; nothing is committed then
         */
        public void insertRows(String insert, int rows, RowBinder binder) throws SQLException {
            try (Connection c = dataSource().getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement s = c.prepareStatement(insert)) {
                    for (int i = 0; i < rows; i++) {
                        binder.bind(s, i);
                        s.addBatch();
                        if (i % INSERT_BATCH == INSERT_BATCH - 1) {
                            s.executeBatch();
                        }
                    }
                    s.executeBatch();
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        }

        /** @return the row count of every adapter table, by table; fails if a table is gone */
        public Map<String, Long> rowCounts() {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : TABLES) {
                counts.put(table, count("SELECT COUNT(*) FROM " + table));
            }
            return counts;
        }

        /**
         * Every column of every row of a tenant in every adapter table, as text ({@code table | value |
         * ...}), sorted within each table: what a test scans for personal data, or compares before and
         * after.
         *
         * @param tenant the tenant id
         * @return the rows, table by table in the order of {@link #TABLES}
         */
        public List<String> tenantRows(String tenant) {
            List<String> out = new ArrayList<>();
            try (Connection c = dataSource().getConnection()) {
                for (String table : TABLES) {
                    try (PreparedStatement s = c.prepareStatement("SELECT * FROM " + table + " WHERE tenant_id = ?")) {
                        s.setString(1, tenant);
                        try (ResultSet r = s.executeQuery()) {
                            ResultSetMetaData meta = r.getMetaData();
                            List<String> rows = new ArrayList<>();
                            while (r.next()) {
                                StringBuilder row = new StringBuilder(table);
                                for (int i = 1; i <= meta.getColumnCount(); i++) {
                                    row.append(" | ").append(r.getString(i));
                                }
                                rows.add(row.toString());
                            }
                            rows.sort(null);
                            out.addAll(rows);
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the rows of a tenant on " + store + " failed: SQLState "
                        + e.getSQLState(), e);
            }
            return out;
        }

        /** @return the tables of this namespace, in lower case */
        public Set<String> tables() {
            try (Connection c = dataSource().getConnection()) {
                DatabaseMetaData md = c.getMetaData();
                String catalog = store == Store.MARIADB ? namespace : null;
                String schema = switch (store) {
                    case H2 -> "PUBLIC";
                    case POSTGRESQL -> namespace;
                    case MARIADB -> null;
                };
                Set<String> tables = new TreeSet<>();
                try (ResultSet rows = md.getTables(catalog, schema, "%", null)) {
                    while (rows.next()) {
                        String type = rows.getString("TABLE_TYPE").toUpperCase(Locale.ROOT);
                        if (type.equals("TABLE") || type.equals("BASE TABLE")) {
                            tables.add(rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                        }
                    }
                }
                return tables;
            } catch (SQLException e) {
                throw new IllegalStateException("listing the tables failed: SQLState " + e.getSQLState(), e);
            }
        }

        /**
         * Closes every pool over the namespace and drops it. A namespace that cannot be dropped now
         * (a session still holding a lock on it) is left for a later build to drop as stale.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (HikariDataSource p : pools) {
                p.close();
            }
            try {
                switch (store) {
                    case H2 -> {
                        try (Connection c = driver.getConnection(); Statement s = c.createStatement()) {
                            s.execute("SHUTDOWN");
                        }
                    }
                    case POSTGRESQL -> {
                        try (Connection c = server.admin().getConnection(); Statement s = c.createStatement()) {
                            s.execute("SET lock_timeout = '" + DROP_WAIT_SECONDS + "s'");
                            s.execute("DROP SCHEMA IF EXISTS " + namespace + " CASCADE");
                        }
                    }
                    case MARIADB -> {
                        try (Connection c = server.admin().getConnection(); Statement s = c.createStatement()) {
                            s.execute("SET SESSION lock_wait_timeout = " + DROP_WAIT_SECONDS);
                            s.execute("DROP DATABASE IF EXISTS " + namespace);
                        }
                    }
                }
            } catch (SQLException e) {
                System.err.println("[TestDatabases] " + store + " namespace " + namespace + " left for a later build "
                        + "to drop: SQLState " + e.getSQLState());
            }
        }

        @Override
        public String toString() {
            return store.toString();
        }
    }
}
