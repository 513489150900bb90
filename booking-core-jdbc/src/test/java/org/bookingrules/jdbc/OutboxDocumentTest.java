package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.threeten.extra.Interval;

/**
 * The outbox document without a database: what it holds, that it reads back exactly what was
 * written (every field, instants to the microsecond, nulls), over generated bookings with hostile
 * texts, and that a text of another format is refused without quoting it. The round trip through
 * each database is {@link OutboxRelayContract}'s.
 */
@DisplayName("Outbox document: versioned JSON of one change's notifications")
class OutboxDocumentTest {

    private static final Instant CREATED = Instant.parse("2026-03-02T09:00:00.123456Z");
    private static final Instant START = Instant.parse("2026-03-05T10:30:00Z");

    // ----------------------------------------------------------------------------- examples

    @Test
    @DisplayName("every field set: one document for both recipients, read back equal, instants to the microsecond")
    void everyFieldRoundTrips() {
        Booking booking = Booking.builder().tenantId(TENANT).id("bk-1").confirmationCode("AB12CD34")
                .resource(DR_RUIZ).service(CONSULTATION).customer(ANA)
                .slot(Interval.of(START, START.plus(45, ChronoUnit.MINUTES))).zone(ZONE)
                .status(BookingStatus.CONFIRMED).paymentStatus(PaymentStatus.PAID).customerReschedules(2)
                .confirmedBy(Actor.staff("staff-maria"))
                .reminder(new ReminderState(START.minusSeconds(21_600).plusNanos(1_000), CREATED.plusNanos(7_000)))
                .version(7).createdAt(CREATED).updatedAt(CREATED.plusSeconds(3600).plusNanos(999_999_000))
                .build();
        Notification customer = new Notification("id-c", NotificationKind.RESCHEDULED, RecipientRole.CUSTOMER, booking,
                "Traiga su informe:\n\t\"pág. 2\" \\ gracias", "https://clinic.example/m/abc?x=1&y=2",
                Locale.forLanguageTag("es-ES"));
        Notification resource = new Notification("id-r", NotificationKind.RESCHEDULED, RecipientRole.RESOURCE, booking,
                customer.personalMessage(), null, Locale.ENGLISH);

        String json = OutboxDocument.write(List.of(customer, resource));

        assertThat(OutboxDocument.readAll(json)).containsExactly(customer, resource);
        assertThat(OutboxDocument.read(json, "id-r")).isEqualTo(resource);
        Map<String, String> fields = OutboxJson.fields(json);
        assertThat(fields).containsEntry("format", "1").containsEntry("kind", "RESCHEDULED")
                .containsEntry("booking.createdAt", "2026-03-02T09:00:00.123456Z")
                .containsEntry("booking.updatedAt", "2026-03-02T10:00:01.123455Z")
                .containsEntry("booking.reminder.sentAt", "2026-03-02T09:00:00.123463Z")
                .containsEntry("booking.confirmedBy.kind", "STAFF").containsEntry("booking.confirmedBy.id", "staff-maria")
                .containsEntry("booking.version", "7").containsEntry("booking.customerReschedules", "2")
                .containsEntry("notifications.0.manageLink", "https://clinic.example/m/abc?x=1&y=2")
                .containsEntry("notifications.1.manageLink", null);
        assertThat(json).as("a link reads as a link").contains("\"https://clinic.example/m/abc?x=1&y=2\"");
        assertThat(json).isEqualTo(JacksonOutboxWriter.write(List.of(customer, resource)));
    }

