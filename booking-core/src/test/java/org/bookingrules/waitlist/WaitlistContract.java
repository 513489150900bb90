package org.bookingrules.waitlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.Waitlist;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.ManageLinkIssuer;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.OutboxBookingRepository;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.DelegatingRepository;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.Race;
import org.bookingrules.testing.RecordingNotifier;
import org.bookingrules.waitlist.OfferResult.NotOffered;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * The cancellation list through the facade, on any repository that keeps it ({@link WaitlistStore}):
 * join, offer, hold, accept, decline, expire, staff control, notices, races. Extend it with
 * {@link #newRepository()} (and, for a repository with an outbox, {@link #deliverQueued}) to run it
 * against your store.
 */
public abstract class WaitlistContract {

    private static final CustomerDetails CARLA = new CustomerDetails("cust-carla", "Carla Díaz", "carla@example.org",
            null, Locale.forLanguageTag("es"));
    private static final CustomerDetails DAN = new CustomerDetails("cust-dan", "Dan Brown", "dan@example.org", null,
            Locale.ENGLISH);
    /** Tomorrow 10:00 to 11:00 UTC: the slot Bob books and frees. */
    private static final Instant SLOT_START = NOW.plus(Duration.ofHours(25));
    private static final Interval SLOT = Interval.of(SLOT_START, SLOT_START.plus(Duration.ofHours(1)));
    /** Tomorrow, all day: what the waiting customers accept. */
    private static final Interval TOMORROW = Interval.of(NOW.plus(Duration.ofHours(15)), NOW.plus(Duration.ofHours(39)));
    private static final ManageLinkIssuer LINKS = new ManageLinkIssuer() {
        @Override
        public Optional<String> linkFor(Booking booking) {
            return Optional.of("https://clinic.example/m/" + booking.id());
        }

        @Override
        public Optional<String> offerLinkFor(SlotOffer offer) {
            return Optional.of("https://clinic.example/m/offer-" + offer.id());
        }
    };

    /**
     * A new, empty repository that keeps the cancellation list.
     *
     * @return the repository, a {@link WaitlistStore}
     */
    protected abstract BookingRepository newRepository();

    /**
     * Delivers to the notifier what the repository queued, for a repository with an outbox (run its
     * relay); nothing for a repository the facade delivers for (the default).
     *
     * @param repository the repository
     * @param notifier the notifier
     * @param clock the clock
     */
    protected void deliverQueued(BookingRepository repository, BookingNotifier notifier, Clock clock) {
    }

    /** One clinic: the repository under test, a recording notifier, a clock at NOW, the list on. */
    final class Clinic {
        final MutableClock clock = MutableClock.of(NOW, ZONE);
        final BookingRepository repository = newRepository();
        final WaitlistStore store = (WaitlistStore) repository;
        final RecordingNotifier notifier = new RecordingNotifier();
        final BookingRules rules;
        final Waitlist list;

        Clinic(WaitlistPolicy policy) {
            this(policy, BookingPolicy.ofDefaults(), Availability.ALWAYS_OPEN);
        }

        Clinic(WaitlistPolicy policy, BookingPolicy bookingPolicy, Availability availability) {
            rules = node(policy, bookingPolicy, availability);
            list = rules.waitlist();
        }

        /** A facade over this clinic's repository and clock: the first node, or a second one. */
        BookingRules node(WaitlistPolicy policy, BookingPolicy bookingPolicy, Availability availability) {
            BookingNotifier direct = repository instanceof OutboxBookingRepository ? BookingNotifier.NONE : notifier;
            return Fixture.rulesOver(repository, direct, bookingPolicy, availability, clock).manageLinks(LINKS)
                    .waitlist(policy).build();
        }

        /** The notices sent so far, after delivering what the repository queued. */
        List<WaitlistNotice> notices(WaitlistNotice.Kind kind) {
            deliverQueued(repository, notifier, clock);
            return notifier.notices(kind);
        }

        List<WaitlistNotice> notices() {
            deliverQueued(repository, notifier, clock);
            return notifier.notices();
        }

        /** The booking notifications of one kind sent so far, after delivering what was queued. */
        List<Notification> sent(NotificationKind kind) {
            deliverQueued(repository, notifier, clock);
            return notifier.ofKind(kind);
        }

        Booking book(CustomerDetails customer, Interval slot) {
            // Every slot here lasts an hour, as the fixture's requests do.
            return rules.book(Actor.customer(customer.id()), Fixture.requestAt(customer, slot.getStart()))
                    .orElseThrow().booking();
        }

        WaitlistEntry join(CustomerDetails customer, Interval window) {
            WaitlistOutcome joined = list.join(Actor.customer(customer.id()),
                    JoinRequest.anyResource(TENANT, customer, CONSULTATION, window, ZONE));
            assertThat(joined.isDone()).as("%s joins", customer.id()).isTrue();
            // A second between joins: the order of joining is the order of offers.
            clock.add(Duration.ofSeconds(1));
            return joined.entry();
        }

        /** Bob's booking of the slot, cancelled by Bob an hour later: the slot is freed. */
        Booking bobCancels() {
            Booking bobs = book(BOB, SLOT);
            clock.add(Duration.ofMinutes(1));
            deliverQueued(repository, notifier, clock);
            notifier.clear();
            rules.cancel(Fixture.BOB_ACTS, Fixture.ref(bobs), ChangeRequest.none()).orElseThrow();
            return bobs;
        }

        WaitlistEntry entry(WaitlistEntry e) {
            return list.entry(RECEPTION, TENANT, e.id()).orElseThrow();
        }

        /** The open offer of an entry, from the notice it was sent. */
        SlotOffer offerOf(WaitlistEntry e) {
            WaitlistNotice notice = notices(WaitlistNotice.Kind.OFFERED).stream()
                    .filter(n -> n.entryId().equals(e.id())).reduce((a, b) -> b).orElseThrow();
            return store.findOffer(TENANT, notice.offerId()).orElseThrow();
        }

        SlotHold hold(SlotOffer offer) {
            return store.findHold(TENANT, offer.holdId()).orElseThrow();
        }

        List<WaitlistEvent.Kind> story(WaitlistEntry e) {
            return list.history(RECEPTION, TENANT, e.id()).stream().map(WaitlistEvent::kind).toList();
        }

        Outcome bookDirectly(CustomerDetails customer) {
            return rules.book(Actor.customer(customer.id()), Fixture.requestAt(customer, SLOT_START));
        }
    }


    @Test
    @DisplayName("A customer joins for themselves, staff for anyone; another customer, the list off, a passed "
            + "window and a second overlapping entry are refused")
    void joinRules() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        JoinRequest anas = JoinRequest.anyResource(TENANT, ANA, CONSULTATION, TOMORROW, ZONE);
        assertThat(c.list.join(Fixture.BOB_ACTS, anas).refusal().reason())
                .isEqualTo(RefusalReason.ACTION_NOT_PERMITTED);
        WaitlistOutcome joined = c.list.join(Fixture.ANA_ACTS, anas);
        assertThat(joined.entry().status()).isEqualTo(EntryStatus.WAITING);
        assertThat(joined.entry().joinedAt()).isEqualTo(NOW);
        assertThat(c.list.join(Fixture.ANA_ACTS, anas).refusal().reason()).isEqualTo(RefusalReason.ALREADY_WAITING);
        assertThat(c.list.join(RECEPTION, JoinRequest.anyResource(TENANT, BOB, CONSULTATION, TOMORROW, ZONE))
                .isDone()).isTrue();
        assertThat(c.list.join(Fixture.BOB_ACTS, JoinRequest.anyResource(TENANT, BOB, CONSULTATION,
                Interval.of(NOW.minus(Duration.ofDays(1)), NOW), ZONE)).refusal().reason())
                .isEqualTo(RefusalReason.SLOT_IN_PAST);
        Clinic off = new Clinic(WaitlistPolicy.OFF.withOfferWindow(Duration.ofHours(1)));
        assertThat(off.list.join(Fixture.ANA_ACTS, anas).refusal().reason()).isEqualTo(RefusalReason.WAITLIST_OFF);
        assertThat(c.story(joined.entry())).containsExactly(WaitlistEvent.Kind.JOINED);
        assertThat(c.list.entry(Fixture.BOB_ACTS, TENANT, joined.entry().id()))
                .as("another customer does not see Ana's entry").isEmpty();
    }

    @Test
    @DisplayName("Anything earlier than my booking: the window runs from now to the booking's start; someone "
            + "else's or a cancelled booking is refused")
    void earlierThanMyBooking() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        Booking dans = c.book(DAN, Interval.of(NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(3))
                .plus(Duration.ofHours(1))));
        WaitlistOutcome joined = c.list.join(Actor.customer(DAN.id()),
                JoinRequest.earlierThan(TENANT, DAN, CONSULTATION, dans.id(), ZONE));
        assertThat(joined.entry().window()).isEqualTo(Interval.of(NOW, dans.start()));
        assertThat(joined.entry().booking()).contains(dans.id());
        assertThat(c.list.join(Actor.customer(ANA.id()), JoinRequest.earlierThan(TENANT, ANA, CONSULTATION,
                dans.id(), ZONE)).refusal().reason()).isEqualTo(RefusalReason.BOOKING_NOT_FOUND);
        c.rules.cancel(RECEPTION, Fixture.ref(dans), ChangeRequest.none());
        c.list.leave(Actor.customer(DAN.id()), TENANT, joined.entry().id());
        assertThat(c.list.join(Actor.customer(DAN.id()), JoinRequest.earlierThan(TENANT, DAN, CONSULTATION,
                dans.id(), ZONE)).refusal().reason()).isEqualTo(RefusalReason.NOT_ACTIVE);
    }

    @Test
    @DisplayName("Leaving: a waiting entry leaves; leaving with an open offer declines it and the next entry "
            + "is offered the slot; leaving again changes nothing")
    void leaving() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        c.bobCancels();
        assertThat(c.entry(ana).status()).isEqualTo(EntryStatus.OFFERED);

        WaitlistOutcome left = c.list.leave(Fixture.ANA_ACTS, TENANT, ana.id());
        assertThat(left.entry().status()).isEqualTo(EntryStatus.LEFT);
        assertThat(c.story(ana)).containsExactly(WaitlistEvent.Kind.JOINED, WaitlistEvent.Kind.OFFERED,
                WaitlistEvent.Kind.DECLINED, WaitlistEvent.Kind.LEFT);
        assertThat(c.entry(carla).status()).as("the next entry is offered at once").isEqualTo(EntryStatus.OFFERED);
        assertThat(c.list.leave(Fixture.ANA_ACTS, TENANT, ana.id()).entry()).isEqualTo(left.entry());
        assertThat(c.list.leave(Fixture.BOB_ACTS, TENANT, carla.id()).refusal().reason())
                .isEqualTo(RefusalReason.ENTRY_NOT_FOUND);
    }


    @Test
    @DisplayName("A customer's cancel frees the slot: the earliest-joined eligible entry is offered it, with "
            + "a link and a deadline, and the slot is held; later entries wait")
    void cancelOffersToTheFirstJoined() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        c.bobCancels();

        List<WaitlistNotice> offered = c.notices(WaitlistNotice.Kind.OFFERED);
        assertThat(offered).hasSize(1);
        WaitlistNotice notice = offered.get(0);
        assertThat(notice.entryId()).isEqualTo(ana.id());
        assertThat(notice.slot()).isEqualTo(SLOT);
        assertThat(notice.deadline()).isEqualTo(c.clock.instant().plus(Duration.ofHours(1)));
        assertThat(notice.link()).contains("https://clinic.example/m/offer-" + notice.offerId());
        assertThat(notice.locale()).isEqualTo(ANA.language());
        SlotHold hold = c.hold(c.offerOf(ana));
        assertThat(hold.status()).isEqualTo(HoldStatus.OPEN);
        assertThat(hold.until()).isEqualTo(notice.deadline());
        assertThat(hold.freedBy()).isNotNull();
        assertThat(c.entry(ana).status()).isEqualTo(EntryStatus.OFFERED);
        assertThat(c.entry(carla).status()).isEqualTo(EntryStatus.WAITING);
        assertThat(c.story(ana)).containsExactly(WaitlistEvent.Kind.JOINED, WaitlistEvent.Kind.OFFERED);
    }

    @Test
    @DisplayName("Many ineligible entries ahead (12 customers who cannot be reached, joined first) do not hide the "
            + "first eligible one")
    void ineligibleEntriesAhead() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        for (int i = 0; i < 12; i++) {
            c.list.join(RECEPTION, JoinRequest.anyResource(TENANT, new CustomerDetails("cust-silent-" + i,
                    "Silent " + i, null, null, Locale.ENGLISH), CONSULTATION, TOMORROW, ZONE));
            c.clock.add(Duration.ofSeconds(1));
        }
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        c.bobCancels();
        assertThat(c.notices(WaitlistNotice.Kind.OFFERED)).extracting(WaitlistNotice::entryId)
                .containsExactly(ana.id());
    }

    @Test
    @DisplayName("Hold: nobody can book the held slot until the deadline; at the deadline it is free even "
            + "before the job runs. Control: with the list off the same booking goes through at once")
    void holdKeepsBookingsOff() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        c.join(ANA, TOMORROW);
        c.bobCancels();
        assertThat(Fixture.reason(c.bookDirectly(DAN))).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(Fixture.reason(c.rules.book(RECEPTION, Fixture.requestAt(DAN, SLOT_START.plus(
                Duration.ofMinutes(30)))))).as("staff cannot book over a hold either")
                .isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        c.clock.add(Duration.ofHours(1).minusNanos(1000));
        assertThat(Fixture.reason(c.bookDirectly(DAN))).as("a microsecond before the deadline")
                .isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        c.clock.add(Duration.ofNanos(1000));
        assertThat(c.bookDirectly(DAN).isDone()).as("at the deadline").isTrue();

        Clinic off = new Clinic(WaitlistPolicy.OFF);
        off.bobCancels();
        assertThat(off.bookDirectly(DAN).isDone()).isTrue();
    }

    @Test
    @DisplayName("Not offered: within the minimum lead, outside opening hours, or with no eligible entry; the "
            + "slot stays free")
    void notOffered() {
        Clinic late = new Clinic(WaitlistPolicy.DEFAULT.withMinimumLead(Duration.ofHours(25)));
        late.join(ANA, TOMORROW);
        late.bobCancels();
        assertThat(late.notices()).isEmpty();
        assertThat(late.bookDirectly(DAN).isDone()).isTrue();

        Availability closedTomorrow = (tenant, resource, slot) -> slot.getStart().isBefore(NOW.plus(
                Duration.ofHours(20)));
        Clinic closed = new Clinic(WaitlistPolicy.DEFAULT, BookingPolicy.ofDefaults(), closedTomorrow);
        closed.join(ANA, TOMORROW);
        OfferResult byHand = closed.list.offerSlot(RECEPTION, FreedSlot.byHand(TENANT, DR_RUIZ, CONSULTATION,
                SLOT, ZONE));
        assertThat(byHand.notOffered()).isEqualTo(NotOffered.OUTSIDE_OPENING_HOURS);

        Clinic nobody = new Clinic(WaitlistPolicy.DEFAULT);
        assertThat(nobody.list.offerSlot(RECEPTION, FreedSlot.byHand(TENANT, DR_RUIZ, CONSULTATION, SLOT, ZONE))
                .notOffered()).isEqualTo(NotOffered.NO_ENTRY);
        Clinic tooSoon = new Clinic(WaitlistPolicy.DEFAULT);
        tooSoon.join(ANA, TOMORROW);
        tooSoon.clock.setInstant(SLOT_START.minus(Duration.ofHours(2)).minus(Duration.ofMinutes(4)));
        assertThat(tooSoon.list.offerSlot(RECEPTION, FreedSlot.byHand(TENANT, DR_RUIZ, CONSULTATION, SLOT, ZONE))
                .notOffered()).isEqualTo(NotOffered.TOO_LATE_TO_OFFER);
    }

    @Test
    @DisplayName("A customer who reschedules away frees the old slot, which is offered; a staff cancel that "
            + "opts out offers nothing, one that does not opt out offers it")
    void rescheduleAndStaffOptOut() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        Booking bobs = c.book(BOB, SLOT);
        c.rules.cancel(RECEPTION, Fixture.ref(bobs), ChangeRequest.none().notifying(NotificationChoice.both()
                .withoutOfferingTheSlot())).orElseThrow();
        assertThat(c.notices()).as("staff opted out").isEmpty();
        assertThat(c.entry(ana).status()).isEqualTo(EntryStatus.WAITING);

        Booking again = c.book(BOB, SLOT);
        Instant later = SLOT_START.plus(Duration.ofDays(1));
        c.rules.reschedule(Fixture.BOB_ACTS, Fixture.ref(again), RescheduleRequest.to(later,
                later.plus(Duration.ofHours(1)))).orElseThrow();
        assertThat(c.notices(WaitlistNotice.Kind.OFFERED)).extracting(WaitlistNotice::entryId)
                .containsExactly(ana.id());
    }


    @Test
    @DisplayName("Accepting as a new booking: the slot is the customer's booking, the hold is taken, and both "
            + "histories tell the story")
    void acceptAsNewBooking() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        c.bobCancels();
        SlotOffer offer = c.offerOf(ana);
        c.clock.add(Duration.ofMinutes(10));

        Outcome.Done accepted = c.list.accept(Fixture.ANA_ACTS, TENANT, offer.id()).orElseThrow();
        Booking booking = accepted.booking();
        assertThat(booking.slot()).isEqualTo(SLOT);
        assertThat(booking.customer()).contains(ANA);
        assertThat(booking.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(c.hold(offer).status()).isEqualTo(HoldStatus.TAKEN);
        assertThat(c.store.findOffer(TENANT, offer.id()).orElseThrow().status())
                .isEqualTo(OfferStatus.ACCEPTED);
        assertThat(c.entry(ana).status()).isEqualTo(EntryStatus.BOOKED);
        assertThat(c.story(ana)).containsExactly(WaitlistEvent.Kind.JOINED, WaitlistEvent.Kind.OFFERED,
                WaitlistEvent.Kind.BOOKED);
        assertThat(c.list.history(Fixture.ANA_ACTS, TENANT, ana.id()).get(2).bookingId()).isEqualTo(booking.id());
        assertThat(c.rules.history(RECEPTION, Fixture.ref(booking))).extracting(e -> e.kind())
                .containsExactly("BOOKED");
        assertThat(c.sent(NotificationKind.BOOKED)).extracting(n -> n.recipient())
                .containsExactlyInAnyOrder(RecipientRole.CUSTOMER, RecipientRole.RESOURCE);
        assertThat(Fixture.reason(c.list.accept(Fixture.ANA_ACTS, TENANT, offer.id())))
                .as("accepting twice").isEqualTo(RefusalReason.OFFER_TAKEN);
    }

    @Test
    @DisplayName("Accepting as a move earlier: the customer's booking moves to the slot without counting "
            + "against their reschedule limit, and the slot it leaves is offered in turn")
    void acceptAsMoveEarlier() {
        BookingPolicy noReschedules = BookingPolicy.builder().maxCustomerReschedules(0).build();
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT, noReschedules, Availability.ALWAYS_OPEN);
        Instant in3Days = NOW.plus(Duration.ofDays(3));
        Interval dansSlot = Interval.of(in3Days, in3Days.plus(Duration.ofHours(1)));
        Booking dans = c.book(DAN, dansSlot);
        WaitlistEntry dan = c.list.join(Actor.customer(DAN.id()),
                JoinRequest.earlierThan(TENANT, DAN, CONSULTATION, dans.id(), ZONE)).entry();
        c.clock.add(Duration.ofSeconds(1));
        WaitlistEntry carla = c.join(CARLA, Interval.of(NOW, NOW.plus(Duration.ofDays(4))));
        c.bobCancels();
        SlotOffer offer = c.offerOf(dan);

        Outcome.Done moved = c.list.accept(Actor.customer(DAN.id()), TENANT, offer.id()).orElseThrow();
        assertThat(moved.booking().id()).isEqualTo(dans.id());
        assertThat(moved.booking().slot()).isEqualTo(SLOT);
        assertThat(moved.booking().customerReschedules()).isZero();
        assertThat(c.sent(NotificationKind.RESCHEDULED)).hasSize(2);
        assertThat(c.entry(dan).status()).isEqualTo(EntryStatus.BOOKED);
        List<WaitlistNotice> offered = c.notices(WaitlistNotice.Kind.OFFERED);
        assertThat(offered).as("Dan's old slot went to Carla").last().satisfies(n -> {
            assertThat(n.entryId()).isEqualTo(carla.id());
            assertThat(n.slot()).isEqualTo(dansSlot);
        });
    }

    @Test
    @DisplayName("Declining: the next entry is offered at once; the decliner keeps its place and waits on, "
            + "and is not offered the same hold again")
    void declineMovesOn() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        c.bobCancels();
        SlotOffer anas = c.offerOf(ana);

        WaitlistOutcome declined = c.list.decline(Fixture.ANA_ACTS, TENANT, anas.id());
        assertThat(declined.entry().status()).isEqualTo(EntryStatus.WAITING);
        assertThat(declined.entry().joinedAt()).as("her place").isEqualTo(ana.joinedAt());
        SlotOffer carlas = c.offerOf(carla);
        assertThat(carlas.holdId()).isEqualTo(anas.holdId());
        assertThat(carlas.round()).isEqualTo(2);
        assertThat(c.list.decline(Fixture.ANA_ACTS, TENANT, anas.id()).entry().status())
                .as("declining again changes nothing").isEqualTo(EntryStatus.WAITING);
        assertThat(Fixture.reason(c.list.accept(Fixture.ANA_ACTS, TENANT, anas.id())))
                .isEqualTo(RefusalReason.OFFER_EXPIRED);

        c.list.decline(Actor.customer(CARLA.id()), TENANT, carlas.id());
        assertThat(c.hold(carlas).status()).as("nobody left: released").isEqualTo(HoldStatus.RELEASED);
        assertThat(c.entry(ana).status()).as("not offered the same hold again").isEqualTo(EntryStatus.WAITING);
        assertThat(c.bookDirectly(DAN).isDone()).isTrue();
    }

    @Test
    @DisplayName("Expiry: at the deadline the job expires the offer (the customer is told) and offers the "
            + "next entry; after the last, the hold is released; a late acceptance is refused OFFER_EXPIRED")
    void expiryMovesOn() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        c.bobCancels();
        SlotOffer anas = c.offerOf(ana);

        c.clock.setInstant(anas.deadline().minusSeconds(1));
        assertThat(c.list.endRounds()).as("a second early").isZero();
        c.clock.setInstant(anas.deadline());
        assertThat(Fixture.reason(c.list.accept(Fixture.ANA_ACTS, TENANT, anas.id())))
                .as("at the deadline, before the job").isEqualTo(RefusalReason.OFFER_EXPIRED);
        assertThat(c.list.endRounds()).isEqualTo(1);
        assertThat(c.notices(WaitlistNotice.Kind.EXPIRED)).extracting(WaitlistNotice::entryId)
                .containsExactly(ana.id());
        assertThat(c.story(ana)).containsExactly(WaitlistEvent.Kind.JOINED, WaitlistEvent.Kind.OFFERED,
                WaitlistEvent.Kind.OFFER_EXPIRED);
        SlotOffer carlas = c.offerOf(carla);
        assertThat(carlas.deadline()).isEqualTo(c.clock.instant().plus(Duration.ofHours(1)));

        c.clock.setInstant(carlas.deadline());
        c.list.endRounds();
        assertThat(c.hold(carlas).status()).isEqualTo(HoldStatus.RELEASED);
        assertThat(c.store.endedRounds(c.clock.instant(), 10)).as("nothing left held").isEmpty();
        assertThat(c.store.holds(TENANT, DR_RUIZ.id(), SLOT)).allMatch(h -> !h.holdsAt(c.clock.instant()));
    }

    @Test
    @DisplayName("A slot booked after the round's deadline, before the job ran: leaving still works, and the job "
            + "expires the last offer and releases the hold instead of offering a taken slot")
    void bookedAfterTheDeadline() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT.withOffersAtOnce(2));
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        WaitlistEntry dan = c.join(DAN, TOMORROW);
        c.bobCancels();
        SlotOffer anas = c.offerOf(ana);
        c.clock.setInstant(anas.deadline());
        CustomerDetails eve = new CustomerDetails("cust-eve", "Eve", "eve@example.org", null, Locale.ENGLISH);
        assertThat(c.bookDirectly(eve).isDone()).as("the hold ended at the deadline").isTrue();

        assertThat(c.list.leave(Fixture.ANA_ACTS, TENANT, ana.id()).entry().status()).isEqualTo(EntryStatus.LEFT);
        assertThat(c.list.endRounds()).isEqualTo(1);
        assertThat(c.hold(anas).status()).isEqualTo(HoldStatus.RELEASED);
        assertThat(c.store.offers(TENANT, anas.holdId())).noneMatch(o -> o.status().isOpen());
        assertThat(c.entry(carla).status()).isEqualTo(EntryStatus.WAITING);
        assertThat(c.entry(dan).status()).as("not offered a taken slot").isEqualTo(EntryStatus.WAITING);
        assertThat(c.notices(WaitlistNotice.Kind.OFFERED)).extracting(WaitlistNotice::entryId)
                .containsExactlyInAnyOrder(ana.id(), carla.id());
    }

    @Test
    @DisplayName("Offers to several at once: the first acceptance wins, a later one is refused OFFER_TAKEN, and "
            + "the other customers are told the slot is gone")
    void firstAcceptanceWins() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT.withOffersAtOnce(3));
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        WaitlistEntry dan = c.join(DAN, TOMORROW);
        c.bobCancels();
        assertThat(c.notices(WaitlistNotice.Kind.OFFERED)).hasSize(3);

        assertThat(c.list.accept(Actor.customer(CARLA.id()), TENANT, c.offerOf(carla).id()).isDone()).isTrue();
        assertThat(Fixture.reason(c.list.accept(Fixture.ANA_ACTS, TENANT, c.offerOf(ana).id())))
                .isEqualTo(RefusalReason.OFFER_TAKEN);
        assertThat(c.notices(WaitlistNotice.Kind.TAKEN)).extracting(WaitlistNotice::entryId)
                .containsExactlyInAnyOrder(ana.id(), dan.id());
        assertThat(c.entry(ana).status()).isEqualTo(EntryStatus.WAITING);
        assertThat(c.story(dan)).endsWith(WaitlistEvent.Kind.OFFER_WITHDRAWN);
        assertThat(Fixture.reason(c.list.accept(Fixture.BOB_ACTS, TENANT, c.offerOf(ana).id())))
                .as("someone else's offer").isEqualTo(RefusalReason.OFFER_NOT_FOUND);
    }

    @Test
    @DisplayName("Race: 16 customers accept their open offers of one slot at once while 4 others book it "
            + "directly: exactly one booking holds the slot, every other attempt gets its refusal code")
    void sixteenAcceptAtOnce() throws Exception {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT.withOffersAtOnce(16));
        List<CustomerDetails> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            CustomerDetails customer = new CustomerDetails("cust-" + i, "Customer " + i, "c" + i + "@example.org",
                    null, Locale.ENGLISH);
            waiting.add(customer);
            c.join(customer, TOMORROW);
        }
        c.bobCancels();
        List<WaitlistNotice> offers = c.notices(WaitlistNotice.Kind.OFFERED);
        assertThat(offers).hasSize(16);
        List<Object> answers = Race.run(20, i -> () -> {
            if (i < 16) {
                WaitlistNotice n = offers.get(i);
                Outcome o = c.list.accept(Actor.customer(n.customer().id()), TENANT, n.offerId());
                return o.isDone() ? "BOOKED" : Fixture.reason(o);
            }
            Outcome direct = c.bookDirectly(waiting.get(i - 16));
            return direct.isDone() ? "BOOKED DIRECTLY" : Fixture.reason(direct);
        });
        assertThat(answers.subList(0, 16)).filteredOn("BOOKED"::equals).hasSize(1);
        assertThat(answers.subList(0, 16)).filteredOn(a -> !"BOOKED".equals(a))
                .containsOnly(RefusalReason.OFFER_TAKEN).hasSize(15);
        assertThat(answers.subList(16, 20)).containsOnly(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(c.repository.calendar(TENANT, DR_RUIZ.id(), SLOT)).hasSize(1);
    }


    @Test
    @DisplayName("Staff offer a free slot by hand, see the holds and offers of a resource, and release a hold: "
            + "open offers end, their customers are told, the slot is free; customers may do none of it")
    void staffControl() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT.withOffersAtOnce(2));
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        FreedSlot slot = FreedSlot.byHand(TENANT, DR_RUIZ, CONSULTATION, SLOT, ZONE);
        assertThat(c.list.offerSlot(Fixture.ANA_ACTS, slot).notOffered()).isEqualTo(NotOffered.NOT_PERMITTED);
        OfferResult byHand = c.list.offerSlot(RECEPTION, slot);
        assertThat(byHand.offers()).extracting(SlotOffer::entryId).containsExactly(ana.id(), carla.id());
        assertThat(byHand.hold().freedBy()).isNull();
        assertThat(c.list.offerSlot(RECEPTION, slot).notOffered()).as("already held")
                .isEqualTo(NotOffered.NO_ENTRY);

        List<HeldSlot> held = c.list.holds(RECEPTION, TENANT, DR_RUIZ.id(), TOMORROW);
        assertThat(held).hasSize(1);
        assertThat(held.get(0).offers()).hasSize(2);
        assertThat(c.list.holds(Fixture.ANA_ACTS, TENANT, DR_RUIZ.id(), TOMORROW)).isEmpty();
        assertThat(c.list.release(Fixture.ANA_ACTS, TENANT, byHand.hold().id())).isEmpty();

        SlotHold released = c.list.release(RECEPTION, TENANT, byHand.hold().id()).orElseThrow();
        assertThat(released.status()).isEqualTo(HoldStatus.RELEASED);
        assertThat(c.notices(WaitlistNotice.Kind.TAKEN)).hasSize(2);
        assertThat(c.entry(ana).status()).isEqualTo(EntryStatus.WAITING);
        assertThat(c.bookDirectly(DAN).isDone()).isTrue();
    }

    @Test
    @DisplayName("Entry expiry: the job expires entries whose window has passed; they are never offered again")
    void entryExpiry() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, Interval.of(NOW, NOW.plus(Duration.ofHours(3))));
        c.clock.add(Duration.ofHours(3));
        assertThat(c.list.endRounds()).isEqualTo(1);
        assertThat(c.entry(ana).status()).isEqualTo(EntryStatus.EXPIRED);
        assertThat(c.story(ana)).containsExactly(WaitlistEvent.Kind.JOINED, WaitlistEvent.Kind.EXPIRED);
    }

    @Test
    @DisplayName("Two nodes running the job together move a hold on once: the next entry gets one offer")
    void twoNodesOneOffer() throws Exception {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        BookingRules second = c.node(WaitlistPolicy.DEFAULT, BookingPolicy.ofDefaults(), Availability.ALWAYS_OPEN);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        c.bobCancels();
        c.clock.setInstant(c.offerOf(ana).deadline());
        AtomicInteger moved = new AtomicInteger();
        Race.run(2, i -> () -> moved.addAndGet((i == 0 ? c.list : second.waitlist()).endRounds()));
        assertThat(moved.get()).isEqualTo(1);
        assertThat(c.notices(WaitlistNotice.Kind.OFFERED)).filteredOn(n -> n.entryId().equals(carla.id()))
                .hasSize(1);
        assertThat(c.notices(WaitlistNotice.Kind.EXPIRED)).hasSize(1);
    }

    @Test
    @DisplayName("Notices in the customer's language: offered with the deadline, taken, expired")
    void noticesInEnglishAndSpanish() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        c.join(DAN, TOMORROW);
        c.bobCancels();
        WaitlistNotice es = c.notices(WaitlistNotice.Kind.OFFERED).get(0);
        assertThat(es.subject()).startsWith("Se liberó una hora de Consultation").contains("Dr. Ruiz")
                .contains("es tuya si la aceptas hasta el");
        c.list.decline(Fixture.ANA_ACTS, TENANT, c.offerOf(ana).id());
        WaitlistNotice en = c.notices(WaitlistNotice.Kind.OFFERED).get(1);
        assertThat(en.subject()).startsWith("A Consultation slot opened on").contains("with Dr. Ruiz")
                .contains("it is yours if you accept by");
        assertThat(en.toString()).doesNotContain(DAN.name()).doesNotContain(DAN.email());
    }

    @Test
    @DisplayName("Erasure: staff erasing a customer also erase their entries (name, e-mail, phone gone, off the "
            + "list, ERASED in the history); their open offer can no longer be accepted; others are untouched")
    void erasureReachesTheEntries() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        WaitlistEntry ana = c.join(ANA, TOMORROW);
        WaitlistEntry carla = c.join(CARLA, TOMORROW);
        c.bobCancels();
        SlotOffer anas = c.offerOf(ana);

        assertThat(c.rules.eraseCustomer(RECEPTION, TENANT, ANA.id()).status())
                .isEqualTo(org.bookingrules.ErasureResult.Status.ERASED);
        WaitlistEntry erased = c.entry(ana);
        assertThat(erased.customer().isErased()).isTrue();
        assertThat(erased.customer().id()).isEqualTo(ANA.id());
        assertThat(erased.status()).isEqualTo(EntryStatus.LEFT);
        assertThat(c.story(ana)).endsWith(WaitlistEvent.Kind.ERASED);
        assertThat(Fixture.reason(c.list.accept(Fixture.ANA_ACTS, TENANT, anas.id())))
                .isEqualTo(RefusalReason.OFFER_EXPIRED);
        assertThat(c.entry(carla).customer()).isEqualTo(CARLA);
        assertThat(c.rules.eraseCustomer(RECEPTION, TENANT, ANA.id()).status())
                .isEqualTo(org.bookingrules.ErasureResult.Status.ALREADY_ERASED);
        assertThat(c.rules.eraseCustomer(RECEPTION, TENANT, "cust-nobody").status())
                .isEqualTo(org.bookingrules.ErasureResult.Status.UNKNOWN_CUSTOMER);
    }

    @Test
    @DisplayName("The builder refuses a list on a repository that keeps none, or with a notifier that cannot "
            + "deliver its notices, naming what is missing")
    void builderRefusals() {
        assertThatThrownBy(() -> BookingRules.builder().repository(new DelegatingRepository(
                new InMemoryBookingRepository())).waitlist(WaitlistPolicy.DEFAULT).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("WaitlistStore");
        BookingNotifier bookingsOnly = n -> { };
        assertThatThrownBy(() -> BookingRules.builder().repository(new InMemoryBookingRepository())
                .notifier(bookingsOnly).waitlist(WaitlistPolicy.DEFAULT).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("deliver(WaitlistNotice)");
        assertThat(BookingRules.builder().repository(new DelegatingRepository(new InMemoryBookingRepository()))
                .build().waitlist().endRounds()).as("off: nothing to do").isZero();
    }
}
