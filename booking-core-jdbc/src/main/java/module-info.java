/**
 * Booking Rules JDBC adapter: {@link org.bookingrules.jdbc.JdbcBookingRepository} on H2, PostgreSQL
 * and MariaDB, the schema files and {@link org.bookingrules.jdbc.JdbcSchema}, the outbox relay and the
 * link guard store. Exports {@code org.bookingrules.jdbc} only; the JDBC drivers are the
 * application's.
 *
 * <p>The schema folders are open, so that a migration tool reads the files at
 * {@link org.bookingrules.jdbc.JdbcSchema#location} (for example
 * {@code classpath:org/bookingrules/jdbc/schema/postgresql}) on the module path too.
 */
module org.bookingrules.jdbc {
    // The API takes and returns core types (BookingRepository, Booking, ...) and java.sql/javax.sql ones.
    requires transitive org.bookingrules.core;
    requires transitive java.sql;
    requires org.slf4j;
    // The outbox document is JSON (docs/OUTBOX.md), written and read with the streaming API only.
    requires tools.jackson.core;

    exports org.bookingrules.jdbc;

    // Resources only: the schema files, readable by JdbcSchema and by migration tools.
    opens org.bookingrules.jdbc.schema.h2;
    opens org.bookingrules.jdbc.schema.mariadb;
    opens org.bookingrules.jdbc.schema.postgresql;
}
