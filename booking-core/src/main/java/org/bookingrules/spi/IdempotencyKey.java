package org.bookingrules.spi;

import java.time.Instant;
import java.util.Objects;
import org.bookingrules.internal.Checks;

/**
 * A client's idempotency key for a new booking, with the fingerprint of the request it came with,
 * so that a repeat can be told from a reuse, and its age, so that it can expire. Immutable.
 *
 * <p><b>Expiry.</b> The facade answers a repeat with the first booking only while the key is
 * younger than its time to live ({@code BookingRulesBuilder.idempotencyKeyTtl}); after that the
 * same key makes a new request. The store keeps no time to live: it keeps when the key was stored
 * ({@link #createdAt()}), and a key about to be stored carries how old a stored key of the same
 * name must be to count as expired ({@link #expiredUpTo()}), so that the insert replaces such a
 * key instead of answering {@link SaveResult#IDEMPOTENCY_KEY_TAKEN}.
 *
 * @param key the client's key, 1 to 128 characters
 * @param fingerprint a digest of the request's content (SHA-256, hex), not blank
 * @param bookingId the booking the key produced, not blank
 * @param createdAt when the key was stored with its booking (the booking's creation instant);
 *     null when not known: a store that keeps no such instant returns null, and such a key never
 *     expires. On a key about to be stored, null means "the booking's creation instant"
 * @param expiredUpTo on a key about to be stored: a stored key of the same name created at or
 *     before this instant has expired, and the insert replaces it (see {@link #replaces}); null
 *     when none expires. Null on a key read from a store. Must be before {@code createdAt} when
 *     both are given
 */
public record IdempotencyKey(String key, String fingerprint, String bookingId, Instant createdAt,
                             Instant expiredUpTo) {

    /**
     * Checks the fields.
     *
     * @param key the client's key, 1 to 128 characters
     * @param fingerprint a digest of the request's content (SHA-256, hex), not blank
     * @param bookingId the booking the key produced, not blank
     * @param createdAt when the key was stored, or null when not known
     * @param expiredUpTo the creation instant up to which a stored key of the same name has
     *     expired, or null when none expires
     * @throws IllegalArgumentException if the key's length is out of range, or {@code expiredUpTo}
     *     is not before {@code createdAt}
     */
    public IdempotencyKey {
        Checks.nonNull("key, fingerprint, bookingId", key, fingerprint, bookingId);
        if (key.isEmpty() || key.length() > 128) {
            throw new IllegalArgumentException("key must be 1 to 128 characters, was " + key.length());
        }
        if (createdAt != null && expiredUpTo != null && !expiredUpTo.isBefore(createdAt)) {
            throw new IllegalArgumentException("expiredUpTo must be before createdAt (" + createdAt + "), was "
                    + expiredUpTo);
        }
    }

    /**
     * A key that never expires and replaces no stored key: the behaviour of stores and callers
     * that know nothing of expiry.
     *
     * @param key the client's key, 1 to 128 characters
     * @param fingerprint a digest of the request's content (SHA-256, hex), not blank
     * @param bookingId the booking the key produced, not blank
     * @throws IllegalArgumentException if the key's length is out of range
     */
    public IdempotencyKey(String key, String fingerprint, String bookingId) {
        this(key, fingerprint, bookingId, null, null);
    }

    /**
     * Whether this key, about to be stored, replaces a stored key of the same name: true when the
     * stored key has expired, that is, it was created at or before {@link #expiredUpTo()}. A
     * stored key of unknown age never expires.
     *
     * @param stored the key stored under the same name, not null
     * @return true if the insert of this key may replace the stored one
     */
    public boolean replaces(IdempotencyKey stored) {
        Objects.requireNonNull(stored, "stored");
        return expiredUpTo != null && stored.createdAt() != null && !stored.createdAt().isAfter(expiredUpTo);
    }

    /**
     * This key as a store keeps it: with its creation instant (the given one when it has none) and
     * no {@link #expiredUpTo()}, which concerns only the insert.
     *
     * @param storedAt when it is stored, used when {@link #createdAt()} is null; not null
     * @return the key as stored
     */
    public IdempotencyKey asStored(Instant storedAt) {
        Objects.requireNonNull(storedAt, "storedAt");
        return new IdempotencyKey(key, fingerprint, bookingId, createdAt == null ? storedAt : createdAt, null);
    }
}