    @Test
    @DisplayName("written by hand, the text is what Jackson's generator wrote, every character escape included")
    void theTextIsTheGeneratorsForEveryCharacter() {
        StringBuilder all = new StringBuilder();
        for (char ch = 0; ch < 0x80; ch++) {
            all.append(ch);
        }
        // Lone and paired surrogates, separators JavaScript minds, the last characters of the plane.
        all.append("\u0080é\u2028\u2029\ud83d\ude00\ud800x\udc00\ufeff\uffff");
        Booking booking = Booking.builder().tenantId(TENANT).id("bk-3").confirmationCode("AB12")
                .resource(new Resource("dr-x", "Dr. \"X\" \\ /", null)).service(CONSULTATION).customer(ANA)
                .slot(Interval.of(START, START.plusSeconds(1))).zone(ZONE).version(3).createdAt(CREATED)
                .updatedAt(CREATED).build();
        // The link is the one text the model does not check for control characters.
        List<Notification> ns = List.of(new Notification("id-c", NotificationKind.CANCELLED, RecipientRole.CUSTOMER,
                booking, "tab\tline\nreturn\r\"quoted\" \\ é 中", all.toString(), Locale.forLanguageTag("es")));

        String json = OutboxDocument.write(ns);

        assertThat(json).isEqualTo(JacksonOutboxWriter.write(ns));
        assertThat(OutboxDocument.readAll(json)).containsExactlyElementsOf(ns);
    }

    @Test
    @DisplayName("every optional field null: written as JSON null, read back as null")
    void nullFieldsRoundTrip() {
        Booking booking = Booking.builder().tenantId(TENANT).id("bk-2").confirmationCode("ZZ99")
                .resource(new Resource("dr-x", "Dr. X", null)).service(CONSULTATION).customer(null)
                .slot(Interval.of(START, START.plusSeconds(1))).zone(ZoneOffset.UTC)
                .status(BookingStatus.PENDING).paymentStatus(PaymentStatus.UNPAID).customerReschedules(0)
                .reminder(ReminderState.none()).version(1).createdAt(CREATED).updatedAt(CREATED).build();
        Notification n = new Notification("id-1", NotificationKind.BOOKED, RecipientRole.RESOURCE, booking, null, null,
                Locale.ROOT);

        String json = OutboxDocument.write(List.of(n));

        assertThat(OutboxDocument.readAll(json)).containsExactly(n);
        assertThat(OutboxJson.fields(json)).containsEntry("personalMessage", null)
                .containsEntry("booking.customer", null).containsEntry("booking.confirmedBy", null)
                .containsEntry("booking.resource.contact", null).containsEntry("booking.reminder.dueAt", null)
                .containsEntry("booking.reminder.sentAt", null).containsEntry("notifications.0.locale", "und");
    }

    @Test
    @DisplayName("a reader takes fields in any order, absent optional fields as null, and skips fields it does not "
            + "know (PostgreSQL's jsonb reorders the fields)")
    void anyOrderAndUnknownFields() {
        String json = """
                {"notifications": [{"locale": "en", "recipient": "RESOURCE", "id": "n-1", "later": [1, {"x": 2}]}],
                 "booking": {"zone": "Europe/Madrid", "version": 3, "updatedAt": "2026-03-02T09:00:01Z",
                   "createdAt": "2026-03-02T09:00:00Z", "status": "CANCELLED", "paymentStatus": "UNPAID",
                   "customerReschedules": 0, "slot": {"end": "2026-03-05T11:00:00Z", "start": "2026-03-05T10:00:00Z"},
                   "service": {"name": "Consultation", "id": "consultation"}, "resource": {"name": "Dr. Ruiz", "id": "dr-ruiz"},
                   "reminder": {}, "confirmationCode": "AB12", "id": "bk-9", "tenantId": "clinic-1", "extra": null},
                 "kind": "CANCELLED", "format": 1}
                """;

        Notification n = OutboxDocument.read(json, "n-1");

        assertThat(n.kind()).isEqualTo(NotificationKind.CANCELLED);
        assertThat(n.personalMessage()).isNull();
        assertThat(n.manageLink()).isNull();
        assertThat(n.booking().customer()).isEmpty();
        assertThat(n.booking().resource().contact()).isNull();
        assertThat(n.booking().version()).isEqualTo(3);
    }

