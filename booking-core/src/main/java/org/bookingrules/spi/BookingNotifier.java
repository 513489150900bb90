package org.bookingrules.spi;

/**
 * Port: delivers notifications (e-mail, SMS, push, the EHR's inbox). Implementations must be
 * thread-safe. Delivery may fail by throwing; the library retries, so implementations should
 * drop a repeat of a {@link Notification#id()} they already delivered.
 */
@FunctionalInterface
public interface BookingNotifier {

    /** A notifier that drops everything. */
    BookingNotifier NONE = notification -> { };

    /**
     * Delivers one notification.
     *
     * @param notification not null
     * @throws RuntimeException if delivery failed and should be retried
     */
    void deliver(Notification notification);
}
