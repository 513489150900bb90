package org.bookingrules.model;

import org.bookingrules.internal.Ids;

/**
 * Who asks for a change. Immutable and thread-safe.
 *
 * <p>The actor decides which rules apply: customers are bound by the service's policy (R9), staff
 * are not (R12), and the system acts only through automatic rules (R5, R6).
 */
public sealed interface Actor permits Actor.Customer, Actor.Staff, Actor.System {

    /** The actor that performs automatic changes (auto-confirmation, reminders). */
    System SYSTEM = new System();

    /**
     * A customer acting through self-service (portal, profile, the link in a message).
     *
     * @param customerId the customer's id in the embedding product, not blank
     */
    record Customer(String customerId) implements Actor {
        /**
         * Checks the id.
         *
         * @param customerId the customer's id in the embedding product, not blank
         */
        public Customer {
            Ids.require(customerId, "customerId");
        }

        @Override
        public String id() {
            return customerId;
        }
    }

    /**
     * A staff member acting through the admin panel or calendar.
     *
     * @param staffId the staff member's id in the embedding product, not blank
     */
    record Staff(String staffId) implements Actor {
        /**
         * Checks the id.
         *
         * @param staffId the staff member's id in the embedding product, not blank
         */
        public Staff {
            Ids.require(staffId, "staffId");
        }

        @Override
        public String id() {
            return staffId;
        }
    }

    /** The library itself, applying an automatic rule. Use {@link Actor#SYSTEM}. */
    record System() implements Actor {
        @Override
        public String id() {
            return "system";
        }
    }

    /**
     * A customer actor.
     *
     * @param customerId not blank
     * @return the actor
     */
    static Customer customer(String customerId) {
        return new Customer(customerId);
    }

    /**
     * A staff actor.
     *
     * @param staffId not blank
     * @return the actor
     */
    static Staff staff(String staffId) {
        return new Staff(staffId);
    }

    /**
     * The actor's id, for logs and history: the customer or staff id, or {@code "system"}.
     *
     * @return never null
     */
    String id();
}
