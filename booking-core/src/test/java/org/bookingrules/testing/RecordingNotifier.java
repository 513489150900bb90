package org.bookingrules.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.waitlist.WaitlistNotice;

/** A notifier that keeps what it delivered (notifications and cancellation-list notices), for assertions. Thread-safe. */
public final class RecordingNotifier implements BookingNotifier {

    private final List<Notification> delivered = Collections.synchronizedList(new ArrayList<>());
    private final List<WaitlistNotice> notices = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void deliver(Notification notification) {
        delivered.add(notification);
    }

    @Override
    public void deliver(WaitlistNotice notice) {
        notices.add(notice);
    }

    /** @return every cancellation-list notice delivered so far, in order */
    public List<WaitlistNotice> notices() {
        synchronized (notices) {
            return List.copyOf(notices);
        }
    }

    /**
     * @param kind the kind
     * @return the notices of that kind, in order
     */
    public List<WaitlistNotice> notices(WaitlistNotice.Kind kind) {
        return notices().stream().filter(n -> n.kind() == kind).toList();
    }

    /** @return everything delivered so far, in order */
    public List<Notification> delivered() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    /**
     * @param kind the kind
     * @return the notifications of that kind
     */
    public List<Notification> ofKind(NotificationKind kind) {
        return delivered().stream().filter(n -> n.kind() == kind).toList();
    }

    /**
     * @param kind the kind
     * @param role the recipient
     * @return the notifications of that kind to that recipient
     */
    public List<Notification> to(NotificationKind kind, RecipientRole role) {
        return delivered().stream().filter(n -> n.kind() == kind && n.recipient() == role).toList();
    }

    /** Forgets everything delivered so far. */
    public void clear() {
        delivered.clear();
        notices.clear();
    }
}
