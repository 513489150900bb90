package org.bookingrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;
import org.bookingrules.internal.Ids;

@DisplayName("Booking: an immutable value whose transitions return the next booking and its event (R1, R2, R3, R4, R15)")
class BookingTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    private static final Instant START = Instant.parse("2026-03-10T10:00:00Z");
    private static final Interval SLOT = Interval.of(START, START.plus(Duration.ofHours(1)));
    private static final Interval NEW_SLOT = Interval.of(START.plus(Duration.ofDays(1)),
            START.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)));
    private static final Instant BOOKED_AT = Instant.parse("2026-03-01T08:00:00Z");
    private static final Instant AT = Instant.parse("2026-03-05T12:30:00Z");
    private static final Resource RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
    private static final Resource SOTO = new Resource("dr-soto", "Dr. Soto", null);
    private static final Service CONSULTATION = new Service("consultation", "Consultation");
    private static final CustomerDetails ANA = new CustomerDetails("cust-ana", "Ana Pérez Gómez",
            "ana.perez@example.org", "+34 600 123 456", Locale.forLanguageTag("es"));
    private static final Actor.Customer ANA_ACTS = Actor.customer("cust-ana");
    private static final Actor.Staff STAFF = Actor.staff("staff-maria");
    private static final ReminderState ARMED = ReminderState.armedFor(START.minus(Duration.ofHours(6)));

    private static Booking.Builder spec() {
        return Booking.builder()
                .tenantId("clinic-1")
                .id("booking-1")
                .confirmationCode("K7Q2M9")
                .resource(RUIZ)
                .service(CONSULTATION)
                .customer(ANA)
                .slot(SLOT)
                .zone(ZONE)
                .reminder(ARMED)
                .createdAt(BOOKED_AT)
                .updatedAt(BOOKED_AT);
    }

    /** A stored booking at version 3, so "+1" cannot be confused with "set to 2". */
    private static Booking stored(BookingStatus status) {
        return spec()
                .status(status)
                .confirmedBy(status == BookingStatus.CONFIRMED ? STAFF : null)
                .version(3)
                .build();
    }

    // --- building ---

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                invalid("tenantId", b -> b.tenantId(null), NullPointerException.class),
                invalid("tenantId", b -> b.tenantId("  "), IllegalArgumentException.class),
                invalid("id", b -> b.id(null), NullPointerException.class),
                invalid("id", b -> b.id("x".repeat(Ids.MAX_LENGTH + 1)), IllegalArgumentException.class),
                invalid("id", b -> b.id(" booking-1"), IllegalArgumentException.class),
                invalid("confirmationCode", b -> b.confirmationCode(null), NullPointerException.class),
                invalid("confirmationCode", b -> b.confirmationCode("K7Q"), IllegalArgumentException.class),
                invalid("confirmationCode", b -> b.confirmationCode("k7q2m9"), IllegalArgumentException.class),
                invalid("confirmationCode", b -> b.confirmationCode("K7Q2M9K7Q2M9K7Q2M"), IllegalArgumentException.class),
                invalid("resource", b -> b.resource(null), NullPointerException.class),
                invalid("service", b -> b.service(null), NullPointerException.class),
                invalid("slot", b -> b.slot(null), NullPointerException.class),
                invalid("slot", b -> b.slot(Interval.of(START, START)), IllegalArgumentException.class),
                invalid("slot", b -> b.slot(Interval.of(START, Instant.MAX)), IllegalArgumentException.class),
                invalid("slot", b -> b.slot(Interval.of(Instant.MIN, START)), IllegalArgumentException.class),
                invalid("zone", b -> b.zone(null), NullPointerException.class),
                invalid("status", b -> b.status(null), NullPointerException.class),
                invalid("paymentStatus", b -> b.paymentStatus(null), NullPointerException.class),
                invalid("customerReschedules", b -> b.customerReschedules(-1), IllegalArgumentException.class),
                invalid("confirmedBy", b -> b.status(BookingStatus.CONFIRMED), IllegalArgumentException.class),
                invalid("confirmedBy", b -> b.confirmedBy(STAFF), IllegalArgumentException.class),
                invalid("reminder", b -> b.reminder(null), NullPointerException.class),
                invalid("version", b -> b.version(0), IllegalArgumentException.class),
                invalid("createdAt", b -> b.createdAt(null), NullPointerException.class),
                invalid("updatedAt", b -> b.updatedAt(null), NullPointerException.class));
    }

    private static Arguments invalid(String field, Consumer<Booking.Builder> change, Class<?> type) {
        return arguments(field, change, type);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidFields")
    @DisplayName("R1 the builder rejects each invalid field with a message that starts with the field's name")
    void builderNamesTheInvalidField(String field, Consumer<Booking.Builder> change, Class<? extends Throwable> type) {
        Booking.Builder builder = spec();
        change.accept(builder);

        assertThatThrownBy(builder::build).isInstanceOf(type).hasMessageStartingWith(field);
    }

    @Test
    @DisplayName("R1 an id of exactly the longest length (64 characters) is kept as given; one character more is "
            + "refused")
    void idsOfTheLongestLengthAreKept() {
        String longest = "b".repeat(Ids.MAX_LENGTH);

        Booking booking = spec().tenantId(longest).id(longest).build();

        assertThat(booking.tenantId()).isEqualTo(longest);
        assertThat(booking.id()).isEqualTo(longest);
        assertThatThrownBy(() -> spec().id(longest + "b").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("id");
    }

    @Test
    @DisplayName("R1 the builder's defaults: unpaid, pending, no reminder, version 1, no customer reschedules")
    void builderDefaults() {
        Booking booking = Booking.builder().tenantId("clinic-1").id("booking-1").confirmationCode("ABCD")
                .resource(RUIZ).service(CONSULTATION).slot(SLOT).zone(ZONE)
                .createdAt(BOOKED_AT).updatedAt(BOOKED_AT).build();

        assertThat(booking.paymentStatus()).isEqualTo(PaymentStatus.UNPAID);
        assertThat(booking.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(booking.reminder()).isEqualTo(ReminderState.none());
        assertThat(booking.version()).isEqualTo(1);
        assertThat(booking.customerReschedules()).isZero();
        assertThat(booking.customer()).isEmpty();
        assertThat(booking.confirmedBy()).isEmpty();
        assertThat(booking.start()).isEqualTo(START);
        assertThat(booking.end()).isEqualTo(START.plus(Duration.ofHours(1)));
    }

    @Test
    @DisplayName("R1 book makes a PENDING booking at version 1 whatever the spec says, and records who booked when")
    void bookStartsFresh() {
        Booking.Builder spec = spec().status(BookingStatus.CONFIRMED).confirmedBy(STAFF).version(9)
                .customerReschedules(4).createdAt(null).updatedAt(null);

        Transition booked = Booking.book(spec, ANA_ACTS, AT);

        Booking booking = booked.booking();
        assertThat(booking.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(booking.version()).isEqualTo(1);
        assertThat(booking.customerReschedules()).isZero();
        assertThat(booking.confirmedBy()).isEmpty();
        assertThat(booking.createdAt()).isEqualTo(AT);
        assertThat(booking.updatedAt()).isEqualTo(AT);
        assertThat(booking.reminder()).isEqualTo(ARMED);
        assertThat(booked.event()).isEqualTo(
                new BookingEvent.Booked(ANA_ACTS, AT, BookingStatus.PENDING, SLOT, "dr-ruiz"));
        assertThat(booked.event().from()).isNull();
        assertThat(booked.event().kind()).isEqualTo("BOOKED");
    }

    @Test
    @DisplayName("R1 book needs an actor and an instant")
    void bookNeedsActorAndInstant() {
        assertThatThrownBy(() -> Booking.book(spec(), null, AT)).isInstanceOf(NullPointerException.class)
                .hasMessage("actor");
        assertThatThrownBy(() -> Booking.book(spec(), ANA_ACTS, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("at");
    }

    @Test
    @DisplayName("toBuilder().build() gives an equal booking")
    void toBuilderRoundTrip() {
        Booking booking = stored(BookingStatus.CONFIRMED);

        assertThat(booking.toBuilder().build()).isEqualTo(booking).hasSameHashCodeAs(booking);
        assertThat(booking.toBuilder().version(4).build()).isNotEqualTo(booking);
    }

    // --- transitions ---

    static Stream<Arguments> transitions() {
        return Stream.of(
                transition("confirm", BookingStatus.PENDING, b -> b.confirm(ANA_ACTS, AT),
                        BookingStatus.CONFIRMED, new BookingEvent.Confirmed(ANA_ACTS, AT, BookingStatus.PENDING,
                                BookingStatus.CONFIRMED)),
                transition("auto-confirm", BookingStatus.PENDING, b -> b.autoConfirm(AT, Duration.ofHours(24)),
                        BookingStatus.CONFIRMED, new BookingEvent.AutoConfirmed(AT, BookingStatus.PENDING,
                                BookingStatus.CONFIRMED, Duration.ofHours(24))),
                transition("revoke confirmation", BookingStatus.CONFIRMED,
                        b -> b.revokeConfirmation(STAFF, AT, "patient asked"), BookingStatus.PENDING,
                        new BookingEvent.ConfirmationRevoked(STAFF, AT, BookingStatus.CONFIRMED,
                                BookingStatus.PENDING, "patient asked")),
                transition("decline", BookingStatus.CONFIRMED, b -> b.decline(ANA_ACTS, AT, "ill", true),
                        BookingStatus.DECLINED, new BookingEvent.Declined(ANA_ACTS, AT, BookingStatus.CONFIRMED,
                                BookingStatus.DECLINED, "ill", true)),
                transition("cancel", BookingStatus.CONFIRMED,
                        b -> b.cancel(STAFF, AT, "doctor away", "Sorry, call us", false, null),
                        BookingStatus.CANCELLED, new BookingEvent.Cancelled(STAFF, AT, BookingStatus.CONFIRMED,
                                BookingStatus.CANCELLED, "doctor away", "Sorry, call us", false, null)),
                transition("late cancel with fee", BookingStatus.PENDING,
                        b -> b.cancel(ANA_ACTS, AT, null, null, true, Money.of("20.00", "EUR")),
                        BookingStatus.CANCELLED, new BookingEvent.Cancelled(ANA_ACTS, AT, BookingStatus.PENDING,
                                BookingStatus.CANCELLED, null, null, true, Money.of("20.00", "EUR"))),
                transition("reschedule", BookingStatus.CONFIRMED,
                        b -> b.reschedule(STAFF, AT, NEW_SLOT, SOTO, ReminderState.none(), "moved"),
                        BookingStatus.PENDING, new BookingEvent.Rescheduled(STAFF, AT, BookingStatus.CONFIRMED,
                                BookingStatus.PENDING, SLOT, NEW_SLOT, "dr-ruiz", "dr-soto", "moved")),
                transition("revive a cancelled booking", BookingStatus.CANCELLED,
                        b -> b.reschedule(STAFF, AT, NEW_SLOT, RUIZ, ARMED, null),
                        BookingStatus.PENDING, new BookingEvent.Rescheduled(STAFF, AT, BookingStatus.CANCELLED,
                                BookingStatus.PENDING, SLOT, NEW_SLOT, "dr-ruiz", "dr-ruiz", null)),
                transition("reminder sent", BookingStatus.PENDING, b -> b.markReminderSent(AT),
                        BookingStatus.PENDING, new BookingEvent.ReminderSent(AT, BookingStatus.PENDING,
                                ARMED.dueAt())),
                transition("no-show", BookingStatus.CONFIRMED, b -> b.markNoShow(STAFF, AT, "did not come"),
                        BookingStatus.NO_SHOW, new BookingEvent.MarkedNoShow(STAFF, AT, BookingStatus.CONFIRMED,
                                BookingStatus.NO_SHOW, "did not come")),
                transition("complete", BookingStatus.CONFIRMED, b -> b.complete(STAFF, AT),
                        BookingStatus.COMPLETED, new BookingEvent.Completed(STAFF, AT, BookingStatus.CONFIRMED,
                                BookingStatus.COMPLETED)));
    }

    private static Arguments transition(String name, BookingStatus from, Function<Booking, Transition> change,
                                        BookingStatus to, BookingEvent event) {
        return arguments(name, from, change, to, event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transitions")
    @DisplayName("R15 every transition raises the version by exactly one, stamps updatedAt, and returns the event "
            + "of what happened")
    void transitionRaisesVersionAndRecordsTheEvent(String name, BookingStatus from,
                                                    Function<Booking, Transition> change, BookingStatus to,
                                                    BookingEvent event) {
        Booking before = stored(from);

        Transition t = change.apply(before);

        assertThat(t.booking().status()).isEqualTo(to);
        assertThat(t.booking().version()).isEqualTo(4);
        assertThat(t.booking().updatedAt()).isEqualTo(AT);
        assertThat(t.booking().createdAt()).isEqualTo(BOOKED_AT);
        assertThat(t.event()).isEqualTo(event);
        assertThat(t.event().from()).isEqualTo(from);
        assertThat(t.event().to()).isEqualTo(to);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transitions")
    @DisplayName("R2 a transition never mutates the booking it starts from")
    void transitionNeverMutates(String name, BookingStatus from, Function<Booking, Transition> change,
                                BookingStatus to, BookingEvent event) {
        Booking before = stored(from);
        Booking copy = before.toBuilder().build();

        change.apply(before);

        assertThat(before).isEqualTo(copy);
        assertThat(before.status()).isEqualTo(from);
        assertThat(before.version()).isEqualTo(3);
        assertThat(before.updatedAt()).isEqualTo(BOOKED_AT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transitions")
    @DisplayName("R4 confirmedBy is present exactly when the next status is CONFIRMED")
    void confirmedByFollowsTheStatus(String name, BookingStatus from, Function<Booking, Transition> change,
                                     BookingStatus to, BookingEvent event) {
        Booking after = change.apply(stored(from)).booking();

        assertThat(after.confirmedBy().isPresent()).isEqualTo(to == BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("R4 confirm records who confirmed; revoking clears it; confirming again records the new actor")
    void confirmSetsAndRevokeClearsConfirmedBy() {
        Booking confirmed = stored(BookingStatus.PENDING).confirm(ANA_ACTS, AT).booking();
        Booking revoked = confirmed.revokeConfirmation(STAFF, AT.plusSeconds(1), null).booking();
        Booking reconfirmed = revoked.confirm(STAFF, AT.plusSeconds(2)).booking();

        assertThat(confirmed.confirmedBy()).contains(ANA_ACTS);
        assertThat(revoked.confirmedBy()).isEmpty();
        assertThat(reconfirmed.confirmedBy()).contains(STAFF);
        assertThat(reconfirmed.version()).isEqualTo(6);
    }

    @Test
    @DisplayName("R6 auto-confirmation is by the system and disarms the reminder")
    void autoConfirmIsBySystemAndDisarmsTheReminder() {
        Booking confirmed = stored(BookingStatus.PENDING).autoConfirm(AT, Duration.ofHours(6)).booking();

        assertThat(confirmed.confirmedBy()).contains(Actor.SYSTEM);
        assertThat(confirmed.reminder()).isEqualTo(ReminderState.none());
    }

    @Test
    @DisplayName("R4 only a CONFIRMED booking can have its confirmation revoked")
    void revokeNeedsAConfirmation() {
        assertThatThrownBy(() -> stored(BookingStatus.PENDING).revokeConfirmation(STAFF, AT, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PENDING");
    }

    @Test
    @DisplayName("R9 a customer's reschedule counts; staff and system reschedules do not")
    void onlyCustomerReschedulesCount() {
        Booking booking = stored(BookingStatus.PENDING).toBuilder().customerReschedules(1).build();

        Booking byCustomer = booking.reschedule(ANA_ACTS, AT, NEW_SLOT, RUIZ, ARMED, null).booking();
        Booking byStaff = booking.reschedule(STAFF, AT, NEW_SLOT, SOTO, ARMED, null).booking();
        Booking bySystem = booking.reschedule(Actor.SYSTEM, AT, NEW_SLOT, RUIZ, ARMED, null).booking();

        assertThat(byCustomer.customerReschedules()).isEqualTo(2);
        assertThat(byStaff.customerReschedules()).isEqualTo(1);
        assertThat(bySystem.customerReschedules()).isEqualTo(1);
    }

    @Test
    @DisplayName("R3/R5 a reschedule moves slot and resource, arms the new reminder and clears the confirmation")
    void rescheduleMovesEverything() {
        ReminderState newReminder = ReminderState.armedFor(NEW_SLOT.getStart().minus(Duration.ofHours(6)));

        Booking moved = stored(BookingStatus.CONFIRMED)
                .reschedule(STAFF, AT, NEW_SLOT, SOTO, newReminder, null).booking();

        assertThat(moved.slot()).isEqualTo(NEW_SLOT);
        assertThat(moved.resource()).isEqualTo(SOTO);
        assertThat(moved.reminder()).isEqualTo(newReminder);
        assertThat(moved.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(moved.confirmedBy()).isEmpty();
        assertThat(moved.customer()).contains(ANA);
        assertThat(moved.confirmationCode()).isEqualTo("K7Q2M9");
    }

    @Test
    @DisplayName("R5 a reminder is sent at most once per slot: marking it sent twice throws")
    void reminderSentTwiceThrows() {
        Booking sent = stored(BookingStatus.PENDING).markReminderSent(AT).booking();

        assertThat(sent.reminder()).isEqualTo(new ReminderState(ARMED.dueAt(), AT));
        assertThatThrownBy(() -> sent.markReminderSent(AT.plusSeconds(60)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("R5 marking a reminder sent when none is armed throws")
    void reminderNotArmedThrows() {
        Booking noReminder = stored(BookingStatus.PENDING).toBuilder().reminder(ReminderState.none()).build();

        assertThatThrownBy(() -> noReminder.markReminderSent(AT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("R5 a reschedule after the reminder was sent arms a new one")
    void rescheduleArmsANewReminder() {
        Booking sent = stored(BookingStatus.PENDING).markReminderSent(AT).booking();
        ReminderState next = ReminderState.armedFor(NEW_SLOT.getStart().minus(Duration.ofHours(6)));

        Booking moved = sent.reschedule(ANA_ACTS, AT.plusSeconds(60), NEW_SLOT, RUIZ, next, null).booking();

        assertThat(moved.reminder().isArmed()).isTrue();
        assertThat(moved.markReminderSent(AT.plusSeconds(120)).booking().reminder())
                .isEqualTo(new ReminderState(next.dueAt(), AT.plusSeconds(120)));
    }

    static Stream<Arguments> forbidden() {
        return Stream.of(
                arguments("cancel a cancelled booking", BookingStatus.CANCELLED,
                        (Function<Booking, Transition>) b -> b.cancel(STAFF, AT, null, null, false, null)),
                arguments("decline a cancelled booking", BookingStatus.CANCELLED,
                        (Function<Booking, Transition>) b -> b.decline(ANA_ACTS, AT, null, false)),
                arguments("confirm a completed booking", BookingStatus.COMPLETED,
                        (Function<Booking, Transition>) b -> b.confirm(STAFF, AT)),
                arguments("reschedule a no-show", BookingStatus.NO_SHOW,
                        (Function<Booking, Transition>) b -> b.reschedule(STAFF, AT, NEW_SLOT, RUIZ, ARMED, null)),
                arguments("complete a declined booking", BookingStatus.DECLINED,
                        (Function<Booking, Transition>) b -> b.complete(STAFF, AT)),
                arguments("no-show of a cancelled booking", BookingStatus.CANCELLED,
                        (Function<Booking, Transition>) b -> b.markNoShow(STAFF, AT, null)),
                arguments("complete a completed booking", BookingStatus.COMPLETED,
                        (Function<Booking, Transition>) b -> b.complete(STAFF, AT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbidden")
    @DisplayName("a transition outside the status table is a bug and throws IllegalStateException")
    void forbiddenTransitionsThrow(String name, BookingStatus from, Function<Booking, Transition> change) {
        Booking booking = stored(from);

        assertThatThrownBy(() -> change.apply(booking)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("illegal booking status transition " + from + " -> ");
    }

    @Test
    @DisplayName("toString shows ids and status, never the customer's name, e-mail or phone")
    void toStringHasNoPersonalData() {
        String text = stored(BookingStatus.CONFIRMED).toString();

        assertThat(text).contains("booking-1", "K7Q2M9", "CONFIRMED")
                .doesNotContain("Ana", "Pérez", "ana.perez@example.org", "example.org", "+34 600 123 456",
                        "600 123 456");
        assertThat(ANA.toString()).isEqualTo("CustomerDetails[id=cust-ana]");
    }
}
