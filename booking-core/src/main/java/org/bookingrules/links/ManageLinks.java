package org.bookingrules.links;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bookingrules.model.Booking;
import org.bookingrules.internal.Ids;
import org.bookingrules.spi.ManageLinkIssuer;
import org.bookingrules.waitlist.SlotOffer;

/**
 * Issues and checks the signed tokens of self-service links (R8). A token is
 * {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))}; the payload names the key
 * id, the purpose, the tenant, the booking, the link generation and the expiry, and nothing else:
 * no personal data. Signatures are compared in constant time; non-canonical base64url is rejected,
 * so no two texts verify as one token. Several keys may verify (rotation); one signs. Immutable and
 * thread-safe.
 *
 * <p>As a {@link ManageLinkIssuer} it puts {@code baseUrl + token} into customer notifications.
 */
public final class ManageLinks implements ManageLinkIssuer {

    /** Shortest key accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 32;
    /** Default validity of a manage link: until the booking's end plus 7 days. */
    public static final Duration DEFAULT_VALIDITY_AFTER_END = Duration.ofDays(7);

    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String FORMAT = "1";

    private final Map<String, SecretKeySpec> keys;
    private final String signingKeyId;
    private final Clock clock;
    private final LinkGuardStore guards;
    private final String baseUrl;
    private final Duration validityAfterEnd;

