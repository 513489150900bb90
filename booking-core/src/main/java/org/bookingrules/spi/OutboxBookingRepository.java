package org.bookingrules.spi;

/**
 * A {@link BookingRepository} that keeps a transactional outbox: it writes the notifications of
 * each change in the change's own transaction, and a relay delivers them once that transaction has
 * committed. For such a repository the outbox is the only delivery path: the facade never hands
 * its notifications to a notifier itself, so nothing leaves before the commit (even when the
 * repository joins a transaction the caller may still roll back) and nothing leaves twice.
 * {@code BookingRulesBuilder.build()} refuses a notifier together with such a repository; give
 * the notifier to the relay instead.
 *
 * <p>A repository without an outbox (the in-memory one, or one of your own) implements plain
 * {@link BookingRepository}; the facade then delivers the notifications itself, after the change
 * is stored.
 */
public interface OutboxBookingRepository extends BookingRepository {
}
