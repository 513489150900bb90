package org.bookingrules;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bookingrules.internal.Ids;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Transition;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.CustomerErasure;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.bookingrules.waitlist.EntryChange;
import org.bookingrules.waitlist.WaitlistChange;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistEvent;
import org.bookingrules.waitlist.WaitlistStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases one customer's personal data in a tenant, at staff's request: every booking of the
 * customer not erased yet, in one atomic write, retried on fresh state when a booking changed
 * meanwhile. Immutable and thread-safe.
 */
final class Erasure {

    private static final Logger LOG = LoggerFactory.getLogger(BookingRules.class);

    /** The customer named by an erasure request, checked like every request. */
    record CustomerRef(@NotBlank @Size(max = Ids.MAX_LENGTH) String tenantId,
                       @NotBlank @Size(max = Ids.MAX_LENGTH) String customerId) {
    }

    private final Environment env;
    /** The cancellation list's store, whose entries of the customer are erased too, or null. */
    private final WaitlistStore store;
    private final int maxAttempts;

    Erasure(Environment env, int maxAttempts) {
        this.env = env;
        this.store = env.repository instanceof WaitlistStore s && s.keepsWaitlist() ? s : null;
        this.maxAttempts = maxAttempts;
    }

    ErasureResult erase(Actor actor, String tenantId, String customerId) {
        env.validator.checkNotNull("actor", actor);
        env.validator.check("customer", new CustomerRef(tenantId, customerId));
        if (!(actor instanceof Actor.Staff)) {
            LOG.debug("ERASE actor={} refused: {}", Environment.describe(actor), RefusalReason.ACTION_NOT_PERMITTED);
            return new ErasureResult(ErasureResult.Status.REFUSED, List.of(),
                    new Refusal(RefusalReason.ACTION_NOT_PERMITTED, null, null, ZoneOffset.UTC));
        }
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            List<Booking> all = env.repository.customerBookings(tenantId, customerId);
            List<WaitlistEntry> entries = store == null ? List.of() : store.customerEntries(tenantId, customerId);
            if (all.isEmpty() && entries.isEmpty()) {
                return new ErasureResult(ErasureResult.Status.UNKNOWN_CUSTOMER, List.of(), null);
            }
            List<Booking> toErase = all.stream().filter(b -> !b.customer().orElseThrow().isErased()).toList();
            List<WaitlistEntry> entriesToErase = entries.stream().filter(e -> !e.customer().isErased()).toList();
            if (toErase.isEmpty() && entriesToErase.isEmpty()) {
                return new ErasureResult(ErasureResult.Status.ALREADY_ERASED, List.of(), null);
            }
            Instant now = env.now();
            List<BookingChange> changes = toErase.stream().map(b -> {
                Transition t = b.eraseCustomer(actor, now);
                return new BookingChange(t.booking(), b.version(), SlotClaim.NONE, List.of(t.event()), List.of());
            }).toList();
            SaveResult result = changes.isEmpty() ? SaveResult.SAVED
                    : env.repository.erase(new CustomerErasure(tenantId, customerId, changes));
            if (result == SaveResult.SAVED && !entriesToErase.isEmpty()) {
                // The entries after the bookings: a conflict here leaves the bookings erased, and the next
                // attempt finds only the entries to do.
                WaitlistEvent erased = new WaitlistEvent(WaitlistEvent.Kind.ERASED, actor, now, null, null, null);
                result = store.save(new WaitlistChange(now, null, 0, List.of(), entriesToErase.stream()
                        .map(e -> EntryChange.of(e, e.withCustomerErased(), erased)).toList(), null, List.of()));
            }
            if (result == SaveResult.SAVED) {
                LOG.info("ERASE tenant={} actor={}: customer data erased from {} bookings and {} waiting-list entries",
                        tenantId, Environment.describe(actor), changes.size(), entriesToErase.size());
                return new ErasureResult(ErasureResult.Status.ERASED,
                        changes.stream().map(BookingChange::booking).toList(), null);
            }
            if (result != SaveResult.VERSION_CONFLICT) {
                throw new IllegalStateException("unexpected erase result " + result);
            }
            LOG.debug("ERASE tenant={}: a booking or an entry changed meanwhile, deciding again (attempt {})", tenantId,
                    attempt);
        }
        throw new BookingConflictException("erase: the customer's bookings changed on each of " + maxAttempts
                + " attempts");
    }
}
