package org.bookingrules;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;

/**
 * What a command did: {@link Done} or {@link Refused}. Expected refusals are values; only faults
 * throw. Immutable and thread-safe.
 */
public sealed interface Outcome permits Outcome.Done, Outcome.Refused {

    /**
     * Whether the command went through.
     *
     * @return true for {@link Done}
     */
    boolean isDone();

    /**
     * The result if done.
     *
     * @return the {@link Done}
     * @throws RefusedException if refused, carrying the refusal
     */
    Done orElseThrow();

    /**
     * The refusal if refused.
     *
     * @return the refusal, or empty if done
     */
    Optional<Refusal> asRefusal();

    /**
     * The refusal's reason code, the usual thing to branch on.
     *
     * @return the reason if refused, or empty if done
     */
    default Optional<RefusalReason> refusalReason() {
        return asRefusal().map(Refusal::reason);
    }

    /**
     * The command went through.
     *
     * <p>{@code events} empty means nothing needed to change (for example cancelling a booking that
     * is already cancelled, R11, or repeating a booking request with the same idempotency key):
     * the booking is returned as it is and nobody is notified.
     *
     * @param booking the booking as it is now
     * @param events the events this command appended to its history, in order (the change by the
     *     actor, then any automatic change by the system it triggered, R6)
     * @param notifications the notifications of this change (R14): delivered by the facade, or queued in the repository's outbox for its relay
     * @param unreachable recipients that should have been notified but could not be: a customer
     *     with no contact data, or none stored (R14); staff should tell them another way
     */
    record Done(Booking booking, List<BookingEvent> events, List<Notification> notifications,
                Set<RecipientRole> unreachable) implements Outcome {

        /**
         * Checks the fields and copies the collections.
         *
         * @param booking the booking as it is now
         * @param events the events this command appended to its history, in order (the change by the actor, then any automatic change by the system it triggered, R6)
         * @param notifications the notifications of this change (R14): delivered by the facade, or queued in the repository's outbox for its relay
         * @param unreachable recipients that should have been notified but could not be: a customer with no contact data, or none stored (R14); staff should tell them another way
         */
        public Done {
            Objects.requireNonNull(booking, "booking");
            events = List.copyOf(events);
            notifications = List.copyOf(notifications);
            unreachable = Set.copyOf(unreachable);
        }

        /** @return false when nothing needed to change (idempotent repeat) */
        public boolean changed() {
            return !events.isEmpty();
        }

        /** @return whether the customer could not be notified although they should have been */
        public boolean customerUnreachable() {
            return unreachable.contains(RecipientRole.CUSTOMER);
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Done orElseThrow() {
            return this;
        }

        @Override
        public Optional<Refusal> asRefusal() {
            return Optional.empty();
        }

        /** @return ids, kinds and counts only: no reasons or messages typed by people */
        @Override
        public String toString() {
            return "Done[booking=" + booking + ", events=" + events.stream().map(BookingEvent::kind).toList()
                    + ", notifications=" + notifications.stream().map(n -> n.kind() + "/" + n.recipient()).toList()
                    + ", unreachable=" + unreachable + "]";
        }
    }

    /**
     * The command was refused; nothing was written.
     *
     * @param refusal why, until when, whom to contact
     * @param locale the customer's language when the booking's customer is known, else English;
     *     what {@link #message()} is written in
     */
    record Refused(Refusal refusal, Locale locale) implements Outcome {

        /**
         * Checks the fields.
         *
         * @param refusal why, until when, whom to contact, not null
         * @param locale the language of {@link #message()}, not null
         */
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
            Objects.requireNonNull(locale, "locale");
        }

        /**
         * A refusal whose message is in English.
         *
         * @param refusal why, until when, whom to contact, not null
         */
        public Refused(Refusal refusal) {
            this(refusal, Locale.ENGLISH);
        }

        /**
         * The refusal as a sentence in {@link #locale()}: the reason, the deadline in the
         * booking's zone and the contact, when known.
         *
         * @return the message
         */
        public String message() {
            return refusal.message(locale);
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public Done orElseThrow() {
            throw new RefusedException(refusal);
        }

        @Override
        public Optional<Refusal> asRefusal() {
            return Optional.of(refusal);
        }
    }
}
