package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.ChangeRequest;
import org.bookingrules.ErasureResult;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.NotificationChoice;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Erasing one customer's personal data on request (the right to erasure), while the clinic keeps
 * the history it must keep (R2, R15): in the in-memory repository.
 */
@DisplayName("R2 R15 erasure: a customer's personal data leaves; statuses, slots and history stay")
class ErasureTest {

    private static final String OTHER_TENANT = "clinic-2";
    private static final String REASON = "Ana Pérez has the flu, call her at +34 600 111 222";
    private static final String MESSAGE = "Get well soon, Ana";

    private final Fixture world = new Fixture();

    @Test
    @DisplayName("R15 staff erase Ana: her bookings keep id, status, slot and events, lose name, e-mail, "
            + "phone and typed texts, and gain a CustomerErased event; nothing personal is left anywhere")
    void staffEraseACustomer() {
        Booking kept = world.bookForAna(Duration.ofDays(3));
        Booking cancelled = world.bookForAna(Duration.ofDays(4));
        world.rules.cancel(RECEPTION, Fixture.ref(cancelled), ChangeRequest.because(REASON)
                .notifying(NotificationChoice.both().withMessage(MESSAGE))).orElseThrow();
        Booking bob = world.rules.book(BOB_ACTS, Fixture.request(BOB, Duration.ofDays(5))).orElseThrow().booking();
        List<BookingEvent> before = world.repository.history(TENANT, cancelled.id());
        assertThat(everything(cancelled)).as("control: the data is there before")
                .contains(ANA.name(), ANA.email(), REASON, MESSAGE);

        ErasureResult result = world.rules.eraseCustomer(RECEPTION, TENANT, ANA.id());

        assertThat(result.status()).isEqualTo(ErasureResult.Status.ERASED);
        assertThat(result.erased()).extracting(Booking::id).containsExactlyInAnyOrder(kept.id(), cancelled.id());
        for (Booking erased : List.of(kept, cancelled)) {
            Booking now = world.repository.find(TENANT, erased.id()).orElseThrow();
            assertThat(now.status()).isEqualTo(erased.id().equals(kept.id()) ? erased.status()
                    : BookingStatus.CANCELLED);
            assertThat(now.slot()).isEqualTo(erased.slot());
            assertThat(now.customer()).map(CustomerDetails::id).contains(ANA.id());
            assertThat(now.customer()).map(CustomerDetails::isErased).contains(true);
            assertThat(everything(now)).doesNotContain(ANA.name(), ANA.email(), REASON, MESSAGE);
        }
        List<BookingEvent> after = world.repository.history(TENANT, cancelled.id());
        assertThat(after).hasSize(before.size() + 1);
        assertThat(after.subList(0, before.size())).extracting(BookingEvent::kind)
                .containsExactlyElementsOf(before.stream().map(BookingEvent::kind).toList());
        assertThat(after.get(after.size() - 1)).isInstanceOfSatisfying(BookingEvent.CustomerErased.class,
                e -> assertThat(e.actor()).isEqualTo(RECEPTION));
        assertThat(world.repository.find(TENANT, bob.id()).orElseThrow().customer()).contains(BOB);
    }

    @Test
    @DisplayName("R12 a customer may not erase (ACTION_NOT_PERMITTED); nothing changes")
    void customersMayNotErase() {
        Booking booking = world.bookForAna(Duration.ofDays(3));

        ErasureResult result = world.rules.eraseCustomer(ANA_ACTS, TENANT, ANA.id());

        assertThat(result.status()).isEqualTo(ErasureResult.Status.REFUSED);
        assertThat(result.refusal().reason()).isEqualTo(RefusalReason.ACTION_NOT_PERMITTED);
        assertThat(world.repository.find(TENANT, booking.id()).orElseThrow()).isEqualTo(booking);
    }

    @Test
    @DisplayName("an unknown customer is told apart; a repeat changes nothing; another tenant's customer with "
            + "the same id keeps their data")
    void unknownRepeatAndOtherTenant() {
        Booking ours = world.bookForAna(Duration.ofDays(3));
        Instant start = Fixture.NOW.plus(Duration.ofDays(3));
        Booking theirs = world.rules.book(ANA_ACTS, BookRequest.of(OTHER_TENANT, DR_RUIZ, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();

        assertThat(world.rules.eraseCustomer(RECEPTION, TENANT, "cust-nobody").status())
                .isEqualTo(ErasureResult.Status.UNKNOWN_CUSTOMER);
        assertThat(world.rules.eraseCustomer(RECEPTION, TENANT, ANA.id()).status())
                .isEqualTo(ErasureResult.Status.ERASED);
        Booking erased = world.repository.find(TENANT, ours.id()).orElseThrow();
        int events = world.repository.history(TENANT, ours.id()).size();

        assertThat(world.rules.eraseCustomer(RECEPTION, TENANT, ANA.id()).status())
                .isEqualTo(ErasureResult.Status.ALREADY_ERASED);
        assertThat(world.repository.find(TENANT, ours.id())).contains(erased);
        assertThat(world.repository.history(TENANT, ours.id())).hasSize(events);
        assertThat(world.repository.find(OTHER_TENANT, theirs.id()).orElseThrow().customer()).contains(ANA);
    }

    @Test
    @DisplayName("R5 R14 an erased customer is no longer notified (unreachable), and a new booking with fresh "
            + "details is erased by the next request")
    void afterErasure() {
        Booking booking = world.bookForAna(Duration.ofDays(3));
        world.rules.eraseCustomer(RECEPTION, TENANT, ANA.id());

        assertThat(world.rules.cancel(RECEPTION, Fixture.ref(booking)).orElseThrow().customerUnreachable()).isTrue();
        world.bookForAna(Duration.ofDays(6));
        assertThat(world.rules.eraseCustomer(RECEPTION, TENANT, ANA.id()).erased()).hasSize(1);
    }

    @Test
    @DisplayName("bad input names the field: a blank customer id, a null actor")
    void badInput() {
        assertThatThrownBy(() -> world.rules.eraseCustomer(RECEPTION, TENANT, " "))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("customerId");
        assertThatThrownBy(() -> world.rules.eraseCustomer(null, TENANT, ANA.id()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("actor");
    }

    /** Every text the repository keeps about a booking: the booking, its history and its notifications. */
    private String everything(Booking booking) {
        BookingRef ref = Fixture.ref(booking);
        List<String> texts = new ArrayList<>();
        Booking stored = world.repository.find(ref.tenantId(), ref.bookingId()).orElseThrow();
        stored.customer().ifPresent(c -> texts.addAll(strings(c)));
        for (BookingEvent event : world.repository.history(ref.tenantId(), ref.bookingId())) {
            texts.addAll(strings((Record) event));
        }
        for (Notification n : world.repository.notifications(ref.tenantId(), ref.bookingId())) {
            texts.addAll(strings(n));
            n.booking().customer().ifPresent(c -> texts.addAll(strings(c)));
        }
        return String.join("\n", texts);
    }

    /** The text components of a record, read by reflection so a new field cannot be forgotten. */
    private static List<String> strings(Record value) {
        List<String> out = new ArrayList<>();
        for (RecordComponent component : value.getClass().getRecordComponents()) {
            try {
                Object v = component.getAccessor().invoke(value);
                if (v instanceof String || v instanceof Locale) {
                    out.add(v.toString());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
