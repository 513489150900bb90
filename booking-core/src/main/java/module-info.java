/**
 * Booking Rules core: the facade ({@link org.bookingrules.BookingRules}), the model, the rules and
 * their refusals, the policies, the self-service links, the ports an application implements and the
 * in-memory reference adapter.
 *
 * <p>Only those packages are exported. {@code org.bookingrules.internal} and
 * {@code org.bookingrules.internal.rules} are not, and {@code org.bookingrules.internal.delivery}
 * is exported to the JDBC module only: none of them is API. Hibernate Validator reads the annotated
 * request records, so their packages are open to it alone.
 */
// "module": org.bookingrules.jdbc, to which one package is exported, is compiled after this module.
@SuppressWarnings("module")
module org.bookingrules.core {
    // Interval is part of the API (slots, free slots, availability).
    requires transitive org.threeten.extra;
    requires jakarta.validation;
    requires org.hibernate.validator;
    requires org.slf4j;

    exports org.bookingrules;
    exports org.bookingrules.i18n;
    exports org.bookingrules.links;
    exports org.bookingrules.memory;
    exports org.bookingrules.model;
    exports org.bookingrules.policy;
    exports org.bookingrules.rules;
    exports org.bookingrules.spi;
    exports org.bookingrules.waitlist;
    // Not API: the notification delivery shared with the JDBC module's outbox relay.
    exports org.bookingrules.internal.delivery to org.bookingrules.jdbc;
    // Not API: the schedule the relay and the retention job share with the reminder sweep.
    exports org.bookingrules.internal.schedule to org.bookingrules.jdbc;
    // Not API: the checks the JDBC module's builders share with the facade's.
    exports org.bookingrules.internal.settings to org.bookingrules.jdbc;

    // The requests validated with Jakarta Validation (BookRequest, CustomerDetails, ...).
    opens org.bookingrules to org.hibernate.validator;
    opens org.bookingrules.model to org.hibernate.validator;
}
