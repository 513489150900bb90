package org.bookingrules;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.bookingrules.NotificationPlanner.Plan;
import org.bookingrules.NotificationPlanner.Prepared;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.internal.rules.AutoConfirmationRule;
import org.bookingrules.internal.rules.ReminderRule;
import org.bookingrules.internal.rules.SlotClaimRule;
import org.bookingrules.internal.schedule.Schedules;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Transition;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.ManageLinkIssuer;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.waitlist.EntryChange;
import org.bookingrules.waitlist.EntryStatus;
import org.bookingrules.waitlist.FreedSlot;
import org.bookingrules.waitlist.HeldSlot;
import org.bookingrules.waitlist.HoldStatus;
import org.bookingrules.waitlist.JoinRequest;
import org.bookingrules.waitlist.OfferResult;
import org.bookingrules.waitlist.OfferResult.NotOffered;
import org.bookingrules.waitlist.OfferRules;
import org.bookingrules.waitlist.OfferStatus;
import org.bookingrules.waitlist.OfferView;
import org.bookingrules.waitlist.SlotHold;
import org.bookingrules.waitlist.SlotOffer;
import org.bookingrules.waitlist.WaitlistChange;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistEvent;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistOutcome;
import org.bookingrules.waitlist.WaitlistPolicies;
import org.bookingrules.waitlist.WaitlistPolicy;
import org.bookingrules.waitlist.WaitlistStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * The cancellation list of a {@link BookingRules}: customers wait for an earlier or any opening of
 * a service; a slot that a cancel, a decline or a reschedule frees is offered to them, one or a
 * few at a time ({@link WaitlistPolicy}), each offer with a deadline and a signed link; while
 * offers are open the slot is held, and no booking can take it; the first to accept gets it.
 * From {@link BookingRules#waitlist()}. Immutable and thread-safe.
 *
 * <p><b>Order.</b> Entries are offered a slot in the order they joined ({@link OfferRules}).
 * <b>Declining or letting an offer expire keeps the entry's place</b>: it waits on for other
 * slots, and is not offered the same hold again. When every offer of a round has ended unaccepted,
 * the next eligible entries are offered the slot at once; when none is left, the hold is released
 * and the slot is free for anyone. Rounds end by {@link #endRounds()} (run it every minute or so,
 * {@link #endRoundsEvery}); a hold stops keeping bookings off its slot at its deadline even
 * before the job runs.
 *
 * <p><b>Acceptance.</b> Accepting books the slot for the entry's customer, or, for an entry that
 * moves a booking earlier, moves that booking to it (not counted against the customer's
 * reschedule limit; the slot it leaves is offered in turn). Exactly one acceptance of a hold wins:
 * the others are refused {@link RefusalReason#OFFER_TAKEN}, a late one
 * {@link RefusalReason#OFFER_EXPIRED}, and the customers of the other open offers are told.
 *
 * <p><b>Staff</b> may opt out of offering the slot their change frees
 * ({@link NotificationChoice#withoutOfferingTheSlot()}), offer a slot by hand ({@link #offerSlot}),
 * release a hold ({@link #release}) and see the holds and offers of a resource ({@link #holds}).
 *
 * <p>Logs carry ids and reason codes, never personal data.
 */
public final class Waitlist {

    /** Default most holds (and passed entries) one {@link #endRounds()} call handles: 100. */
    public static final int DEFAULT_BATCH = 100;
    /** Candidates read first for a freed slot; more pages (8 times as many each) only when too few are eligible. */
    private static final int FIRST_PAGE = 8;

    private static final Logger LOG = LoggerFactory.getLogger(Waitlist.class);
    private static final Actor SYSTEM = Actor.SYSTEM;

    private final Environment env;
    private final CommandEngine engine;
    private final NotificationPlanner planner;
    private final Delivery delivery;
    private final WaitlistStore store;
    private final WaitlistPolicies policies;
    private final Availability availability;
    private final ManageLinkIssuer links;
    private final Supplier<String> ids;
    private final int maxAttempts;

    Waitlist(Environment env, CommandEngine engine, NotificationPlanner planner, Delivery delivery,
             BookingRulesBuilder b) {
        this.env = env;
        this.engine = engine;
        this.planner = planner;
        this.delivery = delivery;
        this.store = env.repository instanceof WaitlistStore s ? s : null;
        this.policies = b.waitlist();
        this.availability = b.availability();
        this.links = b.links();
        this.ids = b.ids();
        this.maxAttempts = b.maxAttempts();
    }

    // ---------------------------------------------------------------------------------- entries

    /**
     * Puts a customer on a service's cancellation list. A customer joins for themselves; staff for
     * anyone. For a booking to move earlier, the booking must be the customer's and active, and the
     * window defaults to now until its start.
     *
     * @param actor the customer or staff, not null
     * @param request what the customer waits for, not null
     * @return the new entry, or a refusal: ACTION_NOT_PERMITTED, WAITLIST_OFF, BOOKING_NOT_FOUND,
     *     NOT_ACTIVE, SLOT_IN_PAST (the window has passed) or ALREADY_WAITING
     * @throws IllegalStateException if the repository keeps no cancellation list
     */
    public WaitlistOutcome join(Actor actor, JoinRequest request) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(request, "request");
        WaitlistStore s = store();
        ZoneId zone = request.zone();
        if (!(actor instanceof Actor.Staff)
                && !(actor instanceof Actor.Customer c && c.id().equals(request.customer().id()))) {
            return refused("join", null, RefusalReason.ACTION_NOT_PERMITTED, zone);
        }
        if (!policies.policyFor(request.tenantId(), request.service().id()).enabled()) {
            return refused("join", null, RefusalReason.WAITLIST_OFF, zone);
        }
        Instant now = env.now();
        Interval window = request.window();
        if (request.bookingId() != null) {
            Optional<Booking> booking = env.repository.find(request.tenantId(), request.bookingId())
                    .filter(b -> b.customer().filter(c -> c.id().equals(request.customer().id())).isPresent());
            if (booking.isEmpty()) {
                return refused("join", null, RefusalReason.BOOKING_NOT_FOUND, zone);
            }
            if (!booking.get().isActive()) {
                return refused("join", null, RefusalReason.NOT_ACTIVE, zone);
            }
            if (window == null) {
                if (!booking.get().start().isAfter(now)) {
                    return refused("join", null, RefusalReason.SLOT_IN_PAST, zone);
                }
                window = Interval.of(now, booking.get().start());
            }
        }
        if (!window.getEnd().isAfter(now)) {
            return refused("join", null, RefusalReason.SLOT_IN_PAST, zone);
        }
        Interval wanted = window;
        boolean waiting = s.customerEntries(request.tenantId(), request.customer().id()).stream()
                .anyMatch(e -> !e.status().isFinal() && e.service().id().equals(request.service().id())
                        && Objects.equals(e.resourceId(), request.resourceId())
                        && Objects.equals(e.bookingId(), request.bookingId()) && e.window().overlaps(wanted));
        if (waiting) {
            return refused("join", null, RefusalReason.ALREADY_WAITING, zone);
        }
        WaitlistEntry entry = new WaitlistEntry(request.tenantId(), ids.get(), request.customer(), request.service(),
                request.resourceId(), wanted, request.bookingId(), EntryStatus.WAITING, now, 1);
        WaitlistEvent joined = new WaitlistEvent(WaitlistEvent.Kind.JOINED, actor, now, null, null, null);
        SaveResult result = s.save(new WaitlistChange(now, null, 0, List.of(),
                List.of(EntryChange.of(null, entry, joined)), null, List.of()));
        if (result != SaveResult.SAVED) {
            throw new BookingConflictException("join: entry id already used: " + entry.id());
        }
        LOG.debug("waitlist join entry={} tenant={} service={}", entry.id(), entry.tenantId(), entry.service().id());
        return WaitlistOutcome.done(entry);
    }

    /**
     * Takes an entry off the list. An open offer of it is declined first (and the hold moves on).
     * Leaving again changes nothing.
     *
     * @param actor the entry's customer or staff, not null
     * @param tenantId not null
     * @param entryId not null
     * @return the entry, LEFT; or a refusal: ENTRY_NOT_FOUND, or NOT_ACTIVE for a booked or
     *     expired entry
     */
    public WaitlistOutcome leave(Actor actor, String tenantId, String entryId) {
        Objects.requireNonNull(actor, "actor");
        return retried("leave entry", entryId, attempt -> leaveOnce(actor, tenantId, entryId, attempt));
    }

    private Optional<WaitlistOutcome> leaveOnce(Actor actor, String tenantId, String entryId, int attempt) {
        Optional<WaitlistEntry> found = visibleEntry(actor, tenantId, entryId);
        if (found.isEmpty()) {
            return Optional.of(refused("leave", entryId, RefusalReason.ENTRY_NOT_FOUND, ZoneOffset.UTC));
        }
        WaitlistEntry entry = found.get();
        if (entry.status() == EntryStatus.LEFT) {
            return Optional.of(WaitlistOutcome.done(entry));
        }
        if (entry.status().isFinal()) {
            return Optional.of(refused("leave", entryId, RefusalReason.NOT_ACTIVE, ZoneOffset.UTC));
        }
        Instant now = env.now();
        WaitlistEvent left = new WaitlistEvent(WaitlistEvent.Kind.LEFT, actor, now, null, null, null);
        Optional<SlotOffer> open = entry.status() == EntryStatus.OFFERED ? openOfferOf(entry) : Optional.empty();
        WaitlistChange change;
        if (open.isPresent()) {
            SlotOffer offer = open.get();
            SlotHold hold = store().findHold(tenantId, offer.holdId()).orElseThrow();
            WaitlistEvent declined = new WaitlistEvent(WaitlistEvent.Kind.DECLINED, actor, now, offer.id(),
                    hold.slot(), null);
            change = moveOn(hold, List.of(offer.endedAs(OfferStatus.DECLINED, now)),
                    List.of(new EntryChange(entry.withStatus(EntryStatus.LEFT), entry.version(),
                            List.of(declined, left))), List.of(), now);
        } else {
            change = new WaitlistChange(now, null, 0, List.of(),
                    List.of(EntryChange.of(entry, entry.withStatus(EntryStatus.LEFT), left)), null, List.of());
        }
        return savedEntry(change, "leave entry", entryId, attempt);
    }

    /**
     * An entry, if this actor may see it (its customer, or staff).
     *
     * @param actor not null
     * @param tenantId not null
     * @param entryId not null
     * @return the entry, or empty: unknown, another tenant's and another customer's alike
     */
    public Optional<WaitlistEntry> entry(Actor actor, String tenantId, String entryId) {
        Objects.requireNonNull(actor, "actor");
        return visibleEntry(actor, tenantId, entryId);
    }

    /**
     * An entry's history, oldest first, if this actor may see the entry.
     *
     * @param actor not null
     * @param tenantId not null
     * @param entryId not null
     * @return the events, empty if the actor may not see the entry
     */
    public List<WaitlistEvent> history(Actor actor, String tenantId, String entryId) {
        Objects.requireNonNull(actor, "actor");
        return visibleEntry(actor, tenantId, entryId).map(e -> store().entryHistory(tenantId, entryId))
                .orElse(List.of());
    }

    /**
     * A customer's entries, every status, in the order of joining: for the customer themselves or
     * staff.
     *
     * @param actor not null
     * @param tenantId not null
     * @param customerId not null
     * @return the entries, empty for anyone else
     */
    public List<WaitlistEntry> entriesOf(Actor actor, String tenantId, String customerId) {
        Objects.requireNonNull(actor, "actor");
        boolean may = actor instanceof Actor.Staff || actor instanceof Actor.Customer c && c.id().equals(customerId);
        return may ? store().customerEntries(tenantId, customerId) : List.of();
    }

    // ----------------------------------------------------------------------------------- offers

    /**
     * An offer with its hold and entry, if this actor may see it (the entry's customer, or staff):
     * what an offer page shows.
     *
     * @param actor not null
     * @param tenantId not null
     * @param offerId not null
     * @return the offer, or empty: unknown, another tenant's and another customer's alike
     */
    public Optional<OfferView> offer(Actor actor, String tenantId, String offerId) {
        Objects.requireNonNull(actor, "actor");
        WaitlistStore s = store();
        return s.findOffer(tenantId, offerId)
                .flatMap(o -> visibleEntry(actor, tenantId, o.entryId())
                        .map(e -> new OfferView(o, s.findHold(tenantId, o.holdId()).orElseThrow(), e)));
    }

    /**
     * Accepts an open offer: books the slot for the entry's customer, or moves the entry's booking
     * to it. Exactly one acceptance of a hold wins.
     *
     * @param actor the entry's customer, or staff for them; not null
     * @param tenantId not null
     * @param offerId not null
     * @return {@link Outcome.Done} with the booking made or moved, or a refusal: OFFER_NOT_FOUND,
     *     OFFER_TAKEN, OFFER_EXPIRED, or a booking rule's (NOT_ACTIVE for a booking to move that
     *     is no longer active)
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome accept(Actor actor, String tenantId, String offerId) {
        Objects.requireNonNull(actor, "actor");
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Optional<OfferView> found = offer(actor, tenantId, offerId);
            if (found.isEmpty()) {
                return Environment.refused("accept offer", null, actor, offerRefusal(RefusalReason.OFFER_NOT_FOUND,
                        ZoneOffset.UTC));
            }
            OfferView view = found.get();
            Instant now = env.now();
            Optional<RefusalReason> closed = closed(view, now);
            if (closed.isPresent()) {
                return Environment.refused("accept offer", null, actor,
                        offerRefusal(closed.get(), view.hold().zone()), view.entry().customer().language());
            }
            Acceptance acceptance = new Acceptance(view, actor, now);
            Outcome outcome = view.entry().bookingId() == null ? acceptAsBooking(acceptance)
                    : acceptAsMove(acceptance);
            if (!acceptance.lostRace) {
                return outcome;
            }
            LOG.debug("accept offer={}: the hold changed meanwhile, deciding again (attempt {})", offerId, attempt);
        }
        throw conflict("accept offer", offerId);
    }

    /**
     * Declines an open offer: the entry keeps its place and waits on; when no other offer of the
     * slot is open, the slot goes to the next entries at once. Declining again changes nothing.
     *
     * @param actor the entry's customer, or staff for them; not null
     * @param tenantId not null
     * @param offerId not null
     * @return the entry, or a refusal: OFFER_NOT_FOUND, OFFER_TAKEN or OFFER_EXPIRED
     */
    public WaitlistOutcome decline(Actor actor, String tenantId, String offerId) {
        Objects.requireNonNull(actor, "actor");
        return retried("decline offer", offerId, attempt -> declineOnce(actor, tenantId, offerId, attempt));
    }

    private Optional<WaitlistOutcome> declineOnce(Actor actor, String tenantId, String offerId, int attempt) {
        Optional<OfferView> found = offer(actor, tenantId, offerId);
        if (found.isEmpty()) {
            return Optional.of(refused("decline offer", offerId, RefusalReason.OFFER_NOT_FOUND, ZoneOffset.UTC));
        }
        OfferView view = found.get();
        if (view.offer().status() == OfferStatus.DECLINED) {
            return Optional.of(WaitlistOutcome.done(view.entry()));
        }
        Instant now = env.now();
        Optional<RefusalReason> closed = closed(view, now);
        if (closed.isPresent()) {
            return Optional.of(refused("decline offer", offerId, closed.get(), view.hold().zone()));
        }
        WaitlistEntry entry = view.entry();
        WaitlistEvent declined = new WaitlistEvent(WaitlistEvent.Kind.DECLINED, actor, now, offerId,
                view.hold().slot(), null);
        WaitlistChange change = moveOn(view.hold(), List.of(view.offer().endedAs(OfferStatus.DECLINED, now)),
                List.of(EntryChange.of(entry, entry.withStatus(EntryStatus.WAITING), declined)), List.of(), now);
        return savedEntry(change, "decline offer", offerId, attempt);
    }

    // ------------------------------------------------------------------------------------ staff

    /**
     * Offers a free slot by hand, as a freed one would be: to the eligible entries, in order, with
     * the service's policy.
     *
     * @param actor staff, not null
     * @param slot the slot, not null
     * @return the hold and its offers, or why nothing was offered (NOT_PERMITTED for anyone but
     *     staff, SLOT_TAKEN if a booking or a hold overlaps it)
     */
    public OfferResult offerSlot(Actor actor, FreedSlot slot) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(slot, "slot");
        store();
        if (!(actor instanceof Actor.Staff)) {
            return OfferResult.none(NotOffered.NOT_PERMITTED);
        }
        return offerFreed(slot);
    }

    /**
     * Releases a hold: its open offers end (their customers are told the slot is gone) and the slot
     * is free for anyone. Releasing an ended hold changes nothing.
     *
     * @param actor staff, not null
     * @param tenantId not null
     * @param holdId not null
     * @return the hold as it is now, or empty for an unknown hold or anyone but staff
     */
    public Optional<SlotHold> release(Actor actor, String tenantId, String holdId) {
        Objects.requireNonNull(actor, "actor");
        WaitlistStore s = store();
        if (!(actor instanceof Actor.Staff)) {
            return Optional.empty();
        }
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Optional<SlotHold> found = s.findHold(tenantId, holdId);
            if (found.isEmpty() || found.get().status() != HoldStatus.OPEN) {
                return found;
            }
            SlotHold hold = found.get();
            Instant now = env.now();
            List<SlotOffer> ended = new ArrayList<>();
            List<EntryChange> entries = new ArrayList<>();
            List<WaitlistNotice> notices = new ArrayList<>();
            endOpenOffers(hold, null, OfferStatus.WITHDRAWN, actor, now, ended, entries, notices);
            WaitlistChange change = new WaitlistChange(now, hold.withStatus(HoldStatus.RELEASED), hold.version(),
                    ended, entries, null, notices);
            if (s.save(change) == SaveResult.SAVED) {
                delivered(change);
                LOG.debug("waitlist release hold={} tenant={} by {}", holdId, tenantId, Environment.describe(actor));
                return Optional.of(change.hold());
            }
        }
        throw conflict("release hold", holdId);
    }

    /**
     * The holds of a resource whose slot overlaps an interval, every status, each with its offers:
     * for staff.
     *
     * @param actor staff, not null
     * @param tenantId not null
     * @param resourceId not null
     * @param interval not null
     * @return the holds, by slot start; empty for anyone but staff
     */
    public List<HeldSlot> holds(Actor actor, String tenantId, String resourceId, Interval interval) {
        Objects.requireNonNull(actor, "actor");
        WaitlistStore s = store();
        if (!(actor instanceof Actor.Staff)) {
            return List.of();
        }
        return s.holds(tenantId, resourceId, interval).stream()
                .map(h -> new HeldSlot(h, s.offers(tenantId, h.id())))
                .toList();
    }

    // -------------------------------------------------------------------------------------- job

    /**
     * Ends the rounds whose deadline has passed: their open offers expire (their customers are
     * told), and the slot goes to the next eligible entries, or is released when none is left.
     * Entries whose window has passed expire. Safe on several nodes at once: each hold moves on
     * once.
     *
     * @return how many holds and entries it moved on
     */
    public int endRounds() {
        if (store == null) {
            return 0;
        }
        Instant now = env.now();
        int done = 0;
        for (SlotHold hold : store.endedRounds(now, DEFAULT_BATCH)) {
            if (endRound(hold, now)) {
                done++;
            }
        }
        for (WaitlistEntry entry : store.passedEntries(now, DEFAULT_BATCH)) {
            WaitlistEvent expired = new WaitlistEvent(WaitlistEvent.Kind.EXPIRED, SYSTEM, now, null, null, null);
            if (store.save(new WaitlistChange(now, null, 0, List.of(),
                    List.of(EntryChange.of(entry, entry.withStatus(EntryStatus.EXPIRED), expired)), null, List.of()))
                    == SaveResult.SAVED) {
                done++;
            }
        }
        return done;
    }

    /**
     * Runs {@link #endRounds()} every {@code period} on the caller's executor, which the caller
     * keeps owning; a run that fails is logged and the next one runs as planned.
     *
     * @param period the delay between the end of one run and the start of the next, positive
     * @param executor not null
     * @return the schedule, to cancel it
     */
    public ScheduledFuture<?> endRoundsEvery(Duration period, ScheduledExecutorService executor) {
        return Schedules.everyQuietly(this::endRounds, period, executor, LOG, "cancellation-list rounds");
    }

    // ---------------------------------------------------------------------------------- offering

    /** A stored change freed a slot: offer it, unless staff opted out. Never fails the change. */
    void slotFreed(Booking before, Actor actor, NotificationChoice choice) {
        if (store == null) {
            return;
        }
        if (!policies.policyFor(before.tenantId(), before.service().id()).enabled()) {
            // The common case on every cancel while the service's list is off: nothing more to read.
            return;
        }
        if (actor instanceof Actor.Staff && !choice.offerFreedSlot()) {
            LOG.debug("booking={}: staff kept the freed slot off the cancellation list", before.id());
            return;
        }
        try {
            OfferResult result = offerFreed(FreedSlot.of(before));
            LOG.debug("booking={}: freed slot held as {}, or not offered: {}", before.id(),
                    result.held().map(SlotHold::id).orElse("-"), result.notOffered());
        } catch (RuntimeException e) {
            LOG.warn("booking={}: the freed slot could not be offered ({}); the change stays stored", before.id(),
                    e.getClass().getName());
        }
    }

    private OfferResult offerFreed(FreedSlot slot) {
        WaitlistStore s = store();
        Instant now = env.now();
        WaitlistPolicy policy = policyOf(slot.tenantId(), slot.resource().id(), slot.service().id());
        boolean open = availability.isOpen(slot.tenantId(), slot.resource().id(), slot.slot());
        Optional<OfferRules.Ineligibility> closed = OfferRules.slotIneligibility(policy, now, slot.slot(), open);
        if (closed.isPresent()) {
            return OfferResult.none(closed.get());
        }
        Instant deadline = OfferRules.deadline(policy, now, slot.slot()).orElseThrow();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            List<WaitlistEntry> chosen = eligible(slot, Set.of(), now, policy.offersAtOnce());
            if (chosen.isEmpty()) {
                return OfferResult.none(NotOffered.NO_ENTRY);
            }
            SlotHold hold = new SlotHold(slot.tenantId(), ids.get(), slot.resource(), slot.service(), slot.slot(),
                    slot.zone(), slot.freedBy(), HoldStatus.OPEN, deadline, 1, now, 1);
            List<SlotOffer> offers = new ArrayList<>();
            List<EntryChange> entries = new ArrayList<>();
            List<WaitlistNotice> notices = new ArrayList<>();
            offerTo(hold, chosen, now, offers, entries, notices);
            WaitlistChange change = new WaitlistChange(now, hold, 0, offers, entries, null, notices);
            SaveResult result = s.save(change);
            if (result == SaveResult.SAVED) {
                delivered(change);
                return new OfferResult(hold, offers, null);
            }
            if (result == SaveResult.SLOT_TAKEN) {
                return OfferResult.none(NotOffered.SLOT_TAKEN);
            }
            LOG.debug("offer of a freed slot: {}, choosing again (attempt {})", result, attempt);
        }
        throw new BookingConflictException("offer of a freed slot: entries changed concurrently on each of "
                + maxAttempts + " attempts");
    }

    /**
     * The first {@code count} entries that may be offered the slot, in order, leaving out
     * {@code offeredBefore}. Candidates are read a page at a time, a small one first (most often the
     * first candidates are eligible), so a long list costs no more than a short one.
     */
    private List<WaitlistEntry> eligible(FreedSlot slot, Set<String> offeredBefore, Instant now, int count) {
        int page = Math.min(WaitlistStore.MAX_CANDIDATES, Math.max(FIRST_PAGE, 4 * count));
        while (true) {
            List<WaitlistEntry> candidates = store().waitingFor(slot.tenantId(), slot.service().id(),
                    slot.resource().id(), slot.slot(), page);
            List<WaitlistEntry> chosen = new ArrayList<>();
            for (WaitlistEntry entry : candidates) {
                Booking toMove = entry.bookingId() == null ? null
                        : env.repository.find(entry.tenantId(), entry.bookingId()).orElse(null);
                if (OfferRules.entryIneligibility(entry, slot, now, toMove, offeredBefore.contains(entry.id()))
                        .isEmpty()) {
                    chosen.add(entry);
                    if (chosen.size() == count) {
                        return chosen;
                    }
                }
            }
            if (candidates.size() < page || page == WaitlistStore.MAX_CANDIDATES) {
                return chosen;
            }
            page = Math.min(WaitlistStore.MAX_CANDIDATES, page * 8);
        }
    }

    /** Offers, entry changes and notices of one round of a hold. */
    private void offerTo(SlotHold hold, List<WaitlistEntry> chosen, Instant now, List<SlotOffer> offers,
                         List<EntryChange> entries, List<WaitlistNotice> notices) {
        for (WaitlistEntry entry : chosen) {
            SlotOffer offer = new SlotOffer(hold.tenantId(), ids.get(), hold.id(), entry.id(), hold.round(),
                    OfferStatus.OPEN, now, hold.until(), null);
            offers.add(offer);
            entries.add(EntryChange.of(entry, entry.withStatus(EntryStatus.OFFERED),
                    new WaitlistEvent(WaitlistEvent.Kind.OFFERED, SYSTEM, now, offer.id(), hold.slot(), null)));
            notices.add(WaitlistNotice.of(WaitlistNotice.Kind.OFFERED, hold, offer, entry,
                    links.offerLinkFor(offer).orElse(null)));
        }
    }

    /**
     * The change that ends some offers of a hold: when none of its offers stays open, the next
     * eligible entries get a new round, or the hold is released.
     */
    private WaitlistChange moveOn(SlotHold hold, List<SlotOffer> ending, List<EntryChange> endingEntries,
                                  List<WaitlistNotice> endingNotices, Instant now) {
        List<SlotOffer> offers = new ArrayList<>(ending);
        List<EntryChange> entries = new ArrayList<>(endingEntries);
        List<WaitlistNotice> notices = new ArrayList<>(endingNotices);
        Set<String> endingIds = new HashSet<>();
        ending.forEach(o -> endingIds.add(o.id()));
        List<SlotOffer> all = store().offers(hold.tenantId(), hold.id());
        boolean othersOpen = all.stream().anyMatch(o -> o.status().isOpen() && !endingIds.contains(o.id()));
        if (hold.status() != HoldStatus.OPEN || othersOpen) {
            return new WaitlistChange(now, hold.status() == HoldStatus.OPEN ? hold.touched() : null,
                    hold.status() == HoldStatus.OPEN ? hold.version() : 0, offers, entries, null, notices);
        }
        FreedSlot slot = new FreedSlot(hold.tenantId(), hold.resource(), hold.service(), hold.slot(), hold.zone(),
                hold.freedBy(), null);
        WaitlistPolicy policy = policyOf(hold.tenantId(), hold.resource().id(), hold.service().id());
        Optional<Instant> deadline = OfferRules.deadline(policy, now, hold.slot());
        Set<String> offeredBefore = new HashSet<>();
        all.forEach(o -> offeredBefore.add(o.entryId()));
        entries.forEach(e -> offeredBefore.add(e.entry().id()));
        List<WaitlistEntry> next = deadline.isEmpty() ? List.of()
                : eligible(slot, offeredBefore, now, policy.offersAtOnce());
        if (next.isEmpty()) {
            return new WaitlistChange(now, hold.withStatus(HoldStatus.RELEASED), hold.version(), offers, entries, null,
                    notices);
        }
        SlotHold nextRound = hold.nextRound(deadline.get());
        offerTo(nextRound, next, now, offers, entries, notices);
        return new WaitlistChange(now, nextRound, hold.version(), offers, entries, null, notices);
    }

    /**
     * Saves a change that moves a hold on, and hands over the notices of what was stored; if its
     * next round cannot claim the slot any more (a booking took it after the hold's deadline), the
     * hold is released instead, without that round.
     *
     * @return the change stored, or null when nothing was (the hold or an entry changed meanwhile)
     */
    private WaitlistChange storeMovingOn(WaitlistChange change) {
        SaveResult result = store().save(change);
        WaitlistChange stored = change;
        if (result == SaveResult.SLOT_TAKEN && change.hold() != null) {
            stored = withoutNextRound(change);
            result = store().save(stored);
        }
        if (result != SaveResult.SAVED) {
            LOG.debug("waitlist hold={}: {}", change.hold() == null ? "(none)" : change.hold().id(), result);
            return null;
        }
        delivered(stored);
        return stored;
    }

    /** A change whose next round could not claim the slot, as the release of its hold instead. */
    private static WaitlistChange withoutNextRound(WaitlistChange change) {
        SlotHold before = change.hold();
        Set<String> nextRound = new HashSet<>();
        change.offers().stream().filter(o -> o.status().isOpen()).forEach(o -> nextRound.add(o.id()));
        List<SlotOffer> offers = change.offers().stream().filter(o -> !nextRound.contains(o.id())).toList();
        List<EntryChange> entries = change.entries().stream()
                .filter(e -> e.events().stream().noneMatch(ev -> nextRound.contains(ev.offerId())
                        && ev.kind() == WaitlistEvent.Kind.OFFERED))
                .toList();
        List<WaitlistNotice> notices = change.notices().stream().filter(n -> !nextRound.contains(n.offerId()))
                .toList();
        SlotHold released = new SlotHold(before.tenantId(), before.id(), before.resource(), before.service(),
                before.slot(), before.zone(), before.freedBy(), HoldStatus.RELEASED, before.until(),
                Math.max(1, before.round() - 1), before.createdAt(), before.version());
        return new WaitlistChange(change.at(), released, change.holdExpectedVersion(), offers, entries, null, notices);
    }

    /** One hold whose round ended: expire its open offers, move on. */
    private boolean endRound(SlotHold hold, Instant now) {
        List<SlotOffer> expired = new ArrayList<>();
        List<EntryChange> entries = new ArrayList<>();
        List<WaitlistNotice> notices = new ArrayList<>();
        endOpenOffers(hold, null, OfferStatus.EXPIRED, SYSTEM, now, expired, entries, notices);
        WaitlistChange stored = storeMovingOn(moveOn(hold, expired, entries, notices, now));
        if (stored == null) {
            LOG.debug("waitlist hold={}: another node moved the round on", hold.id());
            return false;
        }
        LOG.debug("waitlist hold={}: round {} ended, {}", hold.id(), hold.round(), stored.hold().status()
                == HoldStatus.OPEN ? "round " + stored.hold().round() + " offered" : "released");
        return true;
    }

    // ------------------------------------------------------------------------------- acceptance

    /** One acceptance attempt; {@link #lostRace} when the hold or an entry changed before the save. */
    private final class Acceptance {
        final OfferView view;
        final Actor actor;
        final Instant now;
        boolean lostRace;

        Acceptance(OfferView view, Actor actor, Instant now) {
            this.view = view;
            this.actor = actor;
            this.now = now;
        }

        /** Writes the booking change with the hold taken, the other offers withdrawn, the entries moved on. */
        SaveResult save(BookingChange booking) {
            SlotHold hold = view.hold();
            SlotOffer accepted = view.offer().endedAs(OfferStatus.ACCEPTED, now);
            WaitlistEntry entry = view.entry();
            List<SlotOffer> offers = new ArrayList<>(List.of(accepted));
            List<EntryChange> entries = new ArrayList<>(List.of(EntryChange.of(entry,
                    entry.withStatus(EntryStatus.BOOKED), new WaitlistEvent(WaitlistEvent.Kind.BOOKED, actor, now,
                            accepted.id(), hold.slot(), booking.booking().id()))));
            List<WaitlistNotice> notices = new ArrayList<>();
            endOpenOffers(hold, accepted.id(), OfferStatus.WITHDRAWN, SYSTEM, now, offers, entries, notices);
            WaitlistChange change = new WaitlistChange(now, hold.withStatus(HoldStatus.TAKEN), hold.version(), offers,
                    entries, booking, notices);
            SaveResult result = store().save(change);
            if (result == SaveResult.VERSION_CONFLICT) {
                // The hold, an entry or the booking to move changed since they were read: decide again.
                lostRace = true;
                return SaveResult.SLOT_TAKEN;
            }
            if (result == SaveResult.SAVED) {
                delivered(change);
                LOG.debug("waitlist accept offer={} hold={} booking={}", accepted.id(), hold.id(),
                        booking.booking().id());
            }
            return result;
        }
    }

    private Outcome acceptAsBooking(Acceptance a) {
        SlotHold hold = a.view.hold();
        BookRequest request = BookRequest.of(hold.tenantId(), hold.resource(), hold.service(), a.view.entry().customer(),
                hold.slot().getStart(), hold.slot().getEnd(), hold.zone());
        return engine.book(a.actor, request, a::save);
    }

    private Outcome acceptAsMove(Acceptance a) {
        SlotHold hold = a.view.hold();
        WaitlistEntry entry = a.view.entry();
        Optional<Booking> found = env.repository.find(entry.tenantId(), entry.bookingId());
        Booking before = found.orElse(null);
        if (before == null || !before.isActive() || !a.now.isBefore(before.start())
                || before.customer().filter(c -> c.id().equals(entry.customer().id())).isEmpty()) {
            return Environment.refused(Action.RESCHEDULE, entry.bookingId(), a.actor,
                    offerRefusal(RefusalReason.NOT_ACTIVE, hold.zone()), entry.customer().language());
        }
        BookingPolicy target = env.policies.policyFor(hold.tenantId(), hold.resource().id(), hold.service().id());
        Transition moved = before.reschedule(a.actor, a.now, hold.slot(), hold.resource(),
                ReminderRule.armedFor(hold.slot(), entry.customer(), target), null);
        // The clinic offered the slot: the move does not count against the customer's reschedule limit.
        Transition uncounted = new Transition(moved.booking().toBuilder()
                .customerReschedules(before.customerReschedules()).build(), moved.event());
        List<Transition> steps = new ArrayList<>(List.of(uncounted));
        AutoConfirmationRule.confirmIfDue(steps, a.now, target);
        Plan plan = planner.plan(steps, SlotClaimRule.claimFor(hold.slot(), a.now), NotificationKind.RESCHEDULED,
                a.actor, NotificationChoice.both());
        Prepared prepared = planner.prepare(plan, before.version(), null);
        SaveResult result = a.save(prepared.change());
        if (result == SaveResult.SAVED) {
            Outcome.Done done = engine.done(Action.RESCHEDULE, a.actor, prepared);
            slotFreed(before, a.actor, NotificationChoice.both());
            return done;
        }
        if (result == SaveResult.SLOT_TAKEN) {
            return Environment.refused(Action.RESCHEDULE, before.id(), a.actor,
                    offerRefusal(RefusalReason.OFFER_TAKEN, hold.zone()), entry.customer().language());
        }
        throw new IllegalStateException("unexpected result of an accepted offer's move: " + result);
    }

    /**
     * Ends every open offer of a hold but {@code keep}, as {@code how} (EXPIRED at the round's end,
     * WITHDRAWN when the slot went to someone else or staff released it): their entries wait again,
     * and their customers are told.
     */
    private void endOpenOffers(SlotHold hold, String keep, OfferStatus how, Actor actor, Instant now,
                               List<SlotOffer> offers, List<EntryChange> entries, List<WaitlistNotice> notices) {
        boolean expired = how == OfferStatus.EXPIRED;
        for (SlotOffer open : store().offers(hold.tenantId(), hold.id())) {
            if (!open.status().isOpen() || open.id().equals(keep)) {
                continue;
            }
            SlotOffer ended = open.endedAs(how, now);
            offers.add(ended);
            Optional<WaitlistEntry> entry = store().findEntry(hold.tenantId(), open.entryId());
            if (entry.isPresent() && entry.get().status() == EntryStatus.OFFERED) {
                WaitlistEntry e = entry.get();
                entries.add(EntryChange.of(e, e.withStatus(EntryStatus.WAITING), new WaitlistEvent(expired
                        ? WaitlistEvent.Kind.OFFER_EXPIRED : WaitlistEvent.Kind.OFFER_WITHDRAWN, actor, now, open.id(),
                        hold.slot(), null)));
                notices.add(WaitlistNotice.of(expired ? WaitlistNotice.Kind.EXPIRED : WaitlistNotice.Kind.TAKEN, hold,
                        ended, e, null));
            }
        }
    }

    // ---------------------------------------------------------------------------------- helpers

    /** Why an offer cannot be answered now, if it cannot. */
    private static Optional<RefusalReason> closed(OfferView view, Instant now) {
        SlotOffer offer = view.offer();
        if (offer.status() == OfferStatus.ACCEPTED || offer.status() == OfferStatus.WITHDRAWN
                || view.hold().status() == HoldStatus.TAKEN) {
            return Optional.of(RefusalReason.OFFER_TAKEN);
        }
        if (!offer.status().isOpen() || !now.isBefore(offer.deadline()) || view.hold().status() != HoldStatus.OPEN
                || view.entry().status() != EntryStatus.OFFERED) {
            return Optional.of(RefusalReason.OFFER_EXPIRED);
        }
        return Optional.empty();
    }

    /** The service's policy, its lead at least the booking policy's minimum notice (a customer could not book sooner). */
    private WaitlistPolicy policyOf(String tenantId, String resourceId, String serviceId) {
        WaitlistPolicy policy = policies.policyFor(tenantId, serviceId);
        Duration notice = env.policies.policyFor(tenantId, resourceId, serviceId).minimumBookingNotice();
        if (notice.compareTo(policy.minimumLead()) > 0 && notice.compareTo(WaitlistPolicy.MAX_MINIMUM_LEAD) <= 0) {
            return policy.withMinimumLead(notice);
        }
        return policy;
    }

    private Optional<WaitlistEntry> visibleEntry(Actor actor, String tenantId, String entryId) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(entryId, "entryId");
        return store().findEntry(tenantId, entryId)
                .filter(e -> actor instanceof Actor.Staff
                        || actor instanceof Actor.Customer c && c.id().equals(e.customer().id()));
    }

    private Optional<SlotOffer> openOfferOf(WaitlistEntry entry) {
        return store().entryHistory(entry.tenantId(), entry.id()).stream()
                .filter(ev -> ev.kind() == WaitlistEvent.Kind.OFFERED)
                .reduce((first, second) -> second)
                .flatMap(ev -> store().findOffer(entry.tenantId(), ev.offerId()))
                .filter(o -> o.status().isOpen());
    }

    private void delivered(WaitlistChange change) {
        if (!change.notices().isEmpty()) {
            delivery.handOverNotices(change.notices());
        }
    }

    /**
     * Saves a change of one entry that may move its hold on: the entry's outcome once stored, or
     * empty when something changed meanwhile and the command decides again.
     */
    private Optional<WaitlistOutcome> savedEntry(WaitlistChange change, String command, String id, int attempt) {
        WaitlistChange stored = storeMovingOn(change);
        if (stored == null) {
            LOG.debug("waitlist {}={}: changed meanwhile, deciding again (attempt {})", command, id, attempt);
            return Optional.empty();
        }
        LOG.debug("waitlist {}={} done", command, id);
        return Optional.of(WaitlistOutcome.done(stored.entries().get(0).entry()));
    }

    /** Runs a command's attempts until one decides, at most {@code maxAttempts}. */
    private WaitlistOutcome retried(String command, String id, IntFunction<Optional<WaitlistOutcome>> attempt) {
        for (int i = 1; i <= maxAttempts; i++) {
            Optional<WaitlistOutcome> decided = attempt.apply(i);
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        throw conflict(command, id);
    }

    private BookingConflictException conflict(String command, String id) {
        return new BookingConflictException(command + "=" + id + ": changed concurrently on each of " + maxAttempts
                + " attempts");
    }

    private WaitlistStore store() {
        if (store == null) {
            throw new IllegalStateException("the repository keeps no cancellation list: use one that implements "
                    + "WaitlistStore");
        }
        return store;
    }

    private static Refusal offerRefusal(RefusalReason reason, ZoneId zone) {
        return new Refusal(reason, null, null, zone);
    }

    private static WaitlistOutcome refused(String command, String id, RefusalReason reason, ZoneId zone) {
        LOG.debug("waitlist {} {} refused: {}", command, id == null ? "(new)" : id, reason);
        return WaitlistOutcome.refused(offerRefusal(reason, zone));
    }
}
