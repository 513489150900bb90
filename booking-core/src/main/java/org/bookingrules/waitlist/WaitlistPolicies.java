package org.bookingrules.waitlist;

import java.util.Objects;

/**
 * Gives each service its {@link WaitlistPolicy}. Must be thread-safe and fast; it is called on
 * every freed slot.
 */
@FunctionalInterface
public interface WaitlistPolicies {

    /** Every service off: the default. */
    WaitlistPolicies OFF = (tenantId, serviceId) -> WaitlistPolicy.OFF;

    /**
     * The policy of a service.
     *
     * @param tenantId the tenant, not null
     * @param serviceId the service, not null
     * @return the policy, never null
     */
    WaitlistPolicy policyFor(String tenantId, String serviceId);

    /**
     * One policy for every service.
     *
     * @param policy not null
     * @return the resolver
     */
    static WaitlistPolicies of(WaitlistPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return (tenantId, serviceId) -> policy;
    }
}
