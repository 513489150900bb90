package org.bookingrules;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.ZoneId;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Ids;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;

/**
 * A request for a new booking (R1). Immutable; checked by the facade, which names the field of any
 * bad value in an {@link InvalidRequestException}.
 *
 * @param tenantId the tenant, not blank
 * @param resource who or what is booked, not null
 * @param service the service, not null
 * @param customer the customer, or null when staff book with no customer stored
 * @param start the slot's start, not null
 * @param end the slot's end (exclusive), after {@code start}
 * @param zone the zone the booking is shown in, not null
 * @param paymentStatus whether it is already paid, not null
 * @param notification whom to notify, for staff bookings (customers always notify both), not null
 */
public record BookRequest(@NotBlank @Size(max = Ids.MAX_LENGTH) String tenantId,
                          @NotNull Resource resource,
                          @NotNull Service service,
                          @Valid CustomerDetails customer,
                          @NotNull Instant start,
                          @NotNull Instant end,
                          @NotNull ZoneId zone,
                          @NotNull PaymentStatus paymentStatus,
                          @NotNull @Valid NotificationChoice notification) {

    /**
     * A request for an unpaid booking that notifies both.
     *
     * @param tenantId the tenant
     * @param resource the resource
     * @param service the service
     * @param customer the customer, or null
     * @param start the start
     * @param end the end (exclusive)
     * @param zone the display zone
     * @return the request
     */
    public static BookRequest of(String tenantId, Resource resource, Service service, CustomerDetails customer,
                                 Instant start, Instant end, ZoneId zone) {
        return new BookRequest(tenantId, resource, service, customer, start, end, zone, PaymentStatus.UNPAID,
                NotificationChoice.both());
    }

    /**
     * This request with a payment status.
     *
     * @param status the payment status
     * @return the new request
     */
    public BookRequest withPaymentStatus(PaymentStatus status) {
        return new BookRequest(tenantId, resource, service, customer, start, end, zone, status, notification);
    }

    /**
     * This request with a notification choice (staff bookings).
     *
     * @param choice whom to notify
     * @return the new request
     */
    public BookRequest notifying(NotificationChoice choice) {
        return new BookRequest(tenantId, resource, service, customer, start, end, zone, paymentStatus, choice);
    }
}
