package org.bookingrules.spi;

import java.util.List;
import java.util.Objects;
import org.bookingrules.model.BookingEvent;

/**
 * One atomic erasure of a customer's personal data in a tenant: for each of the customer's
 * bookings, its new state (customer details erased, version raised) and the
 * {@link BookingEvent.CustomerErased} event to append, checked against the version it was decided
 * on. Immutable.
 *
 * <p>Storing it means, all or nothing: each booking is updated and its event appended; every
 * earlier event of those bookings loses its free texts ({@link BookingEvent#withoutFreeText()});
 * every stored notification of those bookings loses its personal data
 * ({@link Notification#withoutPersonalData()}); notifications to the customer not yet delivered are
 * dropped.
 *
 * @param tenantId the tenant, not null
 * @param customerId the customer whose data is erased, not null
 * @param changes one change per booking to erase, not empty, each with no notifications
 */
public record CustomerErasure(String tenantId, String customerId, List<BookingChange> changes) {

    /**
     * Checks the fields and copies the list.
     *
     * @param tenantId the tenant, not null
     * @param customerId the customer whose data is erased, not null
     * @param changes one change per booking to erase, not empty, each with no notifications
     */
    public CustomerErasure {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(customerId, "customerId");
        changes = List.copyOf(changes);
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("an erasure changes at least one booking");
        }
        for (BookingChange change : changes) {
            boolean ofCustomer = change.booking().tenantId().equals(tenantId)
                    && change.booking().customer().filter(c -> c.id().equals(customerId) && c.isErased()).isPresent();
            if (!ofCustomer || change.isInsert() || !change.notifications().isEmpty()) {
                throw new IllegalArgumentException("each change must update one of the customer's bookings, erased, "
                        + "with no notifications: " + change.booking().id());
            }
        }
    }
}
