package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.DR_SOTO;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.ErasureResult;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.OutboxTestSupport.RecordingNotifier;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.LegacyClinics.EachStoreAndClinic;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.links.Grant;
import org.bookingrules.links.IdentityCheck;
import org.bookingrules.links.LinkDenial;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.ManageView;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * The library's services, through the public facade, on bookings kept in an existing EHR
 * appointment table ({@link JdbcBookingRepository#create(javax.sql.DataSource, AppointmentTable)}),
 * over both {@link LegacyClinics} schemas on H2, PostgreSQL and MariaDB: self-service links on an
 * appointment the EHR made itself and on one the library made (R8, R9, R10), reminders and the
 * EHR's own changes before they are due (R5), erasure of the library's copies of a customer's
 * personal data while the EHR's patient record stays (R2, R15), the {@link Retention} job, and
 * delivery through the {@link OutboxRelay} (R14). Appointments "the EHR made" are plain INSERTs
 * into the legacy tables, with no {@code br_} row, as the EHR's own front desk would write them.
 * Every test recreates the legacy tables and empties the library's, in this class's namespace.
 */
@DisplayName("R5 R8 R14 R15 the library's services on bookings kept in an existing EHR appointment table")
class AppointmentTableServicesTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    /** The tenant of the table: the appointments the EHR made itself are this tenant's. */
    private static final String HOME = "ehr-clinic";
    /** Another tenant whose bookings the library keeps in the same table. */
    private static final String OTHER = "partner-clinic";
    private static final ZoneId ZONE = LegacyClinics.ZONE;
    private static final Duration HOUR = Duration.ofHours(1);
    private static final byte[] SIGNING_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final CustomerDetails ANA = new CustomerDetails("cust-ana", "Ana Pérez", "ana@example.org",
            "+34 600 111 222", Locale.forLanguageTag("es"));
    private static final CustomerDetails BOB = new CustomerDetails("cust-bob", "Bob Smith", "bob@example.org",
            "+44 20 7946 0000", Locale.ENGLISH);
    private static final LocalDate ANA_BORN = LocalDate.of(1980, 5, 17);
    private static final LocalDate BOB_BORN = LocalDate.of(1975, 11, 2);
    /**
     * Ana's personal data as fragments that survive any text encoding of the stored formats (escaped
     * non-ASCII letters, JSON): her name, e-mail and phone.
     */
    private static final String[] ANA_PERSONAL = {"Ana P", "ana@example.org", "600 111 222"};

    // ------------------------------------------------------------------------------ R8 links

    @EachStoreAndClinic
    @DisplayName("R8 R11 R15 a manage link for an appointment the EHR made itself opens; the identity check asks the "
            + "EHR patient's e-mail (or date of birth); the customer cancels: the EHR row holds the cancel code, the "
            + "history the CANCELLED event, the outbox its notifications; wrong answers lock the link in br_link_guard")
    void selfServiceOnAnAppointmentTheEhrMade(Store store, LegacyClinics clinic) {
        Kit kit = Kit.over(store, clinic);
        kit.patient(ANA, ANA_BORN);
        kit.patient(BOB, BOB_BORN);
        Instant start = NOW.plus(Duration.ofDays(3));
        String anas = kit.ehrAppointment(1, DR_RUIZ.id(), ANA, start, BookingStatus.PENDING);
        String bobs = kit.ehrAppointment(2, DR_RUIZ.id(), BOB, start.plus(HOUR), BookingStatus.PENDING);
        String anasOther = kit.ehrAppointment(3, DR_SOTO.id(), ANA, start.plus(HOUR), BookingStatus.PENDING);
        assertThat(kit.db.rowCounts().values()).as("the EHR's appointments have no br_ row").allMatch(n -> n == 0);

        Booking ehrs = kit.rules.find(RECEPTION, BookingRef.of(HOME, anas)).orElseThrow();
        assertThat(ehrs.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(ehrs.customer().map(CustomerDetails::email)).contains(ANA.email());
        String token = kit.links.issueManage(ehrs);

        LinkResult<ManageView> opened = kit.selfService.open(token);
        assertThat(opened.toOptional()).hasValueSatisfying(view -> {
            assertThat(view.status()).isEqualTo(BookingStatus.PENDING);
            assertThat(view.start().toInstant()).isEqualTo(start);
        });
        assertThat(kit.selfService.verifyIdentity(token, BOB.email())).as("another patient's e-mail")
                .isInstanceOfSatisfying(LinkResult.Denied.class, d -> {
                    assertThat(d.denial()).isEqualTo(LinkDenial.WRONG_ANSWER);
                    assertThat(d.attemptsLeft()).isEqualTo(4);
                });
        Grant grant = kit.selfService.verifyIdentity(token, "  ANA@Example.org ").toOptional().orElseThrow();
        Outcome cancelled = kit.selfService.cancel(grant.token(), null).toOptional().orElseThrow();

        Outcome.Done done = cancelled.orElseThrow();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.booking().id()).isEqualTo(anas);
        assertThat(kit.ehr.statusCode(anas)).as("the EHR's row")
                .isEqualTo(kit.table.statusCodes().code(BookingStatus.CANCELLED));
        assertThat(kit.table.fhirStatus(kit.ehr.statusCode(anas))).isEqualTo("cancelled");
        assertThat(kit.ehr.statusCode(bobs)).as("the EHR's other rows")
                .isEqualTo(kit.table.statusCodes().code(BookingStatus.PENDING));
        List<BookingEvent> history = kit.rules.history(RECEPTION, BookingRef.of(HOME, anas));
        assertThat(history).singleElement().isInstanceOfSatisfying(BookingEvent.Cancelled.class, event -> {
            assertThat(event.actor()).isEqualTo(Actor.customer(ANA.id()));
            assertThat(event.from()).isEqualTo(BookingStatus.PENDING);
            assertThat(event.to()).isEqualTo(BookingStatus.CANCELLED);
        });
        assertThat(kit.db.texts("SELECT recipient FROM br_outbox WHERE tenant_id = ? AND booking_id = ? AND kind = ?",
                HOME, anas, NotificationKind.CANCELLED.name())).as("outbox rows of the cancel").contains("CUSTOMER");
        assertThat(done.notifications()).extracting(Notification::recipient).contains(RecipientRole.CUSTOMER);
        assertThat(kit.db.texts("SELECT appointment_key FROM br_booking WHERE tenant_id = ? AND id = ?", HOME, anas))
                .as("adopted: a br_booking row under the same id").containsExactly(anas);
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(HOME, anas)).orElseThrow().status())
                .isEqualTo(BookingStatus.CANCELLED);
        assertThat(kit.selfService.open(token)).as("the link of a cancelled booking")
                .isInstanceOfSatisfying(LinkResult.Denied.class,
                        d -> assertThat(d.denial()).isEqualTo(LinkDenial.LINK_INVALID));

        // Date of birth, looked up in the EHR's patient table.
        SelfService byBirth = kit.selfService(IdentityCheck.dateOfBirth(kit.table.dateOfBirthLookup(
                kit.db.dataSource())));
        String otherToken = kit.links.issueManage(kit.rules.find(RECEPTION, BookingRef.of(HOME, anasOther))
                .orElseThrow());
        assertThat(byBirth.verifyIdentity(otherToken, ANA.email())).as("the e-mail is no answer to this check")
                .isInstanceOf(LinkResult.Denied.class);
        assertThat(byBirth.verifyIdentity(otherToken, BOB_BORN.toString())).as("another patient's birth date")
                .isInstanceOf(LinkResult.Denied.class);
        assertThat(byBirth.verifyIdentity(otherToken, ANA_BORN.toString()).toOptional()).isPresent();

        // Five wrong answers lock Bob's link, in br_link_guard, for every node.
        String bobsToken = kit.links.issueManage(kit.rules.find(RECEPTION, BookingRef.of(HOME, bobs)).orElseThrow());
        Instant lockedUntil = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            LinkResult<Grant> wrong = kit.selfService.verifyIdentity(bobsToken, "guess" + attempt + "@example.org");
            assertThat(wrong).as("attempt %d", attempt).isInstanceOfSatisfying(LinkResult.Denied.class,
                    d -> assertThat(d.denial()).isEqualTo(LinkDenial.WRONG_ANSWER));
            lockedUntil = ((LinkResult.Denied<Grant>) wrong).lockedUntil();
        }
        assertThat(lockedUntil).as("the fifth wrong answer locks").isNotNull();
        assertThat(kit.selfService.verifyIdentity(bobsToken, BOB.email())).as("a right answer while locked")
                .isInstanceOfSatisfying(LinkResult.Denied.class,
                        d -> assertThat(d.denial()).isEqualTo(LinkDenial.LOCKED));
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_link_guard WHERE tenant_id = ? AND booking_id = ? "
                + "AND locked_until IS NOT NULL", HOME, bobs)).isEqualTo(1);
        assertThat(JdbcLinkGuardStore.create(kit.db.dataSource()).state(HOME, bobs).isLockedAt(kit.clock.instant()))
                .as("another node's guard store sees the lock").isTrue();
        assertThat(kit.ehr.statusCode(bobs)).isEqualTo(kit.table.statusCodes().code(BookingStatus.PENDING));
        kit.clock.setInstant(lockedUntil);
        assertThat(kit.selfService.verifyIdentity(bobsToken, BOB.email()).toOptional())
                .as("after the lock the right answer works").isPresent();
    }

    @EachStoreAndClinic
    @DisplayName("R8 R9 R10 the customer reschedules through the link within the policy, a booking the library made "
            + "and an appointment the EHR made itself: the EHR rows hold the new times; inside the reschedule notice "
            + "the link's reschedule is refused")
    void customerReschedulesALibraryBookingThroughItsLink(Store store, LegacyClinics clinic) {
        Kit kit = Kit.over(store, clinic);
        Instant start = NOW.plus(Duration.ofDays(3));
        Booking booked = kit.book(HOME, DR_RUIZ, ANA, start);
        String key = kit.keyOf(HOME, booked.id());
        assertThat(kit.ehr.start(key)).isEqualTo(start);
        String token = kit.links.issueManage(booked);

        Grant grant = kit.selfService.verifyIdentity(token, ANA.email()).toOptional().orElseThrow();
        Instant newStart = start.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(30));
        Outcome.Done moved = kit.selfService.reschedule(grant.token(), newStart).toOptional().orElseThrow()
                .orElseThrow();

        assertThat(moved.booking().slot()).isEqualTo(Interval.of(newStart, newStart.plus(HOUR)));
        assertThat(moved.booking().customerReschedules()).isEqualTo(1);
        assertThat(kit.ehr.start(key)).as("the EHR's row holds the new start").isEqualTo(newStart);
        assertThat(kit.ehr.statusCode(key)).isEqualTo(kit.table.statusCodes().code(BookingStatus.PENDING));
        Booking read = kit.rules.find(RECEPTION, BookingRef.of(HOME, booked.id())).orElseThrow();
        assertThat(read.slot()).isEqualTo(moved.booking().slot());
        assertThat(read.customerReschedules()).isEqualTo(1);
        assertThat(kit.rules.history(RECEPTION, BookingRef.of(HOME, booked.id())))
                .extracting(e -> e.getClass().getSimpleName()).containsExactly("Booked", "Rescheduled");
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND booking_id = ? AND kind = ?",
                HOME, booked.id(), NotificationKind.RESCHEDULED.name())).isPositive();

        kit.clock.setInstant(newStart.minus(Duration.ofHours(23)));
        Grant late = kit.selfService.verifyIdentity(token, ANA.email()).toOptional().orElseThrow();
        Outcome refused = kit.selfService.reschedule(late.token(), newStart.plus(Duration.ofDays(2))).toOptional()
                .orElseThrow();
        assertThat(refused.asRefusal().map(r -> r.reason())).contains(RefusalReason.RESCHEDULE_NOTICE_PASSED);
        assertThat(kit.ehr.start(key)).as("unchanged").isEqualTo(newStart);

        // An appointment the EHR made itself, moved by its patient: the first change adopts it.
        kit.patient(BOB, BOB_BORN);
        Instant ehrStart = newStart.plus(Duration.ofDays(5));
        String ehrMade = kit.ehrAppointment(1, DR_SOTO.id(), BOB, ehrStart, BookingStatus.PENDING);
        String ehrToken = kit.links.issueManage(kit.rules.find(RECEPTION, BookingRef.of(HOME, ehrMade)).orElseThrow());
        Grant bobs = kit.selfService.verifyIdentity(ehrToken, BOB.email()).toOptional().orElseThrow();
        Instant ehrNewStart = ehrStart.plus(Duration.ofDays(1));
        Outcome.Done ehrMoved = kit.selfService.reschedule(bobs.token(), ehrNewStart).toOptional().orElseThrow()
                .orElseThrow();
        assertThat(ehrMoved.booking().start()).isEqualTo(ehrNewStart);
        assertThat(kit.ehr.start(ehrMade)).as("the EHR's own row holds the new start").isEqualTo(ehrNewStart);
        assertThat(kit.rules.history(RECEPTION, BookingRef.of(HOME, ehrMade))).singleElement()
                .isInstanceOfSatisfying(BookingEvent.Rescheduled.class, event -> {
                    assertThat(event.oldSlot()).isEqualTo(Interval.of(ehrStart, ehrStart.plus(HOUR)));
                    assertThat(event.actor()).isEqualTo(Actor.customer(BOB.id()));
                });
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(HOME, ehrMade)).orElseThrow().customerReschedules())
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------------------ R5 reminders

    @EachStoreAndClinic
    @DisplayName("R5 sendDueReminders sends a booking's reminder and the outbox holds it; none for a booking the EHR "
            + "moved or cancelled before it was due, none for an appointment the EHR made itself (it sends its own)")
    void remindersFollowTheEhrsChanges(Store store, LegacyClinics clinic) {
        Kit kit = Kit.over(store, clinic);
        Instant start = NOW.plus(Duration.ofDays(2));
        Booking plain = kit.book(HOME, DR_RUIZ, ANA, start);
        Booking movedByEhr = kit.book(HOME, DR_RUIZ, BOB, start.plus(HOUR));
        Booking cancelledByEhr = kit.book(HOME, DR_RUIZ, ANA, start.plus(HOUR.multipliedBy(2)));
        String ehrMade = kit.ehrAppointment(1, DR_RUIZ.id(), BOB, start.plus(HOUR.multipliedBy(3)),
                BookingStatus.PENDING);
        assertThat(List.of(plain, movedByEhr, cancelledByEhr)).allSatisfy(b -> {
            assertThat(b.status()).isEqualTo(BookingStatus.PENDING);
            assertThat(b.reminder().isArmed()).isTrue();
        });
        assertThat(kit.drain()).as("the bookings' own notifications").isPositive();

        // The EHR's front desk moves one by half an hour (still inside the reminder window) and cancels another.
        Instant movedTo = movedByEhr.start().plus(Duration.ofMinutes(150));
        kit.ehr.move(kit.keyOf(HOME, movedByEhr.id()), movedTo, movedTo.plus(HOUR));
        kit.ehr.cancel(kit.keyOf(HOME, cancelledByEhr.id()));
        kit.clock.setInstant(start.minus(Duration.ofMinutes(1)));

        List<Outcome.Done> sent = kit.rules.sendDueReminders();

        assertThat(sent).extracting(d -> d.booking().id()).containsExactly(plain.id());
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(HOME, plain.id())).orElseThrow().reminder().isSent())
                .isTrue();
        assertThat(kit.db.texts("SELECT booking_id FROM br_outbox WHERE tenant_id = ? AND kind = ?", HOME,
                NotificationKind.REMINDER.name())).as("reminders in the outbox").containsOnly(plain.id()).isNotEmpty();
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_booking_event WHERE tenant_id = ? AND kind = 'REMINDER_SENT'",
                HOME)).isEqualTo(1);
        assertThat(kit.rules.history(RECEPTION, BookingRef.of(HOME, plain.id())))
                .last().isInstanceOf(BookingEvent.ReminderSent.class);
        Booking moved = kit.rules.find(RECEPTION, BookingRef.of(HOME, movedByEhr.id())).orElseThrow();
        assertThat(moved.start()).isEqualTo(movedTo);
        assertThat(moved.reminder().isArmed()).as("disarmed by the EHR's move").isFalse();
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(HOME, cancelledByEhr.id())).orElseThrow().status())
                .isEqualTo(BookingStatus.CANCELLED);
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(HOME, ehrMade)).orElseThrow().reminder().isArmed())
                .as("the EHR's own appointment").isFalse();
        assertThat(kit.rules.sendDueReminders()).as("a second sweep").isEmpty();

        kit.drain();
        List<Notification> reminders = kit.notifier.delivered().stream()
                .filter(n -> n.kind() == NotificationKind.REMINDER).toList();
        assertThat(reminders).isNotEmpty().allSatisfy(n -> assertThat(n.booking().id()).isEqualTo(plain.id()));
        assertThat(reminders).filteredOn(n -> n.recipient() == RecipientRole.CUSTOMER).singleElement()
                .satisfies(n -> assertThat(n.booking().customer().map(CustomerDetails::email)).contains(ANA.email()));
    }

    // ------------------------------------------------------------------------------ R2 R15 erasure

    @EachStoreAndClinic
    @DisplayName("R2 R15 erasing Ana removes the library's copies: no text column of any br_ table of the tenant holds "
            + "her name, e-mail or phone; every event stays plus CUSTOMER_ERASED; her pending notifications are "
            + "dropped; the EHR's patient row, Bob and another tenant are untouched; a repeat changes nothing")
    void erasureRemovesTheLibrarysCopiesOnly(Store store, LegacyClinics clinic) throws SQLException {
        Kit kit = Kit.over(store, clinic);
        kit.patient(ANA, ANA_BORN);
        Instant start = NOW.plus(Duration.ofDays(3));
        Booking first = kit.book(HOME, DR_RUIZ, ANA, start);
        Booking second = kit.book(HOME, DR_RUIZ, ANA, start.plus(Duration.ofDays(1)));
        Booking bobs = kit.book(HOME, DR_RUIZ, BOB, start.plus(Duration.ofDays(2)));
        Booking theirs = kit.book(OTHER, DR_SOTO, ANA, start);
        String ehrMade = kit.ehrAppointment(1, DR_SOTO.id(), ANA, start.plus(Duration.ofDays(4)),
                BookingStatus.PENDING);
        kit.drain();
        kit.rules.cancel(RECEPTION, BookingRef.of(HOME, second.id()),
                ChangeRequest.because("Ana is ill, call her at +34 600 111 222")
                        .notifying(NotificationChoice.both().withMessage("Get well soon, Ana Pérez"))).orElseThrow();
        assertThat(String.join("\n", kit.db.tenantRows(HOME))).as("control: the outbox holds her data before")
                .contains(ANA_PERSONAL);
        int firstEvents = kit.rules.history(RECEPTION, BookingRef.of(HOME, first.id())).size();
        int secondEvents = kit.rules.history(RECEPTION, BookingRef.of(HOME, second.id())).size();
        List<String> otherTenantBefore = kit.db.tenantRows(OTHER);

        ErasureResult result = kit.rules.eraseCustomer(RECEPTION, HOME, ANA.id());

        assertThat(result.status()).isEqualTo(ErasureResult.Status.ERASED);
        assertThat(result.erased()).extracting(Booking::id)
                .containsExactlyInAnyOrder(first.id(), second.id(), ehrMade);
        for (String text : kit.db.tenantRows(HOME)) {
            assertThat(text).doesNotContain(ANA_PERSONAL);
        }
        List<BookingEvent> history = kit.rules.history(RECEPTION, BookingRef.of(HOME, second.id()));
        assertThat(history).hasSize(secondEvents + 1);
        assertThat(history.get(history.size() - 1)).isInstanceOf(BookingEvent.CustomerErased.class);
        assertThat(history.get(history.size() - 2)).isInstanceOfSatisfying(BookingEvent.Cancelled.class,
                cancel -> assertThat(cancel.reason()).isNull());
        assertThat(kit.rules.history(RECEPTION, BookingRef.of(HOME, first.id()))).hasSize(firstEvents + 1)
                .first().isInstanceOf(BookingEvent.Booked.class);
        assertThat(kit.rules.history(RECEPTION, BookingRef.of(HOME, ehrMade))).singleElement()
                .isInstanceOf(BookingEvent.CustomerErased.class);
        for (String id : List.of(first.id(), second.id(), ehrMade)) {
            Booking erased = kit.rules.find(RECEPTION, BookingRef.of(HOME, id)).orElseThrow();
            assertThat(erased.customer()).as(id).hasValueSatisfying(customer -> {
                assertThat(customer.id()).isEqualTo(ANA.id());
                assertThat(customer.isErased()).isTrue();
                assertThat(customer.name()).isNull();
                assertThat(customer.email()).isNull();
                assertThat(customer.phone()).isNull();
            });
        }
        Booking cancelled = kit.rules.find(RECEPTION, BookingRef.of(HOME, second.id())).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(cancelled.slot()).isEqualTo(second.slot());
        assertThat(kit.repository.customerBookings(HOME, ANA.id())).hasSize(3)
                .allSatisfy(b -> assertThat(b.customer().orElseThrow().isErased()).isTrue());
        assertThat(kit.ehr.patient(ANA.id())).as("the EHR's patient record is the EHR's")
                .contains(ANA.email()).anySatisfy(column -> assertThat(column).contains("Ana"));
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND recipient = 'CUSTOMER' "
                + "AND status = 'PENDING'", HOME)).as("her undelivered notifications").isZero();
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND booking_id = ? "
                + "AND recipient = 'RESOURCE' AND status = 'PENDING'", HOME, second.id())).isPositive();
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(HOME, bobs.id())).orElseThrow().customer()
                .map(CustomerDetails::email)).contains(BOB.email());
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(OTHER, theirs.id())).orElseThrow().customer()
                .map(CustomerDetails::email)).as("another tenant").contains(ANA.email());
        assertThat(kit.db.tenantRows(OTHER)).as("another tenant's rows").isEqualTo(otherTenantBefore);

        List<String> afterFirst = kit.db.tenantRows(HOME);
        assertThat(kit.rules.eraseCustomer(RECEPTION, HOME, ANA.id()).status())
                .isEqualTo(ErasureResult.Status.ALREADY_ERASED);
        assertThat(kit.db.tenantRows(HOME)).as("a repeat changes nothing").isEqualTo(afterFirst);

        int before = kit.notifier.delivered().size();
        kit.drain();
        assertThat(kit.notifier.delivered().subList(before, kit.notifier.delivered().size()))
                .filteredOn(n -> n.booking().tenantId().equals(HOME)).singleElement().satisfies(n -> {
                    assertThat(n.recipient()).isEqualTo(RecipientRole.RESOURCE);
                    assertThat(n.personalMessage()).isNull();
                    assertThat(n.booking().customer()).map(CustomerDetails::isErased).contains(true);
                });
    }

    // ------------------------------------------------------------------------------ retention

    @EachStoreAndClinic
    @DisplayName("Retention on bookings over the table: delivered notifications older than the configured age go, "
            + "recent and pending ones stay; idempotency keys expire as configured; the link guard of a finished "
            + "booking goes, an active one's stays")
    void retentionDeletesWhatItMayOnly(Store store, LegacyClinics clinic) {
        Kit kit = Kit.over(store, clinic);
        Instant start = NOW.plus(Duration.ofDays(1));
        BookRequest firstRequest = kit.request(HOME, DR_RUIZ, ANA, start).withIdempotencyKey("kit-key-1");
        Booking finished = kit.rules.book(Actor.customer(ANA.id()), firstRequest).orElseThrow().booking();
        Booking active = kit.rules.book(Actor.customer(BOB.id()),
                kit.request(HOME, DR_RUIZ, BOB, start.plus(Duration.ofDays(30))).withIdempotencyKey("kit-key-2"))
                .orElseThrow().booking();
        Outcome.Done repeat = kit.rules.book(Actor.customer(ANA.id()), firstRequest).orElseThrow();
        assertThat(repeat.changed()).as("a repeat within the key's time to live").isFalse();
        assertThat(repeat.booking().id()).isEqualTo(finished.id());
        kit.drain();
        for (Booking b : List.of(finished, active)) {
            assertThat(kit.selfService.verifyIdentity(kit.links.issueManage(b), "nobody@example.org"))
                    .isInstanceOf(LinkResult.Denied.class);
        }
        kit.clock.add(HOUR);
        kit.rules.cancel(RECEPTION, BookingRef.of(HOME, finished.id())).orElseThrow();
        kit.drain();
        kit.clock.setInstant(NOW.plus(Duration.ofDays(5)));
        Booking recent = kit.book(HOME, DR_SOTO, ANA, NOW.plus(Duration.ofDays(20)));
        kit.drain();
        kit.clock.setInstant(NOW.plus(Duration.ofDays(12)));
        Booking pending = kit.rules.book(Actor.customer(BOB.id()),
                kit.request(HOME, DR_SOTO, BOB, NOW.plus(Duration.ofDays(21))).withIdempotencyKey("kit-key-3"))
                .orElseThrow().booking();
        long oldSent = kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE status = 'SENT' AND booking_id IN (?, ?)",
                finished.id(), active.id());
        long recentSent = kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE status = 'SENT' AND booking_id = ?",
                recent.id());
        long pendingRows = kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE status = 'PENDING' AND booking_id = ?",
                pending.id());
        assertThat(oldSent).isPositive();
        assertThat(recentSent).isPositive();
        assertThat(pendingRows).isPositive();
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_link_guard")).isEqualTo(2);
        Retention retention = Retention.builder().dataSource(kit.db.dataSource()).clock(kit.clock)
                .deliveredOutboxAge(Duration.ofDays(8)).idempotencyKeyAge(Duration.ofDays(2))
                .linkGuardAge(Duration.ofDays(15)).build();

        assertThat(retention.runOnce()).as("at day 12").isEqualTo(new Retention.Deleted((int) oldSent, 2, 0));
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE booking_id IN (?, ?)", finished.id(),
                active.id())).isZero();
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE booking_id = ?", recent.id()))
                .as("delivered 7 days ago: kept").isEqualTo(recentSent);
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE status = 'PENDING' AND booking_id = ?",
                pending.id())).as("pending: kept").isEqualTo(pendingRows);
        assertThat(kit.db.texts("SELECT idem_key FROM br_idempotency_key")).containsExactly("kit-key-3");
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_link_guard")).as("the finished booking ended 11 days ago")
                .isEqualTo(2);
        assertThat(retention.runOnce()).as("a second run").isEqualTo(new Retention.Deleted(0, 0, 0));
        Outcome.Done anew = kit.rules.book(Actor.customer(ANA.id()),
                kit.request(HOME, DR_RUIZ, ANA, NOW.plus(Duration.ofDays(40))).withIdempotencyKey("kit-key-1"))
                .orElseThrow();
        assertThat(anew.changed()).as("the expired key books anew").isTrue();
        assertThat(anew.booking().id()).isNotEqualTo(finished.id());

        kit.clock.setInstant(finished.end().plus(Duration.ofDays(15)).plusSeconds(1));
        assertThat(retention.runOnce()).as("the recent notifications are 11 days old now, the keys of day 12 four "
                + "days, the finished booking ended 15 days ago")
                .isEqualTo(new Retention.Deleted((int) recentSent, 2, 1));
        assertThat(kit.db.texts("SELECT booking_id FROM br_link_guard")).containsExactly(active.id());
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE status = 'PENDING' AND booking_id = ?",
                pending.id())).as("pending: kept").isEqualTo(pendingRows);
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", HOME))
                .as("bookings are never deleted").isEqualTo(5);
        assertThat(kit.rules.find(RECEPTION, BookingRef.of(HOME, finished.id())).orElseThrow().status())
                .isEqualTo(BookingStatus.CANCELLED);
    }

    // ------------------------------------------------------------------------------ R14 relay

    @EachStoreAndClinic
    @DisplayName("R14 the notifications of changes to bookings over the table, the EHR's own appointment included, are "
            + "delivered by two racing relays exactly once each, with the EHR patient's contact")
    void relayDeliversEachNotificationOnce(Store store, LegacyClinics clinic) throws Exception {
        Kit kit = Kit.over(store, clinic);
        kit.patient(BOB, BOB_BORN);
        Instant start = NOW.plus(Duration.ofDays(3));
        Booking booked = kit.book(HOME, DR_RUIZ, ANA, start);
        BookingRef ref = BookingRef.of(HOME, booked.id());
        kit.rules.confirm(RECEPTION, ref).orElseThrow();
        kit.rules.reschedule(RECEPTION, ref, RescheduleRequest.to(start.plus(Duration.ofDays(1)),
                start.plus(Duration.ofDays(1)).plus(HOUR))).orElseThrow();
        kit.book(OTHER, DR_RUIZ, ANA, start);
        String ehrMade = kit.ehrAppointment(1, DR_SOTO.id(), BOB, start, BookingStatus.CONFIRMED);
        Booking ehrs = kit.rules.find(RECEPTION, BookingRef.of(HOME, ehrMade)).orElseThrow();
        assertThat(ehrs.status()).isEqualTo(BookingStatus.CONFIRMED);
        Grant grant = kit.selfService.verifyIdentity(kit.links.issueManage(ehrs), BOB.email()).toOptional()
                .orElseThrow();
        kit.selfService.cancel(grant.token(), null).toOptional().orElseThrow().orElseThrow();
        List<String> queued = kit.db.texts("SELECT notification_id FROM br_outbox");
        assertThat(queued).hasSizeGreaterThanOrEqualTo(8);
        OutboxRelay second = OutboxRelay.builder().dataSource(kit.db.dataSource()).notifier(kit.notifier)
                .clock(kit.clock).batchSize(2).build();
        OutboxRelay first = kit.relay.toBuilder().batchSize(2).build();

        List<Integer> delivered = Race.run(2, i -> () -> TestFacade.drain(i == 0 ? first : second));

        assertThat(delivered.get(0) + delivered.get(1)).isEqualTo(queued.size());
        assertThat(kit.notifier.duplicates()).isEmpty();
        assertThat(kit.notifier.deliveriesById()).containsOnlyKeys(queued);
        assertThat(kit.db.count("SELECT COUNT(*) FROM br_outbox WHERE status <> 'SENT'")).isZero();
        assertThat(kit.drain()).as("nothing left").isZero();
        Set<NotificationKind> kinds = kit.notifier.delivered().stream().map(Notification::kind)
                .collect(Collectors.toSet());
        assertThat(kinds).contains(NotificationKind.BOOKED, NotificationKind.CONFIRMED, NotificationKind.RESCHEDULED,
                NotificationKind.CANCELLED);
        assertThat(kit.notifier.delivered()).filteredOn(n -> n.booking().id().equals(ehrMade))
                .filteredOn(n -> n.recipient() == RecipientRole.CUSTOMER).singleElement().satisfies(n -> {
                    assertThat(n.kind()).isEqualTo(NotificationKind.CANCELLED);
                    assertThat(n.booking().customer().map(CustomerDetails::email)).contains(BOB.email());
                });
    }

    // ------------------------------------------------------------------------------ helpers



    /**
     * One clinic's schema on one store, with the library wired over it as an integrator would: the
     * repository over the table, links with their guards in {@code br_link_guard}, the facade, self
     * service, and a relay to a recording notifier; all on one {@link MutableClock} at {@link #NOW}.
     */
    private static final class Kit {
        final Database db;
        final AppointmentTable table;
        final JdbcBookingRepository repository;
        final MutableClock clock = MutableClock.of(NOW, ZONE);
        final ManageLinks links;
        final BookingRules rules;
        final SelfService selfService;
        final RecordingNotifier notifier = new RecordingNotifier();
        final OutboxRelay relay;
        final Ehr ehr;

        private Kit(Database db, LegacyClinics clinic) {
            this.db = db;
            this.table = clinic.table(db.dialect(), HOME);
            this.repository = JdbcBookingRepository.create(db.dataSource(), table);
            this.links = ManageLinks.builder().signingKey("k1", SIGNING_KEY).clock(clock)
                    .guardStore(JdbcLinkGuardStore.create(db.dataSource())).build();
            this.rules = BookingRules.builder().repository(repository).clock(clock).manageLinks(links).build();
            this.selfService = selfService(IdentityCheck.email());
            this.relay = TestFacade.relay(db, notifier, clock);
            this.ehr = new Ehr(db, clinic);
        }

        /** The schema created afresh in the store's namespace, the library's tables emptied. */
        static Kit over(Store store, LegacyClinics clinic) {
            Database db = DATABASES.get(store);
            clinic.create(db);
            return new Kit(db, clinic);
        }

        SelfService selfService(IdentityCheck check) {
            return SelfService.builder().rules(rules).repository(repository).links(links).identityCheck(check).build();
        }

        BookRequest request(String tenant, Resource resource, CustomerDetails customer, Instant start) {
            return BookRequest.of(tenant, resource, CONSULTATION, customer, start, start.plus(HOUR), ZONE);
        }

        /** A one-hour booking made by the customer through the library. */
        Booking book(String tenant, Resource resource, CustomerDetails customer, Instant start) {
            return rules.book(Actor.customer(customer.id()), request(tenant, resource, customer, start)).orElseThrow()
                    .booking();
        }

        /** The key of the EHR row of a booking the library keeps a row of. */
        String keyOf(String tenant, String bookingId) {
            return db.texts("SELECT appointment_key FROM br_booking WHERE tenant_id = ? AND id = ?", tenant, bookingId)
                    .get(0);
        }

        void patient(CustomerDetails patient, LocalDate born) {
            ehr.patient(patient, born);
        }

        /** A one-hour appointment the EHR made itself; its key (the n-th of the test). */
        String ehrAppointment(int n, String practitionerId, CustomerDetails patient, Instant start,
                              BookingStatus status) {
            return ehr.appointment(n, practitionerId, patient.id(), start, start.plus(HOUR),
                    table.statusCodes().code(status));
        }

        int drain() {
            return TestFacade.drain(relay);
        }
    }

    /**
     * The EHR's own writes and reads of its tables, in each schema's shape, with plain SQL: what its
     * front desk does without the library. Clinic A's writers raise the row's version, as the
     * schema asks of every writer.
     */
    private static final class Ehr {
        private final Database db;
        private final LegacyClinics clinic;
        private final Sql sql;

        Ehr(Database db, LegacyClinics clinic) {
            this.db = db;
            this.clinic = clinic;
            this.sql = db.dialect().sql();
        }

        void patient(CustomerDetails p, LocalDate born) {
            if (clinic == LegacyClinics.CLINIC_A) {
                update("INSERT INTO patients (patient_id, full_name, email, phone, lang, birth_date) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", p.id(), p.name(), p.email(), p.phone(),
                        p.language().toLanguageTag(), born);
            } else {
                int space = p.name().indexOf(' ');
                update("INSERT INTO pat (pat_code, first_nm, last_nm, e_mail, tel, birth) VALUES (?, ?, ?, ?, ?, ?)",
                        p.id(), p.name().substring(0, space), p.name().substring(space + 1), p.email(), p.phone(),
                        born);
            }
        }

        String appointment(int n, String practitionerId, String patientId, Instant start, Instant end,
                           String code) {
            if (clinic == LegacyClinics.CLINIC_A) {
                String key = Long.toString(9000 + n);
                update("INSERT INTO appointments (appt_id, patient_id, practitioner_id, practitioner_name, "
                        + "service_code, starts_at, ends_at, status_code, version, booked_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                        Long.parseLong(key), patientId, practitionerId, "Practitioner " + practitionerId,
                        CONSULTATION.id(), start, end, code, NOW.minus(Duration.ofDays(1)));
                return key;
            }
            String key = "V" + (9000 + n);
            LocalDateTime from = LocalDateTime.ofInstant(start, ZONE);
            update("INSERT INTO visit (visit_no, pat_code, doctor_code, visit_date, time_from, time_to, st) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", key, patientId, practitionerId, from.toLocalDate(),
                    from.toLocalTime(), LocalDateTime.ofInstant(end, ZONE).toLocalTime(), code);
            return key;
        }

        void move(String key, Instant start, Instant end) {
            if (clinic == LegacyClinics.CLINIC_A) {
                changed(update("UPDATE appointments SET starts_at = ?, ends_at = ?, version = version + 1 "
                        + "WHERE appt_id = ?", start, end, Long.parseLong(key)));
            } else {
                LocalDateTime from = LocalDateTime.ofInstant(start, ZONE);
                changed(update("UPDATE visit SET visit_date = ?, time_from = ?, time_to = ? WHERE visit_no = ?",
                        from.toLocalDate(), from.toLocalTime(), LocalDateTime.ofInstant(end, ZONE).toLocalTime(), key));
            }
        }

        /** Cancels with a cancel code of the EHR's: clinic B's second one, which the library never writes. */
        void cancel(String key) {
            if (clinic == LegacyClinics.CLINIC_A) {
                changed(update("UPDATE appointments SET status_code = 'CX', version = version + 1 WHERE appt_id = ?",
                        Long.parseLong(key)));
            } else {
                changed(update("UPDATE visit SET st = 'Y' WHERE visit_no = ?", key));
            }
        }

        String statusCode(String key) {
            return clinic == LegacyClinics.CLINIC_A
                    ? query("SELECT status_code FROM appointments WHERE appt_id = ?", Long.parseLong(key)).get(0)
                            .strip()
                    : query("SELECT st FROM visit WHERE visit_no = ?", key).get(0).strip();
        }

        Instant start(String key) {
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement(clinic == LegacyClinics.CLINIC_A
                         ? "SELECT starts_at FROM appointments WHERE appt_id = ?"
                         : "SELECT visit_date, time_from FROM visit WHERE visit_no = ?")) {
                bind(s, clinic == LegacyClinics.CLINIC_A ? Long.parseLong(key) : key);
                try (ResultSet r = s.executeQuery()) {
                    assertThat(r.next()).as("the EHR's row %s", key).isTrue();
                    if (clinic == LegacyClinics.CLINIC_A) {
                        return sql.readInstant(r, "starts_at");
                    }
                    return ZonedDateTime.of(r.getObject("visit_date", LocalDate.class),
                            r.getObject("time_from", LocalTime.class), ZONE).toInstant();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the EHR's row: SQLState " + e.getSQLState(), e);
            }
        }

        /** The patient's row as the EHR keeps it: name columns and e-mail. */
        List<String> patient(String patientId) {
            return clinic == LegacyClinics.CLINIC_A
                    ? query("SELECT full_name, email FROM patients WHERE patient_id = ?", patientId)
                    : query("SELECT first_nm, last_nm, e_mail FROM pat WHERE pat_code = ?", patientId);
        }

        private static void changed(int rows) {
            assertThat(rows).as("rows the EHR changed").isEqualTo(1);
        }

        private int update(String statement, Object... args) {
            try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
                bind(s, args);
                return s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("the EHR's write failed: SQLState " + e.getSQLState(), e);
            }
        }

        /** Every column of every row, as text. */
        private List<String> query(String statement, Object... args) {
            try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
                bind(s, args);
                List<String> values = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    int columns = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        for (int i = 1; i <= columns; i++) {
                            values.add(r.getString(i));
                        }
                    }
                }
                return values;
            } catch (SQLException e) {
                throw new IllegalStateException("the EHR's read failed: SQLState " + e.getSQLState(), e);
            }
        }

        private void bind(PreparedStatement s, Object... args) throws SQLException {
            for (int i = 0; i < args.length; i++) {
                Object value = args[i];
                if (value instanceof Instant instant) {
                    // As the library writes instants on this store, so that both read them alike.
                    sql.bindInstant(s, i + 1, instant);
                } else if (value instanceof Long number) {
                    s.setLong(i + 1, number);
                } else if (value == null) {
                    s.setNull(i + 1, Types.VARCHAR);
                } else {
                    s.setObject(i + 1, value);
                }
            }
        }
    }
}
