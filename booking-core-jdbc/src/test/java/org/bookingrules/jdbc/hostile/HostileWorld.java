package org.bookingrules.jdbc.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.BookingStorageException;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcLinkGuardStore;
import org.bookingrules.jdbc.OutboxJson;
import org.bookingrules.jdbc.OutboxRelay;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.links.GuardState;
import org.bookingrules.links.IdentityCheck;
import org.bookingrules.links.LinkDenial;
import org.bookingrules.links.LinkPurpose;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.testing.RecordingNotifier;
import org.threeten.extra.MutableClock;

/**
 * One hostile-input case's world on one store: empty tables, then a booking of Zoë in tenant
 * A and one of Yan in tenant B (same customer id, on purpose), the facade, manage links signed with a
 * test key, self-service with the e-mail check and with the date-of-birth check, and valid manage
 * and grant tokens. The expectation helpers compare every table's row count, the two bookings,
 * their link guards and the notifications delivered (by the outbox relay) before and after the
 * hostile call. Not thread-safe.
 */
final class HostileWorld {

    static final String TENANT_A = "clinic-a";
    static final String TENANT_B = "clinic-b";
    /** Monday 2 March 2026, 09:00 UTC. */
    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    static final Duration HOUR = Duration.ofHours(1);
    /** Zoë's booking starts then: outside the reminder lead and every notice, so customers may act. */
    static final Instant ZOE_START = NOW.plus(Duration.ofDays(3));
    static final Resource DR_RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
    static final Service CONSULTATION = new Service("consultation", "Consultation");
    static final CustomerDetails ZOE = new CustomerDetails("cust-zoe", PersonalData.of("Zoë Hostilova"),
            PersonalData.of("zoe.hostilova@example.org"), PersonalData.of("+34 600 111 222"),
            Locale.forLanguageTag("es"));
    /** Tenant B's customer, with the same customer id as Zoë on purpose. */
    static final CustomerDetails YAN = new CustomerDetails("cust-zoe", PersonalData.of("Yan Hostilov-Berg"),
            PersonalData.of("yan.hostilov@example.net"), PersonalData.of("+44 7700 900 123"), Locale.ENGLISH);
    static final LocalDate ZOE_BORN = LocalDate.of(1987, 6, 5);
    static final Actor.Staff STAFF = Actor.staff("staff-maria");
    static final Actor.Customer ZOE_ACTS = Actor.customer(ZOE.id());
    static final String KEY_ID = "k1";
    static final byte[] KEY = "hostile-input-test-key-0123456789".getBytes(StandardCharsets.UTF_8);
    /** Another deployment's key, under the same key id. */
    static final byte[] OTHER_KEY = "another-clinic-s-own-secret-key-9876543210".getBytes(StandardCharsets.UTF_8);

    final Store store;
    final Database db;
    /** The adapters under test, over the store's pool, one pair per database as an application has. */
    final JdbcBookingRepository repository;
    final JdbcLinkGuardStore guards;
    final MutableClock clock = MutableClock.of(NOW, ZoneOffset.UTC);
    /** What was delivered, by the outbox relay: the JDBC repository's only way out for notifications. */
    final RelayedNotifications notifier;
    final BookingRules rules;
    final ManageLinks links;
    final SelfService self;
    final SelfService selfByBirthDate;
    final Booking zoe;
    final Booking ofB;
    final String manageToken;
    final String grantToken;
    final String manageTokenOfB;
    final String grantTokenOfB;

