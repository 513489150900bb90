package org.bookingrules.policy;

import java.util.Objects;

/**
 * Port: which {@link BookingPolicy} applies to a booking of a service with a resource in a
 * tenant. Implementations must be thread-safe and fast (called on every command); the usual
 * lookup order is service, else resource, else tenant default. {@link PolicyTable} is the
 * built-in implementation.
 */
@FunctionalInterface
public interface PolicyResolver {

    /**
     * The policy for a booking.
     *
     * @param tenantId the tenant, not null
     * @param resourceId the resource, not null
     * @param serviceId the service, not null
     * @return the policy, never null
     */
    BookingPolicy policyFor(String tenantId, String resourceId, String serviceId);

    /**
     * A resolver that gives one policy to every booking.
     *
     * @param policy not null
     * @return the resolver
     */
    static PolicyResolver of(BookingPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return (tenantId, resourceId, serviceId) -> policy;
    }
}
