package org.bookingrules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.bookingrules.NotificationPlanner.Plan;
import org.bookingrules.NotificationPlanner.Prepared;
import org.bookingrules.internal.rules.ReminderRule;
import org.bookingrules.internal.schedule.Schedules;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * R5: sends the reminders that are due, each recorded in its booking's history so it is never
 * sent twice for one slot, and keeps doing so on a schedule that survives a failed pass.
 * Immutable and thread-safe.
 *
 * @param env what the facade reads
 * @param planner plans the reminder notifications
 * @param engine hands over the notifications of each stored reminder
 * @param batch most reminders one sweep sends, at least 1
 */
record ReminderSweep(Environment env, NotificationPlanner planner, CommandEngine engine, int batch) {

    private static final Logger LOG = LoggerFactory.getLogger(BookingRules.class);
    /** Most sweeps one scheduled run makes while each finds a full batch. */
    private static final int MAX_SWEEPS_PER_RUN = 100;

    List<Outcome.Done> sendDue() {
        Instant now = env.now();
        List<Outcome.Done> sent = new ArrayList<>();
        for (Booking due : env.repository.dueReminders(now, batch)) {
            // The store's list is only a candidate list, decided again here (a store may filter coarsely);
            // a booking changed since the query fails the versioned update below instead.
            if (!ReminderRule.isDue(due, now)) {
                continue;
            }
            Plan plan = new Plan(List.of(due.markReminderSent(now)), SlotClaim.NONE, NotificationKind.REMINDER,
                    EnumSet.of(RecipientRole.CUSTOMER), null);
            Prepared prepared = planner.prepare(plan, due.version(), null);
            SaveResult result = env.repository.update(prepared.change());
            if (result == SaveResult.SAVED) {
                sent.add(engine.done(null, Actor.SYSTEM, prepared));
            } else {
                LOG.debug("reminder for booking {} skipped: {}", due.id(), result);
            }
        }
        return sent;
    }

    ScheduledFuture<?> runEvery(Duration period, ScheduledExecutorService executor) {
        return Schedules.everyQuietly(this::sweepAll, period, executor, LOG, "reminder sweep");
    }

    /** One scheduled run: sweeps again while full batches come back. */
    private void sweepAll() {
        for (int sweep = 1; sweep <= MAX_SWEEPS_PER_RUN; sweep++) {
            if (sendDue().size() < batch) {
                return;
            }
        }
    }
}
