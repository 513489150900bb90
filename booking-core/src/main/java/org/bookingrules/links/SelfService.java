package org.bookingrules.links;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.internal.Ids;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.waitlist.OfferView;
import org.bookingrules.waitlist.SlotHold;
import org.bookingrules.waitlist.WaitlistOutcome;
import org.bookingrules.waitlist.WaitlistStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * Customer self-service through a signed manage link (R7, R8, R9): open the link, prove who you
 * are, then confirm, decline, cancel or reschedule under the service's policy. Every action goes
 * through {@link BookingRules} as {@link Actor.Customer}, so every rule applies exactly as it does
 * anywhere else. Immutable and thread-safe.
 *
 * <p>The flow: {@link #open} shows the appointment ({@link ManageView}); {@link #verifyIdentity}
 * checks the answer ({@link IdentityCheck}, default the e-mail on the booking) and yields a
 * short-lived {@link Grant}; the actions take the grant. Answers are counted in the
 * {@link LinkGuardStore} shared by every node, under a {@link LockoutPolicy}: by default five wrong
 * answers in 15 minutes lock the link for 15 minutes, each further lock lasts twice as long (up to
 * a day), at most 10 wrong answers count in a day, and after 20 in 30 days only staff open the link
 * again; right answers are limited to 10 an hour. An unknown booking, another tenant's, a tampered, expired or revoked link and a booking
 * that is no longer active all answer {@link LinkDenial#LINK_INVALID}, alike.
 *
 * <p>Logs name booking ids and denial codes, never the answer or the token.
 */
public final class SelfService {

    private static final Logger LOG = LoggerFactory.getLogger(SelfService.class);

    /** Default validity of a grant: 15 minutes. */
    public static final Duration DEFAULT_GRANT_VALIDITY = Duration.ofMinutes(15);
    private static final int EARLIEST_YEAR = 1900;
    private static final int LATEST_YEAR = 8999;
    private static final Instant EARLIEST_YEAR_START = Instant.parse("1900-01-01T00:00:00Z");
    private static final Instant LATEST_YEAR_START = Instant.parse("8999-12-01T00:00:00Z");

    /** Most days after {@code from} that {@link #freeSlots} looks at. */
    public static final int MAX_FREE_SLOT_DAYS = 31;
    /** Default grid of the free slots offered for a reschedule: every 15 minutes. */
    public static final Duration DEFAULT_SLOT_STEP = Duration.ofMinutes(15);

    private final BookingRules rules;
    private final BookingRepository repository;
    private final ManageLinks links;
    private final IdentityCheck identity;
    private final LockoutPolicy lockout;
    private final Duration grantValidity;
    private final Duration slotStep;
    private final Clock clock;
    private final LinkGuardStore guards;
    private final LinkLockListener lockListener;

    private SelfService(Builder b) {
        this.rules = Objects.requireNonNull(b.rules, "rules");
        this.repository = Objects.requireNonNull(b.repository, "repository");
        this.links = Objects.requireNonNull(b.links, "links");
        this.identity = b.identity;
        this.lockout = b.lockout;
        this.grantValidity = b.grantValidity;
        this.slotStep = b.slotStep;
        this.clock = links.clock();
        this.guards = links.guardStore();
        this.lockListener = b.lockListener;
    }

    /**
     * A builder. The rules, the repository they use, and the links are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a manage link: the appointment and what the customer may do, before any identity check.
     *
     * @param manageToken the token from the link, may be null
     * @return the view, or {@link LinkDenial#LINK_INVALID}
     */
    public LinkResult<ManageView> open(String manageToken) {
        Optional<Booking> booking = bookingOf(manageToken, LinkPurpose.MANAGE);
        if (booking.isEmpty()) {
            return denied(LinkDenial.LINK_INVALID);
        }
        Booking b = booking.get();
        return new LinkResult.Ok<>(new ManageView(b.service().name(), b.resource().name(),
                ZonedDateTime.ofInstant(b.start(), b.zone()), ZonedDateTime.ofInstant(b.end(), b.zone()), b.status(),
                rules.permissions(customerOf(b), ref(b))));
    }

    /**
     * Checks the holder's answer (R8) under the {@link LockoutPolicy}. A right answer yields a grant
     * and starts the lock escalation again; a wrong one is counted, and the last one allowed locks
     * the link (the {@link LinkLockListener} hears of it). While locked, answers are not looked at.
     *
     * @param manageToken the token from the link, may be null
     * @param answer what the holder typed, may be null (then wrong)
     * @return the grant, or {@link LinkDenial#LINK_INVALID}, {@link LinkDenial#WRONG_ANSWER} (with
     *     attempts left, and until when if this answer locked the link), {@link LinkDenial#LOCKED}
     *     (with until when; also when right answers are used up) or {@link LinkDenial#NEEDS_NEW_LINK}
     */
    public LinkResult<Grant> verifyIdentity(String manageToken, String answer) {
        Optional<Booking> booking = bookingOf(manageToken, LinkPurpose.MANAGE);
        if (booking.isEmpty()) {
            return denied(LinkDenial.LINK_INVALID);
        }
        Booking b = booking.get();
        Instant now = clock.instant();
        GuardState seen = guards.state(b.tenantId(), b.id());
        if (seen.isLockedAt(now)) {
            // Locked: the answer is not even looked at, so tries while locked teach nothing.
            return lockedDenial(b, seen);
        }
        // One atomic change decides on the state as it is now, and looks at the answer only if the
        // link is not locked then: answers that arrive together are checked one after another, so
        // no more of them are ever looked at than the policy allows.
        GuardState[] before = new GuardState[1];
        boolean[] checked = new boolean[1];
        GuardState after = guards.update(b.tenantId(), b.id(), state -> {
            before[0] = state;
            if (state.isLockedAt(now)) {
                return state;
            }
            checked[0] = identity.passes(b, answer);
            return checked[0] ? state.afterSuccess(now, lockout) : state.afterFailure(now, lockout);
        });
        if (before[0].isLockedAt(now)) {
            return lockedDenial(b, before[0]);
        }
        boolean passed = checked[0];
        if (after.isLockedAt(now)) {
            tell(new LinkLock(b.tenantId(), b.id(), now, after.needsNewLink() ? null : after.lockedUntil(),
                    after.needsNewLink(), passed ? LinkLock.Cause.RIGHT_ANSWERS : LinkLock.Cause.WRONG_ANSWERS,
                    after.failuresWithin(now, LockoutPolicy.THIRTY_DAYS)));
        }
        if (!passed) {
            int inWindow = after.failuresInWindow(now, lockout);
            LOG.info("identity check booking={}: wrong answer ({} in window, {} in 30 days)", b.id(), inWindow,
                    after.failuresWithin(now, LockoutPolicy.THIRTY_DAYS));
            if (after.needsNewLink()) {
                return new LinkResult.Denied<>(LinkDenial.NEEDS_NEW_LINK, null, 0);
            }
            return new LinkResult.Denied<>(LinkDenial.WRONG_ANSWER, after.isLockedAt(now) ? after.lockedUntil() : null,
                    attemptsLeft(after, now));
        }
        if (after.isLockedAt(now)) {
            LOG.info("identity check booking={}: right answers used up until {}", b.id(), after.lockedUntil());
            return new LinkResult.Denied<>(LinkDenial.LOCKED, after.lockedUntil(), 0);
        }
        // Tokens keep whole seconds: the grant says exactly when it stops working.
        Instant expiresAt = now.plus(grantValidity).truncatedTo(ChronoUnit.SECONDS);
        LOG.debug("identity check booking={}: passed", b.id());
        return new LinkResult.Ok<>(new Grant(links.issue(LinkPurpose.GRANT, b.tenantId(), b.id(), expiresAt), expiresAt));
    }

    /**
     * The guard of a booking's links as staff would see it: whether they are locked, until when,
     * whether staff must act ({@link GuardState#needsNewLink()}) and the recent wrong answers.
     *
     * @param tenantId a valid id ({@link Ids#require})
     * @param bookingId a valid id ({@link Ids#require})
     * @return the state, {@link GuardState#INITIAL} if no link of the booking was ever checked
     * @throws IllegalArgumentException if an id is blank, too long or has control characters
     */
    public GuardState guardState(String tenantId, String bookingId) {
        Ids.require(tenantId, "tenantId");
        Ids.require(bookingId, "bookingId");
        return guards.state(tenantId, bookingId);
    }

    /**
     * Unlocks a booking's links for staff (after they made sure the customer is who they say):
     * wrong answers forgotten, no lock, links still valid. To void the links as well, use
     * {@link #revokeLinks} and send a new one.
     *
     * @param staff who unlocks, logged by id; not null
     * @param tenantId a valid id ({@link Ids#require})
     * @param bookingId a valid id ({@link Ids#require})
     * @throws IllegalArgumentException if an id is blank, too long or has control characters
     */
    public void unlockLinks(Actor.Staff staff, String tenantId, String bookingId) {
        Objects.requireNonNull(staff, "staff");
        Ids.require(tenantId, "tenantId");
        Ids.require(bookingId, "bookingId");
        guards.update(tenantId, bookingId, GuardState::unlocked);
        LOG.info("links of booking={} unlocked by staff={}", bookingId, staff.staffId());
    }

    private LinkResult<Grant> lockedDenial(Booking b, GuardState state) {
        if (state.needsNewLink()) {
            LOG.info("identity check booking={}: link locked until staff act", b.id());
            return new LinkResult.Denied<>(LinkDenial.NEEDS_NEW_LINK, null, 0);
        }
        LOG.info("identity check booking={}: link locked until {}", b.id(), state.lockedUntil());
        return new LinkResult.Denied<>(LinkDenial.LOCKED, state.lockedUntil(), 0);
    }

    /** Wrong answers left before the next lock of any kind. */
    private int attemptsLeft(GuardState state, Instant now) {
        if (state.isLockedAt(now)) {
            return 0;
        }
        int window = lockout.maxFailures() - state.failuresInWindow(now, lockout);
        int day = lockout.maxFailuresPerDay() - state.failuresWithin(now, LockoutPolicy.DAY);
        int month = lockout.maxFailuresPer30Days() - state.failuresWithin(now, LockoutPolicy.THIRTY_DAYS);
        return Math.max(0, Math.min(window, Math.min(day, month)));
    }

    private void tell(LinkLock lock) {
        // lockedUntil is null exactly when the lock waits for staff.
        LOG.info("links of booking={} locked ({}, until {})", lock.bookingId(), lock.cause(),
                Objects.toString(lock.lockedUntil(), "staff act"));
        try {
            lockListener.locked(lock);
        } catch (RuntimeException e) {
            LOG.warn("link lock listener failed for booking={}: {}", lock.bookingId(), e.getClass().getName());
        }
    }

    /**
     * Confirms attendance (R7).
     *
     * @param grantToken the grant's token
     * @return the outcome of {@link BookingRules#confirm}, or {@link LinkDenial#LINK_INVALID}
     */
    public LinkResult<Outcome> confirm(String grantToken) {
        return act(grantToken, b -> rules.confirm(customerOf(b), ref(b), ChangeRequest.none()));
    }

    /**
     * Declines attendance (R7): allowed inside the cancellation notice, marked late.
     *
     * @param grantToken the grant's token
     * @param reason why, may be null
     * @return the outcome of {@link BookingRules#decline}, or {@link LinkDenial#LINK_INVALID}
     */
    public LinkResult<Outcome> decline(String grantToken, String reason) {
        return act(grantToken, b -> rules.decline(customerOf(b), ref(b), ChangeRequest.because(reason)));
    }

    /**
     * Cancels under the service's policy (R9, R11, R13).
     *
     * @param grantToken the grant's token
     * @param reason why, may be null
     * @return the outcome of {@link BookingRules#cancel}, or {@link LinkDenial#LINK_INVALID}
     */
    public LinkResult<Outcome> cancel(String grantToken, String reason) {
        return act(grantToken, b -> rules.cancel(customerOf(b), ref(b), ChangeRequest.because(reason)));
    }

    /**
     * The free slots the booking could move to between two dates in the booking's zone (R10):
     * within the resource's opening hours from {@link org.bookingrules.spi.Availability}, minus the
     * calendar, under the same rules a reschedule applies.
     *
     * @param grantToken the grant's token
     * @param from the first day, not null
     * @param to the last day (inclusive), not before {@code from}, at most 31 days after it
     * @return the slots, or {@link LinkDenial#LINK_INVALID}
     * @throws InvalidRequestException if the dates are malformed
     */
    public LinkResult<List<Interval>> freeSlots(String grantToken, LocalDate from, LocalDate to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.getYear() < EARLIEST_YEAR || to.getYear() > LATEST_YEAR) {
            throw new InvalidRequestException(List.of(from.getYear() < EARLIEST_YEAR ? "from" : "to"),
                    "from, to: must be within the years " + EARLIEST_YEAR + " to " + LATEST_YEAR);
        }
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) > MAX_FREE_SLOT_DAYS) {
            throw new InvalidRequestException(List.of("to"),
                    "to: must be from " + from + " to " + MAX_FREE_SLOT_DAYS + " days after it");
        }
        Optional<Booking> booking = bookingOf(grantToken, LinkPurpose.GRANT);
        if (booking.isEmpty()) {
            return denied(LinkDenial.LINK_INVALID);
        }
        Booking b = booking.get();
        Interval range = Interval.of(from.atStartOfDay(b.zone()).toInstant(),
                to.plusDays(1).atStartOfDay(b.zone()).toInstant());
        return new LinkResult.Ok<>(rules.freeSlots(customerOf(b), ref(b), range, slotStep));
    }

    /**
     * Moves the booking to a slot of the same length starting at {@code start} (R9, R10); counts
     * toward the customer's reschedule limit.
     *
     * @param grantToken the grant's token
     * @param start the new start, not null
     * @return the outcome of {@link BookingRules#reschedule}, or {@link LinkDenial#LINK_INVALID}
     */
    public LinkResult<Outcome> reschedule(String grantToken, Instant start) {
        Objects.requireNonNull(start, "start");
        if (start.isBefore(EARLIEST_YEAR_START) || start.isAfter(LATEST_YEAR_START)) {
            throw new InvalidRequestException(List.of("start"), "start: must be within the years " + EARLIEST_YEAR
                    + " to " + LATEST_YEAR);
        }
        return act(grantToken, b -> rules.reschedule(customerOf(b), ref(b),
                RescheduleRequest.to(start, start.plus(b.slot().toDuration()))));
    }

    /**
     * Revokes every link and grant issued so far for a booking (staff or the system, for example
     * after a leaked e-mail); new links can be issued, and start unlocked with no wrong answer
     * counted.
     *
     * @param tenantId a valid id ({@link Ids#require})
     * @param bookingId a valid id ({@link Ids#require})
     * @throws IllegalArgumentException if an id is blank, too long or has control characters
     */
    public void revokeLinks(String tenantId, String bookingId) {
        Ids.require(tenantId, "tenantId");
        Ids.require(bookingId, "bookingId");
        guards.update(tenantId, bookingId, GuardState::revoked);
        LOG.info("links of booking={} revoked", bookingId);
    }

    // --------------------------------------------------------------------- cancellation-list offers

    /**
     * Opens the link of a cancellation-list offer: the slot, until when, and whether it is still
     * open. Offer links need no identity check: they show no personal data, expire a week after the
     * offer's deadline, and accepting does only what the customer asked for when joining the list.
     *
     * @param offerToken the token from the link, may be null
     * @return the page, or {@link LinkDenial#LINK_INVALID} for every kind of invalid link
     */
    public LinkResult<OfferPage> openOffer(String offerToken) {
        return offerOf(offerToken).<LinkResult<OfferPage>>map(view -> {
            SlotHold hold = view.hold();
            return new LinkResult.Ok<>(new OfferPage(hold.service().name(), hold.resource().name(),
                    ZonedDateTime.ofInstant(hold.slot().getStart(), hold.zone()),
                    ZonedDateTime.ofInstant(hold.slot().getEnd(), hold.zone()),
                    ZonedDateTime.ofInstant(view.offer().deadline(), hold.zone()), view.offer().status(),
                    view.entry().bookingId() != null));
        }).orElseGet(() -> denied(LinkDenial.LINK_INVALID));
    }

    /**
     * Accepts the offer a link names, as its customer ({@link org.bookingrules.Waitlist#accept}).
     *
     * @param offerToken the token from the link, may be null
     * @return the outcome (the booking made or moved, or a refusal such as OFFER_TAKEN or
     *     OFFER_EXPIRED), or {@link LinkDenial#LINK_INVALID}
     */
    public LinkResult<Outcome> acceptOffer(String offerToken) {
        return offerOf(offerToken).<LinkResult<Outcome>>map(view -> new LinkResult.Ok<>(rules.waitlist().accept(
                Actor.customer(view.entry().customer().id()), view.offer().tenantId(), view.offer().id())))
                .orElseGet(() -> denied(LinkDenial.LINK_INVALID));
    }

    /**
     * Declines the offer a link names, as its customer ({@link org.bookingrules.Waitlist#decline}):
     * the customer keeps their place on the list.
     *
     * @param offerToken the token from the link, may be null
     * @return the outcome, or {@link LinkDenial#LINK_INVALID}
     */
    public LinkResult<WaitlistOutcome> declineOffer(String offerToken) {
        return offerOf(offerToken).<LinkResult<WaitlistOutcome>>map(view -> new LinkResult.Ok<>(rules.waitlist()
                .decline(Actor.customer(view.entry().customer().id()), view.offer().tenantId(), view.offer().id())))
                .orElseGet(() -> denied(LinkDenial.LINK_INVALID));
    }

    /** The offer a valid offer token names, with its hold and entry, or empty for every kind of invalid. */
    private Optional<OfferView> offerOf(String token) {
        TokenCheck check = links.verify(token, LinkPurpose.OFFER);
        if (check instanceof TokenCheck.Invalid invalid) {
            LOG.info("OFFER link rejected: {}", invalid.reason());
            return Optional.empty();
        }
        LinkClaims claims = ((TokenCheck.Valid) check).claims();
        Optional<OfferView> view = repository instanceof WaitlistStore store
                ? store.findOffer(claims.tenantId(), claims.bookingId()).flatMap(o -> store.findHold(o.tenantId(),
                        o.holdId()).flatMap(h -> store.findEntry(o.tenantId(), o.entryId())
                        .map(e -> new OfferView(o, h, e))))
                : Optional.empty();
        if (view.isEmpty()) {
            LOG.info("OFFER link of offer={} rejected: no such offer", claims.bookingId());
        }
        return view;
    }

    private LinkResult<Outcome> act(String grantToken, Function<Booking, Outcome> action) {
        Optional<Booking> booking = bookingOf(grantToken, LinkPurpose.GRANT);
        return booking.<LinkResult<Outcome>>map(b -> new LinkResult.Ok<>(action.apply(b)))
                .orElseGet(() -> denied(LinkDenial.LINK_INVALID));
    }

    /** The active booking a valid token of the purpose names, or empty for every kind of invalid. */
    private Optional<Booking> bookingOf(String token, LinkPurpose purpose) {
        TokenCheck check = links.verify(token, purpose);
        if (check instanceof TokenCheck.Invalid invalid) {
            LOG.info("{} link rejected: {}", purpose, invalid.reason());
            return Optional.empty();
        }
        LinkClaims claims = ((TokenCheck.Valid) check).claims();
        Optional<Booking> booking = repository.find(claims.tenantId(), claims.bookingId())
                .filter(Booking::isActive)
                .filter(b -> b.customer().isPresent());
        if (booking.isEmpty()) {
            LOG.info("{} link of booking={} rejected: no active booking with a customer", purpose, claims.bookingId());
        }
        return booking;
    }

    private static Actor customerOf(Booking booking) {
        return Actor.customer(booking.customer().orElseThrow().id());
    }

    private static BookingRef ref(Booking booking) {
        return BookingRef.of(booking.tenantId(), booking.id());
    }

    private static <T> LinkResult<T> denied(LinkDenial denial) {
        return new LinkResult.Denied<>(denial, null, -1);
    }

    /** Builds {@link SelfService}. Not thread-safe. */
    public static final class Builder {
        private BookingRules rules;
        private BookingRepository repository;
        private ManageLinks links;
        private IdentityCheck identity = IdentityCheck.email();
        private LockoutPolicy lockout = LockoutPolicy.DEFAULT;
        private Duration grantValidity = DEFAULT_GRANT_VALIDITY;
        private Duration slotStep = DEFAULT_SLOT_STEP;
        private LinkLockListener lockListener = LinkLockListener.NONE;

        private Builder() {
        }

        /**
         * @param v hears each lock an identity check puts on a link, to tell staff; default none
         * @return this
         */
        public Builder onLinkLocked(LinkLockListener v) {
            lockListener = Objects.requireNonNull(v, "onLinkLocked");
            return this;
        }

        /**
         * @param v the facade every action goes through; required
         * @return this
         */
        public Builder rules(BookingRules v) {
            rules = Objects.requireNonNull(v, "rules");
            return this;
        }

        /**
         * @param v the repository the facade uses, to read the booking a link names; required
         * @return this
         */
        public Builder repository(BookingRepository v) {
            repository = Objects.requireNonNull(v, "repository");
            return this;
        }

        /**
         * @param v the links (keys, clock and guard store); required
         * @return this
         */
        public Builder links(ManageLinks v) {
            links = Objects.requireNonNull(v, "links");
            return this;
        }

        /**
         * @param v the identity check; default {@link IdentityCheck#email()}
         * @return this
         */
        public Builder identityCheck(IdentityCheck v) {
            identity = Objects.requireNonNull(v, "identityCheck");
            return this;
        }

        /**
         * @param v how failed checks lock a link; default {@link LockoutPolicy#DEFAULT}
         * @return this
         */
        public Builder lockout(LockoutPolicy v) {
            lockout = Objects.requireNonNull(v, "lockout");
            return this;
        }

        /**
         * @param v how long a grant lasts, 1 minute to 24 hours; default 15 minutes
         * @return this
         */
        public Builder grantValidity(Duration v) {
            Objects.requireNonNull(v, "grantValidity");
            if (v.compareTo(Duration.ofMinutes(1)) < 0 || v.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("grantValidity must be 1 minute to 24 hours, was " + v);
            }
            grantValidity = v;
            return this;
        }

        /**
         * @param v the grid of free-slot start times, at least 5 minutes; default 15 minutes
         * @return this
         */
        public Builder slotStep(Duration v) {
            Objects.requireNonNull(v, "slotStep");
            if (v.compareTo(BookingRules.MIN_FREE_SLOT_STEP) < 0) {
                throw new IllegalArgumentException("slotStep must be at least " + BookingRules.MIN_FREE_SLOT_STEP
                        + ", was " + v);
            }
            slotStep = v;
            return this;
        }

        /**
         * Builds the self-service.
         *
         * @return the self-service
         * @throws NullPointerException if rules, repository or links are missing
         */
        public SelfService build() {
            return new SelfService(this);
        }
    }
}
