package org.bookingrules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 */
final class Idempotency {

    private static final Logger LOG = LoggerFactory.getLogger(BookingRules.class);

    private final BookingRepository repository;

    Idempotency(BookingRepository repository) {
        this.repository = repository;
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
}
