package org.bookingrules.spi;

import org.bookingrules.waitlist.WaitlistNotice;

/**
 * Port: delivers notifications (e-mail, SMS, push, the EHR's inbox). Implementations must be
 * thread-safe. Delivery may fail by throwing; the library retries, so implementations should
 * drop a repeat of a {@link Notification#id()} they already delivered.
 *
 * <p>A product that turns the cancellation list on also delivers its notices
 * ({@link #deliver(WaitlistNotice)}); the default refuses them, and the facade's builder refuses a
 * cancellation list whose notifier keeps that default.
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

    /**
     * Delivers one cancellation-list notice (a slot offered, taken or expired). The default refuses:
     * override it to use the cancellation list.
     *
     * @param notice not null
     * @throws RuntimeException if delivery failed and should be retried
     * @throws UnsupportedOperationException by default
     */
    default void deliver(WaitlistNotice notice) {
        throw new UnsupportedOperationException(getClass().getName() + " does not deliver cancellation-list notices");
    }

    /**
     * Whether this notifier delivers cancellation-list notices: it overrides
     * {@link #deliver(WaitlistNotice)}.
     *
     * @return true if it does
     */
    default boolean deliversNotices() {
        try {
            return getClass().getMethod("deliver", WaitlistNotice.class).getDeclaringClass() != BookingNotifier.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("deliver(WaitlistNotice) is declared by BookingNotifier", e);
        }
    }
}
