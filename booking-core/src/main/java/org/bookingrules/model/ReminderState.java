package org.bookingrules.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The reminder of one booking slot (R5). Immutable.
 *
 * <p>A reminder is armed for {@code start - reminderLead} when a booking is made or rescheduled
 * and is still unconfirmed; it is sent at most once per slot.
 *
 * @param dueAt when the reminder is due, or null if none is armed (confirmed inside the reminder
 *     window, or no reachable customer)
 * @param sentAt when it was sent, or null if not yet
 */
public record ReminderState(Instant dueAt, Instant sentAt) {

    private static final ReminderState NONE = new ReminderState(null, null);

    /**
     * Checks that a sent reminder was armed.
     *
     * @param dueAt when the reminder is due, or null if none is armed (confirmed inside the reminder window, or no reachable customer)
     * @param sentAt when it was sent, or null if not yet
     */
    public ReminderState {
        if (sentAt != null) {
            Objects.requireNonNull(dueAt, "dueAt of a sent reminder");
        }
    }

    /**
     * No reminder armed.
     *
     * @return the state
     */
    public static ReminderState none() {
        return NONE;
    }

    /**
     * A reminder armed for {@code dueAt}, not sent.
     *
     * @param dueAt not null
     * @return the state
     */
    public static ReminderState armedFor(Instant dueAt) {
        return new ReminderState(Objects.requireNonNull(dueAt, "dueAt"), null);
    }

    /**
     * Whether a reminder is armed and not sent yet.
     *
     * @return true if armed and unsent
     */
    public boolean isArmed() {
        return dueAt != null && sentAt == null;
    }

    /**
     * Whether the reminder has been sent.
     *
     * @return true if sent
     */
    public boolean isSent() {
        return sentAt != null;
    }

    /**
     * This reminder marked as sent.
     *
     * @param at when it was sent, not null
     * @return the new state
     * @throws IllegalStateException if no reminder is armed
     */
    public ReminderState sent(Instant at) {
        if (!isArmed()) {
            throw new IllegalStateException("no armed reminder to send");
        }
        return new ReminderState(dueAt, Objects.requireNonNull(at, "at"));
    }
}