    private ManageLinks(Builder b) {
        if (b.signingKeyId == null) {
            throw new IllegalStateException("a signing key is required: call signingKey(keyId, key)");
        }
        this.keys = Map.copyOf(b.keys);
        this.signingKeyId = b.signingKeyId;
        this.clock = b.clock;
        this.guards = b.guards;
        this.baseUrl = b.baseUrl;
        this.validityAfterEnd = b.validityAfterEnd;
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the store of link generations and failed checks these links use */
    public LinkGuardStore guardStore() {
        return guards;
    }

    /** @return the clock these links read */
    public Clock clock() {
        return clock;
    }

    /**
     * The manage link of a booking for notifications: {@code baseUrl + token}.
     *
     * @param booking not null
     * @return the link, or empty for a booking with no customer (nobody to send it to) or one
     *     that is no longer active (a link would open as invalid)
     */
    @Override
    public Optional<String> linkFor(Booking booking) {
        return booking.customer().isPresent() && booking.isActive()
                ? Optional.of(baseUrl + issueManage(booking)) : Optional.empty();
    }

    /**
     * The link of a cancellation-list offer: {@code baseUrl + token}, the token of purpose
     * {@link LinkPurpose#OFFER} naming the offer, valid until its deadline plus the configured
     * validity, so a page can still say why a late answer is refused.
     *
     * @param offer not null
     * @return the link, or empty for an offer no longer open
     */
    @Override
    public Optional<String> offerLinkFor(SlotOffer offer) {
        return offer.status().isOpen() ? Optional.of(baseUrl + issue(LinkPurpose.OFFER, offer.tenantId(), offer.id(),
                offer.deadline().plus(validityAfterEnd))) : Optional.empty();
    }

    /**
     * A manage token for a booking, valid until its end plus the configured validity, in the
     * booking's current link generation.
     *
     * @param booking not null
     * @return the token
     */
    public String issueManage(Booking booking) {
        return issue(LinkPurpose.MANAGE, booking.tenantId(), booking.id(), booking.end().plus(validityAfterEnd));
    }

    /**
     * A token of any purpose, in the booking's current link generation.
     *
     * @param purpose not null
     * @param tenantId not blank
     * @param bookingId not blank
     * @param expiresAt the last instant it is valid (kept to the second), not null
     * @return the token
     */
    public String issue(LinkPurpose purpose, String tenantId, String bookingId, Instant expiresAt) {
        Objects.requireNonNull(purpose, "purpose");
        Ids.require(tenantId, "tenantId");
        Ids.require(bookingId, "bookingId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        long generation = guards.state(tenantId, bookingId).generation();
        String payload = String.join("\n", FORMAT, signingKeyId, purpose.name(), tenantId, bookingId,
                Long.toString(generation), Long.toString(expiresAt.getEpochSecond()));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(sign(keys.get(signingKeyId), bytes));
    }

    /**
     * Checks a token: form, key, signature (constant time), purpose, expiry and generation.
     *
     * @param token the token, may be null (then malformed)
     * @param expected the purpose it must have, not null
     * @return {@link TokenCheck.Valid} with its claims, or {@link TokenCheck.Invalid} with why
     */
    public TokenCheck verify(String token, LinkPurpose expected) {
        Objects.requireNonNull(expected, "expected");
        if (token == null || token.length() > 2048) {
            return invalid(TokenCheck.Reason.MALFORMED);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 2) {
            return invalid(TokenCheck.Reason.MALFORMED);
        }
        byte[] payload = decodeCanonical(parts[0]);
        byte[] signature = decodeCanonical(parts[1]);
        if (payload == null || signature == null) {
            return invalid(TokenCheck.Reason.MALFORMED);
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length != 7 || !FORMAT.equals(fields[0])) {
            return invalid(TokenCheck.Reason.MALFORMED);
        }
        SecretKeySpec key = keys.get(fields[1]);
        if (key == null) {
            return invalid(TokenCheck.Reason.UNKNOWN_KEY);
        }
        if (!MessageDigest.isEqual(sign(key, payload), signature)) {
            return invalid(TokenCheck.Reason.BAD_SIGNATURE);
        }
        // Signed by us from here on, so the fields parse; a failure would be our own bug.
        LinkClaims claims = new LinkClaims(fields[1], LinkPurpose.valueOf(fields[2]), fields[3], fields[4],
                Long.parseLong(fields[5]), Instant.ofEpochSecond(Long.parseLong(fields[6])));
        if (claims.purpose() != expected) {
            return invalid(TokenCheck.Reason.WRONG_PURPOSE);
        }
        if (clock.instant().isAfter(claims.expiresAt())) {
            return invalid(TokenCheck.Reason.EXPIRED);
        }
        if (guards.state(claims.tenantId(), claims.bookingId()).generation() != claims.generation()) {
            return invalid(TokenCheck.Reason.REVOKED);
        }
        return new TokenCheck.Valid(claims);
    }

    private static TokenCheck invalid(TokenCheck.Reason reason) {
        return new TokenCheck.Invalid(reason);
    }

    /** Decodes base64url only if re-encoding gives the same text: one token, one spelling. */
    private static byte[] decodeCanonical(String text) {
        try {
            byte[] bytes = DECODER.decode(text);
            return ENCODER.encodeToString(bytes).equals(text) && bytes.length > 0 ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] sign(SecretKeySpec key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /** Builds {@link ManageLinks}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        private String signingKeyId;
        private Clock clock = Clock.systemUTC();
        private LinkGuardStore guards = new InMemoryLinkGuardStore();
        private String baseUrl = "";
        private Duration validityAfterEnd = DEFAULT_VALIDITY_AFTER_END;

        private Builder() {
        }

        /**
         * The key that signs new tokens (and verifies them).
         *
         * @param keyId a short id, not blank, without line breaks, not used by another key of this
         *     builder; goes into every token
         * @param key the secret, at least {@value #MIN_KEY_BYTES} bytes (copied)
         * @return this
         * @throws IllegalArgumentException if the key id is already used or the key is too short
         * @throws IllegalStateException if a signing key was already set
         */
        public Builder signingKey(String keyId, byte[] key) {
            if (signingKeyId != null) {
                throw new IllegalStateException("signingKey: already set to key id '" + signingKeyId
                        + "'; give older keys with verifyingKey");
            }
            verifyingKey(keyId, key);
            signingKeyId = keyId;
            return this;
        }

        /**
         * A key that still verifies tokens it signed, but signs no new ones (rotation). A key id
         * that is not configured at all is retired: its tokens are rejected.
         *
         * @param keyId the key's id, not blank, not used by another key of this builder
         * @param key the secret, at least {@value #MIN_KEY_BYTES} bytes (copied)
         * @return this
         * @throws IllegalArgumentException if the key id is already used or the key is too short
         */
        public Builder verifyingKey(String keyId, byte[] key) {
            Ids.require(keyId, "keyId");
            Objects.requireNonNull(key, "key");
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("key must be at least " + MIN_KEY_BYTES + " bytes, was "
                        + key.length);
            }
            if (keys.containsKey(keyId)) {
                // Silently replacing it would sign or verify with a key the caller did not mean.
                throw new IllegalArgumentException("keyId: '" + keyId + "' is given twice; each key needs its own id");
            }
            keys.put(keyId, new SecretKeySpec(key.clone(), HMAC));
            return this;
        }

        /**
         * @param v the clock for expiry, default {@link Clock#systemUTC()}
         * @return this
         */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * @param v where link generations and failed checks are kept; share it with every node
         *     (default: in memory, this process only)
         * @return this
         */
        public Builder guardStore(LinkGuardStore v) {
            guards = Objects.requireNonNull(v, "guardStore");
            return this;
        }

        /**
         * @param v what goes before the token in a link, for example
         *     {@code https://clinic.example/manage#}; default empty (the link is the token)
         * @return this
         */
        public Builder baseUrl(String v) {
            baseUrl = Objects.requireNonNull(v, "baseUrl");
            return this;
        }

        /**
         * @param v how long after the booking's end a manage link stays valid, zero or more, at
         *     most 366 days; default 7 days
         * @return this
         */
        public Builder validityAfterEnd(Duration v) {
            Objects.requireNonNull(v, "validityAfterEnd");
            if (v.isNegative() || v.compareTo(Duration.ofDays(366)) > 0) {
                throw new IllegalArgumentException("validityAfterEnd must be 0 to 366 days, was " + v);
            }
            validityAfterEnd = v;
            return this;
        }

        /**
         * Builds the links.
         *
         * @return the links
         * @throws IllegalStateException if no signing key was set
         */
        public ManageLinks build() {
            return new ManageLinks(this);
        }
    }
}
