package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;
import org.threeten.extra.MutableClock;

/**
 * {@link JdbcBookingRepository#joining(ConnectionProvider)} embedded in an application's own
 * transactions, the way products use it: a plain-JDBC transaction, and Spring's
 * {@link TransactionTemplate} over a HikariCP pool with leak detection on. The caller's rollback
 * leaves no row in any of the adapter's tables and no notification delivered; its commit keeps
 * everything, and the {@link OutboxRelay} then delivers each notification exactly once. Joined
 * mode holds no connection when created, refuses a write outside a transaction with a clear error,
 * and the facade refuses a notifier of its own next to the outbox.
 */
@DisplayName("JdbcBookingRepository embedded in the application's transaction (plain JDBC and Spring + HikariCP)")
class EmbeddedTransactionTest extends SharedStoreTest {

    private static final String TENANT = "clinic-embedded";
    private static final Instant START = NOW.plus(Duration.ofDays(3));
    private static final Duration VISIT = Duration.ofMinutes(45);
    /**
     * What HikariCP logs (at WARN, through SLF4J) when a connection stays out longer than the
     * threshold: a line, then this exception's stack trace.
     */
    private static final String LEAK_WARNING = "Apparent connection leak detected";
    /** The line before it. */
    private static final String LEAK_LINE = "leak detection triggered";
    /** HikariCP's smallest leak detection threshold. */
    private static final long LEAK_THRESHOLD_MILLIS = 2000;
    /** The only table of the schema files without a tenant: the record of which schema files ran. */
    private static final String SCHEMA_VERSION_TABLE = "br_schema_version";
    private static final Pattern CREATE_TABLE = Pattern.compile("(?i)CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)");

    /** The store's database, its tables emptied before each test. */
    private Database db;
    private MutableClock clock;
    /** What the relay delivered. */
    private CountingNotifier counting;
    /** A relay over the outbox, on the clock, delivering to the counting notifier. */
    private OutboxRelay relay;

    @BeforeEach
    void emptyTablesAndRelay() {
        db = emptyDb();
        clock = MutableClock.of(NOW, ZONE);
        counting = new CountingNotifier();
        relay = TestFacade.relay(db, counting, clock);
    }

    // --------------------------------------------------------------------------- plain JDBC

    @Test
    @DisplayName("R14/R15 book, book, cancel and reschedule inside the caller's plain-JDBC transaction, then "
            + "rollback: no row for the tenant in any br_ table of the schema files, and the relay, drained, "
            + "delivers nothing; negative control: the same work committed, the same relay and notifier deliver "
            + "every notification")
    void plainJdbcRollbackLeavesNothing() throws SQLException {
        TestFacade.inCallersTransaction(db, clock, (callers, rules) -> {
            List<Outcome.Done> done = bookCancelReschedule(rules);
            assertThat(notificationsOf(done)).as("the work made notifications (else the rollback proves nothing)")
                    .hasSize(8);
            assertThat(rowsPerTable(callers)).as("inside the transaction, before the rollback")
                    .containsEntry("br_booking", 2L).containsEntry("br_outbox", 8L);
            callers.rollback();
        });

        assertThat(rowsPerTable()).as("R15 rows of the tenant in every br_ table after the rollback")
                .isNotEmpty().allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(drain(relay)).as("R14 notifications the relay delivers after the rollback").isZero();
        assertThat(counting.calls()).as("R14 notifier calls after the rollback").isZero();

        // Negative control: the same harness, the transaction committed this time.
        TestFacade.inCallersTransaction(db, clock, (callers, rules) -> {
            bookCancelReschedule(rules);
            callers.commit();
        });
        assertThat(drain(relay)).as("negative control: the committed work's notifications are delivered")
                .isEqualTo(8);
        assertThat(counting.calls()).as("negative control: the counting notifier counts").isEqualTo(8);
    }

