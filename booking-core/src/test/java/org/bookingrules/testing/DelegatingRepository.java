package org.bookingrules.testing;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.CustomerErasure;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.SaveResult;
import org.threeten.extra.Interval;

/**
 * A repository that hands every call to a real one: the base of test decorators (fakes, not
 * mocks) that observe, delay or fail some calls and pass the rest on. Thread-safe if the delegate
 * is.
 */
public class DelegatingRepository implements BookingRepository {

    private final BookingRepository delegate;

    /**
     * @param delegate the real repository, not null
     */
    public DelegatingRepository(BookingRepository delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Optional<Booking> find(String tenantId, String bookingId) {
        return delegate.find(tenantId, bookingId);
    }

    @Override
    public Optional<Booking> findByConfirmationCode(String tenantId, String confirmationCode) {
        return delegate.findByConfirmationCode(tenantId, confirmationCode);
    }

    @Override
    public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        return delegate.findIdempotencyKey(tenantId, key);
    }

    @Override
    public SaveResult insert(BookingChange change) {
        return delegate.insert(change);
    }

    @Override
    public SaveResult update(BookingChange change) {
        return delegate.update(change);
    }

    @Override
    public List<Booking> calendar(String tenantId, String resourceId, Interval interval) {
        return delegate.calendar(tenantId, resourceId, interval);
    }

    @Override
    public List<Booking> customerBookings(String tenantId, String customerId) {
        return delegate.customerBookings(tenantId, customerId);
    }

    @Override
    public List<BookingEvent> history(String tenantId, String bookingId) {
        return delegate.history(tenantId, bookingId);
    }

    @Override
    public List<Booking> dueReminders(Instant now, int limit) {
        return delegate.dueReminders(now, limit);
    }

    @Override
    public SaveResult erase(CustomerErasure erasure) {
        return delegate.erase(erasure);
    }
}
