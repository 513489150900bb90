package org.bookingrules.jdbc;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.testing.DelegatingRepository;

/**
 * A test decorator of a real repository (a fake wrapper, not a mock): it counts what
 * {@link #update} answered and, once {@linkplain #rendezvous(int) armed}, makes the first
 * {@link #find} of each thread wait, <em>after</em> loading, until the given number of threads have
 * loaded too. So every racing command decides on the same version before any of them saves: the
 * only way to reach a version conflict deterministically. Thread-safe.
 */
final class ObservedRepository extends DelegatingRepository {

    private static final long WAIT_SECONDS = 20;

    private final Map<SaveResult, AtomicInteger> updates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> findsByThread = new ConcurrentHashMap<>();
    private final Set<Thread> met = ConcurrentHashMap.newKeySet();
    private volatile CyclicBarrier barrier;

    /**
     * @param delegate the real repository
     */
    ObservedRepository(BookingRepository delegate) {
        super(delegate);
    }

    /**
     * From now on, the first find of each thread waits after loading until {@code parties} threads
     * have loaded. Resets the counts.
     *
     * @param parties how many threads meet
     */
    void rendezvous(int parties) {
        updates.clear();
        findsByThread.clear();
        met.clear();
        barrier = new CyclicBarrier(parties);
    }

    /**
     * @param result an update result
     * @return how many updates answered it since the counts were reset
     */
    int updates(SaveResult result) {
        AtomicInteger n = updates.get(result);
        return n == null ? 0 : n.get();
    }

    /**
     * @param threadName a thread's name
     * @return how many finds that thread made since the counts were reset
     */
    int finds(String threadName) {
        AtomicInteger n = findsByThread.get(threadName);
        return n == null ? 0 : n.get();
    }

    @Override
    public Optional<Booking> find(String tenantId, String bookingId) {
        Optional<Booking> loaded = super.find(tenantId, bookingId);
        findsByThread.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
        CyclicBarrier b = barrier;
        if (b != null && met.add(Thread.currentThread())) {
            try {
                b.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted at the rendezvous", e);
            } catch (BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("the other command never loaded the booking", e);
            }
        }
        return loaded;
    }

    @Override
    public SaveResult update(BookingChange change) {
        SaveResult result = super.update(change);
        updates.computeIfAbsent(result, k -> new AtomicInteger()).incrementAndGet();
        return result;
    }
}
