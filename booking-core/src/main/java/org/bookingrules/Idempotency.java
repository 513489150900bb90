package org.bookingrules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.internal.rules.RuleContext;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.IdempotencyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * Idempotent booking requests: a request repeated with the same key answers with the first
 * booking as it is now, and a key reused for other content is refused. Immutable and thread-safe.
 *
 * <p>A key is valid for its time to live, counted from when it was stored with its booking
 * ({@link IdempotencyKey#createdAt()}): a key stored at {@code t} answers repeats while
 * {@code now < t + ttl}. After that the key is as if never used: the same request is a new request
 * (it books again, or is refused like any new request), and the key it stores replaces the expired
 * one in the insert itself ({@link IdempotencyKey#expiredUpTo()}). A key whose store keeps no
 * creation instant never expires.
 */
final class Idempotency {

    private static final Logger LOG = LoggerFactory.getLogger(BookingRules.class);

    private final BookingRepository repository;
    private final Duration ttl;

    Idempotency(BookingRepository repository, Duration ttl) {
        this.repository = repository;
        this.ttl = ttl;
    }

    /**
     * SHA-256 of what identifies a booking request, so a repeat can be told from a key's reuse. It
     * takes the slot as stored (to the microsecond), so a retry that echoes the booking's own slot
     * is a repeat.
     */
    static String fingerprint(Actor actor, BookRequest request, Interval slot) {
        String canonical = String.join("\n", actor.getClass().getSimpleName(), actor.id(), request.tenantId(),
                request.resource().id(), request.service().id(),
                request.customer() == null ? "-" : request.customer().id(),
                slot.getStart().toString(), slot.getEnd().toString(), request.zone().getId(),
                request.paymentStatus().name());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * A repeat of an earlier request with the same key: the first booking as it is now (nothing
     * changed, nobody notified), or a refusal if the key came with other content.
     */
    Optional<Outcome> repeatOf(BookRequest request, String fingerprint, Actor actor, RuleContext context) {
        Optional<IdempotencyKey> seen = repository.findIdempotencyKey(request.tenantId(), request.idempotencyKey());
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        if (hasExpired(seen.get(), context.now())) {
            // Logged by the first booking's id: the key is the client's text.
            LOG.debug("BOOK: idempotency key of booking={} has expired; a new request", seen.get().bookingId());
            return Optional.empty();
        }
        if (!seen.get().fingerprint().equals(fingerprint)) {
            return Optional.of(Environment.refused(Action.BOOK, null, actor,
                    context.refuse(RefusalReason.IDEMPOTENCY_KEY_REUSED, null),
                    Environment.languageOf(request.customer())));
        }
        Booking first = repository.find(request.tenantId(), seen.get().bookingId())
                .orElseThrow(() -> new IllegalStateException("idempotency key points to a missing booking"));
        LOG.debug("BOOK booking={}: repeat of an idempotent request, nothing changed", first.id());
        return Optional.of(new Outcome.Done(first, List.of(), List.of(), Set.of()));
    }

    /**
     * The key a new booking stores: created with the booking, and replacing a stored key of the
     * same name that was created at or before {@code createdAt - ttl}, which has expired.
     */
    IdempotencyKey keyFor(String key, String fingerprint, Booking booked) {
        Instant createdAt = booked.createdAt();
        return new IdempotencyKey(key, fingerprint, booked.id(), createdAt, createdAt.minus(ttl));
    }

    /** Whether a stored key no longer answers repeats at {@code now}: stored at or before now - ttl. */
    private boolean hasExpired(IdempotencyKey stored, Instant now) {
        return stored.createdAt() != null && !stored.createdAt().plus(ttl).isAfter(now);
    }
}
