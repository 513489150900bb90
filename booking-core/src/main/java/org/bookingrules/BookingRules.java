package org.bookingrules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Transition;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.PolicyResolver;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.rules.Decision;
import org.bookingrules.internal.rules.OwnBookingRule;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.internal.rules.RuleBook;
import org.bookingrules.internal.rules.RuleContext;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.ManageLinkIssuer;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * The library's entry point: every booking command, decided by the rules and recorded with its
 * history and notifications. Build one per application with {@link #builder()} and share it: it is
 * immutable and thread-safe.
 *
 * <p>Every command follows one path: load &rarr; decide (pure rules) &rarr; transition (pure)
 * &rarr; save with a version check &rarr; hand the notifications to the notifier. If another
 * command changed the booking between load and save, the whole command runs again on fresh state
 * (up to {@link Builder#maxAttempts(int)} times), so its decision is never based on stale facts.
 *
 * <p>Notifications are handed over after the change is saved, and the repository keeps them too
 * (with {@code booking-core-jdbc}, an outbox relay delivers them from there). A notifier that fails
 * is retried ({@link Builder#notificationAttempts(int)}); one that hangs is cut off: each
 * notification gets at most {@link Builder#notificationTimeout(Duration)} (default 10 seconds) for
 * all its attempts, which run on a delivery thread (see {@link Builder#notificationExecutor}).
 * After that the command gives the notification up (logged by notification id and kind) and
 * returns its outcome: a slow or stuck notifier never blocks nor undoes a booking change.
 *
 * <p>Expected refusals come back as {@link Outcome.Refused} with a stable
 * {@link RefusalReason}. Exceptions are for faults: a malformed request
 * ({@link InvalidRequestException}, naming the field; nothing is written), storage failures, and a
 * conflict that outlived its retries ({@link BookingConflictException}). An unknown booking, a
 * booking of another tenant and, for a customer, another customer's booking all look the same:
 * {@link RefusalReason#BOOKING_NOT_FOUND}.
 *
 * <p>Logs carry booking ids, actor kinds and reason codes, never personal data.
 */
public final class BookingRules {

    private static final Logger LOG = LoggerFactory.getLogger(BookingRules.class);
    private static final OwnBookingRule VISIBILITY = new OwnBookingRule();

    /** Default number of times a command is tried when it loses a race: 5. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default number of delivery attempts per notification: 3. */
    public static final int DEFAULT_NOTIFICATION_ATTEMPTS = 3;
    /** Default number of reminders sent per {@link #sendDueReminders()} call: 1000. */
    public static final int DEFAULT_REMINDER_BATCH = 1000;
    /** Default longest wait for the delivery of one notification, its retries included: 10 seconds. */
    public static final Duration DEFAULT_NOTIFICATION_TIMEOUT = Duration.ofSeconds(10);
    /** Longest allowed notification timeout: 10 minutes. */
    public static final Duration MAX_NOTIFICATION_TIMEOUT = Duration.ofMinutes(10);
    /** Most threads of the delivery pool the facade owns when no executor is given: 64. */
    public static final int OWN_NOTIFICATION_THREADS = 64;

    private static final AtomicInteger NOTIFICATION_THREADS = new AtomicInteger();

    private final BookingRepository repository;
    private final BookingNotifier notifier;
    private final PolicyResolver policies;
    private final Clock clock;
    private final ManageLinkIssuer links;
    private final Supplier<String> ids;
    private final Supplier<String> codes;
    private final Locale defaultLocale;
    private final int maxAttempts;
    private final int notificationAttempts;
    private final Duration notificationTimeout;
    /** Where the notifier runs: the caller's executor or the facade's own pool. */
    private final Executor deliveries;
    private final boolean ownsDeliveries;
    private final int reminderBatch;
    private final RuleBook ruleBook;
    private final RequestValidator validator = new RequestValidator();

    private BookingRules(Builder b) {
        this.repository = Objects.requireNonNull(b.repository, "repository");
        this.notifier = b.notifier;
        this.policies = b.policies;
        this.clock = b.clock;
        this.links = b.links;
        this.ids = b.ids;
        this.codes = b.codes;
        this.defaultLocale = b.defaultLocale;
        this.maxAttempts = b.maxAttempts;
        this.notificationAttempts = b.notificationAttempts;
        this.notificationTimeout = b.notificationTimeout;
        this.ownsDeliveries = b.notificationExecutor == null;
        this.deliveries = ownsDeliveries ? ownDeliveryPool() : b.notificationExecutor;
        this.reminderBatch = b.reminderBatch;
        this.ruleBook = new RuleBook(b.availability);
    }

    /**
     * A builder. Only the repository is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The facade's own delivery threads: daemon threads, started when needed and ended after 30
     * seconds idle, so a facade that is dropped needs no shutdown. Deliveries beyond
     * {@value #OWN_NOTIFICATION_THREADS} at once wait in the queue; that wait counts against the
     * timeout, and a delivery given up while waiting is taken out of the queue.
     */
    private static ThreadPoolExecutor ownDeliveryPool() {
        ThreadFactory threads = task -> {
            Thread t = new Thread(task, "booking-rules-notifier-" + NOTIFICATION_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(OWN_NOTIFICATION_THREADS, OWN_NOTIFICATION_THREADS, 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    // ---------------------------------------------------------------------------------- commands

    /**
     * Makes a booking (R1). It is {@code PENDING}, or confirmed at once by the system when it
     * starts within the reminder lead (R6). The slot must be free; customers must also book in
     * the future, with the minimum notice, within opening hours (R10).
     *
     * @param actor who books: the customer themselves, or staff; not null
     * @param request the booking, not null
     * @return {@link Outcome.Done} with the new booking, or {@link Outcome.Refused}
     * @throws InvalidRequestException if the request is malformed
     */
    public Outcome book(Actor actor, BookRequest request) {
        validator.checkNotNull("actor", actor);
        validator.check("request", request);
        Interval slot = slotOf(request.start(), request.end());
        String fingerprint = request.idempotencyKey() == null ? null : fingerprint(actor, request, slot);
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Instant now = now();
            BookingPolicy policy = policies.policyFor(request.tenantId(), request.resource().id(),
                    request.service().id());
            RuleContext context = new RuleContext(request.tenantId(), null, actor, now, policy, slot,
                    request.resource(), request.zone());
            if (fingerprint != null) {
                Optional<Outcome> repeat = repeatOf(request, fingerprint, actor, context);
                if (repeat.isPresent()) {
                    return repeat.get();
                }
            }
            Decision decision = RuleBook.evaluate(ruleBook.bookTarget(actor, request.customer()), context);
            if (decision instanceof Refusal refusal) {
                return refused(Action.BOOK, null, actor, refusal);
            }
            Booking.Builder spec = Booking.builder()
                    .tenantId(request.tenantId())
                    .id(ids.get())
                    .confirmationCode(codes.get())
                    .resource(request.resource())
                    .service(request.service())
                    .customer(request.customer())
                    .slot(slot)
                    .zone(request.zone())
                    .paymentStatus(request.paymentStatus())
                    .reminder(reminderFor(slot, request.customer(), policy));
            List<Transition> steps = new ArrayList<>();
            steps.add(Booking.book(spec, actor, now));
            autoConfirmIfDue(steps, now, policy);
            Plan plan = new Plan(steps, claimFor(slot, now), NotificationKind.BOOKED,
                    recipients(actor, request.notification()), personalMessage(actor, request.notification()));
            Booking booked = steps.get(0).booking();
            IdempotencyKey idempotency = fingerprint == null ? null
                    : new IdempotencyKey(request.idempotencyKey(), fingerprint, booked.id());
            Prepared prepared = prepare(plan, 0, idempotency);
            SaveResult result = repository.insert(prepared.change);
            switch (result) {
                case SAVED:
                    return done(Action.BOOK, actor, prepared);
                case SLOT_TAKEN:
                    return refused(Action.BOOK, null, actor, context.refuse(RefusalReason.SLOT_UNAVAILABLE, null));
                case CODE_TAKEN:
                    LOG.debug("book: confirmation code clash, drawing another (attempt {})", attempt);
                    continue;
                case IDEMPOTENCY_KEY_TAKEN:
                    // A concurrent repeat won; the next attempt finds its key and answers as it did.
                    LOG.debug("book: idempotency key stored concurrently (attempt {})", attempt);
                    continue;
                default:
                    throw new IllegalStateException("unexpected insert result " + result);
            }
        }
        throw new BookingConflictException("book: could not store the booking in " + maxAttempts + " attempts");
    }

    /**
     * A repeat of an earlier request with the same idempotency key: the first booking as it is now
     * (nothing changed, nobody notified), or a refusal if the key came with other content.
     */
    private Optional<Outcome> repeatOf(BookRequest request, String fingerprint, Actor actor, RuleContext context) {
        Optional<IdempotencyKey> seen = repository.findIdempotencyKey(request.tenantId(), request.idempotencyKey());
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        if (!seen.get().fingerprint().equals(fingerprint)) {
            return Optional.of(refused(Action.BOOK, null, actor,
                    context.refuse(RefusalReason.IDEMPOTENCY_KEY_REUSED, null)));
        }
        Booking first = repository.find(request.tenantId(), seen.get().bookingId())
                .orElseThrow(() -> new IllegalStateException("idempotency key points to a missing booking"));
        LOG.debug("BOOK booking={}: repeat of an idempotent request, nothing changed", first.id());
        return Optional.of(new Outcome.Done(first, List.of(), List.of(), Set.of()));
    }

    /**
     * SHA-256 of what identifies a booking request, so a repeat can be told from a key's reuse. It
     * takes the slot as stored (to the microsecond), so a retry that echoes the booking's own slot
     * is a repeat.
     */
    private static String fingerprint(Actor actor, BookRequest request, Interval slot) {
        String canonical = String.join("\n", actor.getClass().getSimpleName(), actor.id(), request.tenantId(),
                request.resource().id(), request.service().id(),
                request.customer() == null ? "-" : request.customer().id(),
                slot.getStart().toString(), slot.getEnd().toString(), request.zone().getId(),
                request.paymentStatus().name());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Confirms attendance (R4, R7). Confirming a confirmed booking changes nothing.
     *
     * @param actor the booking's customer (before the start) or staff; not null
     * @param ref the booking, not null
     * @param change the reason and, for staff, whom to notify; not null
     * @return the outcome
     * @throws InvalidRequestException if an argument is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome confirm(Actor actor, BookingRef ref, ChangeRequest change) {
        return command(Action.CONFIRM, actor, ref, change, (booking, now, policy) -> {
            if (booking.status() == BookingStatus.CONFIRMED) {
                return Step.UNCHANGED;
            }
            return Step.change(allowed -> Apply.of(booking.confirm(actor, now), NotificationKind.CONFIRMED));
        });
    }

    /**
     * Confirms attendance, notifying both.
     *
     * @param actor not null
     * @param ref not null
     * @return the outcome
     * @see #confirm(Actor, BookingRef, ChangeRequest)
     */
    public Outcome confirm(Actor actor, BookingRef ref) {
        return confirm(actor, ref, ChangeRequest.none());
    }

    /**
     * Revokes a confirmation, back to {@code PENDING} (R4). Staff only; any number of times.
     * Revoking on a pending booking changes nothing.
     *
     * @param actor staff; not null
     * @param ref the booking, not null
     * @param change the reason and whom to notify; not null
     * @return the outcome
     * @throws InvalidRequestException if an argument is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome revokeConfirmation(Actor actor, BookingRef ref, ChangeRequest change) {
        return command(Action.REVOKE_CONFIRMATION, actor, ref, change, (booking, now, policy) -> {
            if (booking.status() == BookingStatus.PENDING) {
                return Step.UNCHANGED;
            }
            // R5: unconfirmed again, so it gets the slot's one reminder unless it had it already.
            ReminderState reminder = booking.reminder().dueAt() != null ? booking.reminder()
                    : reminderFor(booking.slot(), booking.customer().orElse(null), policy);
            return Step.change(allowed -> Apply.of(booking.revokeConfirmation(actor, now, change.reason(), reminder),
                    NotificationKind.CONFIRMATION_REVOKED));
        });
    }

    /**
     * Records the customer's "I will not attend" (R7). Allowed while the booking is active and
     * has not started, even inside the cancellation notice, where it is marked late (R13). The
     * customer is acknowledged and the resource informed. Declining a declined booking changes
     * nothing.
     *
     * @param actor the booking's customer, or staff on their behalf; not null
     * @param ref the booking, not null
     * @param change the reason and, for staff, whom to notify; not null
     * @return the outcome
     * @throws InvalidRequestException if an argument is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome decline(Actor actor, BookingRef ref, ChangeRequest change) {
        return command(Action.DECLINE, actor, ref, change, (booking, now, policy) -> {
            if (booking.status() == BookingStatus.DECLINED) {
                return Step.UNCHANGED;
            }
            return Step.change(allowed -> Apply.of(booking.decline(actor, now, change.reason(), allowed.late()),
                    NotificationKind.DECLINED));
        });
    }

    /**
     * Cancels a booking (R2, R9, R11, R13). The slot is freed; the booking stays in the history.
     * Customers are bound by the service's policy; staff are not (R12). Cancelling a cancelled
     * booking changes nothing and says so ({@link Outcome.Done#changed()} is false).
     *
     * @param actor the booking's customer or staff; not null
     * @param ref the booking, not null
     * @param change the reason and, for staff, whom to notify with what message; not null
     * @return the outcome
     * @throws InvalidRequestException if an argument is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome cancel(Actor actor, BookingRef ref, ChangeRequest change) {
        return command(Action.CANCEL, actor, ref, change, (booking, now, policy) -> {
            if (booking.status() == BookingStatus.CANCELLED) {
                return Step.UNCHANGED;
            }
            return Step.change(allowed -> Apply.of(booking.cancel(actor, now, change.reason(),
                    personalMessage(actor, change.notification()), allowed.late(), allowed.lateFee()),
                    NotificationKind.CANCELLED));
        });
    }

    /**
     * Moves a booking to a new slot, and for staff optionally to another resource (R3, R9, R10,
     * R12). The confirmation is reset to {@code PENDING} and a new reminder armed, unless the new
     * start is within the reminder lead, then the system confirms it (R6). Staff may revive a
     * cancelled or declined booking this way (R3) and may back-date into the past without a slot
     * check; a future slot must be free for everyone. Moving to the current slot and resource
     * changes nothing.
     *
     * @param actor the booking's customer or staff; not null
     * @param ref the booking, not null
     * @param request the new slot, resource and change details; not null
     * @return the outcome
     * @throws InvalidRequestException if an argument is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome reschedule(Actor actor, BookingRef ref, RescheduleRequest request) {
        validator.check("request", request);
        Interval newSlot = slotOf(request.start(), request.end());
        ChangeRequest change = request.change();
        return command(Action.RESCHEDULE, actor, ref, change, (booking, now, policy) -> {
            Resource target = request.resource() != null ? request.resource() : booking.resource();
            if (booking.isActive() && booking.slot().equals(newSlot) && booking.resource().equals(target)) {
                return Step.UNCHANGED;
            }
            return Step.move(newSlot, target, allowed -> {
                BookingPolicy targetPolicy = policies.policyFor(booking.tenantId(), target.id(),
                        booking.service().id());
                List<Transition> steps = new ArrayList<>();
                steps.add(booking.reschedule(actor, now, newSlot, target,
                        reminderFor(newSlot, booking.customer().orElse(null), targetPolicy), change.reason()));
                autoConfirmIfDue(steps, now, targetPolicy);
                return new Apply(steps, claimFor(newSlot, now), NotificationKind.RESCHEDULED);
            });
        });
    }

    /**
     * Records that the customer did not come. Staff only, once the appointment has started.
     *
     * @param actor staff; not null
     * @param ref the booking, not null
     * @param change a note and whom to notify; not null
     * @return the outcome
     * @throws InvalidRequestException if an argument is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome markNoShow(Actor actor, BookingRef ref, ChangeRequest change) {
        return command(Action.MARK_NO_SHOW, actor, ref, change, (booking, now, policy) -> {
            if (booking.status() == BookingStatus.NO_SHOW) {
                return Step.UNCHANGED;
            }
            return Step.change(allowed -> Apply.of(booking.markNoShow(actor, now, change.reason()),
                    NotificationKind.NO_SHOW));
        });
    }

    /**
     * Records that the appointment took place. Staff only, once it has started.
     *
     * @param actor staff; not null
     * @param ref the booking, not null
     * @param change whom to notify; not null
     * @return the outcome
     * @throws InvalidRequestException if an argument is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome complete(Actor actor, BookingRef ref, ChangeRequest change) {
        return command(Action.COMPLETE, actor, ref, change, (booking, now, policy) -> {
            if (booking.status() == BookingStatus.COMPLETED) {
                return Step.UNCHANGED;
            }
            return Step.change(allowed -> Apply.of(booking.complete(actor, now), NotificationKind.COMPLETED));
        });
    }

    /**
     * Sends the reminders that are due now (R5): to each pending booking whose reminder is armed,
     * unsent, due, and whose start has not come, one reminder to the customer, recorded in its
     * history so it is never sent twice for the same slot. A booking changed concurrently is left
     * for the next sweep. Call it from a scheduler, every minute or so.
     *
     * @return what was sent, one {@link Outcome.Done} per reminded booking, at most
     *     {@link Builder#reminderBatch(int)}
     */
    public List<Outcome.Done> sendDueReminders() {
        Instant now = now();
        List<Outcome.Done> sent = new ArrayList<>();
        for (Booking due : repository.dueReminders(now, reminderBatch)) {
            if (due.status() != BookingStatus.PENDING || !due.reminder().isArmed()
                    || due.reminder().dueAt().isAfter(now) || !now.isBefore(due.start())) {
                continue;
            }
            Plan plan = new Plan(List.of(due.markReminderSent(now)), SlotClaim.NONE, NotificationKind.REMINDER,
                    EnumSet.of(RecipientRole.CUSTOMER), null);
            Prepared prepared = prepare(plan, due.version(), null);
            SaveResult result = repository.update(prepared.change);
            if (result == SaveResult.SAVED) {
                sent.add((Outcome.Done) done(null, Actor.SYSTEM, prepared));
            } else {
                LOG.debug("reminder for booking {} skipped: {}", due.id(), result);
            }
        }
        return sent;
    }

    // ----------------------------------------------------------------------------------- queries

    /**
     * What this actor may do with the booking now, and until when, by the same rules the commands
     * apply. Changes nothing.
     *
     * @param actor not null
     * @param ref the booking, not null
     * @return the permissions; for an unknown (or not visible) booking every action is refused
     *     with {@link RefusalReason#BOOKING_NOT_FOUND}
     * @throws InvalidRequestException if an argument is malformed
     */
    public Permissions permissions(Actor actor, BookingRef ref) {
        validator.checkNotNull("actor", actor);
        validator.check("ref", ref);
        Optional<Booking> found = visible(actor, ref);
        if (found.isEmpty()) {
            Refusal notFound = notFound();
            return new Permissions(notFound, notFound, notFound, notFound, OptionalInt.empty());
        }
        Booking booking = found.get();
        RuleContext context = RuleContext.of(booking, actor, now(), policyOf(booking));
        OptionalInt left = actor instanceof Actor.Customer
                ? OptionalInt.of(Math.max(0, context.policy().maxCustomerReschedules() - booking.customerReschedules()))
                : OptionalInt.empty();
        return new Permissions(
                RuleBook.evaluate(ruleBook.rulesFor(Action.CANCEL, actor), context),
                RuleBook.evaluate(ruleBook.rulesFor(Action.RESCHEDULE, actor), context),
                RuleBook.evaluate(ruleBook.rulesFor(Action.CONFIRM, actor), context),
                RuleBook.evaluate(ruleBook.rulesFor(Action.DECLINE, actor), context),
                left);
    }

    /** Longest range {@link #freeSlots} looks at: 33 days, so 32 local days fit across a DST change. */
    public static final Duration MAX_FREE_SLOT_RANGE = Duration.ofDays(33);
    /** Smallest step {@link #freeSlots} takes. */
    public static final Duration MIN_FREE_SLOT_STEP = Duration.ofMinutes(5);

    /**
     * The slots this actor could move the booking to now: slots of the booking's length, starting
     * every {@code step} from {@code range}'s start, inside the range, that the same rules a
     * reschedule applies would allow (future, minimum notice, opening hours from
     * {@link Availability}, R10) and that no other active booking of the resource overlaps. Changes
     * nothing; a slot can still be taken before the reschedule, which then says so.
     *
     * @param actor not null
     * @param ref the booking, not null
     * @param range where to look, at most {@link #MAX_FREE_SLOT_RANGE}, not null
     * @param step the grid of start times, at least {@link #MIN_FREE_SLOT_STEP}, not null
     * @return the free slots by start; empty if the booking is unknown or not visible, or this actor
     *     may not reschedule it now
     * @throws InvalidRequestException if an argument is malformed
     */
    public List<Interval> freeSlots(Actor actor, BookingRef ref, Interval range, Duration step) {
        validator.checkNotNull("actor", actor);
        validator.check("ref", ref);
        validator.checkNotNull("range", range);
        validator.checkNotNull("step", step);
        validator.checkInstant("range", range.isUnboundedStart() ? Instant.MIN : range.getStart());
        validator.checkInstant("range", range.isUnboundedEnd() ? Instant.MAX : range.getEnd());
        if (range.toDuration().compareTo(MAX_FREE_SLOT_RANGE) > 0 || range.isUnboundedStart() || range.isUnboundedEnd()) {
            throw new InvalidRequestException(List.of("range"), "range: must be at most " + MAX_FREE_SLOT_RANGE);
        }
        if (step.compareTo(MIN_FREE_SLOT_STEP) < 0) {
            throw new InvalidRequestException(List.of("step"), "step: must be at least " + MIN_FREE_SLOT_STEP);
        }
        Optional<Booking> found = visible(actor, ref);
        if (found.isEmpty()) {
            return List.of();
        }
        Booking booking = found.get();
        RuleContext context = RuleContext.of(booking, actor, now(), policyOf(booking));
        if (!ruleBook.mayAct(Action.RESCHEDULE, actor)
                || !RuleBook.evaluate(ruleBook.rulesFor(Action.RESCHEDULE, actor), context).isAllowed()) {
            return List.of();
        }
        Duration length = booking.slot().toDuration();
        List<Booking> taken = repository.calendar(booking.tenantId(), booking.resource().id(), range).stream()
                .filter(other -> !other.id().equals(booking.id()))
                .toList();
        List<Interval> free = new ArrayList<>();
        for (Instant start = range.getStart(); !start.plus(length).isAfter(range.getEnd()); start = start.plus(step)) {
            Interval candidate = Interval.of(start, length);
            if (candidate.equals(booking.slot()) || taken.stream().anyMatch(b -> b.slot().overlaps(candidate))) {
                continue;
            }
            if (RuleBook.evaluate(ruleBook.rescheduleTarget(actor), context.withTarget(candidate, booking.resource()))
                    .isAllowed()) {
                free.add(candidate);
            }
        }
        return List.copyOf(free);
    }

    /**
     * The booking as this actor may see it.
     *
     * @param actor not null
     * @param ref not null
     * @return the booking, or empty if unknown, of another tenant, or another customer's
     * @throws InvalidRequestException if an argument is malformed
     */
    public Optional<Booking> find(Actor actor, BookingRef ref) {
        validator.checkNotNull("actor", actor);
        validator.check("ref", ref);
        return visible(actor, ref);
    }

    /**
     * The booking's history, oldest first (R15).
     *
     * @param actor not null
     * @param ref not null
     * @return the events; empty if the booking is unknown or not visible to the actor
     * @throws InvalidRequestException if an argument is malformed
     */
    public List<BookingEvent> history(Actor actor, BookingRef ref) {
        validator.checkNotNull("actor", actor);
        validator.check("ref", ref);
        return visible(actor, ref).map(b -> repository.history(b.tenantId(), b.id())).orElse(List.of());
    }

    // ----------------------------------------------------------------------------------- engine

    /** Decides what one action does to a loaded booking, before its rules are evaluated. */
    @FunctionalInterface
    private interface Command {
        Step decide(Booking booking, Instant now, BookingPolicy policy);
    }

    /** The transitions to save, with their slot claim and notification kind. */
    private record Apply(List<Transition> transitions, SlotClaim claim, NotificationKind kind) {
        static Apply of(Transition transition, NotificationKind kind) {
            return new Apply(List.of(transition), SlotClaim.NONE, kind);
        }
    }

    /**
     * What a command will do once its rules allow it: nothing (already done), or a function of
     * the allowance (decline and cancel need its lateness and fee). A move also names its target,
     * for the target-slot rules.
     */
    private record Step(Interval targetSlot, Resource targetResource, Function<Decision.Allowed, Apply> apply) {
        static final Step UNCHANGED = new Step(null, null, null);

        static Step change(Function<Decision.Allowed, Apply> apply) {
            return new Step(null, null, apply);
        }

        static Step move(Interval slot, Resource resource, Function<Decision.Allowed, Apply> apply) {
            return new Step(slot, resource, apply);
        }

        boolean unchanged() {
            return apply == null;
        }
    }

    private Outcome command(Action action, Actor actor, BookingRef ref, ChangeRequest change, Command command) {
        validator.checkNotNull("actor", actor);
        validator.check("ref", ref);
        validator.check("change", change);
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Optional<Booking> found = visible(actor, ref);
            if (found.isEmpty()) {
                return refused(action, ref.bookingId(), actor, notFound());
            }
            Booking booking = found.get();
            Instant now = now();
            BookingPolicy policy = policyOf(booking);
            RuleContext context = RuleContext.of(booking, actor, now, policy);
            if (!ruleBook.mayAct(action, actor)) {
                return refused(action, booking.id(), actor, context.refuse(RefusalReason.ACTION_NOT_PERMITTED, null));
            }
            Step step = command.decide(booking, now, policy);
            if (step.unchanged()) {
                LOG.debug("{} booking={} actor={}: already done, nothing changed", action, booking.id(), describe(actor));
                return new Outcome.Done(booking, List.of(), List.of(), Set.of());
            }
            Decision decision = RuleBook.evaluate(ruleBook.rulesFor(action, actor), context);
            if (decision instanceof Refusal refusal) {
                return refused(action, booking.id(), actor, refusal);
            }
            if (step.targetSlot() != null) {
                Decision onTarget = RuleBook.evaluate(ruleBook.rescheduleTarget(actor),
                        context.withTarget(step.targetSlot(), step.targetResource()));
                if (onTarget instanceof Refusal refusal) {
                    return refused(action, booking.id(), actor, refusal);
                }
                decision = ((Decision.Allowed) decision).and((Decision.Allowed) onTarget);
            }
            Apply apply = step.apply().apply((Decision.Allowed) decision);
            Plan plan = new Plan(apply.transitions(), apply.claim(), apply.kind(),
                    recipients(actor, change.notification()), personalMessage(actor, change.notification()));
            Prepared prepared = prepare(plan, booking.version(), null);
            SaveResult result = repository.update(prepared.change);
            switch (result) {
                case SAVED:
                    return done(action, actor, prepared);
                case SLOT_TAKEN:
                    return refused(action, booking.id(), actor, context.refuse(RefusalReason.SLOT_UNAVAILABLE, null));
                case VERSION_CONFLICT:
                    LOG.debug("{} booking={}: version conflict, deciding again (attempt {})",
                            action, booking.id(), attempt);
                    continue;
                default:
                    throw new IllegalStateException("unexpected update result " + result);
            }
        }
        throw new BookingConflictException(action + " booking=" + ref.bookingId()
                + ": changed concurrently on each of " + maxAttempts + " attempts");
    }

    /** The transitions of one command, whom to tell, and with what message. */
    private record Plan(List<Transition> transitions, SlotClaim claim, NotificationKind kind,
                        Set<RecipientRole> recipients, String personalMessage) {
    }

    /** A change ready to save, and the recipients that could not be reached. */
    private record Prepared(BookingChange change, Set<RecipientRole> unreachable) {
    }

    private Prepared prepare(Plan plan, long expectedVersion, IdempotencyKey idempotency) {
        Booking after = plan.transitions().get(plan.transitions().size() - 1).booking();
        List<BookingEvent> events = plan.transitions().stream().map(Transition::event).toList();
        List<Notification> notifications = new ArrayList<>();
        Set<RecipientRole> unreachable = EnumSet.noneOf(RecipientRole.class);
        for (RecipientRole role : plan.recipients()) {
            if (role == RecipientRole.CUSTOMER) {
                Optional<CustomerDetails> customer = after.customer().filter(CustomerDetails::isReachable);
                if (customer.isEmpty()) {
                    unreachable.add(RecipientRole.CUSTOMER);
                    continue;
                }
                notifications.add(new Notification(Notification.stableId(after, plan.kind(), role), plan.kind(),
                        role, after, plan.personalMessage(), links.linkFor(after).orElse(null),
                        customer.get().language()));
            } else {
                notifications.add(new Notification(Notification.stableId(after, plan.kind(), role), plan.kind(),
                        role, after, plan.personalMessage(), null, defaultLocale));
            }
        }
        return new Prepared(
                new BookingChange(after, expectedVersion, plan.claim(), events, notifications, idempotency),
                unreachable);
    }

    private Outcome done(Action action, Actor actor, Prepared prepared) {
        BookingChange change = prepared.change();
        for (Notification notification : change.notifications()) {
            deliver(notification);
        }
        if (action != null) {
            LOG.debug("{} booking={} tenant={} actor={} done: {} -> version {}", action, change.booking().id(),
                    change.booking().tenantId(), describe(actor), change.events().stream().map(BookingEvent::kind).toList(),
                    change.booking().version());
        }
        if (!prepared.unreachable().isEmpty()) {
            LOG.debug("booking={}: could not notify {}", change.booking().id(), prepared.unreachable());
        }
        return new Outcome.Done(change.booking(), change.events(), change.notifications(), prepared.unreachable());
    }

    /**
     * Hands one notification to the notifier: up to {@code notificationAttempts} attempts, each on a
     * delivery thread, all within {@code notificationTimeout}. Never throws for a failed or late
     * delivery: the change is saved, and the repository keeps the notification.
     */
    private void deliver(Notification notification) {
        if (notifier == BookingNotifier.NONE) {
            return;
        }
        long deadline = System.nanoTime() + notificationTimeout.toNanos();
        Throwable last = null;
        for (int attempt = 1; attempt <= notificationAttempts; attempt++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                giveUp(notification, "no time left after " + (attempt - 1) + " attempts", last);
                return;
            }
            FutureTask<Void> task = new FutureTask<>(() -> notifier.deliver(notification), null);
            try {
                deliveries.execute(task);
                task.get(left, TimeUnit.NANOSECONDS);
                return;
            } catch (RejectedExecutionException e) {
                last = e;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof Error error) {
                    // As if the notifier had been called here: an Error is not a delivery failure.
                    throw error;
                }
                last = cause;
            } catch (TimeoutException e) {
                cancel(task);
                giveUp(notification, "attempt " + attempt + " still running after " + notificationTimeout,
                        e);
                return;
            } catch (InterruptedException e) {
                cancel(task);
                Thread.currentThread().interrupt();
                giveUp(notification, "interrupted during attempt " + attempt, e);
                return;
            }
            LOG.debug("notification {} ({}) attempt {} failed: {}", notification.id(), notification.kind(),
                    attempt, last.getClass().getName());
        }
        // The change itself is saved; a failed delivery must not undo it or fail the command.
        // The repository keeps the notification, so an outbox relay can deliver it later.
        LOG.warn("notification {} ({}, booking={}) not delivered after {} attempts: {}", notification.id(),
                notification.kind(), notification.booking().id(), notificationAttempts,
                last == null ? "-" : last.getClass().getName());
    }

    /** Interrupts a running delivery, or takes a waiting one out of the own pool's queue. */
    private void cancel(FutureTask<Void> task) {
        task.cancel(true);
        if (ownsDeliveries && deliveries instanceof ThreadPoolExecutor own) {
            own.remove(task);
        }
    }

    private static void giveUp(Notification notification, String why, Throwable last) {
        // Ids and kind only; the failure's message could quote personal data.
        LOG.warn("notification {} ({}, booking={}) given up: {} ({}); the change is saved and the "
                        + "repository keeps the notification", notification.id(), notification.kind(),
                notification.booking().id(), why, last == null ? "-" : last.getClass().getName());
    }

    private Outcome refused(Action action, String bookingId, Actor actor, Refusal refusal) {
        LOG.debug("{} booking={} actor={} refused: {}", action, bookingId == null ? "(new)" : bookingId, describe(actor),
                refusal.reason());
        return new Outcome.Refused(refusal);
    }

    /**
     * The clock's instant to the microsecond: what SQL databases keep, so a booking reads back from
     * any store exactly as it was written.
     */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Optional<Booking> visible(Actor actor, BookingRef ref) {
        return repository.find(ref.tenantId(), ref.bookingId())
                .filter(b -> VISIBILITY.evaluate(RuleContext.of(b, actor, Instant.EPOCH, BookingPolicy.ofDefaults()))
                        .isAllowed());
    }

    private BookingPolicy policyOf(Booking booking) {
        return policies.policyFor(booking.tenantId(), booking.resource().id(), booking.service().id());
    }

    private static Refusal notFound() {
        return new Refusal(RefusalReason.BOOKING_NOT_FOUND, null, null, ZoneOffset.UTC);
    }

    /** A requested slot to the microsecond, like {@link #now()}, checked to end after it starts. */
    private Interval slotOf(Instant start, Instant end) {
        Instant from = start.truncatedTo(ChronoUnit.MICROS);
        Instant to = end.truncatedTo(ChronoUnit.MICROS);
        validator.checkSlot(from, to);
        return Interval.of(from, to);
    }

    /** R5: the reminder is armed for an unconfirmed booking whose customer can be reached. */
    private static ReminderState reminderFor(Interval slot, CustomerDetails customer, BookingPolicy policy) {
        return customer != null && customer.isReachable()
                ? ReminderState.armedFor(slot.getStart().minus(policy.reminderLead()))
                : ReminderState.none();
    }

    /** R6: a booking whose start is at most the reminder lead away is confirmed by the system. */
    private static void autoConfirmIfDue(List<Transition> steps, Instant now, BookingPolicy policy) {
        Booking last = steps.get(steps.size() - 1).booking();
        Duration untilStart = Duration.between(now, last.start());
        if (policy.autoConfirmInReminderWindow() && untilStart.compareTo(policy.reminderLead()) <= 0) {
            steps.add(last.autoConfirm(now, policy.reminderLead()));
        }
    }

    /**
     * R12: a slot that is not wholly past must be free; staff back-dating a record into the past
     * need no check. A slot under way still ends in the future, so it is claimed.
     */
    private static SlotClaim claimFor(Interval slot, Instant now) {
        return slot.getEnd().isAfter(now) ? SlotClaim.EXCLUSIVE : SlotClaim.NONE;
    }

    /** R14: self-service notifies both; staff choose; the system tells the customer only. */
    private static Set<RecipientRole> recipients(Actor actor, NotificationChoice choice) {
        if (actor instanceof Actor.Staff) {
            Set<RecipientRole> roles = EnumSet.noneOf(RecipientRole.class);
            if (choice.customer()) {
                roles.add(RecipientRole.CUSTOMER);
            }
            if (choice.resource()) {
                roles.add(RecipientRole.RESOURCE);
            }
            return roles;
        }
        return EnumSet.allOf(RecipientRole.class);
    }

    private static String personalMessage(Actor actor, NotificationChoice choice) {
        return actor instanceof Actor.Staff ? choice.personalMessage() : null;
    }

    private static String describe(Actor actor) {
        return actor == null ? "-" : actor.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ":" + actor.id();
    }

    // ---------------------------------------------------------------------------------- builder

    /**
     * Builds {@link BookingRules}. Only {@link #repository} is required; every other setting has
     * a default. Not thread-safe; the built facade is.
     */
    public static final class Builder {
        private BookingRepository repository;
        private BookingNotifier notifier = BookingNotifier.NONE;
        private Availability availability = Availability.ALWAYS_OPEN;
        private PolicyResolver policies = PolicyResolver.of(BookingPolicy.ofDefaults());
        private Clock clock = Clock.systemUTC();
        private ManageLinkIssuer links = ManageLinkIssuer.NONE;
        private Supplier<String> ids = () -> UUID.randomUUID().toString();
        private Supplier<String> codes = new ConfirmationCodes();
        private Locale defaultLocale = Locale.ENGLISH;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private int notificationAttempts = DEFAULT_NOTIFICATION_ATTEMPTS;
        private Duration notificationTimeout = DEFAULT_NOTIFICATION_TIMEOUT;
        private Executor notificationExecutor;
        private int reminderBatch = DEFAULT_REMINDER_BATCH;

        private Builder() {
        }

        /**
         * @param v where bookings are kept; required
         * @return this
         */
        public Builder repository(BookingRepository v) {
            repository = Objects.requireNonNull(v, "repository");
            return this;
        }

        /**
         * @param v who delivers notifications; default drops them
         * @return this
         */
        public Builder notifier(BookingNotifier v) {
            notifier = Objects.requireNonNull(v, "notifier");
            return this;
        }

        /**
         * @param v the product's opening hours; default always open
         * @return this
         */
        public Builder availability(Availability v) {
            availability = Objects.requireNonNull(v, "availability");
            return this;
        }

        /**
         * @param v which policy applies; default {@link BookingPolicy#ofDefaults()} for all
         * @return this
         */
        public Builder policies(PolicyResolver v) {
            policies = Objects.requireNonNull(v, "policies");
            return this;
        }

        /**
         * @param v one policy for every booking
         * @return this
         */
        public Builder policy(BookingPolicy v) {
            return policies(PolicyResolver.of(v));
        }

        /**
         * @param v the clock every decision reads; default {@link Clock#systemUTC()}
         * @return this
         */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * @param v issues manage links for customer notifications; default none
         * @return this
         */
        public Builder manageLinks(ManageLinkIssuer v) {
            links = Objects.requireNonNull(v, "manageLinks");
            return this;
        }

        /**
         * @param v makes booking ids; default random UUIDs
         * @return this
         */
        public Builder idGenerator(Supplier<String> v) {
            ids = Objects.requireNonNull(v, "idGenerator");
            return this;
        }

        /**
         * @param v makes confirmation codes; default {@link ConfirmationCodes}
         * @return this
         */
        public Builder confirmationCodes(Supplier<String> v) {
            codes = Objects.requireNonNull(v, "confirmationCodes");
            return this;
        }

        /**
         * @param v language of resource notifications; default English
         * @return this
         */
        public Builder defaultLocale(Locale v) {
            defaultLocale = Objects.requireNonNull(v, "defaultLocale");
            return this;
        }

        /**
         * @param v attempts per command when it loses a race, 1 to 100; default 5
         * @return this
         */
        public Builder maxAttempts(int v) {
            maxAttempts = checkRange(v, 1, 100, "maxAttempts");
            return this;
        }

        /**
         * @param v delivery attempts per notification, 1 to 20; default 3
         * @return this
         */
        public Builder notificationAttempts(int v) {
            notificationAttempts = checkRange(v, 1, 20, "notificationAttempts");
            return this;
        }

        /**
         * How long a command waits for the delivery of one notification, all its attempts
         * together. When it is up, a running attempt is cancelled (its thread interrupted), the
         * notification is given up (logged by id and kind; the change is saved and the repository
         * keeps the notification, so an outbox relay can still deliver it) and the command
         * returns. Default 10 seconds.
         *
         * @param v positive, at most {@link BookingRules#MAX_NOTIFICATION_TIMEOUT}, not null
         * @return this
         * @throws IllegalArgumentException if out of range, naming the setting and the value
         */
        public Builder notificationTimeout(Duration v) {
            Objects.requireNonNull(v, "notificationTimeout");
            if (v.isZero() || v.isNegative() || v.compareTo(MAX_NOTIFICATION_TIMEOUT) > 0) {
                throw new IllegalArgumentException("notificationTimeout must be positive and at most "
                        + MAX_NOTIFICATION_TIMEOUT + ", was " + v);
            }
            notificationTimeout = v;
            return this;
        }

        /**
         * Where the notifier runs. Default: a pool the facade owns, of at most
         * {@value BookingRules#OWN_NOTIFICATION_THREADS} daemon threads that end when idle. The
         * caller keeps ownership of an executor given here (the facade never shuts it down). The
         * timeout can cut off a hanging notifier only if the executor runs tasks on other threads;
         * a direct executor ({@code Runnable::run}) runs the notifier on the command's thread, as
         * a plain call, with no timeout. A task the executor rejects counts as a failed attempt.
         *
         * @param v the executor, not null
         * @return this
         */
        public Builder notificationExecutor(Executor v) {
            notificationExecutor = Objects.requireNonNull(v, "notificationExecutor");
            return this;
        }

        /**
         * @param v most reminders per sweep, 1 to 100000; default 1000
         * @return this
         */
        public Builder reminderBatch(int v) {
            reminderBatch = checkRange(v, 1, 100_000, "reminderBatch");
            return this;
        }

        /**
         * Builds the facade.
         *
         * @return the facade
         * @throws NullPointerException if no repository was set
         */
        public BookingRules build() {
            return new BookingRules(this);
        }

        private static int checkRange(int value, int min, int max, String field) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be " + min + " to " + max + ", was " + value);
            }
            return value;
        }
    }
}