    @Test
    @DisplayName("R14/R15 book, book, cancel and reschedule inside the caller's plain-JDBC transaction, then commit: "
            + "every booking, history event and outbox row kept; nothing delivered before the relay runs; the "
            + "relay delivers each notification exactly once, and a second drain delivers none")
    void plainJdbcCommitDeliversEachNotificationOnce() throws SQLException {
        List<Outcome.Done> done = new ArrayList<>();
        TestFacade.inCallersTransaction(db, clock, (callers, rules) -> {
            done.addAll(bookCancelReschedule(rules));
            assertThat(drain(relay)).as("R14 nothing leaves before the caller commits").isZero();
            callers.commit();
        });

        assertCommitted(done);
        assertThat(counting.calls()).as("R14 the facade delivers nothing itself: only the relay does")
                .isZero();
        assertDeliveredExactlyOnce(done);
    }

    // ------------------------------------------------------------------------ Spring + Hikari

    @Test
    @DisplayName("R14/R15 the same work in Spring's TransactionTemplate over HikariCP (leak detection 2 s), rolled "
            + "back: no row in any br_ table, nothing delivered; the repository took no connection when created, "
            + "used only the transaction's connection, and no connection is active afterwards nor reported leaked")
    void springRollbackLeavesNothingAndLeaksNothing() {
        try (StderrCapture log = new StderrCapture(); SpringApp app = new SpringApp(db, "rollback")) {
            JdbcBookingRepository acquireOnly = JdbcBookingRepository.joining(app.acquireOnlyProvider());
            assertThat(app.active()).as("connections out right after joining(...), even with an acquire-only "
                    + "provider").isZero();
            assertThat(acquireOnly).isNotNull();
            BookingRules rules = rules(app.repository());

            List<Outcome.Done> done = new ArrayList<>();
            app.tx().executeWithoutResult(status -> {
                done.addAll(bookCancelReschedule(rules));
                assertThat(app.active()).as("inside the transaction: only the transaction's connection is out")
                        .isOne();
                status.setRollbackOnly();
            });

            assertThat(notificationsOf(done)).hasSize(8);
            assertThat(app.active()).as("connections out after the rollback").isZero();
            assertThat(rowsPerTable()).as("R15 rows of the tenant in every br_ table after the rollback")
                    .isNotEmpty().allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
            assertThat(drain(relay)).as("R14 notifications delivered after the rollback").isZero();
            assertThat(counting.calls()).isZero();
            assertNoLeak(app, log);
        }
    }

    @Test
    @DisplayName("R14/R15 the same work in Spring's TransactionTemplate over HikariCP (leak detection 2 s), "
            + "committed: everything kept, the relay delivers each notification exactly once; a read outside any "
            + "transaction gives its pooled connection back; no connection active afterwards nor reported leaked")
    void springCommitDeliversEachNotificationOnceAndLeaksNothing() {
        try (StderrCapture log = new StderrCapture(); SpringApp app = new SpringApp(db, "commit")) {
            assertThat(app.active()).as("connections out right after joining(...)").isZero();
            BookingRules rules = rules(app.repository());

            List<Outcome.Done> done = app.tx().execute(status -> {
                List<Outcome.Done> steps = bookCancelReschedule(rules);
                assertThat(app.active()).as("inside the transaction: only the transaction's connection is out")
                        .isOne();
                return steps;
            });

            assertThat(app.active()).as("connections out after the commit").isZero();
            assertCommitted(done);
            assertThat(counting.calls()).as("R14 the facade delivers nothing itself: only the relay does")
                    .isZero();
            assertDeliveredExactlyOnce(done);

            Outcome.Done last = done.get(done.size() - 1);
            assertThat(rules.find(ANA_ACTS, BookingRef.of(TENANT, last.booking().id())))
                    .as("a read outside any transaction (auto-commit on) is allowed").contains(last.booking());
            assertThat(app.repository().dialect()).isEqualTo(db.dialect());
            assertNoLeak(app, log);
        }
    }

