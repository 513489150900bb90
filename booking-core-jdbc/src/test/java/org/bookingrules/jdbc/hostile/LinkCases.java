package org.bookingrules.jdbc.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.jdbc.hostile.HostileCase.of;
import static org.bookingrules.jdbc.hostile.HostileWorld.KEY;
import static org.bookingrules.jdbc.hostile.HostileWorld.KEY_ID;
import static org.bookingrules.jdbc.hostile.HostileWorld.NOW;
import static org.bookingrules.jdbc.hostile.HostileWorld.OTHER_KEY;
import static org.bookingrules.jdbc.hostile.HostileWorld.TENANT_A;
import static org.bookingrules.jdbc.hostile.HostileWorld.TENANT_B;
import static org.bookingrules.jdbc.hostile.HostileWorld.ZOE;
import static org.bookingrules.jdbc.hostile.HostileWorld.show;
import static org.bookingrules.jdbc.hostile.HostileWorld.sized;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bookingrules.jdbc.TestDatabases;
import org.bookingrules.links.InMemoryLinkGuardStore;
import org.bookingrules.links.LinkPurpose;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.SelfService;
import org.bookingrules.links.TokenCheck;

/**
 * Forged and truncated tokens at {@link SelfService#open}, {@link SelfService#verifyIdentity}
 * (with the right e-mail: a forged token must not turn a right answer into a grant) and
 * {@link SelfService#cancel}; hostile identity answers; hostile ids at
 * {@link SelfService#revokeLinks} and {@link ManageLinks#issue}. A forged token is denied as
 * LINK_INVALID and counts no failure; a hostile answer is WRONG_ANSWER and counts one.
 */
final class LinkCases {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    private LinkCases() {
    }

    /** A self-service call that takes a token, with the valid token it is forged from. */
    private record Entry(String name, Function<HostileWorld, String> validToken,
                         BiFunction<HostileWorld, String, LinkResult<?>> call) {
    }

    private static List<Entry> entries() {
        return List.of(
                new Entry("open", w -> w.manageToken, (w, t) -> w.self.open(t)),
                new Entry("verifyIdentity with the right e-mail", w -> w.manageToken,
                        (w, t) -> w.self.verifyIdentity(t, ZOE.email())),
                new Entry("cancel", w -> w.grantToken, (w, t) -> w.self.cancel(t, "forged")));
    }

    static Stream<HostileCase> all() {
        List<HostileCase> cases = new ArrayList<>();
        for (Entry entry : entries()) {
            forgeries().forEach((label, forge) -> cases.add(readOnly(entry.name() + " with a token " + label
                    + " is denied as LINK_INVALID", w -> w.deniesLink(() -> entry.call().apply(w,
                    forge.apply(w, entry.validToken().apply(w)))))));
        }
        cases.addAll(truncations().toList());
        answers(cases);
        revokeLinks(cases);
        issue(cases);
        return cases.stream();
    }

    private static HostileCase readOnly(String name, java.util.function.Consumer<HostileWorld> check) {
        return HostileCase.readOnly(name, check);
    }

    /** Every prefix of a valid token, for each entry. */
    static Stream<HostileCase> truncations() {
        List<HostileCase> cases = new ArrayList<>();
        for (Entry entry : entries()) {
            LinkPurpose purpose = entry.name().equals("cancel") ? LinkPurpose.GRANT : LinkPurpose.MANAGE;
            int length = sampleLength(purpose);
            for (int i = 1; i < length; i++) {
                int keep = i;
                cases.add(readOnly(entry.name() + " with a valid token truncated to " + keep + " of " + length
                        + " characters is denied as LINK_INVALID", w -> {
                            String token = entry.validToken().apply(w);
                            assertThat(token).as("the valid token's length").hasSize(length);
                            w.deniesLink(() -> entry.call().apply(w, token.substring(0, keep)));
                        }));
            }
        }
        return cases.stream();
    }

    /** The length of the world's valid tokens: their payload has the same fields, ids and expiry. */
    private static int sampleLength(LinkPurpose purpose) {
        ManageLinks links = ManageLinks.builder().signingKey(KEY_ID, KEY)
                .clock(java.time.Clock.fixed(NOW, ZoneOffset.UTC)).guardStore(new InMemoryLinkGuardStore()).build();
        Instant expiry = purpose == LinkPurpose.GRANT ? NOW.plus(Duration.ofMinutes(15))
                : HostileWorld.ZOE_START.plus(HostileWorld.HOUR).plus(ManageLinks.DEFAULT_VALIDITY_AFTER_END);
        return links.issue(purpose, TENANT_A, "hb-0001", expiry).length();
    }

