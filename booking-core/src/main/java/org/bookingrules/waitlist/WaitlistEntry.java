package org.bookingrules.waitlist;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bookingrules.internal.Ids;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Service;
import org.threeten.extra.Interval;

/**
 * A customer's place on a service's cancellation list: which service, with which resource or any,
 * inside which window of acceptable times, and, for a customer who already has a booking, that
 * booking, to be moved to an earlier slot. Immutable and thread-safe.
 *
 * <p>The customer's details are personal data: {@link #toString()} shows ids only.
 *
 * @param tenantId the tenant, not blank
 * @param id the entry's id, not blank
 * @param customer the customer, not null
 * @param service the service asked for, not null
 * @param resourceId the resource asked for, or null for any resource of the service
 * @param window the acceptable times: an offered slot lies wholly inside it; bounded, not empty
 * @param bookingId the customer's booking to move earlier, or null to book anew
 * @param status where the entry stands, not null
 * @param joinedAt when the customer joined, the entry's place in the order, not null
 * @param version 1 when joined, one more on each change
 */
public record WaitlistEntry(String tenantId, String id, CustomerDetails customer, Service service, String resourceId,
                            Interval window, String bookingId, EntryStatus status, Instant joinedAt, long version) {

    /**
     * Checks the fields.
     *
     * @param tenantId the tenant, not blank
     * @param id the entry's id, not blank
     * @param customer the customer, not null
     * @param service the service asked for, not null
     * @param resourceId the resource asked for, or null for any
     * @param window the acceptable times, bounded, not empty
     * @param bookingId the booking to move earlier, or null
     * @param status where the entry stands, not null
     * @param joinedAt when the customer joined, not null
     * @param version 1 or more
     */
    public WaitlistEntry {
        Ids.require(tenantId, "tenantId");
        Ids.require(id, "id");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(service, "service");
        if (resourceId != null) {
            Ids.require(resourceId, "resourceId");
        }
        Objects.requireNonNull(window, "window");
        if (window.isUnboundedStart() || window.isUnboundedEnd() || window.isEmpty()) {
            throw new IllegalArgumentException("window must be bounded and not empty");
        }
        if (bookingId != null) {
            Ids.require(bookingId, "bookingId");
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(joinedAt, "joinedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, was " + version);
        }
    }

    /** @return the resource asked for, empty for any resource of the service */
    public Optional<String> resource() {
        return Optional.ofNullable(resourceId);
    }

    /** @return the booking to move earlier, empty when the customer books anew */
    public Optional<String> booking() {
        return Optional.ofNullable(bookingId);
    }

    /**
     * This entry in another status, one version on.
     *
     * @param next the new status
     * @return the changed entry
     */
    public WaitlistEntry withStatus(EntryStatus next) {
        return new WaitlistEntry(tenantId, id, customer, service, resourceId, window, bookingId, next, joinedAt,
                version + 1);
    }

    /**
     * This entry with the customer's personal data removed (name, e-mail, phone), one version on,
     * as erasing the customer leaves it: off the list (LEFT) unless it had ended already.
     *
     * @return the erased entry
     */
    public WaitlistEntry withCustomerErased() {
        return new WaitlistEntry(tenantId, id, customer.erased(), service, resourceId, window, bookingId,
                status.isFinal() ? status : EntryStatus.LEFT, joinedAt, version + 1);
    }

    /** Ids and status only; never personal data. */
    @Override
    public String toString() {
        return "WaitlistEntry[tenant=" + tenantId + ", id=" + id + ", customer=" + customer.id() + ", service="
                + service.id() + ", resource=" + resourceId + ", window=" + window + ", booking=" + bookingId
                + ", status=" + status + ", version=" + version + "]";
    }
}
