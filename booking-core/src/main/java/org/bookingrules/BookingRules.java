package org.bookingrules;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.internal.rules.RuleBook;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.OutboxBookingRepository;
import org.threeten.extra.Interval;

/**
 * The library's entry point: every booking command, decided by the rules and recorded with its
 * history and notifications. Build one per application with {@link #builder()} and share it: it is
 * immutable and thread-safe.
 *
 * <p>Every command follows one path: load &rarr; decide (pure rules) &rarr; transition (pure)
 * &rarr; save with a version check &rarr; hand the notifications over. If another command changed
 * the booking between load and save, the whole command runs again on fresh state (up to
 * {@link BookingRulesBuilder#maxAttempts(int)} times), so its decision is never based on stale facts.
 *
 * <p><b>One delivery path per notification.</b> A repository with an outbox
 * ({@link OutboxBookingRepository}, such as the JDBC one) stores a change's notifications in the
 * change's own transaction and its relay delivers them after commit; the facade then delivers
 * nothing itself, and refuses a notifier. For any other repository (the in-memory one) the facade
 * delivers the notifications of a change after it is stored: concurrently, each with
 * {@link BookingRulesBuilder#notificationAttempts(int) attempts}, all within one
 * {@link BookingRulesBuilder#notificationTimeout(Duration) timeout}; a slow or failing notifier never
 * blocks nor undoes a change.
 *
 * <p>Expected refusals come back as {@link Outcome.Refused} with a stable {@link RefusalReason}.
 * Exceptions are for faults: a malformed request ({@link InvalidRequestException}, naming the
 * field; nothing is written), storage failures, and a conflict that outlived its retries
 * ({@link BookingConflictException}). An unknown booking, a booking of another tenant and, for a
 * customer, another customer's booking all look the same: {@link RefusalReason#BOOKING_NOT_FOUND}.
 *
 * <p>Logs carry booking ids, actor kinds and reason codes, never personal data.
 */
public final class BookingRules {

    /** Default number of times a command is tried when it loses a race: 5. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default number of delivery attempts per notification: 3. */
    public static final int DEFAULT_NOTIFICATION_ATTEMPTS = 3;
    /** Default number of reminders sent per {@link #sendDueReminders()} call: 1000. */
    public static final int DEFAULT_REMINDER_BATCH = 1000;
    /** Default longest wait for the delivery of a change's notifications, retries included: 10 seconds. */
    public static final Duration DEFAULT_NOTIFICATION_TIMEOUT = Duration.ofSeconds(10);
    /** Longest allowed notification timeout: 10 minutes. */
    public static final Duration MAX_NOTIFICATION_TIMEOUT = Duration.ofMinutes(10);
    /** Most threads of the delivery pool the facade owns when no executor is given: 64. */
    public static final int OWN_NOTIFICATION_THREADS = 64;
    /** Longest range {@link #freeSlots} looks at: 33 days, so 32 local days fit across a DST change. */
    public static final Duration MAX_FREE_SLOT_RANGE = Duration.ofDays(33);
    /** Smallest step {@link #freeSlots} takes. */
    public static final Duration MIN_FREE_SLOT_STEP = Duration.ofMinutes(5);

    private final Environment env;
    private final CommandEngine engine;
    private final ReminderSweep reminders;
    private final FreeSlots freeSlots;
    private final PermissionCheck permissions;
    private final Erasure erasure;
    private final Waitlist waitlist;

    BookingRules(BookingRulesBuilder b) {
        this.env = new Environment(b.repository(), b.policies(), new RuleBook(b.availability()), b.clock());
        NotificationPlanner planner = new NotificationPlanner(b.links(), b.defaultLocale());
        this.engine = new CommandEngine(env, planner, Delivery.of(b), b.ids(), b.codes(), b.maxAttempts(), b.idempotencyKeyTtl());
        this.reminders = new ReminderSweep(env, planner, engine, b.reminderBatch());
        this.freeSlots = new FreeSlots(env);
        this.permissions = new PermissionCheck(env);
        this.erasure = new Erasure(env, b.maxAttempts());
        this.waitlist = new Waitlist(env, engine, planner, engine.delivery(), b);
        engine.onFreedSlots((before, after, actor, choice) -> waitlist.slotFreed(before, actor, choice));
    }

    /**
     * A builder. Only the repository is required.
     *
     * @return a new builder
     */
    public static BookingRulesBuilder builder() {
        return new BookingRulesBuilder();
    }

    /**
     * The cancellation list: joining it, offers of freed slots, accepting and declining them, and
     * staff's control of holds. Its policies are set with {@link BookingRulesBuilder#waitlist}.
     *
     * @return the cancellation list of this facade
     */
    public Waitlist waitlist() {
        return waitlist;
    }

    // ---------------------------------------------------------------------------------- commands

    /**
     * Makes a booking (R1). It is {@code PENDING}, or confirmed at once by the system when it
     * starts within the reminder lead (R6). The slot must be free; customers must also book in
     * the future, with the minimum notice, within opening hours (R10). A request with an idempotency key
     * seen within its {@link BookingRulesBuilder#idempotencyKeyTtl ttl} answers with the first booking.
     *
     * @param actor who books: the customer themselves, or staff; not null
     * @param request the booking, not null
     * @return {@link Outcome.Done} with the new booking, or {@link Outcome.Refused}
     * @throws InvalidRequestException if the request is malformed
     * @throws BookingConflictException if the command lost every race
     */
    public Outcome book(Actor actor, BookRequest request) {
        return engine.book(actor, request);
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
        return engine.change(Action.CONFIRM, actor, ref, change, Commands.confirm(actor));
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
        return engine.change(Action.REVOKE_CONFIRMATION, actor, ref, change,
                Commands.revokeConfirmation(actor, change));
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
        return engine.change(Action.DECLINE, actor, ref, change, Commands.decline(actor, change));
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
        return engine.change(Action.CANCEL, actor, ref, change, Commands.cancel(actor, change));
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
        env.validator.check("request", request);
        Interval newSlot = env.slotOf(request.start(), request.end());
        return engine.change(Action.RESCHEDULE, actor, ref, request.change(),
                Commands.reschedule(actor, request, newSlot, env.policies));
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
        return engine.change(Action.MARK_NO_SHOW, actor, ref, change, Commands.markNoShow(actor, change));
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
        return engine.change(Action.COMPLETE, actor, ref, change, Commands.complete(actor));
    }

