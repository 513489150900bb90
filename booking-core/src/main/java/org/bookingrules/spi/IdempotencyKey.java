package org.bookingrules.spi;

import java.util.Objects;

/**
 * A client's idempotency key for a new booking, with the fingerprint of the request it came with,
 * so that a repeat can be told from a reuse. Immutable.
 *
 * @param key the client's key, 1 to 128 characters
 * @param fingerprint a digest of the request's content (SHA-256, hex), not blank
 * @param bookingId the booking the key produced, not blank
 */
public record IdempotencyKey(String key, String fingerprint, String bookingId) {

    /**
     * Checks the fields.
     *
     * @param key the client's key, 1 to 128 characters
     * @param fingerprint a digest of the request's content (SHA-256, hex), not blank
     * @param bookingId the booking the key produced, not blank
     */
    public IdempotencyKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(bookingId, "bookingId");
        if (key.isEmpty() || key.length() > 128) {
            throw new IllegalArgumentException("key must be 1 to 128 characters, was " + key.length());
        }
    }
}
