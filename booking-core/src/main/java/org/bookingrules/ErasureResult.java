package org.bookingrules;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.Refusal;

/**
 * What {@link BookingRules#eraseCustomer} did. Immutable and thread-safe.
 *
 * @param status what happened, not null
 * @param erased the bookings erased now, as stored afterwards; empty unless {@link Status#ERASED}, and
 *     empty then too when only the customer's cancellation-list entries were erased
 * @param refusal why it was refused, or null unless {@link Status#REFUSED}
 */
public record ErasureResult(Status status, List<Booking> erased, Refusal refusal) {

    /** What an erasure did. */
    public enum Status {
        /** The customer's data was erased from the listed bookings and from their cancellation-list entries. */
        ERASED,
        /** Every booking and entry of the customer was erased before: nothing changed. */
        ALREADY_ERASED,
        /** The tenant has no booking and no cancellation-list entry of this customer: nothing changed. */
        UNKNOWN_CUSTOMER,
        /** The actor may not erase ({@link org.bookingrules.rules.RefusalReason#ACTION_NOT_PERMITTED}). */
        REFUSED
    }

    /**
     * Checks the fields and copies the list.
     *
     * @param status what happened, not null
     * @param erased the bookings erased now; empty unless ERASED (and possibly then)
     * @param refusal why it was refused; null unless REFUSED
     */
    public ErasureResult {
        Objects.requireNonNull(status, "status");
        erased = List.copyOf(erased);
        if ((status == Status.REFUSED) != (refusal != null) || (status != Status.ERASED && !erased.isEmpty())) {
            throw new IllegalArgumentException("status " + status + " does not go with these fields");
        }
    }

    /** @return the refusal, if refused */
    public Optional<Refusal> asRefusal() {
        return Optional.ofNullable(refusal);
    }

    /** @return status and booking ids only */
    @Override
    public String toString() {
        return "ErasureResult[" + status + ", erased=" + erased.stream().map(Booking::id).toList() + "]";
    }
}