    @Test
    @DisplayName("negative control for the leak checks: a provider that only acquires (against the ConnectionProvider "
            + "contract) leaks one pooled connection per call outside a transaction, and HikariCP's leak detector, "
            + "captured here, reports it; creating the repository over it takes nothing")
    void acquireOnlyProviderLeaksAndTheDetectorReportsIt() throws Exception {
        try (StderrCapture log = new StderrCapture(); SpringApp app = new SpringApp(db, "leak-control")) {
            AtomicReference<Connection> taken = new AtomicReference<>();
            JdbcBookingRepository leaky = JdbcBookingRepository.joining(() -> {
                Connection c = DataSourceUtils.getConnection(app.pool());
                taken.set(c);
                return c;
            });
            assertThat(app.active()).as("creating the repository takes no connection").isZero();

            assertThat(leaky.find(TENANT, "no-such-booking")).isEmpty();
            assertThat(app.active()).as("the call's connection was never given back").isOne();
            long deadline = System.nanoTime() + Duration.ofMillis(LEAK_THRESHOLD_MILLIS * 3).toNanos();
            while (!log.text().contains(LEAK_WARNING) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(log.text()).as("HikariCP's log, %d ms after the leak", LEAK_THRESHOLD_MILLIS * 3)
                    .contains(LEAK_WARNING).contains(LEAK_LINE);

            taken.get().close();
            assertThat(app.active()).isZero();
        }
    }

    // ------------------------------------------------------------------- auto-commit, creation

    @Test
    @DisplayName("joined mode on a connection with auto-commit on: book and cancel fail with an "
            + "IllegalStateException saying a transaction must be in progress, and nothing is written; reads are "
            + "allowed; negative control: on the same connection inside a transaction the booking is made")
    void autoCommitOnIsRefusedBeforeAnythingIsWritten() throws SQLException {
        try (Connection callers = db.dataSource().getConnection()) {
            CountingProvider provider = new CountingProvider(() -> callers);
            JdbcBookingRepository repository = JdbcBookingRepository.joining(provider);
            BookingRules rules = rules(repository);

            // Negative control: in a transaction the same connection books.
            callers.setAutoCommit(false);
            Outcome.Done ana = rules.book(ANA_ACTS, request(ANA, START)).orElseThrow();
            callers.commit();
            Map<String, Long> before = rowsPerTable();
            assertThat(before).containsEntry("br_booking", 1L).containsEntry("br_outbox", 2L);
            assertThat(drain(relay)).isEqualTo(2);

            callers.setAutoCommit(true);
            Throwable book = catchThrowable(() -> rules.book(BOB_ACTS, request(BOB, START.plus(Duration.ofHours(2)))));
            Throwable cancel = catchThrowable(() -> rules.cancel(ANA_ACTS, BookingRef.of(TENANT, ana.booking().id()),
                    ChangeRequest.because("cannot come")));

            assertThat(Arrays.asList(book, cancel)).as("a new booking, and a change of a stored one").allSatisfy(e ->
                    assertThat(e).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("joined mode")
                            .hasMessageContaining("joins the caller's transaction")
                            .hasMessageContaining("needs a transaction in progress")
                            .hasMessageContaining("auto-commit on")
                            .hasMessageContaining("setAutoCommit(false)")
                            .hasMessageContaining("TransactionTemplate"));
            assertThat(callers.getAutoCommit()).as("the caller's connection is left as it was").isTrue();
            assertThat(rowsPerTable()).as("nothing written by the refused calls").isEqualTo(before);
            assertThat(drain(relay)).as("nothing to deliver").isZero();
            assertThat(rules.find(ANA_ACTS, BookingRef.of(TENANT, ana.booking().id())))
                    .as("reads are allowed with auto-commit on").contains(ana.booking());
            assertThat(repository.history(TENANT, ana.booking().id())).hasSize(1);
            assertThat(provider.acquires()).as("every acquire released once, refused calls included")
                    .isPositive().isEqualTo(provider.releases());
        }
    }

    @Test
    @DisplayName("joined mode takes no connection when created: joining(provider) detects the dialect on its first "
            + "call's own connection, joining(provider, dialect) never asks; every acquire is released exactly once, "
            + "after a write, a refused booking and a read")
    void joinedModeTakesNoConnectionUntilCalled() throws SQLException {
        try (Connection callers = db.dataSource().getConnection()) {
            callers.setAutoCommit(false);
            CountingProvider lazy = new CountingProvider(() -> callers);
            JdbcBookingRepository detecting = JdbcBookingRepository.joining(lazy);
            assertThat(lazy.acquires()).as("acquires when created").isZero();
            assertThat(detecting.dialect()).isEqualTo(db.dialect());
            assertThat(detecting.dialect()).isEqualTo(db.dialect());
            assertThat(lazy.acquires()).as("detected once, on one acquired connection").isOne();
            assertThat(lazy.releases()).isOne();

            CountingProvider told = new CountingProvider(() -> callers);
            JdbcBookingRepository given = JdbcBookingRepository.joining(told, db.dialect());
            assertThat(given.dialect()).isEqualTo(db.dialect());
            assertThat(told.acquires()).as("a given dialect is never detected").isZero();

            BookingRules rules = rules(given);
            rules.book(ANA_ACTS, request(ANA, START)).orElseThrow();
            Outcome refused = rules.book(BOB_ACTS, request(BOB, START));
            assertThat(refused.asRefusal()).get().extracting(r -> r.reason()).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
            assertThat(given.calendar(TENANT, DR_RUIZ.id(), org.threeten.extra.Interval.of(START, VISIT))).hasSize(1);
            callers.commit();
            assertThat(told.acquires()).isPositive().isEqualTo(told.releases());
            assertThat(told.outstanding()).as("most connections out at once").isOne();
        }
        assertThatThrownBy(() -> JdbcBookingRepository.joining(null, JdbcDialect.H2))
                .isInstanceOf(NullPointerException.class).hasMessage("provider");
        assertThatThrownBy(() -> JdbcBookingRepository.joining(() -> null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("dialect");
    }

    @Test
    @DisplayName("R14 a notifier on the facade together with a JdbcBookingRepository is refused by build(), naming "
            + "the notifier and the repository: the outbox's relay is the only way out for its notifications")
    void facadeNotifierWithAJdbcRepositoryIsRefused() {
        ConnectionProvider untouchable = () -> {
            throw new AssertionError("build() must not take a connection");
        };
        BookingNotifier notifier = new CountingNotifier();
        List<JdbcBookingRepository> repositories = List.of(JdbcBookingRepository.joining(untouchable),
                JdbcBookingRepository.joining(untouchable, JdbcDialect.POSTGRESQL),
                db.emptyRepository());

        assertThat(repositories).allSatisfy(repository ->
                assertThatThrownBy(() -> BookingRules.builder().repository(repository).notifier(notifier).build())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("notifier")
                        .hasMessageContaining("JdbcBookingRepository"));
        assertThat(BookingRules.builder().repository(repositories.get(0)).build())
                .as("without a notifier it builds").isNotNull();
    }

    @Test
    @DisplayName("the tables these tests check after a rollback are every table of every dialect's schema files "
            + "(but the schema version record, which has no tenant)")
    void tenantTablesAreEveryTableOfTheSchemaFiles() {
        assertThat(schemaTables(store.dialect()))
                .containsAll(TestDatabases.TABLES)
                .allSatisfy(t -> assertThat(t).startsWith("br_"));
    }

    // ------------------------------------------------------------------------------- the work

    /** Ana books (with an idempotency key), Bob books, Bob cancels, Ana reschedules: 8 notifications. */
    private static List<Outcome.Done> bookCancelReschedule(BookingRules rules) {
        Outcome.Done ana = rules.book(ANA_ACTS, request(ANA, START).withIdempotencyKey("ana-embedded-0001"))
                .orElseThrow();
        Outcome.Done bob = rules.book(BOB_ACTS, request(BOB, START.plus(Duration.ofHours(2)))).orElseThrow();
        Outcome.Done cancelled = rules.cancel(BOB_ACTS, BookingRef.of(TENANT, bob.booking().id()),
                ChangeRequest.because("cannot come")).orElseThrow();
        Instant later = START.plus(Duration.ofDays(1));
        Outcome.Done moved = rules.reschedule(ANA_ACTS, BookingRef.of(TENANT, ana.booking().id()),
                RescheduleRequest.to(later, later.plus(VISIT))).orElseThrow();
        List<Outcome.Done> done = List.of(ana, bob, cancelled, moved);
        assertThat(done).allSatisfy(d -> assertThat(d.changed()).isTrue());
        assertThat(cancelled.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        return done;
    }

    private void assertCommitted(List<Outcome.Done> done) {
        Map<String, Long> rows = rowsPerTable();
        assertThat(rows.get("br_booking")).as("bookings").isEqualTo(2);
        assertThat(rows.get("br_booking_event")).as("R15 history events")
                .isEqualTo(done.stream().mapToLong(d -> d.events().size()).sum()).isEqualTo(4);
        assertThat(rows.get("br_outbox")).as("R14 outbox rows").isEqualTo(notificationsOf(done).size());
        assertThat(rows.get("br_idempotency_key")).as("idempotency keys").isOne();
        assertThat(rows.get("br_resource_lock")).as("the resource's lock row").isOne();
    }

    private void assertDeliveredExactlyOnce(List<Outcome.Done> done) {
        List<Notification> made = notificationsOf(done);
        long outboxRows = db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ?", TENANT);

        assertThat(drain(relay)).as("R14 delivered by the relay").isEqualTo(made.size()).isEqualTo(outboxRows);
        assertThat(counting.perId()).as("R14 calls per notification id")
                .containsOnlyKeys(made.stream().map(Notification::id).toList())
                .allSatisfy((id, calls) -> assertThat(calls).as(id).isOne());
        assertThat(made.stream().map(Notification::id).distinct()).as("the ids are unique").hasSize(made.size());
        assertThat(counting.calls()).isEqualTo(made.size());
        assertThat(drain(relay)).as("R14 a second drain delivers nothing").isZero();
        assertThat(counting.calls()).isEqualTo(made.size());
        assertThat(db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND status <> 'SENT'", TENANT))
                .as("outbox rows not SENT").isZero();
    }

    // ---------------------------------------------------------------------------------- helpers

    /** After a Spring test: no pooled connection out, and HikariCP's leak detector said nothing. */
    private static void assertNoLeak(SpringApp app, StderrCapture log) {
        assertThat(app.active()).as("connections out after the test").isZero();
        assertThat(log.text()).as("HikariCP's log").doesNotContain(LEAK_WARNING).doesNotContain(LEAK_LINE);
    }

    private BookingRules rules(JdbcBookingRepository repository) {
        return BookingRules.builder().repository(repository).clock(clock).build();
    }

    private static BookRequest request(CustomerDetails customer, Instant start) {
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer, start, start.plus(VISIT), ZONE);
    }

    /** Runs passes until one delivers nothing. */
    private static int drain(OutboxRelay relay) {
        int total = 0;
        for (int pass = 0; pass < 100; pass++) {
            int delivered = relay.deliverDue();
            if (delivered == 0) {
                return total;
            }
            total += delivered;
        }
        throw new AssertionError("the outbox never drained");
    }

    private static List<Notification> notificationsOf(List<Outcome.Done> done) {
        return done.stream().flatMap(d -> d.notifications().stream()).toList();
    }

    /** The tables of a dialect's schema files, parsed from the files themselves. */
    private static Set<String> schemaTables(JdbcDialect dialect) {
        Set<String> tables = new TreeSet<>();
        for (String resource : dialect.schemaResources()) {
            try (InputStream in = EmbeddedTransactionTest.class.getClassLoader().getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                Matcher m = CREATE_TABLE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    tables.add(m.group(1).toLowerCase(Locale.ROOT));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        tables.remove(SCHEMA_VERSION_TABLE);
        return tables;
    }

    /** Rows of the tenant in every table of the schema files, read on a connection of the pool. */
    private Map<String, Long> rowsPerTable() {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : schemaTables(db.dialect())) {
            rows.put(table, db.count("SELECT COUNT(*) FROM " + table + " WHERE tenant_id = ?", TENANT));
        }
        return rows;
    }

    /** Rows of the tenant in every table, as the caller's transaction sees them. */
    private Map<String, Long> rowsPerTable(Connection callers) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : schemaTables(db.dialect())) {
            try (var s = callers.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE tenant_id = ?")) {
                s.setString(1, TENANT);
                try (var r = s.executeQuery()) {
                    r.next();
                    rows.put(table, r.getLong(1));
                }
            }
        }
        return rows;
    }

    /** Counts deliveries, per notification id. Thread-safe (the relay calls it on its own threads). */
    private static final class CountingNotifier implements BookingNotifier {
        private final Map<String, AtomicInteger> perId = new ConcurrentHashMap<>();
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public void deliver(Notification notification) {
            calls.incrementAndGet();
            perId.computeIfAbsent(notification.id(), id -> new AtomicInteger()).incrementAndGet();
        }

        int calls() {
            return calls.get();
        }

        Map<String, Integer> perId() {
            return perId.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        }
    }

    /** A provider that counts what the repository acquires and releases. Thread-safe. */
    private static final class CountingProvider implements ConnectionProvider {
        private final ConnectionProvider delegate;
        private final AtomicInteger acquires = new AtomicInteger();
        private final AtomicInteger releases = new AtomicInteger();
        private final AtomicInteger out = new AtomicInteger();
        private final AtomicInteger mostOut = new AtomicInteger();

        CountingProvider(ConnectionProvider delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection acquire() throws SQLException {
            Connection c = delegate.acquire();
            acquires.incrementAndGet();
            mostOut.accumulateAndGet(out.incrementAndGet(), Math::max);
            return c;
        }

        @Override
        public void release(Connection connection) throws SQLException {
            releases.incrementAndGet();
            out.decrementAndGet();
            delegate.release(connection);
        }

        int acquires() {
            return acquires.get();
        }

        int releases() {
            return releases.get();
        }

        int outstanding() {
            return mostOut.get();
        }
    }

    /**
     * An application's set-up: HikariCP with leak detection at its 2 s minimum, over the store's
     * namespace, Spring's transaction manager and template, the {@link ConnectionProvider} the
     * library's documentation recommends with Spring, and the repository joining through it.
     */
    private static final class SpringApp implements AutoCloseable {
        private final HikariDataSource pool;
        private final TransactionTemplate tx;
        private final JdbcBookingRepository repository;

        SpringApp(Database db, String name) {
            HikariConfig config = db.poolConfig("embedded-" + name);
            config.setMaximumPoolSize(4);
            config.setMinimumIdle(0);
            config.setConnectionTimeout(10_000);
            config.setLeakDetectionThreshold(LEAK_THRESHOLD_MILLIS);
            this.pool = db.adopt(new HikariDataSource(config));
            this.tx = new TransactionTemplate(new DataSourceTransactionManager(pool));
            this.repository = JdbcBookingRepository.joining(provider());
        }

        HikariDataSource pool() {
            return pool;
        }

        TransactionTemplate tx() {
            return tx;
        }

        /** The repository joining the application's transactions, made with {@link #provider()}. */
        JdbcBookingRepository repository() {
            return repository;
        }

        /** Both halves: the transaction's connection, or a pooled one given back on release. */
        ConnectionProvider provider() {
            return new ConnectionProvider() {
                @Override
                public Connection acquire() {
                    return DataSourceUtils.getConnection(pool);
                }

                @Override
                public void release(Connection connection) {
                    DataSourceUtils.releaseConnection(connection, pool);
                }
            };
        }

        /** Acquires only: against the contract outside a transaction, but harmless to create a repository. */
        ConnectionProvider acquireOnlyProvider() {
            return () -> DataSourceUtils.getConnection(pool);
        }

        int active() {
            return pool.getHikariPoolMXBean().getActiveConnections();
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /**
     * Copies what is written to {@code System.err} while open (slf4j-simple, which carries HikariCP's
     * log, looks the stream up at each write), still writing it through.
     */
    private static final class StderrCapture implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        StderrCapture() {
            OutputStream tee = new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (copy) {
                        copy.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    original.write(b, off, len);
                    synchronized (copy) {
                        copy.write(b, off, len);
                    }
                }

                @Override
                public void flush() {
                    original.flush();
                }
            };
            System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
        }

        String text() {
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }
}
