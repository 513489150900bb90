package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.links.SelfServiceFixture.KEY;
import static org.bookingrules.links.SelfServiceFixture.KEY_ID;
import static org.bookingrules.links.SelfServiceFixture.key;
import static org.bookingrules.links.SelfServiceFixture.payloadOf;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.threeten.extra.MutableClock;

/**
 * The signed tokens of manage links (R8). Tampering, another
 * booking, another purpose, another tenant, expiry, key rotation, revocation, and no personal data.
 */
class ManageLinksTest {

    private static final int TOKENS = 10_000;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final Instant EXPIRY = Instant.parse("2026-03-20T12:00:00Z");

    private final MutableClock clock = MutableClock.of(NOW, ZONE);
    private final ManageLinks links = linksWith(clock);

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final SelfServiceFixture f = new SelfServiceFixture();

    private static ManageLinks linksWith(MutableClock clock) {
        return ManageLinks.builder().signingKey(KEY_ID, KEY).clock(clock).build();
    }

    /** The seed of a random test: fresh each run, repeatable with {@code -Dbookingrules.seed=...}. */
    private static long seed() {
        Long fixed = Long.getLong("bookingrules.seed");
        return fixed != null ? fixed : new SecureRandom().nextLong();
    }

    private static TokenCheck.Reason reasonOf(TokenCheck check) {
        return check instanceof TokenCheck.Invalid invalid ? invalid.reason() : null;
    }

    private static LinkClaims claimsOf(TokenCheck check) {
        assertThat(check).as("token check").isInstanceOf(TokenCheck.Valid.class);
        return ((TokenCheck.Valid) check).claims();
    }

    // ------------------------------------------------------------------------------ 1: tampering

    /**
     * What the links made of many tokens and one flipped copy of each, with the random numbers that
     * chose the tokens and flips, drawn from a fresh seed (see {@code seed()}). Not thread-safe.
     */
    private static final class FlipTally {
        private final long seed = seed();
        private final Random random = new Random(seed);
        private final Map<TokenCheck.Reason, Integer> reasons = new EnumMap<>(TokenCheck.Reason.class);
        private int originalsAccepted;
        private int rejected;
        private int accepted;
        private String firstAccepted;

        /** Negative control: the untouched token is accepted, so a rejection of its copy is the flip's doing. */
        void original(TokenCheck check) {
            if (check instanceof TokenCheck.Valid) {
                originalsAccepted++;
            }
        }

        void flipped(TokenCheck check, String description) {
            if (check instanceof TokenCheck.Invalid invalid) {
                rejected++;
                reasons.merge(invalid.reason(), 1, Integer::sum);
            } else {
                accepted++;
                if (firstAccepted == null) {
                    firstAccepted = description;
                }
            }
        }

        void assertEveryFlipRejected() {
            assertThat(originalsAccepted).as("unflipped tokens accepted (seed %d)", seed).isEqualTo(TOKENS);
            assertThat(accepted).as("flipped tokens accepted (seed %d, -Dbookingrules.seed=%d): first %s", seed,
                    seed, firstAccepted).isZero();
            assertThat(rejected).as("flipped tokens rejected (seed %d)", seed).isEqualTo(TOKENS);
        }
    }

    @Test
    @DisplayName("R8: 10,000 tokens with one random bit of their text flipped: all rejected")
    void r8_ten_thousand_tokens_with_one_text_bit_flipped_are_all_rejected() {
        FlipTally tally = new FlipTally();
        for (int i = 0; i < TOKENS; i++) {
            String token = links.issue(LinkPurpose.MANAGE, TENANT, "booking-" + i,
                    EXPIRY.plusSeconds(tally.random.nextInt(86_400)));
            tally.original(links.verify(token, LinkPurpose.MANAGE));
            byte[] text = token.getBytes(StandardCharsets.US_ASCII);
            int position = tally.random.nextInt(text.length);
            text[position] ^= (byte) (1 << tally.random.nextInt(8));
            String flipped = new String(text, StandardCharsets.ISO_8859_1);
            assertThat(flipped).isNotEqualTo(token);

            tally.flipped(links.verify(flipped, LinkPurpose.MANAGE), "token " + i + " flipped at " + position + ": "
                    + flipped);
        }
        System.out.printf("text bit flips, seed %d: rejected by reason %s%n", tally.seed, tally.reasons);

        tally.assertEveryFlipRejected();
    }

