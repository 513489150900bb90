package org.bookingrules.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.bookingrules.internal.Ids;

/**
 * A {@link PolicyResolver} backed by maps: the service's policy, else the resource's ("the
 * professional's cancellation policy" [000]), else the tenant's default, else a fallback.
 * Immutable and thread-safe once built.
 */
public final class PolicyTable implements PolicyResolver {

    private final Map<Key, BookingPolicy> services;
    private final Map<Key, BookingPolicy> resources;
    private final Map<String, BookingPolicy> tenants;
    private final BookingPolicy fallback;

    private record Key(String tenantId, String id) {
    }

    private PolicyTable(Builder b) {
        this.services = Map.copyOf(b.services);
        this.resources = Map.copyOf(b.resources);
        this.tenants = Map.copyOf(b.tenants);
        this.fallback = b.fallback;
    }

    /**
     * A builder whose fallback is {@link BookingPolicy#ofDefaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public BookingPolicy policyFor(String tenantId, String resourceId, String serviceId) {
        BookingPolicy policy = services.get(new Key(tenantId, serviceId));
        if (policy == null) {
            policy = resources.get(new Key(tenantId, resourceId));
        }
        if (policy == null) {
            policy = tenants.get(tenantId);
        }
        return policy != null ? policy : fallback;
    }

    /** Builds a {@link PolicyTable}. Not thread-safe. */
    public static final class Builder {
        private final Map<Key, BookingPolicy> services = new HashMap<>();
        private final Map<Key, BookingPolicy> resources = new HashMap<>();
        private final Map<String, BookingPolicy> tenants = new HashMap<>();
        private BookingPolicy fallback = BookingPolicy.ofDefaults();

        private Builder() {
        }

        /**
         * The policy of one service.
         *
         * @param tenantId not blank
         * @param serviceId not blank
         * @param policy not null
         * @return this
         */
        public Builder service(String tenantId, String serviceId, BookingPolicy policy) {
            services.put(new Key(Ids.require(tenantId, "tenantId"), Ids.require(serviceId, "serviceId")),
                    Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * The default policy of one resource, for its services that have none.
         *
         * @param tenantId not blank
         * @param resourceId not blank
         * @param policy not null
         * @return this
         */
        public Builder resource(String tenantId, String resourceId, BookingPolicy policy) {
            resources.put(new Key(Ids.require(tenantId, "tenantId"), Ids.require(resourceId, "resourceId")),
                    Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * The default policy of one tenant.
         *
         * @param tenantId not blank
         * @param policy not null
         * @return this
         */
        public Builder tenant(String tenantId, BookingPolicy policy) {
            tenants.put(Ids.require(tenantId, "tenantId"), Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * The policy when nothing else matches.
         *
         * @param policy not null
         * @return this
         */
        public Builder fallback(BookingPolicy policy) {
            fallback = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Builds the table.
         *
         * @return the table
         */
        public PolicyTable build() {
            return new PolicyTable(this);
        }
    }
}