    private HostileWorld(Database db) {
        this.store = db.store();
        this.db = db;
        Adapters adapters = ADAPTERS.computeIfAbsent(db, d -> new Adapters(JdbcBookingRepository.create(d.dataSource()),
                JdbcLinkGuardStore.create(d.dataSource())));
        this.repository = adapters.repository();
        this.guards = adapters.guards();
        db.clean();
        AtomicInteger ids = new AtomicInteger();
        links = ManageLinks.builder().signingKey(KEY_ID, KEY).clock(clock).guardStore(guards).build();
        notifier = new RelayedNotifications(db.dataSource(), clock);
        rules = BookingRules.builder().repository(repository).clock(clock).manageLinks(links)
                .idGenerator(() -> "hb-" + String.format(Locale.ROOT, "%04d", ids.incrementAndGet())).build();
        self = SelfService.builder().rules(rules).repository(repository).links(links).build();
        selfByBirthDate = SelfService.builder().rules(rules).repository(repository).links(links)
                .identityCheck(IdentityCheck.dateOfBirth((tenant, customer) -> TENANT_A.equals(tenant)
                        && ZOE.id().equals(customer) ? Optional.of(ZOE_BORN) : Optional.empty()))
                .build();
        zoe = rules.book(ZOE_ACTS, BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE, ZOE_START,
                ZOE_START.plus(HOUR), ZONE)).orElseThrow().booking();
        ofB = rules.book(ZOE_ACTS, BookRequest.of(TENANT_B, DR_RUIZ, CONSULTATION, YAN, ZOE_START,
                ZOE_START.plus(HOUR), ZONE)).orElseThrow().booking();
        notifier.clear();
        manageToken = links.issueManage(zoe);
        grantToken = links.issue(LinkPurpose.GRANT, TENANT_A, zoe.id(), NOW.plus(Duration.ofMinutes(15)));
        manageTokenOfB = links.issueManage(ofB);
        grantTokenOfB = links.issue(LinkPurpose.GRANT, TENANT_B, ofB.id(), NOW.plus(Duration.ofMinutes(15)));
    }

    /**
     * A fresh world: the database's tables emptied, then Zoë's booking and tenant B's made.
     *
     * @param db the store's database of the hostile-input suite
     * @return the world
     */
    static HostileWorld on(Database db) {
        return new HostileWorld(db);
    }

    /** The adapters of one database. */
    private record Adapters(JdbcBookingRepository repository, JdbcLinkGuardStore guards) {
    }

    private static final Map<Database, Adapters> ADAPTERS = Collections.synchronizedMap(new WeakHashMap<>());

    /** @return Zoë's booking reference */
    BookingRef zoeRef() {
        return BookingRef.of(TENANT_A, zoe.id());
    }

    /** @return a valid staff booking request for Zoë in tenant A, a day after her booking */
    BookRequest staffRequest() {
        Instant start = ZOE_START.plus(Duration.ofDays(1));
        return BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE, start, start.plus(HOUR), ZONE);
    }

    /**
     * A staff request with its fields replaced.
     *
     * @param tenant the tenant
     * @param resource the resource
     * @param service the service
     * @param customer the customer
     * @return the request
     */
    BookRequest staffRequest(String tenant, Resource resource, Service service, CustomerDetails customer) {
        BookRequest r = staffRequest();
        return new BookRequest(tenant, resource, service, customer, r.start(), r.end(), r.zone(), r.paymentStatus(),
                r.notification(), r.idempotencyKey());
    }

    // --------------------------------------------------------------------------- notifications

    /**
     * The notifications the world's customers and resources were told, as an {@link OutboxRelay}
     * delivers them from the outbox. Every look drains the relay first, so it shows everything
     * committed so far. A drain's notifications are put in the order the facade makes them (by
     * booking, version, then customer before resource), as the relay's own order among rows written
     * at one instant is the database's. Not thread-safe (the world is not).
     */
    static final class RelayedNotifications {
        private final RecordingNotifier recording = new RecordingNotifier();
        private final OutboxRelay relay;
        private final List<Notification> delivered = new ArrayList<>();

        RelayedNotifications(DataSource dataSource, Clock clock) {
            this.relay = OutboxRelay.builder().dataSource(dataSource).notifier(recording).clock(clock).build();
        }

        /** @return everything delivered so far */
        List<Notification> delivered() {
            drain();
            return List.copyOf(delivered);
        }

        /** Delivers what is due, then forgets everything delivered so far. */
        void clear() {
            drain();
            delivered.clear();
        }

        private void drain() {
            while (relay.deliverDue() > 0) {
                // until nothing is due
            }
            List<Notification> batch = new ArrayList<>(recording.delivered());
            recording.clear();
            batch.sort(Comparator.comparing((Notification n) -> n.booking().tenantId())
                    .thenComparing(n -> n.booking().id())
                    .thenComparingLong(n -> n.booking().version())
                    .thenComparing(Notification::recipient));
            delivered.addAll(batch);
        }
    }

    // ------------------------------------------------------------------------------- snapshots

    /** What a command could write or change. */
    record Snapshot(Map<String, Long> rows, int delivered, Optional<Booking> zoe, Optional<Booking> ofB,
                    GuardState zoeGuard, GuardState ofBGuard) {
    }

    Snapshot snapshot() {
        return new Snapshot(db.rowCounts(), notifier.delivered().size(), repository.find(TENANT_A, zoe.id()),
                repository.find(TENANT_B, ofB.id()), guards.state(TENANT_A, zoe.id()),
                guards.state(TENANT_B, ofB.id()));
    }

    void unchangedSince(Snapshot before) {
        assertThat(snapshot()).as("rows, bookings, link guards and notifications after the hostile call")
                .isEqualTo(before);
    }

    // ---------------------------------------------------------------------------- expectations

    /**
     * The call fails with a clear error: an IllegalArgumentException (InvalidRequestException
     * included) or a NullPointerException whose message names the field and carries no personal data;
     * nothing is written, changed or sent.
     *
     * @param field the field the message must name
     * @param call the hostile call
     * @return the error
     */
    Throwable rejects(String field, ThrowingCallable call) {
        return rejectsNamingAny(List.of(field), call);
    }

    /**
     * Like {@link #rejects}, the message naming any of the fields.
     *
     * @param fields the fields
     * @param call the hostile call
     * @return the error
     */
    Throwable rejectsNamingAny(List<String> fields, ThrowingCallable call) {
        Snapshot before = snapshot();
        Throwable e = catchThrowable(call);
        assertClearError(e, fields.toArray(String[]::new));
        unchangedSince(before);
        return e;
    }

    /**
     * Asserts a clear error: IllegalArgumentException (InvalidRequestException included) or
     * NullPointerException, not a storage fault, whose message names one of the fields and carries
     * no personal data.
     *
     * @param e the error, null if the call went through
     * @param fields the fields, any of which the message may name
     */
    static void assertClearError(Throwable e, String... fields) {
        String named = String.join(" or ", fields);
        assertThat(e).as("a clear error naming %s was expected, but the call went through", named).isNotNull();
        if (e instanceof BookingStorageException) {
            throw new AssertionError("a storage fault, not a clear error naming " + named + " (the hostile input "
                    + "reached the database): " + e.getClass().getSimpleName() + ": "
                    + LogCapture.abbreviate(String.valueOf(e.getMessage())) + causes(e) + personalDataInCauses(e));
        }
        if (!(e instanceof IllegalArgumentException || e instanceof NullPointerException)) {
            throw new AssertionError("not a clear error naming " + named + ": expected IllegalArgumentException or "
                    + "NullPointerException, was " + e.getClass().getName() + ": "
                    + LogCapture.abbreviate(String.valueOf(e.getMessage())) + causes(e));
        }
        assertThat(e.getMessage()).as("the message of %s names %s", e.getClass().getSimpleName(), named)
                .isNotNull().containsAnyOf(fields);
        if (e instanceof InvalidRequestException invalid) {
            assertThat(invalid.fields()).as("the bad fields")
                    .anySatisfy(f -> assertThat(f).containsAnyOf(fields));
        }
        assertNoPersonalDataIn(e);
    }

    /** The causes' types and SQLStates, for failure messages (never their texts: they may hold values). */
    private static String causes(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            s.append(" <- ").append(t.getClass().getSimpleName());
            if (t instanceof java.sql.SQLException sql) {
                s.append(" SQLState ").append(sql.getSQLState());
            }
        }
        return s.toString();
    }

    /** Which causes of a fault carry personal data in their messages (they would reach a log with it). */
    private static String personalDataInCauses(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            List<String> personal = PersonalData.in(t.getMessage());
            if (!personal.isEmpty()) {
                s.append("; and the message of its ").append(t == e ? "own" : "cause " + t.getClass().getSimpleName())
                        .append(" carries personal data ").append(personal.stream().map(LogCapture::abbreviate)
                                .toList());
            }
        }
        return s.toString();
    }

    static void assertNoPersonalDataIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            List<String> personal = PersonalData.in(t.getMessage());
            if (!personal.isEmpty()) {
                throw new AssertionError("personal data " + personal.stream().map(LogCapture::abbreviate).toList()
                        + " in the message of " + t.getClass().getName() + (t == e ? "" : ", a cause of "
                        + e.getClass().getSimpleName()));
            }
            assertThat(t.getMessage() == null ? "" : t.getMessage()).as("the message repeats a 100 kB value")
                    .hasSizeLessThan(2_000);
        }
    }

    /**
     * The command is refused with the reason; nothing is written, changed or sent.
     *
     * @param reason the reason
     * @param call the hostile call
     */
    void refuses(RefusalReason reason, Supplier<Outcome> call) {
        Snapshot before = snapshot();
        Outcome outcome = call.get();
        assertThat(outcome.asRefusal()).as("the outcome").isPresent();
        assertThat(outcome.asRefusal().orElseThrow().reason()).isEqualTo(reason);
        unchangedSince(before);
    }

    /**
     * Either a clear error naming the field or a refusal with the reason; never a storage fault;
     * nothing written.
     *
     * @param field the field an error must name
     * @param reason the reason of a refusal
     * @param call the hostile call
     */
    void rejectsOrRefuses(String field, RefusalReason reason, Supplier<Outcome> call) {
        Snapshot before = snapshot();
        Outcome[] outcome = new Outcome[1];
        Throwable e = catchThrowable(() -> outcome[0] = call.get());
        if (e != null) {
            assertClearError(e, field);
        } else {
            assertThat(outcome[0].asRefusal().map(r -> r.reason())).as("the outcome").contains(reason);
        }
        unchangedSince(before);
    }

    /**
     * The query answers nothing (empty optional, empty list) or fails with a clear error naming the
     * field; nothing is written.
     *
     * @param field the field an error must name
     * @param call the hostile query
     */
    void findsNothing(String field, Supplier<?> call) {
        Snapshot before = snapshot();
        Object[] result = new Object[1];
        Throwable e = catchThrowable(() -> result[0] = call.get());
        if (e != null) {
            assertClearError(e, field);
        } else if (result[0] instanceof Optional<?> optional) {
            assertThat(optional).as("the query's answer").isEmpty();
        } else {
            assertThat((Iterable<?>) result[0]).as("the query's answer").isEmpty();
        }
        unchangedSince(before);
    }

    /**
     * The query answers (whatever it answers: the point is that the hostile input does not reach the
     * database as a fault) or fails with a clear error naming the field; nothing is written.
     *
     * @param field the field an error must name
     * @param call the hostile query
     */
    void answersOrRejects(String field, Supplier<?> call) {
        Snapshot before = snapshot();
        Throwable e = catchThrowable(call::get);
        if (e != null) {
            assertClearError(e, field);
        }
        unchangedSince(before);
    }

    /**
     * The link call is denied with {@link LinkDenial#LINK_INVALID}; nothing is written or changed,
     * no failure is counted.
     *
     * @param call the hostile call
     */
    void deniesLink(Supplier<LinkResult<?>> call) {
        Snapshot before = snapshot();
        assertDenied(call.get(), "the link result", LinkDenial.LINK_INVALID);
        unchangedSince(before);
    }

    /**
     * The identity check says {@link LinkDenial#WRONG_ANSWER}: one more failure is counted on Zoë's
     * link, and nothing else is written or changed.
     *
     * @param call the hostile identity answer
     */
    void wrongAnswer(Supplier<LinkResult<?>> call) {
        Snapshot before = snapshot();
        assertDenied(call.get(), "the identity check", LinkDenial.WRONG_ANSWER);
        Snapshot after = snapshot();
        assertThat(after.zoeGuard().failureTimes().size()).as("failures counted").isEqualTo(before.zoeGuard().failureTimes().size() + 1);
        assertThat(after.zoeGuard().generation()).isEqualTo(before.zoeGuard().generation());
        Map<String, Long> rows = new java.util.LinkedHashMap<>(after.rows());
        rows.put("br_link_guard", before.rows().get("br_link_guard"));
        assertThat(rows).as("rows other than the link guard").isEqualTo(before.rows());
        assertThat(after.zoe()).isEqualTo(before.zoe());
        assertThat(after.ofB()).isEqualTo(before.ofB());
        assertThat(after.ofBGuard()).isEqualTo(before.ofBGuard());
        assertThat(after.delivered()).isEqualTo(before.delivered());
    }

    private static void assertDenied(LinkResult<?> result, String what, LinkDenial denial) {
        assertThat(result).as(what).isInstanceOfSatisfying(LinkResult.Denied.class,
                d -> assertThat(d.denial()).isEqualTo(denial));
    }

    // ------------------------------------------------------------------------------ read backs

    /**
     * The outbox documents of a booking, one per row, each parsed as JSON into dotted paths
     * ({@code booking.zone}, {@code personalMessage}, the row's own element under
     * {@code notification.}), nulls left out.
     *
     * @param tenant the tenant
     * @param bookingId the booking
     * @return the rows' fields, in no particular order
     */
    List<Properties> outbox(String tenant, String bookingId) {
        List<Properties> payloads = new ArrayList<>();
        for (String id : db.texts("SELECT notification_id FROM br_outbox WHERE tenant_id = ? AND booking_id = ?",
                tenant, bookingId)) {
            String body = db.texts("SELECT body FROM br_outbox WHERE tenant_id = ? AND notification_id = ?", tenant, id)
                    .get(0);
            payloads.add(OutboxJson.ofRow(body, id));
        }
        return payloads;
    }

    /** @return a printable form of a hostile value, for case names */
    static String show(String value) {
        return LogCapture.abbreviate(value);
    }

    /** @return a string of the length, made of the seed repeated */
    static String sized(String seed, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = seed.charAt(i % seed.length());
        }
        return new String(chars);
    }

    static List<String> list(String... values) {
        return Arrays.asList(values);
    }
}
