package org.bookingrules;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import org.bookingrules.model.Resource;

/**
 * A request to move a booking (R3, R10, R12). Immutable; checked by the facade.
 *
 * @param start the new start, not null
 * @param end the new end (exclusive), after {@code start}
 * @param resource the new resource (staff only, R12), or null to keep the current one
 * @param change the reason and notification choice, not null
 */
public record RescheduleRequest(@NotNull Instant start, @NotNull Instant end, Resource resource,
                                @NotNull @Valid ChangeRequest change) {

    /**
     * A move to a new slot with the same resource, no reason, notifying both.
     *
     * @param start the new start
     * @param end the new end
     * @return the request
     */
    public static RescheduleRequest to(Instant start, Instant end) {
        return new RescheduleRequest(start, end, null, ChangeRequest.none());
    }

    /**
     * This request moving to another resource (staff only).
     *
     * @param newResource the resource
     * @return the new request
     */
    public RescheduleRequest withResource(Resource newResource) {
        return new RescheduleRequest(start, end, newResource, change);
    }

    /**
     * This request with a reason and notification choice.
     *
     * @param newChange the change details
     * @return the new request
     */
    public RescheduleRequest with(ChangeRequest newChange) {
        return new RescheduleRequest(start, end, resource, newChange);
    }
}