    // -------------------------------------------------------------------------------- forgeries

    static String payload(String token) {
        return new String(UNB64.decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
    }

    static String signature(String token) {
        return token.substring(token.indexOf('.') + 1);
    }

    static String encode(String payload) {
        return B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    }

    static String sign(byte[] key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payload with its n-th field (0: format, 1: key id, 2: purpose, 3: tenant, 4: booking, 5: generation, 6: expiry) replaced. */
    static String withField(String payload, int n, String value) {
        String[] fields = payload.split("\n", -1);
        fields[n] = value;
        return String.join("\n", fields);
    }

    private static String otherDeploymentToken(HostileWorld w, String valid, byte[] key, String keyId) {
        ManageLinks other = ManageLinks.builder().signingKey(keyId, key).clock(w.clock)
                .guardStore(new InMemoryLinkGuardStore()).build();
        String[] f = payload(valid).split("\n", -1);
        return other.issue(LinkPurpose.valueOf(f[2]), f[3], f[4], Instant.ofEpochSecond(Long.parseLong(f[6])));
    }

    static Map<String, BiFunction<HostileWorld, String, String>> forgeries() {
        Map<String, BiFunction<HostileWorld, String, String>> f = new LinkedHashMap<>();
        f.put("that is null", (w, t) -> null);
        f.put("that is empty", (w, t) -> "");
        f.put("of one character", (w, t) -> "a");
        f.put("that is a lone dot", (w, t) -> ".");
        f.put("with two dots between its parts", (w, t) -> t.replace(".", ".."));
        f.put("with a third part", (w, t) -> t + "." + signature(t));
        f.put("without its signature", (w, t) -> t.substring(0, t.indexOf('.')));
        f.put("without its signature but with the dot", (w, t) -> t.substring(0, t.indexOf('.') + 1));
        f.put("without its payload", (w, t) -> t.substring(t.indexOf('.')));
        f.put("of non-base64 characters", (w, t) -> "!!!*$$$.@@@#^^^");
        f.put("with a character that is not base64url in its payload", (w, t) -> "*" + t.substring(1));
        f.put("in standard base64 padding (=)", (w, t) -> t.replace(".", "=.") + "=");
        f.put("surrounded by spaces", (w, t) -> " " + t + " ");
        f.put("with a trailing CR LF", (w, t) -> t + "\r\n");
        f.put("with a NUL appended", (w, t) -> t + "\u0000");
        f.put("whose dot is URL-encoded", (w, t) -> t.replace(".", "%2E"));
        f.put("in upper case", (w, t) -> t.toUpperCase(java.util.Locale.ROOT));
        f.put("with its last character changed", (w, t) -> t.substring(0, t.length() - 1)
                + (t.charAt(t.length() - 1) == 'A' ? 'B' : 'A'));
        f.put("with its first character changed", (w, t) -> (t.charAt(0) == 'A' ? 'B' : 'A') + t.substring(1));
        f.put("of 100 kB", (w, t) -> sized(t, FacadeCases.HUGE));
        f.put("of 2049 base64 characters", (w, t) -> sized("QUJD", 2049));
        f.put("repeated twice", (w, t) -> t + t);
        f.put("with an extra field injected into its payload, its signature kept",
                (w, t) -> encode(payload(t) + "\nADMIN") + "." + signature(t));
        f.put("with an extra field injected into its payload and signed with the real key (a leaked key)",
                (w, t) -> encode(payload(t) + "\nADMIN") + "." + sign(KEY, payload(t) + "\nADMIN"));
        f.put("whose tenant is rewritten to tenant B, its signature kept",
                (w, t) -> encode(withField(payload(t), 3, TENANT_B)) + "." + signature(t));
        f.put("whose booking id is rewritten to tenant B's booking, its signature kept",
                (w, t) -> encode(withField(withField(payload(t), 3, TENANT_B), 4, w.ofB.id())) + "." + signature(t));
        f.put("whose expiry is pushed a year later, its signature kept",
                (w, t) -> encode(withField(payload(t), 6, Long.toString(Long.parseLong(payload(t).split("\n")[6])
                        + 31_536_000L))) + "." + signature(t));
        f.put("whose purpose is swapped, its signature kept",
                (w, t) -> encode(withField(payload(t), 2, payload(t).contains("\nGRANT\n") ? "MANAGE" : "GRANT"))
                        + "." + signature(t));
        f.put("whose tenant field holds SQL, its signature kept",
                (w, t) -> encode(withField(payload(t), 3, "clinic-a' OR '1'='1")) + "." + signature(t));
        f.put("with tenant B's signature on Zoë's payload", (w, t) -> t.substring(0, t.indexOf('.') + 1)
                + signature(t.equals(w.grantToken) ? w.grantTokenOfB : w.manageTokenOfB));
        f.put("signed by another clinic's key under the same key id",
                (w, t) -> otherDeploymentToken(w, t, OTHER_KEY, KEY_ID));
        f.put("signed by an unknown key id", (w, t) -> otherDeploymentToken(w, t, KEY, "k2"));
        f.put("of the other purpose (manage where a grant is needed, and back)",
                (w, t) -> t.equals(w.grantToken) ? w.manageToken : w.grantToken);
        return f;
    }

    // ---------------------------------------------------------------------------------- answers

    private static void answers(List<HostileCase> cases) {
        Map<String, String> emailAnswers = new LinkedHashMap<>();
        emailAnswers.put("null", null);
        emailAnswers.put("empty", "");
        emailAnswers.put("blank", "   ");
        emailAnswers.put("100 kB", PersonalData.of(sized("zoe.hostilova@example.org ", FacadeCases.HUGE)));
        emailAnswers.put("the right e-mail padded to 100 kB",
                PersonalData.of(ZOE.email() + " ".repeat(FacadeCases.HUGE)));
        emailAnswers.put("the right e-mail with a NUL", PersonalData.of(ZOE.email() + "\u0000"));
        emailAnswers.put("the right e-mail behind an ESC sequence", PersonalData.of("\u001b[2J" + ZOE.email()));
        emailAnswers.put("the right e-mail with a CR LF and another address",
                PersonalData.of(ZOE.email() + "\r\nyan.hostilov@example.net"));
        emailAnswers.put("SQL that is always true", PersonalData.of("typed-answer' OR '1'='1"));
        emailAnswers.put("the right e-mail closed by a SQL comment", PersonalData.of(ZOE.email() + "' --"));
        emailAnswers.put("the LIKE pattern %", "%");
        emailAnswers.put("a wildcard e-mail", PersonalData.of("%hostilova%"));
        emailAnswers.put("the right e-mail twice", PersonalData.of(ZOE.email() + "," + ZOE.email()));
        emailAnswers.put("the e-mail of tenant B's customer with the same customer id", HostileWorld.YAN.email());
        emailAnswers.forEach((label, answer) -> cases.add(of("verifyIdentity (e-mail check) answered with "
                + label + " (\"" + show(String.valueOf(answer)) + "\") is WRONG_ANSWER, one failure counted, "
                + "nothing else changed", w -> w.wrongAnswer(() -> w.self.verifyIdentity(w.manageToken, answer)))));

        Map<String, String> birthAnswers = new LinkedHashMap<>();
        birthAnswers.put("null", null);
        birthAnswers.put("empty", "");
        birthAnswers.put("a day off", PersonalData.of("1987-06-06"));
        birthAnswers.put("the right date with a NUL", PersonalData.of("1987-06-05\u0000"));
        birthAnswers.put("the right date closed by a SQL comment", PersonalData.of("1987-06-05' --"));
        birthAnswers.put("the right date with a sign", PersonalData.of("+1987-06-05"));
        birthAnswers.put("the right date without dashes", PersonalData.of("19870605"));
        birthAnswers.put("the right date in day-month-year order", PersonalData.of("05-06-1987"));
        birthAnswers.put("100 kB", PersonalData.of(sized("1987-06-05", FacadeCases.HUGE)));
        birthAnswers.put("an impossible date", PersonalData.of("1987-02-30 typed-answer"));
        birthAnswers.forEach((label, answer) -> cases.add(of("verifyIdentity (date-of-birth check) answered with "
                + label + " (\"" + show(String.valueOf(answer)) + "\") is WRONG_ANSWER, one failure counted, "
                + "nothing else changed", w -> w.wrongAnswer(() -> w.selfByBirthDate.verifyIdentity(w.manageToken,
                answer)))));
    }

    // ------------------------------------------------------------------------------ revokeLinks

    private static void revokeLinks(List<HostileCase> cases) {
        Map<String, String> badIds = new LinkedHashMap<>();
        badIds.put("that is null", null);
        badIds.put("that is empty", "");
        badIds.put("that is blank", "  ");
        badIds.put("of 100 kB", FacadeCases.HUGE_ID);
        FacadeCases.CONTROL_IDS.forEach((label, id) -> badIds.put("holding " + label, id));
        badIds.forEach((label, id) -> {
            cases.add(of("revokeLinks with a tenantId " + label + ": a clear error naming tenantId, nothing stored",
                    w -> w.rejects("tenantId", () -> w.self.revokeLinks(id, w.zoe.id()))));
            cases.add(of("revokeLinks with a bookingId " + label + ": a clear error naming bookingId, nothing stored",
                    w -> w.rejects("bookingId", () -> w.self.revokeLinks(TENANT_A, id == null ? null
                            : id.replace("hb-0001", w.zoe.id())))));
        });
        for (String id : List.of("x'; DROP TABLE br_link_guard; --", "%", "hb-000_")) {
            cases.add(of("revokeLinks of booking id \"" + id + "\" revokes nothing else, executes nothing: Zoë's "
                    + "links still open", w -> {
                        HostileWorld.Snapshot before = w.snapshot();
                        w.self.revokeLinks(TENANT_A, id);
                        assertThat(w.db.rowCounts()).as("every table is still there")
                                .hasSize(TestDatabases.TABLES.size());
                        assertThat(w.db.texts("SELECT booking_id FROM br_link_guard WHERE tenant_id = ?", TENANT_A))
                                .as("at most the hostile id's own guard row, verbatim").allSatisfy(stored ->
                                        assertThat(stored).isEqualTo(id));
                        assertThat(w.self.open(w.manageToken)).as("Zoë's link").isInstanceOf(LinkResult.Ok.class);
                        assertThat(w.snapshot().zoeGuard()).isEqualTo(before.zoeGuard());
                        assertThat(w.snapshot().ofBGuard()).isEqualTo(before.ofBGuard());
                    }));
        }
    }

    // ------------------------------------------------------------------------------------ issue

    private static void issue(List<HostileCase> cases) {
        Instant expiry = NOW.plus(Duration.ofHours(1));
        cases.add(readOnly("ManageLinks.issue with a null purpose names purpose", w -> w.rejects("purpose",
                () -> w.links.issue(null, TENANT_A, w.zoe.id(), expiry))));
        cases.add(readOnly("ManageLinks.issue with a null expiry names expiresAt", w -> w.rejects("expiresAt",
                () -> w.links.issue(LinkPurpose.MANAGE, TENANT_A, w.zoe.id(), null))));
        Map<String, String> badIds = new LinkedHashMap<>();
        badIds.put("that is null", null);
        badIds.put("that is empty", "");
        badIds.put("of 100 kB", FacadeCases.HUGE_ID);
        FacadeCases.CONTROL_IDS.forEach((label, id) -> badIds.put("holding " + label, id));
        badIds.forEach((label, id) -> {
            cases.add(readOnly("ManageLinks.issue with a tenantId " + label + " names tenantId",
                    w -> w.rejects("tenantId", () -> w.links.issue(LinkPurpose.MANAGE, id, w.zoe.id(), expiry))));
            cases.add(readOnly("ManageLinks.issue with a bookingId " + label + " names bookingId (a token cannot "
                    + "carry an extra field)", w -> w.rejects("bookingId",
                    () -> w.links.issue(LinkPurpose.MANAGE, TENANT_A, id, expiry))));
        });
        cases.add(readOnly("ManageLinks.verify with a null purpose names expected", w -> w.rejects("expected",
                () -> w.links.verify(w.manageToken, null))));
        cases.add(readOnly("ManageLinks.verify of a null token is MALFORMED", w -> assertThat(
                w.links.verify(null, LinkPurpose.MANAGE)).isEqualTo(new TokenCheck.Invalid(TokenCheck.Reason.MALFORMED))));
    }
}
