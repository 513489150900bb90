package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.ZONE;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.ErasureResult;
import org.bookingrules.NotificationChoice;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.threeten.extra.MutableClock;

/**
 * Erasing a customer's personal data on H2, PostgreSQL and MariaDB: afterwards no text column of
 * any table of the library holds it, while statuses, slots and every event stay (R2, R15).
 */
@DisplayName("R2 R15 erasure of a customer's personal data on the JDBC repository")
class ErasureJdbcTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final String REASON = "Ana Pérez has the flu, call her at +34 600 111 222";
    private static final String MESSAGE = "Get well soon, Ana: Calle Mayor 1";
    /**
     * What must not be left, as fragments that survive any text encoding of the stored formats
     * (escaped colons, non-ASCII letters): her name, e-mail, phone, the reason and the message.
     */
    private static final String[] PERSONAL = {"Ana P", ANA.email(), "flu, call her", "600 111 222",
        "Get well soon", "Calle Mayor"};

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Store.class)
    @DisplayName("R14 R15 staff erase Ana: no text column of any br_ table holds her name, e-mail, the reason or "
            + "the message; every event stays plus ERASED; her undelivered notifications are dropped, the "
            + "resource's are delivered without personal data; Bob and another tenant are untouched")
    void eraseLeavesNoPersonalData(Store store) throws SQLException {
        Database db = DATABASES.get(store);
        String tenant = "erase-" + UUID.randomUUID().toString().substring(0, 8);
        String otherTenant = tenant + "-b";
        MutableClock clock = MutableClock.of(NOW, ZONE);
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(db.dataSource()))
                .clock(clock).build();
        List<Notification> delivered = new ArrayList<>();
        OutboxRelay relay = TestFacade.relay(db, delivered::add, clock);

        Booking first = book(rules, tenant, ANA, Duration.ofDays(3));
        Booking second = book(rules, tenant, ANA, Duration.ofDays(4));
        Booking bobs = book(rules, tenant, BOB, Duration.ofDays(5));
        Booking theirs = book(rules, otherTenant, ANA, Duration.ofDays(3));
        while (relay.deliverDue() > 0) {
            // The booked notifications are delivered: their rows are SENT, with Ana's data in them.
        }
        rules.cancel(RECEPTION, BookingRef.of(tenant, second.id()), ChangeRequest.because(REASON)
                .notifying(NotificationChoice.both().withMessage(MESSAGE))).orElseThrow();
        List<String> before = db.tenantRows(tenant);
        assertThat(String.join("\n", before)).as("control: the data is stored before")
                .contains(PERSONAL);
        int eventsBefore = rules.history(RECEPTION, BookingRef.of(tenant, second.id())).size();

        assertThat(rules.eraseCustomer(ANA_ACTS, tenant, ANA.id()).refusal().reason())
                .as("a customer may not erase").isEqualTo(RefusalReason.ACTION_NOT_PERMITTED);
        ErasureResult result = rules.eraseCustomer(RECEPTION, tenant, ANA.id());

        assertThat(result.status()).isEqualTo(ErasureResult.Status.ERASED);
        assertThat(result.erased()).extracting(Booking::id).containsExactlyInAnyOrder(first.id(), second.id());
        for (String text : db.tenantRows(tenant)) {
            assertThat(text).doesNotContain(PERSONAL);
        }
        List<BookingEvent> history = rules.history(RECEPTION, BookingRef.of(tenant, second.id()));
        assertThat(history).hasSize(eventsBefore + 1);
        assertThat(history.get(history.size() - 1)).isInstanceOf(BookingEvent.CustomerErased.class);
        assertThat(history.get(history.size() - 2)).isInstanceOfSatisfying(BookingEvent.Cancelled.class,
                cancel -> assertThat(cancel.reason()).isNull());
        Booking erased = rules.find(RECEPTION, BookingRef.of(tenant, second.id())).orElseThrow();
        assertThat(erased.status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(erased.slot()).isEqualTo(second.slot());
        assertThat(erased.customer()).map(CustomerDetails::isErased).contains(true);
        assertThat(db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND booking_id = ? "
                + "AND recipient = 'CUSTOMER' AND status = 'PENDING'", tenant, second.id()))
                .as("the undelivered notification to Ana is dropped").isZero();

        delivered.clear();
        while (relay.deliverDue() > 0) {
            // The resource's cancel notification is still delivered, without Ana's data.
        }
        assertThat(delivered).filteredOn(n -> n.booking().tenantId().equals(tenant))
                .singleElement().satisfies(n -> {
                    assertThat(n.recipient()).isEqualTo(RecipientRole.RESOURCE);
                    assertThat(n.personalMessage()).isNull();
                    assertThat(n.booking().customer()).map(CustomerDetails::isErased).contains(true);
                });
        assertThat(rules.find(RECEPTION, BookingRef.of(tenant, bobs.id())).orElseThrow().customer()).contains(BOB);
        assertThat(rules.find(RECEPTION, BookingRef.of(otherTenant, theirs.id())).orElseThrow().customer())
                .contains(ANA);
        assertThat(String.join("\n", db.tenantRows(otherTenant))).as("another tenant keeps its data")
                .contains(ANA.email());

        List<String> afterFirst = db.tenantRows(tenant);
        assertThat(rules.eraseCustomer(RECEPTION, tenant, ANA.id()).status())
                .isEqualTo(ErasureResult.Status.ALREADY_ERASED);
        assertThat(db.tenantRows(tenant)).as("a repeat changes nothing").isEqualTo(afterFirst);
        assertThat(rules.eraseCustomer(RECEPTION, tenant, "cust-nobody").status())
                .isEqualTo(ErasureResult.Status.UNKNOWN_CUSTOMER);
        assertThat(rules.eraseCustomer(BOB_ACTS, tenant, BOB.id()).status()).isEqualTo(ErasureResult.Status.REFUSED);
    }

    private static Booking book(BookingRules rules, String tenant, CustomerDetails customer, Duration startIn) {
        Instant start = NOW.plus(startIn);
        return rules.book(org.bookingrules.model.Actor.customer(customer.id()), BookRequest.of(tenant, DR_RUIZ,
                CONSULTATION, customer, start, start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();
    }

}