    @Test
    @DisplayName("another format version, a missing version, a missing field, not JSON, or no element for the row: "
            + "refused with a message that names the field and never quotes the text")
    void otherFormatsAreRefused() {
        Notification n = notification(ANA, "Ana's secret message");
        String valid = OutboxDocument.write(List.of(n));

        assertThatThrownBy(() -> OutboxDocument.readAll(valid.replace("\"format\":1", "\"format\":2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format 2");
        assertThatThrownBy(() -> OutboxDocument.readAll(valid.replace("\"format\":1,", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no format");
        assertThatThrownBy(() -> OutboxDocument.readAll(valid.replace("\"version\":", "\"vers\":")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("booking.version");
        assertThatThrownBy(() -> OutboxDocument.read(valid, "another-id"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("another-id");
        for (String broken : List.of("", "not json", "[1]", valid + "{}", valid.substring(0, valid.length() - 1),
                "id=1\nkind=BOOKED")) {
            assertThatThrownBy(() -> OutboxDocument.readAll(broken)).as(broken)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("Ana").hasMessageNotContaining("secret");
        }
    }

    @Test
    @DisplayName("notifications of different changes get a document each; those of one change share one")
    void byChange() {
        Notification a = notification(ANA, "one");
        Notification b = new Notification("id-r", a.kind(), RecipientRole.RESOURCE, a.booking(), "one", null,
                Locale.ENGLISH);
        Notification other = notification(ANA, "another message");

        assertThat(OutboxDocument.byChange(List.of(a, b))).containsExactly(List.of(a, b));
        assertThat(OutboxDocument.byChange(List.of(a, other, b))).containsExactly(List.of(a, b), List.of(other));
        assertThat(OutboxDocument.byChange(List.of())).isEmpty();
        assertThatThrownBy(() -> OutboxDocument.write(List.of(a, other))).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------ property

    @Test
    @DisplayName("property: any booking, any texts the model accepts (unicode, quotes, backslashes, tab, line "
            + "breaks, 2000-character messages), one or two recipients: the document is JSON and reads back equal")
    void anyNotificationsRoundTrip() {
        qt().withExamples(400)
                .forAll(bookings(), optionalText(2000, true), Generate.enumValues(NotificationKind.class), booleans().all())
                .checkAssert((booking, message, kind, both) -> {
                    List<Notification> ns = new ArrayList<>();
                    if (booking.customer().isPresent()) {
                        ns.add(new Notification(Notification.stableId(booking, kind, RecipientRole.CUSTOMER), kind,
                                RecipientRole.CUSTOMER, booking, message, "https://x.example/m/" + booking.id(),
                                booking.customer().get().language()));
                    }
                    if (both || ns.isEmpty()) {
                        ns.add(new Notification(Notification.stableId(booking, kind, RecipientRole.RESOURCE), kind,
                                RecipientRole.RESOURCE, booking, message, null, Locale.ENGLISH));
                    }

                    String json = OutboxDocument.write(ns);

                    assertThat(json).isEqualTo(JacksonOutboxWriter.write(ns));
                    assertThat(OutboxJson.fields(json)).containsEntry("format", "1");
                    assertThat(OutboxDocument.readAll(json)).containsExactlyElementsOf(ns);
                    for (Notification n : ns) {
                        assertThat(OutboxDocument.read(json, n.id())).isEqualTo(n);
                    }
                });
    }

    // ---------------------------------------------------------------------------- generators

    /** Pieces of text: letters, the characters JSON escapes, the controls texts may hold, other scripts. */
    private static final List<String> PIECES = List.of("a", "Z", "0", " ", "\"", "\\", "/", "\t", "\n", "\r", "'",
            "é", "ñ", "ß", "Ω", "中", "文", "ا", "\u00a0", "\u2028", "\u2029", "\ud83d\ude00", "\ud834\udd1e", "<", "&",
            "{", "}", "[", "]", ":", ",", "=", "#", "!", "\\u0041", "%s", "null");

    private static final List<String> IDS = List.of("a", "bk 1 with spaces", "ñ-中-\ud83d\ude00", "quote\"back\\slash",
            "x".repeat(64), "id:with=equals#hash");

    private static final List<ZoneId> ZONES = List.of(ZONE, ZoneOffset.UTC, ZoneOffset.of("+05:30"),
            ZoneId.of("America/Argentina/ComodRivadavia"), ZoneId.of("GMT+05:45"), ZoneId.of("Pacific/Kiritimati"));

    private static final List<Locale> LOCALES = List.of(Locale.ENGLISH, Locale.forLanguageTag("es-ES"),
            Locale.forLanguageTag("zh-Hant-TW"), Locale.forLanguageTag("sr-Latn-RS"), Locale.ROOT,
            Locale.forLanguageTag("ja-JP-u-ca-japanese"));

    private static Gen<String> text(int maxPieces, boolean controls) {
        Gen<String> piece = Generate.pick(controls ? PIECES
                : PIECES.stream().filter(p -> p.chars().noneMatch(Character::isISOControl)).toList());
        return lists().of(piece).ofSizeBetween(0, maxPieces).map(parts -> String.join("", parts));
    }

    /** Null, blank (which the model stores as null), short, or up to the length limit. */
    private static Gen<String> optionalText(int maxLength, boolean controls) {
        Gen<String> shortText = text(12, controls);
        Gen<String> longText = text(maxLength / 2, controls).map(t -> cut(t, maxLength));
        return Generate.oneOf(Generate.constant((String) null), shortText, longText);
    }

    /** At most {@code max} characters, never ending in half of a surrogate pair. */
    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        String cut = text.substring(0, max);
        return Character.isHighSurrogate(cut.charAt(max - 1)) ? cut.substring(0, max - 1) : cut;
    }

    /** A name: no control characters, not blank, at most 200 characters (30 pieces of at most 6). */
    private static Gen<String> name() {
        return text(30, false).map(t -> "N" + t);
    }

    private static Gen<Instant> instants() {
        // Up to the year 2100, to the microsecond; every fourth one on a whole second.
        return longs().between(0, 4_102_444_800_000_000L).zip(integers().between(0, 3),
                (micros, mode) -> Instant.EPOCH.plus(mode == 0 ? micros / 1_000_000 * 1_000_000 : micros,
                        ChronoUnit.MICROS));
    }

    private static Gen<CustomerDetails> customers() {
        Gen<CustomerDetails> present = Generate.pick(IDS).zip(optionalText(200, true), optionalText(40, true),
                Generate.pick(LOCALES), (id, nameText, phone, language) -> new CustomerDetails(id, nameText,
                        nameText == null ? "o'hara+1@example.org" : null, phone, language));
        return Generate.oneOf(present, Generate.constant((CustomerDetails) null));
    }

    private static Gen<Booking> bookings() {
        Gen<Resource> resources = Generate.pick(IDS).zip(name(), optionalText(200, true), Resource::new);
        Gen<Service> services = Generate.pick(IDS).zip(name(), Service::new);
        Gen<Interval> slots = instants().zip(longs().between(1, 86_400_000_000L),
                (start, micros) -> Interval.of(start, start.plus(micros, ChronoUnit.MICROS)));
        Gen<ReminderState> reminders = Generate.oneOf(Generate.constant(ReminderState.none()),
                instants().map(ReminderState::armedFor),
                instants().zip(instants(), ReminderState::new));
        Gen<Booking.Builder> what = Generate.pick(IDS).zip(resources, services, customers(), slots,
                (id, resource, service, customer, slot) -> Booking.builder().tenantId(TENANT).id(id)
                        .confirmationCode("CODE42").resource(resource).service(service).customer(customer).slot(slot));
        Gen<Booking.Builder> state = what.zip(Generate.enumValues(BookingStatus.class),
                Generate.enumValues(PaymentStatus.class), Generate.pick(ZONES),
                (b, status, payment, zone) -> b.status(status).paymentStatus(payment).zone(zone)
                        .confirmedBy(status == BookingStatus.CONFIRMED ? Actor.customer("cust-\u00f1") : null));
        return state.zip(reminders, longs().between(1, Long.MAX_VALUE), integers().between(0, 1000), instants(),
                (b, reminder, version, reschedules, at) -> b.reminder(reminder).version(version)
                        .customerReschedules(reschedules).createdAt(at).updatedAt(at.plusNanos(1_000)).build());
    }

    private static Notification notification(CustomerDetails customer, String message) {
        Booking booking = Booking.builder().tenantId(TENANT).id("bk-3").confirmationCode("AB12")
                .resource(DR_RUIZ).service(CONSULTATION).customer(customer)
                .slot(Interval.of(START, START.plusSeconds(1800))).zone(ZONE).reminder(ReminderState.none())
                .createdAt(CREATED).updatedAt(CREATED).build();
        return new Notification("id-c", NotificationKind.CANCELLED, RecipientRole.CUSTOMER, booking, message, null,
                customer.language());
    }
}
