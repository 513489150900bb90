/**
 * The JDBC adapter: {@link org.bookingrules.jdbc.JdbcBookingRepository} on H2, PostgreSQL and
 * MariaDB, the schema ({@link org.bookingrules.jdbc.JdbcSchema}) and the transactional outbox's
 * {@link org.bookingrules.jdbc.OutboxRelay}, {@link org.bookingrules.jdbc.JdbcLinkGuardStore}, which
 * keeps the self-service links' failed identity checks, and {@link org.bookingrules.jdbc.Retention},
 * which deletes what piles up beside the bookings. Plain JDBC; the drivers are the user's.
 */
package org.bookingrules.jdbc;
