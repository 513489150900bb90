package org.bookingrules.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.threeten.extra.Interval;
import org.bookingrules.internal.Checks;
import org.bookingrules.internal.Texts;

/**
 * Something that happened to a booking, in the past tense. A booking's events, in order, are its
 * history (R15): what happened, by which actor, when, from which status to which, and why.
 * Events are immutable and thread-safe; nothing ever removes one.
 */
public sealed interface BookingEvent
        permits BookingEvent.Booked, BookingEvent.Confirmed, BookingEvent.AutoConfirmed,
                BookingEvent.ConfirmationRevoked, BookingEvent.Declined, BookingEvent.Cancelled,
                BookingEvent.Rescheduled, BookingEvent.ReminderSent, BookingEvent.MarkedNoShow,
                BookingEvent.Completed, BookingEvent.CustomerErased {

    /**
     * Who made the change.
     *
     * @return never null
     */
    Actor actor();

    /**
     * When the change happened.
     *
     * @return never null
     */
    Instant at();

    /**
     * The status before the change.
     *
     * @return the status, or null for {@link Booked}
     */
    BookingStatus from();

    /**
     * The status after the change.
     *
     * @return never null
     */
    BookingStatus to();

    /**
     * The event's kind as a stable upper-case code (for storage and logs), for example
     * {@code CANCELLED}.
     *
     * @return never null
     */
    String kind();

    /**
     * This event without the texts people typed (reasons, personal messages), which may hold
     * personal data: what erasing a customer's data leaves of it. Kind, actor, instant, statuses,
     * slots and flags stay.
     *
     * @return the event without free texts; this event if it has none
     */
    default BookingEvent withoutFreeText() {
        return this;
    }

    /**
     * The booking was made (R1).
     *
     * @param actor who booked
     * @param at when
     * @param to the initial status, {@link BookingStatus#PENDING}
     * @param slot the slot booked
     * @param resourceId the resource booked
     */
    record Booked(Actor actor, Instant at, BookingStatus to, Interval slot, String resourceId)
            implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who booked
         * @param at when
         * @param to the initial status, {@link BookingStatus#PENDING}
         * @param slot the slot booked
         * @param resourceId the resource booked
         */
        public Booked {
            Events.require(actor, at, to);
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(resourceId, "resourceId");
        }

        @Override
        public BookingStatus from() {
            return null;
        }

        @Override
        public String kind() {
            return "BOOKED";
        }
    }

    /**
     * Attendance was confirmed by the customer or staff (R4, R7).
     *
     * @param actor who confirmed
     * @param at when
     * @param from the status before
     * @param to {@link BookingStatus#CONFIRMED}
     */
    record Confirmed(Actor actor, Instant at, BookingStatus from, BookingStatus to) implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who confirmed
         * @param at when
         * @param from the status before
         * @param to {@link BookingStatus#CONFIRMED}
         */
        public Confirmed {
            Events.require(actor, at, to);
            Objects.requireNonNull(from, "from");
        }

        @Override
        public String kind() {
            return "CONFIRMED";
        }
    }

    /**
     * The system confirmed the booking because its start was inside the reminder window when it
     * was made or rescheduled (R6). The actor is always {@link Actor#SYSTEM}.
     *
     * @param at when
     * @param from the status before, {@link BookingStatus#PENDING}
     * @param to {@link BookingStatus#CONFIRMED}
     * @param reminderLead the reminder lead that put the start inside the window
     */
    record AutoConfirmed(Instant at, BookingStatus from, BookingStatus to, Duration reminderLead)
            implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param at when
         * @param from the status before, {@link BookingStatus#PENDING}
         * @param to {@link BookingStatus#CONFIRMED}
         * @param reminderLead the reminder lead that put the start inside the window
         */
        public AutoConfirmed {
            Events.require(Actor.SYSTEM, at, to);
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(reminderLead, "reminderLead");
        }

        @Override
        public Actor actor() {
            return Actor.SYSTEM;
        }

        @Override
        public String kind() {
            return "AUTO_CONFIRMED";
        }
    }

    /**
     * Staff revoked a confirmation ("anular confirmación"), back to pending (R4).
     *
     * @param actor who revoked
     * @param at when
     * @param from {@link BookingStatus#CONFIRMED}
     * @param to {@link BookingStatus#PENDING}
     * @param reason why, or null
     */
    record ConfirmationRevoked(Actor actor, Instant at, BookingStatus from, BookingStatus to, String reason)
            implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who revoked
         * @param at when
         * @param from {@link BookingStatus#CONFIRMED}
         * @param to {@link BookingStatus#PENDING}
         * @param reason why, or null
         */
        public ConfirmationRevoked {
            Events.require(actor, at, to);
            Objects.requireNonNull(from, "from");
            reason = Texts.optional(reason, "reason", Texts.MAX_REASON_LENGTH);
        }

        @Override
        public String kind() {
            return "CONFIRMATION_REVOKED";
        }

        @Override
        public BookingEvent withoutFreeText() {
            return new ConfirmationRevoked(actor, at, from, to, null);
        }

        /** @return the event without its free texts */
        @Override
        public String toString() {
            return Events.describe(this, "", "reason", reason);
        }
    }

    /**
     * The customer answered "I will not attend" (R7). The slot is free again.
     *
     * @param actor who declined
     * @param at when
     * @param from the status before
     * @param to {@link BookingStatus#DECLINED}
     * @param reason why, or null
     * @param late true if it came inside the cancellation notice (R13)
     */
    record Declined(Actor actor, Instant at, BookingStatus from, BookingStatus to, String reason, boolean late)
            implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who declined
         * @param at when
         * @param from the status before
         * @param to {@link BookingStatus#DECLINED}
         * @param reason why, or null
         * @param late true if it came inside the cancellation notice (R13)
         */
        public Declined {
            Events.require(actor, at, to);
            Objects.requireNonNull(from, "from");
            reason = Texts.optional(reason, "reason", Texts.MAX_REASON_LENGTH);
        }

        @Override
        public String kind() {
            return "DECLINED";
        }

        @Override
        public BookingEvent withoutFreeText() {
            return new Declined(actor, at, from, to, null, late);
        }

        /** @return the event without its free texts */
        @Override
        public String toString() {
            return Events.describe(this, "late=" + late, "reason", reason);
        }
    }

    /**
     * The booking was cancelled (R2). The slot is free again; the booking stays as history.
     *
     * @param actor who cancelled
     * @param at when
     * @param from the status before
     * @param to {@link BookingStatus#CANCELLED}
     * @param reason why, or null
     * @param personalMessage the staff member's message to the customer, or null
     * @param late true if a customer cancelled inside the notice under a late-fee policy (R13)
     * @param lateFee the fee the embedding product should charge, or null
     */
    record Cancelled(Actor actor, Instant at, BookingStatus from, BookingStatus to, String reason,
                     String personalMessage, boolean late, Money lateFee) implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who cancelled
         * @param at when
         * @param from the status before
         * @param to {@link BookingStatus#CANCELLED}
         * @param reason why, or null
         * @param personalMessage the staff member's message to the customer, or null
         * @param late true if a customer cancelled inside the notice under a late-fee policy (R13)
         * @param lateFee the fee the embedding product should charge, or null
         */
        public Cancelled {
            Events.require(actor, at, to);
            Objects.requireNonNull(from, "from");
            reason = Texts.optional(reason, "reason", Texts.MAX_REASON_LENGTH);
            personalMessage = Texts.optional(personalMessage, "personalMessage", Texts.MAX_MESSAGE_LENGTH);
            if (lateFee != null && !late) {
                throw new IllegalArgumentException("lateFee needs late = true");
            }
        }

        @Override
        public String kind() {
            return "CANCELLED";
        }

        @Override
        public BookingEvent withoutFreeText() {
            return new Cancelled(actor, at, from, to, null, null, late, lateFee);
        }

        /** @return the event without its free texts */
        @Override
        public String toString() {
            return Events.describe(this, "late=" + late + ", lateFee=" + lateFee, "reason", reason,
                    "personalMessage", personalMessage);
        }
    }

    /**
     * The booking moved to another slot and/or resource (R3, R10, R12).
     *
     * @param actor who rescheduled
     * @param at when
     * @param from the status before (a cancelled or declined one is revived, R3)
     * @param to {@link BookingStatus#PENDING}; an {@link AutoConfirmed} may follow (R6)
     * @param oldSlot the slot before
     * @param newSlot the slot after
     * @param oldResourceId the resource before
     * @param newResourceId the resource after
     * @param reason why, or null
     */
    record Rescheduled(Actor actor, Instant at, BookingStatus from, BookingStatus to, Interval oldSlot,
                       Interval newSlot, String oldResourceId, String newResourceId, String reason)
            implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who rescheduled
         * @param at when
         * @param from the status before (a cancelled or declined one is revived, R3)
         * @param to {@link BookingStatus#PENDING}; an {@link AutoConfirmed} may follow (R6)
         * @param oldSlot the slot before
         * @param newSlot the slot after
         * @param oldResourceId the resource before
         * @param newResourceId the resource after
         * @param reason why, or null
         */
        public Rescheduled {
            Events.require(actor, at, to);
            Checks.nonNull("from, oldSlot, newSlot, oldResourceId, newResourceId",
                    from, oldSlot, newSlot, oldResourceId, newResourceId);
            reason = Texts.optional(reason, "reason", Texts.MAX_REASON_LENGTH);
        }

        @Override
        public String kind() {
            return "RESCHEDULED";
        }

        @Override
        public BookingEvent withoutFreeText() {
            return new Rescheduled(actor, at, from, to, oldSlot, newSlot, oldResourceId, newResourceId, null);
        }

        /** @return the event without its free texts */
        @Override
        public String toString() {
            return Events.describe(this, "oldSlot=" + oldSlot + ", newSlot=" + newSlot + ", oldResourceId="
                    + oldResourceId + ", newResourceId=" + newResourceId, "reason", reason);
        }
    }

    /**
     * The reminder for the current slot was sent (R5). The status does not change; the actor is
     * always {@link Actor#SYSTEM}.
     *
     * @param at when it was sent
     * @param status the status, before and after ({@link BookingStatus#PENDING})
     * @param dueAt when it was due
     */
    record ReminderSent(Instant at, BookingStatus status, Instant dueAt) implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param at when it was sent
         * @param status the status, before and after ({@link BookingStatus#PENDING})
         * @param dueAt when it was due
         */
        public ReminderSent {
            Events.require(Actor.SYSTEM, at, status);
            Objects.requireNonNull(dueAt, "dueAt");
        }

        @Override
        public Actor actor() {
            return Actor.SYSTEM;
        }

        @Override
        public BookingStatus from() {
            return status;
        }

        @Override
        public BookingStatus to() {
            return status;
        }

        @Override
        public String kind() {
            return "REMINDER_SENT";
        }
    }

    /**
     * Staff recorded that the customer did not come.
     *
     * @param actor who recorded it
     * @param at when
     * @param from the status before
     * @param to {@link BookingStatus#NO_SHOW}
     * @param reason a note, or null
     */
    record MarkedNoShow(Actor actor, Instant at, BookingStatus from, BookingStatus to, String reason)
            implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who recorded it
         * @param at when
         * @param from the status before
         * @param to {@link BookingStatus#NO_SHOW}
         * @param reason a note, or null
         */
        public MarkedNoShow {
            Events.require(actor, at, to);
            Objects.requireNonNull(from, "from");
            reason = Texts.optional(reason, "reason", Texts.MAX_REASON_LENGTH);
        }

        @Override
        public String kind() {
            return "MARKED_NO_SHOW";
        }

        @Override
        public BookingEvent withoutFreeText() {
            return new MarkedNoShow(actor, at, from, to, null);
        }

        /** @return the event without its free texts */
        @Override
        public String toString() {
            return Events.describe(this, "", "reason", reason);
        }
    }

    /**
     * Staff recorded that the appointment took place.
     *
     * @param actor who recorded it
     * @param at when
     * @param from the status before
     * @param to {@link BookingStatus#COMPLETED}
     */
    record Completed(Actor actor, Instant at, BookingStatus from, BookingStatus to) implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who recorded it
         * @param at when
         * @param from the status before
         * @param to {@link BookingStatus#COMPLETED}
         */
        public Completed {
            Events.require(actor, at, to);
            Objects.requireNonNull(from, "from");
        }

        @Override
        public String kind() {
            return "COMPLETED";
        }
    }

    /**
     * The customer's personal data was erased from the booking at the request of staff (for
     * example under the right to erasure): name, e-mail and phone, and the free texts of the
     * earlier events. The status does not change; the history keeps every event.
     *
     * @param actor who erased it (staff)
     * @param at when
     * @param status the status, before and after
     */
    record CustomerErased(Actor actor, Instant at, BookingStatus status) implements BookingEvent {
        /**
         * Checks the fields.
         *
         * @param actor who erased it (staff)
         * @param at when
         * @param status the status, before and after
         */
        public CustomerErased {
            Events.require(actor, at, status);
        }

        @Override
        public BookingStatus from() {
            return status;
        }

        @Override
        public BookingStatus to() {
            return status;
        }

        @Override
        public String kind() {
            return "ERASED";
        }
    }
}

/** Shared null checks of the event records. */
final class Events {
    private Events() {
    }

    /**
     * An event as text without its free texts (reasons and personal messages are typed by people
     * and may hold personal data): kind, actor, instant and statuses, and whether a text is there.
     * {@code texts} are name and value pairs; a null value is left out.
     */
    static String describe(BookingEvent event, String details, String... texts) {
        StringBuilder out = new StringBuilder(event.kind()).append("[actor=").append(event.actor())
                .append(", at=").append(event.at()).append(", from=").append(event.from())
                .append(", to=").append(event.to());
        if (!details.isEmpty()) {
            out.append(", ").append(details);
        }
        for (int i = 0; i < texts.length; i += 2) {
            if (texts[i + 1] != null) {
                out.append(", ").append(texts[i]).append("=(").append(texts[i + 1].length()).append(" chars)");
            }
        }
        return out.append(']').toString();
    }

    static void require(Actor actor, Instant at, BookingStatus to) {
        Checks.nonNull("actor, at, to", actor, at, to);
    }
}
