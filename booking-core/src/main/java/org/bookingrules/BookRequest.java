package org.bookingrules;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.ZoneId;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.internal.Ids;
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
 * @param start the slot's start, not null; kept to the microsecond, like every instant the
 *     library stores
 * @param end the slot's end (exclusive), after {@code start}
 * @param zone the zone the booking is shown in, not null
 * @param paymentStatus whether it is already paid, not null
 * @param notification whom to notify, for staff bookings (customers always notify both), not null
 * @param idempotencyKey a key chosen by the client so that a retried request books once: a repeat
 *     with the same key and content returns the first booking unchanged, the same key with other
 *     content is refused ({@code IDEMPOTENCY_KEY_REUSED}); null for none; at most
 *     {@value #MAX_IDEMPOTENCY_KEY_LENGTH} characters
 */
public record BookRequest(@NotBlank @Size(max = Ids.MAX_LENGTH) String tenantId,
                          @NotNull Resource resource,
                          @NotNull Service service,
                          @Valid CustomerDetails customer,
                          @NotNull Instant start,
                          @NotNull Instant end,
                          @NotNull ZoneId zone,
                          @NotNull PaymentStatus paymentStatus,
                          @NotNull @Valid NotificationChoice notification,
                          @Size(min = 1, max = MAX_IDEMPOTENCY_KEY_LENGTH) String idempotencyKey) {

    /** Longest idempotency key accepted, in characters. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;

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
                NotificationChoice.both(), null);
    }

    /**
     * This request with a payment status.
     *
     * @param status the payment status
     * @return the new request
     */
    public BookRequest withPaymentStatus(PaymentStatus status) {
        return new BookRequest(tenantId, resource, service, customer, start, end, zone, status, notification, idempotencyKey);
    }

    /**
     * This request with a notification choice (staff bookings).
     *
     * @param choice whom to notify
     * @return the new request
     */
    public BookRequest notifying(NotificationChoice choice) {
        return new BookRequest(tenantId, resource, service, customer, start, end, zone, paymentStatus, choice, idempotencyKey);
    }

    /**
     * This request with an idempotency key, so that a retry books once.
     *
     * @param key the client's key for this request, 1 to {@value #MAX_IDEMPOTENCY_KEY_LENGTH}
     *     characters, or null for none
     * @return the new request
     */
    public BookRequest withIdempotencyKey(String key) {
        return new BookRequest(tenantId, resource, service, customer, start, end, zone, paymentStatus, notification,
                key);
    }
}