    @Test
    @DisplayName("R8: 10,000 tokens with one random bit of the decoded payload or signature flipped and re-encoded: all rejected")
    void r8_ten_thousand_tokens_with_one_decoded_bit_flipped_are_all_rejected() {
        FlipTally tally = new FlipTally();
        int payloadFlips = 0;
        for (int i = 0; i < TOKENS; i++) {
            String token = links.issue(tally.random.nextBoolean() ? LinkPurpose.MANAGE : LinkPurpose.GRANT, TENANT,
                    "booking-" + i, EXPIRY.plusSeconds(tally.random.nextInt(86_400)));
            int dot = token.indexOf('.');
            byte[] payload = B64D.decode(token.substring(0, dot));
            byte[] signature = B64D.decode(token.substring(dot + 1));
            LinkPurpose purpose = payloadOf(token).contains("\nGRANT\n") ? LinkPurpose.GRANT : LinkPurpose.MANAGE;
            // Re-encoding the untouched parts gives back the token, and it is accepted: negative control.
            assertThat(B64.encodeToString(payload) + "." + B64.encodeToString(signature)).isEqualTo(token);
            tally.original(links.verify(token, purpose));
            int bit = tally.random.nextInt((payload.length + signature.length) * 8);
            if (bit < payload.length * 8) {
                payload[bit / 8] ^= (byte) (1 << (bit % 8));
                payloadFlips++;
            } else {
                bit -= payload.length * 8;
                signature[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            String flipped = B64.encodeToString(payload) + "." + B64.encodeToString(signature);

            tally.flipped(links.verify(flipped, purpose), "token " + i + ": " + flipped);
        }
        System.out.printf("decoded bit flips, seed %d: %d in payloads; rejected by reason %s%n", tally.seed,
                payloadFlips, tally.reasons);

        assertThat(payloadFlips).as("both parts were flipped (seed %d)", tally.seed).isBetween(1, TOKENS - 1);
        tally.assertEveryFlipRejected();
    }

    @Test
    @DisplayName("R8: changing the booking id inside a signed payload, or splicing A's payload with B's signature, is rejected")
    void r8_a_token_for_booking_a_cannot_be_turned_into_one_for_b() {
        String tokenA = links.issue(LinkPurpose.MANAGE, TENANT, "booking-a", EXPIRY);
        String tokenB = links.issue(LinkPurpose.MANAGE, TENANT, "booking-b", EXPIRY);
        String payloadA = tokenA.substring(0, tokenA.indexOf('.'));
        String signatureA = tokenA.substring(tokenA.indexOf('.') + 1);
        String payloadB = tokenB.substring(0, tokenB.indexOf('.'));
        String signatureB = tokenB.substring(tokenB.indexOf('.') + 1);
        String renamed = B64.encodeToString(payloadOf(tokenA).replace("booking-a", "booking-b")
                .getBytes(StandardCharsets.UTF_8)) + "." + signatureA;

        assertThat(claimsOf(links.verify(tokenA, LinkPurpose.MANAGE)).bookingId()).isEqualTo("booking-a");
        assertThat(claimsOf(links.verify(tokenB, LinkPurpose.MANAGE)).bookingId()).isEqualTo("booking-b");
        assertThat(reasonOf(links.verify(renamed, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.BAD_SIGNATURE);
        assertThat(reasonOf(links.verify(payloadA + "." + signatureB, LinkPurpose.MANAGE)))
                .isEqualTo(TokenCheck.Reason.BAD_SIGNATURE);
        assertThat(reasonOf(links.verify(payloadB + "." + signatureA, LinkPurpose.MANAGE)))
                .isEqualTo(TokenCheck.Reason.BAD_SIGNATURE);
    }

    @Test
    @DisplayName("R8: a GRANT token used as MANAGE, and a MANAGE token used as GRANT, is rejected WRONG_PURPOSE")
    void r8_a_token_of_another_purpose_is_rejected() {
        String manage = links.issue(LinkPurpose.MANAGE, TENANT, "booking-a", EXPIRY);
        String grant = links.issue(LinkPurpose.GRANT, TENANT, "booking-a", EXPIRY);

        assertThat(claimsOf(links.verify(manage, LinkPurpose.MANAGE)).purpose()).isEqualTo(LinkPurpose.MANAGE);
        assertThat(claimsOf(links.verify(grant, LinkPurpose.GRANT)).purpose()).isEqualTo(LinkPurpose.GRANT);
        assertThat(reasonOf(links.verify(grant, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.WRONG_PURPOSE);
        assertThat(reasonOf(links.verify(manage, LinkPurpose.GRANT))).isEqualTo(TokenCheck.Reason.WRONG_PURPOSE);
    }

    @Test
    @DisplayName("R8: a token names its tenant; rewriting the tenant of a signed token is rejected")
    void r8_a_token_of_another_tenant_cannot_be_rewritten_to_this_tenant() {
        String other = links.issue(LinkPurpose.MANAGE, "other-clinic", "booking-a", EXPIRY);
        String retargeted = B64.encodeToString(payloadOf(other).replace("other-clinic", TENANT)
                .getBytes(StandardCharsets.UTF_8)) + other.substring(other.indexOf('.'));

        assertThat(claimsOf(links.verify(other, LinkPurpose.MANAGE)).tenantId()).isEqualTo("other-clinic");
        assertThat(payloadOf(retargeted)).contains("\n" + TENANT + "\n");
        assertThat(reasonOf(links.verify(retargeted, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.BAD_SIGNATURE);
    }

    // -------------------------------------------------------------------------------- 1: expiry

    @Test
    @DisplayName("R8: a token is valid one second before and exactly at its expiry, and EXPIRED one second past it")
    void r8_expiry_boundaries() {
        String token = links.issue(LinkPurpose.MANAGE, TENANT, "booking-a", EXPIRY);
        assertThat(claimsOf(links.verify(token, LinkPurpose.MANAGE)).expiresAt()).isEqualTo(EXPIRY);

        clock.setInstant(EXPIRY.minusSeconds(1));
        assertThat(links.verify(token, LinkPurpose.MANAGE)).isInstanceOf(TokenCheck.Valid.class);
        clock.setInstant(EXPIRY);
        assertThat(links.verify(token, LinkPurpose.MANAGE)).isInstanceOf(TokenCheck.Valid.class);
        clock.setInstant(EXPIRY.plusSeconds(1));
        assertThat(reasonOf(links.verify(token, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.EXPIRED);
        clock.setInstant(EXPIRY.plusMillis(1));
        assertThat(reasonOf(links.verify(token, LinkPurpose.MANAGE))).as("a millisecond past is past")
                .isEqualTo(TokenCheck.Reason.EXPIRED);
    }

    @Test
    @DisplayName("R8: a booking's manage link expires by default at its end plus 7 days: valid then, EXPIRED one second later")
    void r8_default_expiry_is_end_plus_seven_days() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        String token = f.tokenFromNotification(booking, NotificationKind.BOOKED);
        Instant expiry = booking.end().plus(Duration.ofDays(7));

        assertThat(ManageLinks.DEFAULT_VALIDITY_AFTER_END).isEqualTo(Duration.ofDays(7));
        assertThat(claimsOf(f.links.verify(token, LinkPurpose.MANAGE)).expiresAt()).isEqualTo(expiry);
        assertThat(claimsOf(f.links.verify(f.links.issueManage(booking), LinkPurpose.MANAGE)).expiresAt())
                .isEqualTo(expiry);
        f.clock.setInstant(expiry);
        assertThat(f.links.verify(token, LinkPurpose.MANAGE)).isInstanceOf(TokenCheck.Valid.class);
        f.clock.setInstant(expiry.plusSeconds(1));
        assertThat(reasonOf(f.links.verify(token, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.EXPIRED);
    }

    @Test
    @DisplayName("R8: the validity after the booking's end is configurable")
    void r8_validity_after_end_is_configurable() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        ManageLinks shortLived = ManageLinks.builder().signingKey(KEY_ID, KEY).clock(f.clock)
                .validityAfterEnd(Duration.ZERO).build();

        String token = shortLived.issueManage(booking);

        assertThat(claimsOf(shortLived.verify(token, LinkPurpose.MANAGE)).expiresAt()).isEqualTo(booking.end());
        f.clock.setInstant(booking.end().plusSeconds(1));
        assertThat(reasonOf(shortLived.verify(token, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.EXPIRED);
    }

    // ------------------------------------------------------------------------------ 1: rotation

    @Test
    @DisplayName("R8: key rotation: old tokens work while the old key verifies; once it is retired they are UNKNOWN_KEY, and tokens of the current second key work")
    void r8_key_rotation() {
        byte[] oldKey = key(1, 32);
        byte[] newKey = key(2, 48);
        ManageLinks before = ManageLinks.builder().signingKey("2025", oldKey).clock(clock).build();
        ManageLinks rotating = ManageLinks.builder().signingKey("2026", newKey).verifyingKey("2025", oldKey)
                .clock(clock).build();
        ManageLinks retired = ManageLinks.builder().signingKey("2026", newKey).clock(clock).build();
        String oldToken = before.issue(LinkPurpose.MANAGE, TENANT, "booking-a", EXPIRY);
        String newToken = rotating.issue(LinkPurpose.MANAGE, TENANT, "booking-a", EXPIRY);

        assertThat(claimsOf(before.verify(oldToken, LinkPurpose.MANAGE)).keyId()).isEqualTo("2025");
        assertThat(claimsOf(rotating.verify(oldToken, LinkPurpose.MANAGE)).keyId())
                .as("the old key still verifies during rotation").isEqualTo("2025");
        assertThat(claimsOf(rotating.verify(newToken, LinkPurpose.MANAGE)).keyId())
                .as("new tokens are signed by the current key").isEqualTo("2026");
        assertThat(reasonOf(before.verify(newToken, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.UNKNOWN_KEY);

        assertThat(reasonOf(retired.verify(oldToken, LinkPurpose.MANAGE))).as("retired key id")
                .isEqualTo(TokenCheck.Reason.UNKNOWN_KEY);
        assertThat(claimsOf(retired.verify(newToken, LinkPurpose.MANAGE)).keyId()).isEqualTo("2026");
    }

    @Test
    @DisplayName("R8: a token under a configured key id but signed with another secret is BAD_SIGNATURE")
    void r8_same_key_id_other_secret_is_rejected() {
        ManageLinks impostor = ManageLinks.builder().signingKey(KEY_ID, key(9, 32)).clock(clock).build();
        String forged = impostor.issue(LinkPurpose.MANAGE, TENANT, "booking-a", EXPIRY);

        assertThat(impostor.verify(forged, LinkPurpose.MANAGE)).isInstanceOf(TokenCheck.Valid.class);
        assertThat(reasonOf(links.verify(forged, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.BAD_SIGNATURE);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 16, 31})
    @DisplayName("R8: keys shorter than 32 bytes are refused by the builder, for signing and for verifying")
    void r8_short_keys_are_refused(int length) {
        byte[] shortKey = key(3, length);

        assertThatThrownBy(() -> ManageLinks.builder().signingKey("short", shortKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
        assertThatThrownBy(() -> ManageLinks.builder().verifyingKey("short", shortKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
    }

    @Test
    @DisplayName("R8: a key of exactly 32 bytes is accepted; a null key or no signing key at all is refused")
    void r8_key_of_32_bytes_is_accepted() {
        ManageLinks exact = ManageLinks.builder().signingKey("k", key(4, 32)).clock(clock).build();

        assertThat(exact.verify(exact.issue(LinkPurpose.MANAGE, TENANT, "b", EXPIRY), LinkPurpose.MANAGE))
                .isInstanceOf(TokenCheck.Valid.class);
        assertThatThrownBy(() -> ManageLinks.builder().signingKey("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ManageLinks.builder().verifyingKey("k", key(4, 32)).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("R8: the key is copied, so changing the caller's array later does not change the key")
    void r8_key_is_copied() {
        byte[] mine = key(5, 32);
        ManageLinks copied = ManageLinks.builder().signingKey("k", mine).clock(clock).build();
        String token = copied.issue(LinkPurpose.MANAGE, TENANT, "b", EXPIRY);

        java.util.Arrays.fill(mine, (byte) 0);

        assertThat(copied.verify(token, LinkPurpose.MANAGE)).isInstanceOf(TokenCheck.Valid.class);
    }

    // ---------------------------------------------------------------------------- 1: revocation

    @Test
    @DisplayName("R8: revokeLinks makes every earlier link and grant REVOKED; links issued after it work")
    void r8_revoke_links() {
        SelfServiceFixture.TwoBookings ana = f.twoBookingsForAna();
        String before = ana.firstToken();
        Grant grantBefore = f.anaVerifies(before);

        f.selfService.revokeLinks(TENANT, ana.first().id());

        assertThat(reasonOf(f.links.verify(before, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.REVOKED);
        assertThat(reasonOf(f.links.verify(grantBefore.token(), LinkPurpose.GRANT)))
                .isEqualTo(TokenCheck.Reason.REVOKED);
        assertThat(f.selfService.open(before)).isEqualTo(new LinkResult.Denied<>(LinkDenial.LINK_INVALID, null, -1));
        assertThat(f.selfService.cancel(grantBefore.token(), null))
                .isEqualTo(new LinkResult.Denied<>(LinkDenial.LINK_INVALID, null, -1));
        assertThat(f.links.verify(ana.secondToken(), LinkPurpose.MANAGE)).as("other bookings' links are untouched")
                .isInstanceOf(TokenCheck.Valid.class);

        String after = f.links.issueManage(ana.first());
        assertThat(claimsOf(f.links.verify(after, LinkPurpose.MANAGE)).generation()).isEqualTo(1);
        assertThat(f.selfService.open(after)).isInstanceOf(LinkResult.Ok.class);
        Grant grantAfter = f.anaVerifies(after);
        assertThat(f.selfService.confirm(grantAfter.token()).orElseThrow().isDone()).isTrue();
    }

    // ------------------------------------------------------------------------------ 1: malformed

    @Test
    @DisplayName("R8: null, empty, dotless, two-dot, padded and over-long tokens are MALFORMED")
    void r8_malformed_tokens() {
        String token = links.issue(LinkPurpose.MANAGE, TENANT, "booking-a", EXPIRY);
        String payload = token.substring(0, token.indexOf('.'));
        String signature = token.substring(token.indexOf('.') + 1);

        assertThat(links.verify(token, LinkPurpose.MANAGE)).isInstanceOf(TokenCheck.Valid.class);
        for (String bad : new String[] {null, "", ".", payload, payload + ".", "." + signature,
                token + "." + signature, token + "=", payload + "=." + signature, " " + token, token + " ",
                token + "A".repeat(2048), token.replace('-', '+').replace('_', '/')}) {
            if (bad != null && bad.equals(token)) {
                continue; // the '+'/'/' variant of a token with neither is the token itself
            }
            assertThat(reasonOf(links.verify(bad, LinkPurpose.MANAGE))).as("token %s", bad)
                    .isEqualTo(TokenCheck.Reason.MALFORMED);
        }
    }

    @Test
    @DisplayName("R8: a token of up to 2,048 characters is checked (a forged one of exactly 2,048 is BAD_SIGNATURE); "
            + "one of 2,049 is MALFORMED without being decoded")
    void r8_longest_token_checked() {
        // 1,503 payload bytes encode to 2,004 characters; with the dot and a 32-byte signature (43) that is 2,048.
        String expiry = Long.toString(EXPIRY.getEpochSecond());
        int fill = 1503 - String.join("\n", "1", KEY_ID, "MANAGE", TENANT, "", "0", expiry).length();
        String payload = B64.encodeToString(String.join("\n", "1", KEY_ID, "MANAGE", TENANT, "b".repeat(fill), "0",
                expiry).getBytes(StandardCharsets.UTF_8));
        String longest = payload + "." + B64.encodeToString(new byte[32]);
        String oneMore = payload + "." + B64.encodeToString(new byte[33]);

        assertThat(longest).hasSize(2048);
        assertThat(reasonOf(links.verify(longest, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.BAD_SIGNATURE);
        assertThat(oneMore).hasSize(2049);
        assertThat(reasonOf(links.verify(oneMore, LinkPurpose.MANAGE))).isEqualTo(TokenCheck.Reason.MALFORMED);
    }

    // ---------------------------------------------------------------------- 2: no personal data

    @Test
    @DisplayName("R8: a decoded token payload holds only the 7 fields (format, key id, purpose, tenant, booking id, generation, expiry) and no e-mail, name, phone or date of birth")
    void r8_payload_has_no_personal_data() {
        CustomerDetails carmen = new CustomerDetails("cust-carmen", "Carmen Núñez", "carmen.nunez@example.org",
                "+34 600 111 222", Locale.forLanguageTag("es"));
        LocalDate dateOfBirth = LocalDate.of(1990, 4, 17);
        Booking booking = f.book(TENANT, carmen, f.clock.instant().plus(Duration.ofDays(3)));
        String link = f.notifier.to(NotificationKind.BOOKED, RecipientRole.CUSTOMER).get(0).link().orElseThrow();
        String token = SelfServiceFixture.tokenOf(link);

        String payload = payloadOf(token);

        assertThat(payload.split("\n", -1)).containsExactly("1", KEY_ID, "MANAGE", TENANT, booking.id(), "0",
                Long.toString(booking.end().plus(Duration.ofDays(7)).getEpochSecond()));
        for (String text : List.of(payload, link)) {
            assertThat(text.toLowerCase(Locale.ROOT)).doesNotContain(
                    "carmen", "núñez", "nunez", "@", "example.org", "+34", "600 111 222", "600111222",
                    dateOfBirth.toString(), "19900417", "17/04/1990");
        }
        Grant grant = f.selfService.verifyIdentity(token, carmen.email()).orElseThrow();
        assertThat(payloadOf(grant.token()).split("\n", -1)).hasSize(7).doesNotContain(carmen.email(), carmen.name(),
                carmen.phone(), carmen.id());
    }
}
