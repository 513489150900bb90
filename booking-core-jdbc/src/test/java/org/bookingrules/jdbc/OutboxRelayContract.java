package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.OutboxTestSupport.FlakyNotifier;
import org.bookingrules.jdbc.OutboxTestSupport.MailboxUnavailableException;
import org.bookingrules.jdbc.OutboxTestSupport.OutboxRow;
import org.bookingrules.jdbc.OutboxTestSupport.RecordingNotifier;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Resource;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.threeten.extra.MutableClock;

/**
 * The outbox relay's behaviour, run on each store by a subclass.
 * Outbox rows are made the way production makes them: by {@link BookingRules} over a
 * {@link JdbcBookingRepository}, with no notifier on the facade, so every notification waits in
 * the outbox for a relay. Customers have an e-mail, so each booking queues a CUSTOMER and a
 * RESOURCE notification.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxRelayContract {

    private static final String PENDING = "PENDING";
    private static final String SENT = "SENT";
    private static final String PARKED = "PARKED";

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private Database db;
    private DataSource pool;
    private MutableClock clock;
    /** What the test's relays delivered. */
    private RecordingNotifier notifier;

    /** @return the store this subclass runs on */
    abstract Store store();

    @BeforeEach
    void emptyTables() {
        // Asked before every test: an unconfigured server skips each test (visible, with how to
        // enable it, in the reports); a configured one that cannot be reached fails each.
        db = DATABASES.empty(store());
        pool = db.dataSource();
        clock = MutableClock.of(NOW, ZoneOffset.UTC);
        notifier = new RecordingNotifier();
    }

    // ------------------------------------------------------------------------------- the tests

    @Test
    @DisplayName("A pass whose claim meets a deadlock is undone and run again: each notification delivered once; "
            + "a failure that is not a deadlock ends the pass with BookingStorageException and nothing delivered")
    void aDeadlockedPassRunsAgain() throws Exception {
        Set<String> queued = ids(bookForAna(facade(pool), 0).notifications());
        FlakyNotifier notifier = new FlakyNotifier(0);
        AtomicInteger claimsToFail = new AtomicInteger(1);
        AtomicInteger claims = new AtomicInteger();
        String[] failWith = {"40001"};
        DataSource failingClaims = new ForwardingDataSource(pool) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection c = delegate().getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("prepareStatement") && args[0] instanceof String sql
                                    && sql.contains("FROM br_outbox") && sql.contains("SKIP LOCKED")) {
                                claims.incrementAndGet();
                                if (claimsToFail.getAndDecrement() > 0) {
                                    throw new SQLException("injected", failWith[0]);
                                }
                            }
                            try {
                                return method.invoke(c, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
        OutboxRelay relay = OutboxRelay.builder().dataSource(failingClaims).notifier(notifier).clock(clock).build();

        assertThat(relay.deliverDue()).as("delivered after the pass ran again").isEqualTo(2);
        assertThat(claims.get()).as("claims: the deadlocked one and the one run again").isEqualTo(2);
        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));

        bookForAna(facade(pool), 1);
        failWith[0] = "08006";
        claimsToFail.set(1);
        int callsBefore = notifier.calls();
        assertThatThrownBy(relay::deliverDue)
                .isInstanceOf(BookingStorageException.class).hasMessageContaining("08006");
        assertThat(notifier.calls()).as("nothing delivered by the failed pass").isEqualTo(callsBefore);
        assertThat(relay.deliverDue()).as("the next pass delivers").isEqualTo(2);
    }

    @Test
    @DisplayName("A notifier that fails three times then succeeds delivers each notification once, "
            + "after backoffs of 30 s, 60 s and 120 s, with attempts and the error class recorded")
    void failsThreeTimesThenDeliversOnceAfterDoublingBackoff() throws Exception {
        Outcome.Done booked = bookForAna(facade(pool), 0);
        Set<String> queued = ids(booked.notifications());
        assertThat(queued).hasSize(2);
        FlakyNotifier flaky = new FlakyNotifier(3);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(flaky).clock(clock).build();

        assertThat(relay.deliverDue()).as("first attempt fails").isZero();
        assertEveryRow(PENDING, 1, NOW.plusSeconds(30));

        Instant failedAt = NOW;
        Duration[] backoffs = {Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};
        for (int failure = 1; failure <= 3; failure++) {
            Duration backoff = backoffs[failure - 1];
            int callsBefore = flaky.calls();
            assertThat(relay.deliverDue()).as("right after failure %d: not due", failure).isZero();
            clock.setInstant(failedAt.plus(backoff).minusMillis(1));
            assertThat(relay.deliverDue()).as("1 ms before the %s backoff ends: not due", backoff).isZero();
            assertThat(flaky.calls()).as("the notifier is not called before the backoff ends")
                    .isEqualTo(callsBefore);

            clock.setInstant(failedAt.plus(backoff));
            failedAt = clock.instant();
            int delivered = relay.deliverDue();
            assertThat(flaky.calls()).as("due again after %s", backoff).isEqualTo(callsBefore + 2);
            if (failure < 3) {
                assertThat(delivered).isZero();
                assertEveryRow(PENDING, failure + 1, failedAt.plus(backoffs[failure]));
            } else {
                assertThat(delivered).as("fourth attempt succeeds").isEqualTo(2);
            }
        }

        for (OutboxRow row : OutboxTestSupport.outbox(pool)) {
            assertThat(row.status()).isEqualTo(SENT);
            assertThat(row.attempts()).isEqualTo(4);
            assertThat(row.deliveredAt()).isEqualTo(failedAt);
            assertThat(row.lastError()).isNull();
        }
        clock.add(Duration.ofDays(1));
        assertThat(relay.deliverDue()).as("nothing left to deliver").isZero();
        assertThat(relay.deliverDue()).isZero();
        assertThat(flaky.deliveriesById()).as("each delivered exactly once")
                .containsOnlyKeys(queued).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(flaky.calls()).as("4 attempts each, no more").isEqualTo(8);
    }

    @Test
    @DisplayName("The error recorded for a failed attempt is the exception class name, never its "
            + "message (which may hold personal data)")
    void recordsTheExceptionClassOnly() throws Exception {
        bookForAna(facade(pool), 0);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(new FlakyNotifier(1)).clock(clock)
                .build();

        relay.deliverDue();

        assertThat(OutboxTestSupport.outbox(pool)).hasSize(2).allSatisfy(row -> {
            assertThat(row.lastError()).isEqualTo(MailboxUnavailableException.class.getName());
            assertThat(row.lastError()).doesNotContain(ANA.email()).doesNotContain("mailbox");
        });
    }

    @Test
    @DisplayName("After maxAttempts (default 8) failed attempts a notification is parked and never "
            + "retried")
    void parksAfterMaxAttempts() throws Exception {
        bookForAna(facade(pool), 0);
        FlakyNotifier flaky = new FlakyNotifier(Integer.MAX_VALUE);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(flaky).clock(clock).build();

        for (int attempt = 1; attempt <= OutboxRelay.DEFAULT_MAX_ATTEMPTS; attempt++) {
            assertThat(relay.deliverDue()).isZero();
            String expected = attempt < OutboxRelay.DEFAULT_MAX_ATTEMPTS ? PENDING : PARKED;
            final int attempts = attempt;
            assertThat(OutboxTestSupport.outbox(pool)).hasSize(2).allSatisfy(row -> {
                assertThat(row.status()).as("after attempt %d", attempts).isEqualTo(expected);
                assertThat(row.attempts()).isEqualTo(attempts);
            });
            // The longest backoff: every pending row is due again.
            clock.add(OutboxRelay.DEFAULT_MAX_BACKOFF);
        }
        int calls = flaky.calls();
        assertThat(calls).isEqualTo(2 * OutboxRelay.DEFAULT_MAX_ATTEMPTS);

        clock.add(Duration.ofDays(30));
        for (int pass = 0; pass < 3; pass++) {
            assertThat(relay.deliverDue()).isZero();
        }
        assertThat(flaky.calls()).as("parked rows are not retried").isEqualTo(calls);
        assertThat(OutboxTestSupport.outbox(pool)).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(PARKED);
            assertThat(row.attempts()).isEqualTo(OutboxRelay.DEFAULT_MAX_ATTEMPTS);
            assertThat(row.deliveredAt()).isNull();
            assertThat(row.lastError()).isEqualTo(MailboxUnavailableException.class.getName());
        });
    }

    @Test
    @DisplayName("The process dies after commit before any delivery; a new relay on a new data "
            + "source delivers every notification, each once")
    void newRelayDeliversWhatADeadProcessLeft() throws Exception {
        Set<String> queued = new HashSet<>();
        try (HikariDataSource dyingProcess = db.newPool("dying-process")) {
            BookingRules rules = facade(dyingProcess);
            for (int i = 0; i < 3; i++) {
                queued.addAll(ids(bookForAna(rules, i).notifications()));
            }
            // The process dies here: its facade and its connections are gone, no relay ever ran.
        }
        assertThat(queued).hasSize(6);
        assertThat(OutboxTestSupport.outbox(pool)).hasSize(6)
                .allSatisfy(row -> assertThat(row.status()).isEqualTo(PENDING));

        try (HikariDataSource restarted = db.newPool("restarted")) {
            OutboxRelay relay = OutboxRelay.builder().dataSource(restarted).notifier(notifier).clock(clock).build();

            assertThat(relay.deliverDue()).isEqualTo(6);
            assertThat(relay.deliverDue()).isZero();

            assertThat(notifier.deliveriesById()).containsOnlyKeys(queued)
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        }
        assertThat(OutboxTestSupport.outbox(pool)).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(SENT);
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.deliveredAt()).isEqualTo(NOW);
        });
    }

    @Test
    @DisplayName("Two relays running together over 5,000 notifications deliver each exactly once")
    void twoRelaysDeliverEachOfFiveThousandOnce() throws Exception {
        long setupStart = System.nanoTime();
        Set<String> queued = bookMany(2_500);
        long setupMillis = millisSince(setupStart);
        assertThat(queued).hasSize(5_000);

        try (HikariDataSource nodeA = db.newPool("node-a"); HikariDataSource nodeB = db.newPool("node-b")) {
            OutboxRelay relayA = OutboxRelay.builder().dataSource(nodeA).notifier(notifier).clock(clock).build();
            OutboxRelay relayB = OutboxRelay.builder().dataSource(nodeB).notifier(notifier).clock(clock).build();

            long start = System.nanoTime();
            int[] delivered = runTogether(relayA::deliverDue, relayB::deliverDue);
            long relayMillis = millisSince(start);
            System.out.printf("[outbox-relay] %s: 5000 notifications delivered by two relays in %d ms "
                            + "(relay A %d, relay B %d; queueing them through the facade took %d ms)%n",
                    store(), relayMillis, delivered[0], delivered[1], setupMillis);

            assertThat(notifier.duplicates()).as("notifications delivered twice").isEmpty();
            assertThat(notifier.deliveriesById()).hasSize(5_000).containsOnlyKeys(queued);
            assertThat(delivered[0] + delivered[1]).isEqualTo(5_000);
            assertThat(delivered[0]).as("relay A took a share").isPositive();
            assertThat(delivered[1]).as("relay B took a share").isPositive();
        }
        assertThat(OutboxTestSupport.countWithStatus(pool, SENT)).isEqualTo(5_000);
        assertThat(OutboxTestSupport.countWithStatus(pool, PENDING)).isZero();
    }

    @Test
    @DisplayName("Rows another relay has claimed are skipped, not waited for, and only that relay's "
            + "batch is held")
    void skipsRowsAnotherRelayHolds() throws Exception {
        Set<String> queued = bookMany(3);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();
        Set<String> held = new HashSet<>();
        try (Connection other = pool.getConnection()) {
            // Another relay, mid-pass: it has claimed a batch of two and not committed yet.
            other.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            other.setAutoCommit(false);
            Sql sql = JdbcDialect.detect(other).sql();
            try (PreparedStatement claim = other.prepareStatement(sql.claimOutbox())) {
                sql.bindInstant(claim, 1, NOW);
                claim.setInt(2, 2);
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        held.add(rows.getString("notification_id"));
                    }
                }
            }
            assertThat(held).hasSize(2);

            assertThat(relay.deliverDue()).as("the four rows nobody holds").isEqualTo(4);
            assertThat(notifier.deliveriesById().keySet()).doesNotContainAnyElementsOf(held);
            other.rollback();
        }
        assertThat(relay.deliverDue()).as("released by the other relay").isEqualTo(2);
        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued)
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    @DisplayName("Negative control: two relays that read due rows without locking them deliver "
            + "some notifications twice in the same harness")
    void naiveRelaysDeliverTwice() throws Exception {
        Set<String> queued = bookMany(200);

        // Both passes read before either marks a row sent, however the machine schedules them.
        CyclicBarrier bothRead = new CyclicBarrier(2);
        runTogether(() -> naivePass(pool, notifier, bothRead), () -> naivePass(pool, notifier, bothRead));

        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued);
        assertThat(notifier.duplicates()).as("the harness sees duplicates when rows are not locked").isNotEmpty();
    }

    @Test
    @DisplayName("The delivered notification equals what the facade queued: id, kind, recipient, "
            + "booking snapshot, personal message, manage link and locale")
    void deliveredNotificationEqualsQueued() throws Exception {
        BookingRules rules = BookingRules.builder()
                .repository(JdbcBookingRepository.create(pool))
                .clock(clock)
                .manageLinks(b -> Optional.of("https://clinic.example/manage/" + b.id() + "?t=x%3D1&y=\u00e9"))
                .build();
        Instant start = NOW.plus(Duration.ofDays(2));
        BookRequest request = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start, start.plus(Duration.ofHours(1)),
                ZONE).notifying(NotificationChoice.both()
                .withMessage("Traiga su informe: p\u00e1g. 2 = ok\n#1 \u00a1Gracias, se\u00f1ora P\u00e9rez!"));
        Outcome.Done booked = rules.book(RECEPTION, request).orElseThrow();
        clock.add(Duration.ofMinutes(5));
        Outcome.Done cancelled = rules.cancel(RECEPTION, BookingRef.of(TENANT, booked.booking().id()),
                ChangeRequest.because("doctor ill").notifying(NotificationChoice.both()
                        .withMessage("Lo sentimos: \\ llame al +34 910 000 000 \u2014 gracias"))).orElseThrow();
        List<Notification> queued = new ArrayList<>(booked.notifications());
        queued.addAll(cancelled.notifications());
        assertThat(queued).hasSize(4).allSatisfy(n -> assertThat(n.personalMessage()).isNotBlank());
        assertThat(queued).filteredOn(n -> n.recipient() == RecipientRole.CUSTOMER)
                .allSatisfy(n -> assertThat(n.manageLink()).isNotNull());
        assertThat(queued).extracting(Notification::kind)
                .containsExactlyInAnyOrder(NotificationKind.BOOKED, NotificationKind.BOOKED,
                        NotificationKind.CANCELLED, NotificationKind.CANCELLED);

        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();
        assertThat(relay.deliverDue()).isEqualTo(4);

        Map<String, Notification> deliveredById = notifier.delivered().stream()
                .collect(Collectors.toMap(Notification::id, Function.identity()));
        assertThat(deliveredById).containsOnlyKeys(ids(queued));
        for (Notification expected : queued) {
            Notification actual = deliveredById.get(expected.id());
            assertThat(actual.kind()).isEqualTo(expected.kind());
            assertThat(actual.recipient()).isEqualTo(expected.recipient());
            assertThat(actual.booking()).as("booking snapshot of %s", expected).isEqualTo(expected.booking());
            assertThat(actual.personalMessage()).isEqualTo(expected.personalMessage());
            assertThat(actual.manageLink()).isEqualTo(expected.manageLink());
            assertThat(actual.locale()).isEqualTo(expected.locale());
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("A payload that cannot be decoded is parked at once and does not hold back the rest of the batch")
    void undecodablePayloadIsParked() throws Exception {
        Set<String> queued = ids(bookForAna(facade(pool), 0).notifications());
        insertRawOutboxRow("broken-1", "not a notification");
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();

        assertThat(relay.deliverDue()).isEqualTo(2);
        clock.add(Duration.ofDays(1));
        assertThat(relay.deliverDue()).isZero();

        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued);
        assertThat(OutboxTestSupport.outbox(pool)).filteredOn(row -> row.notificationId().equals("broken-1"))
                .singleElement().satisfies(row -> {
                    assertThat(row.status()).isEqualTo(PARKED);
                    assertThat(row.attempts()).isEqualTo(1);
                    assertThat(row.lastError()).isNotBlank();
                });
    }

    @Test
    @DisplayName("Each outbox row holds its change's JSON document, parsed here as plain JSON: format 1, kind, "
            + "message and booking once, one notifications element per recipient with the row's columns; the "
            + "change's rows share it, and the old payload column stays empty")
    void rowsHoldTheDocumentedJson() throws Exception {
        Instant start = NOW.plus(Duration.ofDays(2));
        String message = "Traiga \"su\" informe: p\u00e1g. 2 \\ C:\\x\n\t\u00a1Gracias! \ud83d\ude00";
        Outcome.Done booked = facade(pool).book(RECEPTION, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE).notifying(NotificationChoice.both().withMessage(message)))
                .orElseThrow();
        org.bookingrules.model.Booking b = booked.booking();

        Map<String, Map<String, String>> rows = storedRows();

        assertThat(rows).containsOnlyKeys(ids(booked.notifications()));
        assertThat(rows.values().stream().map(row -> OutboxJson.fields(row.get("body"))).distinct())
                .as("one document per change, the same in each of its rows").hasSize(1);
        Map<String, String> doc = OutboxJson.fields(rows.values().iterator().next().get("body"));
        assertThat(doc.keySet()).as("the fields docs/OUTBOX.md lists, no more").containsExactlyInAnyOrder(
                "format", "kind", "personalMessage", "booking.tenantId", "booking.id", "booking.confirmationCode",
                "booking.resource.id", "booking.resource.name", "booking.resource.contact", "booking.service.id",
                "booking.service.name", "booking.customer.id", "booking.customer.name", "booking.customer.email",
                "booking.customer.phone", "booking.customer.language", "booking.slot.start", "booking.slot.end",
                "booking.zone", "booking.status", "booking.paymentStatus", "booking.customerReschedules",
                "booking.confirmedBy", "booking.reminder.dueAt", "booking.reminder.sentAt", "booking.version",
                "booking.createdAt", "booking.updatedAt",
                "notifications.0.id", "notifications.0.recipient", "notifications.0.locale", "notifications.0.manageLink",
                "notifications.1.id", "notifications.1.recipient", "notifications.1.locale", "notifications.1.manageLink");
        assertThat(doc).containsEntry("format", "1").containsEntry("kind", "BOOKED")
                .containsEntry("personalMessage", message)
                .containsEntry("booking.tenantId", TENANT).containsEntry("booking.id", b.id())
                .containsEntry("booking.confirmationCode", b.confirmationCode())
                .containsEntry("booking.resource.id", DR_RUIZ.id()).containsEntry("booking.resource.name", DR_RUIZ.name())
                .containsEntry("booking.resource.contact", DR_RUIZ.contact())
                .containsEntry("booking.service.id", CONSULTATION.id())
                .containsEntry("booking.service.name", CONSULTATION.name())
                .containsEntry("booking.customer.id", ANA.id()).containsEntry("booking.customer.name", ANA.name())
                .containsEntry("booking.customer.email", ANA.email()).containsEntry("booking.customer.phone", ANA.phone())
                .containsEntry("booking.customer.language", ANA.language().toLanguageTag())
                .containsEntry("booking.slot.start", start.toString())
                .containsEntry("booking.slot.end", start.plus(Duration.ofHours(1)).toString())
                .containsEntry("booking.zone", ZONE.getId()).containsEntry("booking.status", "PENDING")
                .containsEntry("booking.paymentStatus", b.paymentStatus().name())
                .containsEntry("booking.customerReschedules", "0").containsEntry("booking.confirmedBy", null)
                .containsEntry("booking.reminder.dueAt",
                        b.reminder().dueAt() == null ? null : b.reminder().dueAt().toString())
                .containsEntry("booking.reminder.sentAt", null).containsEntry("booking.version", "1")
                .containsEntry("booking.createdAt", b.createdAt().toString())
                .containsEntry("booking.updatedAt", b.updatedAt().toString());
        assertThat(doc.get("booking.createdAt")).as("ISO-8601 in UTC").matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
        for (int i = 0; i < 2; i++) {
            String id = doc.get("notifications." + i + ".id");
            Notification n = booked.notifications().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            Map<String, String> row = rows.get(id);
            assertThat(row.get("payload")).as("old payload column").isNull();
            assertThat(row).containsEntry("booking_id", b.id()).containsEntry("kind", "BOOKED")
                    .containsEntry("recipient", n.recipient().name());
            assertThat(doc).containsEntry("notifications." + i + ".recipient", n.recipient().name())
                    .containsEntry("notifications." + i + ".locale", n.locale().toLanguageTag())
                    .containsEntry("notifications." + i + ".manageLink", n.manageLink());
        }
    }

    @Test
    @DisplayName("A row written before the JSON document (key=value payload, no body) is still delivered, equal to "
            + "the notification it was made from, next to rows with a document")
    void oldFormatRowIsDelivered() throws Exception {
        Outcome.Done booked = bookForAna(facade(pool), 0);
        Notification made = booked.notifications().get(0);
        Notification old = new Notification("old-format-1", made.kind(), made.recipient(), made.booking(),
                "Mensaje de antes: \u00f1 = \\ \n#1", made.manageLink(), made.locale());
        insertRawOutboxRow(old.id(), Codec.notification(old));
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();

        assertThat(relay.deliverDue()).isEqualTo(3);

        Map<String, Notification> delivered = notifier.delivered().stream()
                .collect(Collectors.toMap(Notification::id, Function.identity()));
        assertThat(delivered).containsOnlyKeys(union(ids(booked.notifications()), Set.of(old.id())));
        assertThat(delivered.get(old.id())).isEqualTo(old);
        assertThat(OutboxTestSupport.outbox(pool)).allSatisfy(row -> assertThat(row.status()).isEqualTo(SENT));
    }

    @Test
    @DisplayName("Hostile texts and every optional field null survive the database's JSON column: written as the "
            + "repository writes them, delivered equal, instants to the microsecond")
    void documentsRoundTripThroughTheColumn() throws Exception {
        Instant start = NOW.plus(Duration.ofDays(3)).plusNanos(123_456_000);
        List<Notification> sent = new ArrayList<>();
        String[] texts = {"\"quoted\" 'single' \\back\\slash/", "tab\tline\nreturn\r\nend",
            "\u00d1o\u00f1o \u4e2d\u6587 \u0627\u0644 \ud83d\ude00 \ud834\udd1e \u2028 \u00a0 &lt;b&gt;",
            "x".repeat(1990) + "\u00e9\ud83d\ude00end", "null", "{\"format\": 2}"};
        for (int i = 0; i < texts.length; i++) {
            String text = texts[i];
            org.bookingrules.model.Booking booking = org.bookingrules.model.Booking.builder().tenantId(TENANT)
                    .id("bk-hostile-" + i).confirmationCode("HOST" + i)
                    .resource(new Resource("dr-" + i, "Dr. \"" + i + "\" \u00d1 \\", i % 2 == 0 ? null : cut(text, 200)))
                    .service(CONSULTATION)
                    .customer(i % 3 == 0 ? null : new org.bookingrules.model.CustomerDetails("cust-" + i,
                            cut(text, 200), i % 2 == 0 ? null : "o'hara+" + i + "@example.org", cut(text, 40),
                            java.util.Locale.forLanguageTag(i % 2 == 0 ? "zh-Hant-TW" : "es-ES")))
                    .slot(org.threeten.extra.Interval.of(start, start.plusSeconds(1800).plusNanos(1_000)))
                    .zone(ZONE).reminder(org.bookingrules.model.ReminderState.armedFor(start.minusNanos(1_000)))
                    .version(Long.MAX_VALUE - i).createdAt(NOW.plusNanos(1_000)).updatedAt(NOW.plusNanos(999_999_000))
                    .build();
            Notification n = new Notification("hostile-" + i, NotificationKind.CANCELLED,
                    i % 2 == 0 ? RecipientRole.RESOURCE : RecipientRole.CUSTOMER, booking, i == 4 ? null : text,
                    i % 2 == 0 ? null : "https://x.example/m/" + i + "?a=1&b=%2F", booking.customer()
                    .map(org.bookingrules.model.CustomerDetails::language).orElse(java.util.Locale.ENGLISH));
            insertJsonOutboxRow(n.id(), OutboxDocument.write(List.of(n)));
            sent.add(n);
        }
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();

        assertThat(relay.deliverDue()).isEqualTo(sent.size());

        Map<String, Notification> delivered = notifier.delivered().stream()
                .collect(Collectors.toMap(Notification::id, Function.identity()));
        for (Notification n : sent) {
            assertThat(delivered.get(n.id())).as(n.id()).isEqualTo(n);
        }
    }

    @Test
    @DisplayName("A document of another format version, or one that lists no element for its row, is parked at once")
    void unknownDocumentsAreParked() throws Exception {
        Outcome.Done booked = bookForAna(facade(pool), 0);
        String document = storedRows().values().iterator().next().get("body");
        insertJsonOutboxRow("future-1", "{\"format\": 2, \"notifications\": []}");
        insertJsonOutboxRow("stray-1", document);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();

        assertThat(relay.deliverDue()).isEqualTo(2);

        assertThat(notifier.deliveriesById()).containsOnlyKeys(ids(booked.notifications()));
        assertThat(OutboxTestSupport.outbox(pool))
                .filteredOn(row -> Set.of("future-1", "stray-1").contains(row.notificationId()))
                .hasSize(2).allSatisfy(row -> {
                    assertThat(row.status()).isEqualTo(PARKED);
                    assertThat(row.attempts()).isEqualTo(1);
                    assertThat(row.lastError()).isEqualTo(IllegalArgumentException.class.getName());
                });
    }

    @Test
    @DisplayName("runEvery drains the outbox on the caller's executor until cancelled")
    void runEveryDeliversOnTheCallersExecutor() throws Exception {
        Set<String> queued = bookMany(3);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).batchSize(2)
                .build();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> task = relay.runEvery(Duration.ofMillis(20), executor);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (notifier.deliveriesById().size() < queued.size() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            task.cancel(false);
            assertThat(executor.isShutdown()).as("the relay leaves the executor to its owner").isFalse();
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued)
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }

    // ---------------------------------------------------------------------------------- helpers

    private BookingRules facade(DataSource ds) {
        // No notifier: every notification stays in the outbox for a relay.
        return BookingRules.builder().repository(JdbcBookingRepository.create(ds)).clock(clock).build();
    }

    /** Ana books herself a one-hour slot, {@code i} hours after a start two days from now. */
    private Outcome.Done bookForAna(BookingRules rules, int i) {
        Resource resource = new Resource("room-" + (i % 10), "Room " + (i % 10), "room" + (i % 10) + "@example.org");
        Instant start = NOW.plus(Duration.ofDays(2)).plus(Duration.ofHours(i / 10));
        BookRequest request = BookRequest.of(TENANT, resource, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE);
        return rules.book(ANA_ACTS, request).orElseThrow();
    }

    /** Books {@code count} bookings; returns the ids of the notifications they queued. */
    private Set<String> bookMany(int count) {
        BookingRules rules = facade(pool);
        Set<String> queued = new HashSet<>();
        for (int i = 0; i < count; i++) {
            queued.addAll(ids(bookForAna(rules, i).notifications()));
        }
        return queued;
    }

    private static Set<String> ids(List<Notification> notifications) {
        return notifications.stream().map(Notification::id).collect(Collectors.toSet());
    }

    private void assertEveryRow(String status, int attempts, Instant nextAttemptAt) throws SQLException {
        assertThat(OutboxTestSupport.outbox(pool)).hasSize(2).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(status);
            assertThat(row.attempts()).isEqualTo(attempts);
            assertThat(row.nextAttemptAt()).isEqualTo(nextAttemptAt);
            assertThat(row.lastError()).isEqualTo(MailboxUnavailableException.class.getName());
            assertThat(row.deliveredAt()).isNull();
        });
    }

    /**
     * Runs two relay passes side by side, in rounds: both threads start each round together (the
     * most contended case), and they stop when no row is pending.
     *
     * @return how many each delivered
     */
    private int[] runTogether(IntSupplier passA, IntSupplier passB) throws Exception {
        AtomicBoolean drained = new AtomicBoolean();
        CyclicBarrier round = new CyclicBarrier(2, () -> {
            try {
                drained.set(OutboxTestSupport.countWithStatus(pool, PENDING) == 0);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<IntSupplier> passes = List.of(passA, passB);
        List<Integer> delivered = Race.of(2).withTimeout(Duration.ofMinutes(10)).run(i -> () -> {
            int mine = 0;
            for (int rounds = 0; rounds < 10_000; rounds++) {
                round.await(2, TimeUnit.MINUTES);
                if (drained.get()) {
                    return mine;
                }
                mine += passes.get(i).getAsInt();
            }
            throw new IllegalStateException("outbox never drained");
        });
        return new int[] {delivered.get(0), delivered.get(1)};
    }

    /**
     * A relay pass that reads due rows without locking them: what the real relay must not be. It
     * waits at {@code bothRead} after reading, so two passes always read the same rows.
     */
    private static int naivePass(DataSource ds, BookingNotifier notifier, CyclicBarrier bothRead) {
        try (Connection c = ds.getConnection()) {
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, notification_id, body FROM br_outbox "
                    + "WHERE status = 'PENDING' ORDER BY next_attempt_at, notification_id LIMIT 100");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
                }
            }
            bothRead.await(2, TimeUnit.MINUTES);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE br_outbox SET status = 'SENT' WHERE tenant_id = ? AND notification_id = ?")) {
                for (String[] row : rows) {
                    notifier.deliver(OutboxDocument.read(row[2], row[1]));
                    s.setString(1, row[0]);
                    s.setString(2, row[1]);
                    s.executeUpdate();
                }
            }
            return rows.size();
        } catch (SQLException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A due row as a release before the JSON document wrote it: the key=value payload, no body. */
    private void insertRawOutboxRow(String notificationId, String payload) throws SQLException {
        insertDueOutboxRow(sql -> "INSERT INTO br_outbox (tenant_id, notification_id, booking_id, kind, recipient, "
                + "payload, status, attempts, next_attempt_at, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)", notificationId, payload);
    }

    /** A due row with the given JSON document, written as the repository writes one. */
    private void insertJsonOutboxRow(String notificationId, String body) throws SQLException {
        insertDueOutboxRow(sql -> sql.insertOutbox, notificationId, body);
    }

    /** A due BOOKED row to the customer: the statement's sixth parameter is the document, body or payload. */
    private void insertDueOutboxRow(Function<Sql, String> statement, String notificationId, String document)
            throws SQLException {
        TestQueries.write(pool, statement, (s, sql) -> {
            s.setString(1, TENANT);
            s.setString(2, notificationId);
            s.setString(3, "booking-x");
            s.setString(4, NotificationKind.BOOKED.name());
            s.setString(5, RecipientRole.CUSTOMER.name());
            s.setString(6, document);
            sql.bindInstant(s, 7, NOW);
            sql.bindInstant(s, 8, NOW);
        });
    }

    /** Each outbox row's columns and its stored document, by notification id. */
    private Map<String, Map<String, String>> storedRows() throws SQLException {
        Map<String, Map<String, String>> rows = new java.util.TreeMap<>();
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT notification_id, booking_id, kind, recipient, body, "
                     + "payload FROM br_outbox");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                Map<String, String> row = new java.util.HashMap<>();
                for (String column : List.of("booking_id", "kind", "recipient", "body", "payload")) {
                    row.put(column, r.getString(column));
                }
                rows.put(r.getString("notification_id"), row);
            }
        }
        return rows;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** At most {@code max} characters, never ending in half of a surrogate pair. */
    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        String cut = text.substring(0, max);
        return Character.isHighSurrogate(cut.charAt(max - 1)) ? cut.substring(0, max - 1) : cut;
    }

    private static long millisSince(long nanoStart) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoStart);
    }
}
