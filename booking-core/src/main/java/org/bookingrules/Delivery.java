package org.bookingrules;

import java.util.List;
import org.bookingrules.internal.delivery.NotificationDispatcher;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.OutboxBookingRepository;
import org.bookingrules.waitlist.WaitlistNotice;

/**
 * The facade's delivery path, chosen once from the repository's type: a repository with an outbox
 * ({@link OutboxBookingRepository}) delivers its notifications itself, through its relay, after
 * commit, so the facade hands nothing over; for any other repository the facade delivers, after
 * the change is stored, through the shared {@link NotificationDispatcher}. Immutable and
 * thread-safe.
 */
final class Delivery {

    private static final String AFTERWARDS = "given up; the change and the notification stay stored";

    /** Nothing leaves from the facade. */
    static final Delivery NONE = new Delivery(null);

    private final NotificationDispatcher dispatcher;

    private Delivery(NotificationDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    static Delivery direct(NotificationDispatcher dispatcher) {
        return new Delivery(dispatcher);
    }

    static Delivery of(BookingRulesBuilder settings) {
        if (settings.notifier() == BookingNotifier.NONE
                || settings.repository() instanceof OutboxBookingRepository) {
            return NONE;
        }
        return direct(settings.notificationExecutor() == null
                ? NotificationDispatcher.withOwnPool(settings.notifier(), "booking-rules-notifier",
                        BookingRules.OWN_NOTIFICATION_THREADS, settings.notificationAttempts(),
                        settings.notificationTimeout(), AFTERWARDS)
                : NotificationDispatcher.on(settings.notifier(), settings.notificationExecutor(),
                        settings.notificationAttempts(), settings.notificationTimeout(), AFTERWARDS));
    }

    /**
     * Delivers the notifications of one stored change, all at once, within one timeout. Never
     * throws for a failed or late delivery: the change is stored, and a failure is logged.
     */
    void handOver(List<Notification> notifications) {
        if (dispatcher != null) {
            dispatcher.deliverAll(notifications);
        }
    }

    void handOverNotices(List<WaitlistNotice> notices) {
        if (dispatcher != null) {
            dispatcher.deliverNotices(notices);
        }
    }
}