    // ------------------------------------------- the same commands with no reason, default notices

    /**
     * {@link #confirm(Actor, BookingRef, ChangeRequest)} with {@link ChangeRequest#none()}.
     *
     * @param actor not null
     * @param ref not null
     * @return the outcome
     */
    public Outcome confirm(Actor actor, BookingRef ref) {
        return confirm(actor, ref, ChangeRequest.none());
    }

    /**
     * {@link #revokeConfirmation(Actor, BookingRef, ChangeRequest)} with {@link ChangeRequest#none()}.
     *
     * @param actor not null
     * @param ref not null
     * @return the outcome
     */
    public Outcome revokeConfirmation(Actor actor, BookingRef ref) {
        return revokeConfirmation(actor, ref, ChangeRequest.none());
    }

    /**
     * {@link #decline(Actor, BookingRef, ChangeRequest)} with {@link ChangeRequest#none()}.
     *
     * @param actor not null
     * @param ref not null
     * @return the outcome
     */
    public Outcome decline(Actor actor, BookingRef ref) {
        return decline(actor, ref, ChangeRequest.none());
    }

    /**
     * {@link #cancel(Actor, BookingRef, ChangeRequest)} with {@link ChangeRequest#none()}.
     *
     * @param actor not null
     * @param ref not null
     * @return the outcome
     */
    public Outcome cancel(Actor actor, BookingRef ref) {
        return cancel(actor, ref, ChangeRequest.none());
    }

    /**
     * {@link #markNoShow(Actor, BookingRef, ChangeRequest)} with {@link ChangeRequest#none()}.
     *
     * @param actor not null
     * @param ref not null
     * @return the outcome
     */
    public Outcome markNoShow(Actor actor, BookingRef ref) {
        return markNoShow(actor, ref, ChangeRequest.none());
    }

    /**
     * {@link #complete(Actor, BookingRef, ChangeRequest)} with {@link ChangeRequest#none()}.
     *
     * @param actor not null
     * @param ref not null
     * @return the outcome
     */
    public Outcome complete(Actor actor, BookingRef ref) {
        return complete(actor, ref, ChangeRequest.none());
    }

    /**
     * Erases one customer's personal data in a tenant (right to erasure): name, e-mail, phone and
     * the texts people typed leave the customer's bookings, histories and stored notifications;
     * undelivered notifications to them are dropped. Statuses, slots and events stay, plus a
     * {@code CustomerErased} event per booking. Staff only; repeating it changes nothing.
     *
     * @param actor staff; a customer is refused {@link RefusalReason#ACTION_NOT_PERMITTED}; not null
     * @param tenantId the tenant, not blank
     * @param customerId the customer's id, not blank
     * @return what was erased, or that nothing was (unknown customer, erased before)
     * @throws InvalidRequestException if an argument is malformed
     * @throws UnsupportedOperationException if the repository cannot erase
     */
    public ErasureResult eraseCustomer(Actor actor, String tenantId, String customerId) {
        return erasure.erase(actor, tenantId, customerId);
    }

    // --------------------------------------------------------------------------------- reminders

    /**
     * Sends the reminders that are due now (R5): to each pending booking whose reminder is armed,
     * unsent, due, and whose start has not come, one reminder to the customer, recorded in its
     * history so it is never sent twice for the same slot. A booking changed concurrently is left
     * for the next sweep. Prefer {@link #sendRemindersEvery}, which keeps doing it.
     *
     * @return what was sent, one {@link Outcome.Done} per reminded booking, at most
     *     {@link BookingRulesBuilder#reminderBatch(int)}
     */
    public List<Outcome.Done> sendDueReminders() {
        return reminders.sendDue();
    }

    /**
     * Sends due reminders on the caller's scheduler every {@code period} (the delay counts from
     * the end of one run to the start of the next, so runs never overlap; a run sweeps again while
     * it finds full batches). A failing run (the database unreachable, say) is logged, by exception
     * class only, and the schedule goes on. The caller owns the executor: cancel the returned
     * future, or shut the executor down, to stop.
     *
     * @param period the delay between runs, positive (a minute suits most products), not null
     * @param executor where to run, not null; not shut down by the facade
     * @return the scheduled task, for cancelling
     * @throws IllegalArgumentException if the period is not positive
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
     */
    public ScheduledFuture<?> sendRemindersEvery(Duration period, ScheduledExecutorService executor) {
        return reminders.runEvery(period, executor);
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
        return permissions.of(actor, ref);
    }

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
        return freeSlots.find(actor, ref, range, step);
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
        env.validator.checkNotNull("actor", actor);
        env.validator.check("ref", ref);
        return env.visible(actor, ref);
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
        env.validator.checkNotNull("actor", actor);
        env.validator.check("ref", ref);
        return env.visible(actor, ref).map(b -> env.repository.history(b.tenantId(), b.id())).orElse(List.of());
    }
}
