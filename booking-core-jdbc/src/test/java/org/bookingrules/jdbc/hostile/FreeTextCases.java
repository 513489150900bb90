package org.bookingrules.jdbc.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.bookingrules.jdbc.hostile.HostileCase.of;
import static org.bookingrules.jdbc.hostile.HostileWorld.CONSULTATION;
import static org.bookingrules.jdbc.hostile.HostileWorld.DR_RUIZ;
import static org.bookingrules.jdbc.hostile.HostileWorld.HOUR;
import static org.bookingrules.jdbc.hostile.HostileWorld.STAFF;
import static org.bookingrules.jdbc.hostile.HostileWorld.TENANT_A;
import static org.bookingrules.jdbc.hostile.HostileWorld.ZOE;
import static org.bookingrules.jdbc.hostile.HostileWorld.ZOE_ACTS;
import static org.bookingrules.jdbc.hostile.HostileWorld.ZONE;
import static org.bookingrules.jdbc.hostile.HostileWorld.show;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.spi.Notification;

/**
 * Control characters and SQL metacharacters in every text field, through the facade and
 * self-service into the JDBC store and back. SQL metacharacters are legitimate free text (O'Hara, a
 * reason quoting a percentage): they must be accepted, stored verbatim and never executed, so the
 * tables must still be there with exactly the expected rows. Control characters (NUL, CR LF, ESC)
 * may be refused with a clear error naming the field, or accepted and stored verbatim on every
 * store, but never a storage fault.
 */
final class FreeTextCases {

    /** The SQL metacharacters, one by one, each between two letters. */
    static final List<String> METACHARACTERS = List.of("'", "\"", ";", "--", "/*", "*/", "\\", "%", "_");
    static final String CLASSIC = "'; DROP TABLE br_booking; --";
    static final String SOUP = "O'Hara \"Zed\"; -- /* c */ \\ 100% _ '; DROP TABLE br_booking; --";

    /** Control characters: may be refused (naming the field) or stored verbatim. */
    static final Map<String, String> CONTROL = new LinkedHashMap<>();

    static {
        CONTROL.put("a NUL", "before\u0000after");
        CONTROL.put("a CR LF", "line one\r\nline two");
        CONTROL.put("an ESC sequence", "red \u001b[31malert\u001b[0m done");
    }

    /** SQL: must be accepted and stored verbatim. */
    static final Map<String, String> SQL = new LinkedHashMap<>();

    static {
        for (String m : METACHARACTERS) {
            SQL.put("the metacharacter " + m, "x" + m + "y");
        }
        SQL.put("\"" + CLASSIC + "\"", CLASSIC);
        SQL.put("every metacharacter at once", SOUP);
    }

    /**
     * A text field: how to put a text in it through the library, the field an error names, its
     * longest value, and how to read what was stored back.
     */
    private record Field(String name, String errorField, int maxLength, boolean personal,
                         java.util.function.Consumer<HostileWorld> setup,
                         BiFunction<HostileWorld, String, Outcome> put, Reader read) {

        Field(String name, String errorField, int maxLength, boolean personal,
              BiFunction<HostileWorld, String, Outcome> put, Reader read) {
            this(name, errorField, maxLength, personal, w -> { }, put, read);
        }
    }

    /** Reads back every stored copy of the field, after the outcome. */
    @FunctionalInterface
    private interface Reader {
        List<String> read(HostileWorld w, Outcome.Done done);
    }

    private FreeTextCases() {
    }

    static Stream<HostileCase> all() {
        List<HostileCase> cases = new ArrayList<>();
        for (Field field : fields()) {
            CONTROL.forEach((label, text) -> add(cases, field, label, text, true));
            SQL.forEach((label, text) -> add(cases, field, label, text, false));
        }
        idCases(cases);
        emailCase(cases);
        return cases.stream();
    }

    /** An e-mail address may hold ' % / * - + (RFC 5322 atext): stored verbatim, and it still proves identity. */
    private static void emailCase(List<HostileCase> cases) {
        String email = PersonalData.of("o'hara+100%_hostilova-/*--*/@example.org");
        cases.add(of("book for a customer with e-mail \"" + email + "\": stored verbatim, never executed, and typed "
                + "back at the identity check it passes", w -> {
                    HostileWorld.Snapshot before = w.snapshot();
                    Outcome.Done done = w.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION,
                            new CustomerDetails("cust-x", null, email, null, Locale.ENGLISH), later(),
                            later().plus(HOUR), ZONE)).orElseThrow();
                    assertThat(with(List.of(read(w, done).customer().orElseThrow().email()),
                            payloads(w, done, "booking.customer.email"))).as("every stored copy of the e-mail")
                            .hasSize(1 + done.notifications().size()).allSatisfy(s -> assertThat(s).isEqualTo(email));
                    thenRowsAreExactly(w, before, done, new Field("e-mail", "customer.email", 254, true, null, null));
                    String token = w.links.issueManage(done.booking());
                    assertThat(w.self.verifyIdentity(token, email)).isInstanceOf(
                            org.bookingrules.links.LinkResult.Ok.class);
                    assertThat(w.self.verifyIdentity(token, "o'hara+100%_hostilova-/*--*/@example.org' OR '1'='1"))
                            .isInstanceOf(org.bookingrules.links.LinkResult.Denied.class);
                }));
    }

    private static void add(List<HostileCase> cases, Field field, String label, String raw, boolean mayRefuse) {
        String text = field.personal() ? wrapPersonal(field, raw) : raw;
        if (text.length() > field.maxLength()) {
            return;
        }
        if (field.personal()) {
            PersonalData.of(text);
        }
        String expectation = mayRefuse ? "stored verbatim, or a clear error naming " + field.errorField()
                : "stored verbatim and never executed";
        cases.add(of(field.name() + " with " + label + " (\"" + show(text) + "\"): " + expectation,
                w -> roundTrip(w, field, text, mayRefuse)));
    }

    /** Personal values carry a marker, so the log check finds them. */
    private static String wrapPersonal(Field field, String raw) {
        return switch (field.errorField()) {
            case "customer.phone" -> "600 111 222 " + raw;
            case "customer.email" -> raw;
            default -> "Zoë " + raw + " Hostilova";
        };
    }

    private static void roundTrip(HostileWorld w, Field field, String text, boolean mayRefuse) {
        field.setup().accept(w);
        HostileWorld.Snapshot before = w.snapshot();
        Outcome[] outcome = new Outcome[1];
        Throwable e = catchThrowable(() -> outcome[0] = field.put().apply(w, text));
        if (e != null && mayRefuse) {
            HostileWorld.assertClearError(e, field.errorField());
            w.unchangedSince(before);
            return;
        }
        assertThat(e).as("%s with \"%s\" must be accepted", field.name(), show(text)).isNull();
        assertThat(outcome[0].isDone()).as("the outcome: %s", outcome[0]).isTrue();
        Outcome.Done done = outcome[0].orElseThrow();
        assertThat(done.changed()).as("a change was made").isTrue();
        assertThat(field.read().read(w, done)).as("every stored copy of %s, read back", field.name())
                .isNotEmpty().allSatisfy(stored -> assertThat(stored).isEqualTo(text));
        thenRowsAreExactly(w, before, done, field);
        assertThat(w.notifier.delivered()).as("the notifications delivered")
                .containsExactlyElementsOf(done.notifications());
    }

    /** Every table is still there, with exactly the rows this one change adds. */
    private static void thenRowsAreExactly(HostileWorld w, HostileWorld.Snapshot before, Outcome.Done done,
                                           Field field) {
        Map<String, Long> rows = w.db.rowCounts();
        boolean inserted = done.booking().version() == done.events().size();
        assertThat(rows.get("br_booking")).as("bookings").isEqualTo(before.rows().get("br_booking") + (inserted ? 1 : 0));
        assertThat(rows.get("br_booking_event")).as("history events")
                .isEqualTo(before.rows().get("br_booking_event") + done.events().size());
        assertThat(rows.get("br_outbox")).as("outbox rows")
                .isEqualTo(before.rows().get("br_outbox") + done.notifications().size());
        assertThat(rows.get("br_idempotency_key")).as("idempotency keys")
                .isEqualTo(before.rows().get("br_idempotency_key") + (field.name().contains("idempotency") ? 1 : 0));
        assertThat(rows.get("br_link_guard")).as("link guards").isEqualTo(before.rows().get("br_link_guard"));
        boolean changedZoe = done.booking().tenantId().equals(TENANT_A) && done.booking().id().equals(w.zoe.id());
        if (!changedZoe) {
            assertThat(w.repository.find(TENANT_A, w.zoe.id())).as("Zoë's booking").isEqualTo(before.zoe());
        }
        assertThat(w.repository.find(HostileWorld.TENANT_B, w.ofB.id())).as("tenant B's booking")
                .isEqualTo(before.ofB());
        assertThat(w.repository.find(done.booking().tenantId(), done.booking().id())).as("the booking read back")
                .contains(done.booking());
        assertThat(w.repository.history(done.booking().tenantId(), done.booking().id()))
                .as("the history read back ends with this change's events")
                .endsWith(done.events().toArray(BookingEvent[]::new));
    }

    // ----------------------------------------------------------------------------------- fields

    private static Instant later() {
        return HostileWorld.ZOE_START.plus(Duration.ofDays(1));
    }

    private static Outcome staffBooks(HostileWorld w, Resource resource, Service service, CustomerDetails customer,
                                      NotificationChoice choice) {
        return w.rules.book(STAFF, BookRequest.of(TENANT_A, resource, service, customer, later(),
                later().plus(HOUR), ZONE).notifying(choice));
    }

    private static List<String> payloads(HostileWorld w, Outcome.Done done, String key) {
        return w.outbox(done.booking().tenantId(), done.booking().id()).stream()
                .filter(p -> p.getProperty(key) != null).map(p -> p.getProperty(key)).toList();
    }

    private static <T extends BookingEvent> T last(HostileWorld w, Outcome.Done done, Class<T> type) {
        List<BookingEvent> history = w.repository.history(done.booking().tenantId(), done.booking().id());
        return type.cast(history.get(history.size() - 1));
    }

    private static List<String> with(List<String> first, List<String> more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(more);
        return all;
    }

    private static List<Field> fields() {
        CustomerDetails other = new CustomerDetails("cust-x", null, PersonalData.of("x.hostilova@example.org"), null,
                Locale.ENGLISH);
        return List.of(
                new Field("book: resource.name", "resource.name", 200, false,
                        (w, t) -> staffBooks(w, new Resource("dr-x", t, null), CONSULTATION, other,
                                NotificationChoice.both()),
                        (w, d) -> with(List.of(read(w, d).resource().name()), payloads(w, d, "booking.resource.name"))),
                new Field("book: resource.contact", "resource.contact", 200, false,
                        (w, t) -> staffBooks(w, new Resource("dr-x", "Dr. X", t), CONSULTATION, other,
                                NotificationChoice.both()),
                        (w, d) -> with(List.of(read(w, d).resource().contact()), payloads(w, d, "booking.resource.contact"))),
                new Field("book: service.name", "service.name", 200, false,
                        (w, t) -> staffBooks(w, DR_RUIZ, new Service("svc-x", t), other, NotificationChoice.both()),
                        (w, d) -> with(List.of(read(w, d).service().name()), payloads(w, d, "booking.service.name"))),
                new Field("book: customer.name", "customer.name", 200, true,
                        (w, t) -> staffBooks(w, DR_RUIZ, CONSULTATION, new CustomerDetails("cust-x", t,
                                other.email(), null, Locale.ENGLISH), NotificationChoice.both()),
                        (w, d) -> with(List.of(read(w, d).customer().orElseThrow().name()),
                                payloads(w, d, "booking.customer.name"))),
                new Field("book: customer.phone", "customer.phone", 40, true,
                        (w, t) -> staffBooks(w, DR_RUIZ, CONSULTATION, new CustomerDetails("cust-x", null, null, t,
                                Locale.ENGLISH), NotificationChoice.both()),
                        (w, d) -> with(List.of(read(w, d).customer().orElseThrow().phone()),
                                payloads(w, d, "booking.customer.phone"))),
                new Field("book: notification.personalMessage", "notification.personalMessage", 2000, false,
                        (w, t) -> staffBooks(w, DR_RUIZ, CONSULTATION, other, NotificationChoice.both().withMessage(t)),
                        (w, d) -> with(payloads(w, d, "personalMessage"),
                                w.notifier.delivered().stream().map(Notification::personalMessage).toList())),
                new Field("book: idempotencyKey", "idempotencyKey", 128, false,
                        (w, t) -> {
                            BookRequest request = BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, other, later(),
                                    later().plus(HOUR), ZONE).withIdempotencyKey(t);
                            Outcome first = w.rules.book(STAFF, request);
                            // The repeat with the same key finds the stored key and changes nothing.
                            Outcome repeat = w.rules.book(STAFF, request);
                            assertThat(repeat.orElseThrow().changed()).as("the repeat changes nothing").isFalse();
                            assertThat(repeat.orElseThrow().booking().id()).as("the repeat answers the first booking")
                                    .isEqualTo(first.orElseThrow().booking().id());
                            return first;
                        },
                        (w, d) -> w.db.texts("SELECT idem_key FROM br_idempotency_key WHERE tenant_id = ?",
                                TENANT_A)),
                new Field("staff cancel: reason", "reason", 500, false,
                        (w, t) -> w.rules.cancel(STAFF, w.zoeRef(), ChangeRequest.because(t)),
                        (w, d) -> List.of(last(w, d, BookingEvent.Cancelled.class).reason())),
                new Field("staff cancel: notification.personalMessage", "notification.personalMessage", 2000, false,
                        (w, t) -> w.rules.cancel(STAFF, w.zoeRef(), ChangeRequest.because("staff")
                                .notifying(NotificationChoice.both().withMessage(t))),
                        (w, d) -> with(List.of(last(w, d, BookingEvent.Cancelled.class).personalMessage()),
                                payloads(w, d, "personalMessage").stream().filter(p -> !p.isEmpty()).toList())),
                new Field("customer decline: reason", "reason", 500, false,
                        (w, t) -> w.rules.decline(ZOE_ACTS, w.zoeRef(), ChangeRequest.because(t)),
                        (w, d) -> List.of(last(w, d, BookingEvent.Declined.class).reason())),
                new Field("staff revokeConfirmation: reason", "reason", 500, false,
                        w -> {
                            w.rules.confirm(STAFF, w.zoeRef()).orElseThrow();
                            w.notifier.clear();
                        },
                        (w, t) -> w.rules.revokeConfirmation(STAFF, w.zoeRef(), ChangeRequest.because(t)),
                        (w, d) -> List.of(last(w, d, BookingEvent.ConfirmationRevoked.class).reason())),
                new Field("staff markNoShow: reason", "reason", 500, false,
                        w -> w.clock.setInstant(w.zoe.start().plus(Duration.ofMinutes(20))),
                        (w, t) -> w.rules.markNoShow(STAFF, w.zoeRef(), ChangeRequest.because(t)),
                        (w, d) -> List.of(last(w, d, BookingEvent.MarkedNoShow.class).reason())),
                new Field("staff reschedule: change.reason", "change.reason", 500, false,
                        (w, t) -> w.rules.reschedule(STAFF, w.zoeRef(), RescheduleRequest.to(later(),
                                later().plus(HOUR)).with(ChangeRequest.because(t))),
                        (w, d) -> List.of(last(w, d, BookingEvent.Rescheduled.class).reason())),
                new Field("self-service cancel: reason", "reason", 500, false,
                        (w, t) -> w.self.cancel(w.grantToken, t).toOptional().orElseThrow(),
                        (w, d) -> List.of(last(w, d, BookingEvent.Cancelled.class).reason())),
                new Field("self-service decline: reason", "reason", 500, false,
                        (w, t) -> w.self.decline(w.grantToken, t).toOptional().orElseThrow(),
                        (w, d) -> List.of(last(w, d, BookingEvent.Declined.class).reason())));
    }

    private static Booking read(HostileWorld w, Outcome.Done done) {
        return w.repository.find(done.booking().tenantId(), done.booking().id()).orElseThrow();
    }

    // -------------------------------------------------------------------------------------- ids

    /** Ids may hold SQL metacharacters (any text without control characters or padding, up to 64). */
    private static void idCases(List<HostileCase> cases) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("\"x'; DROP TABLE br_booking; --\"", "x" + CLASSIC);
        ids.put("\"x' OR '1'='1\"", "x' OR '1'='1");
        ids.put("\"x\\\\'%_\"", "x\\'%_");
        ids.put("\"x/* c */\\\"y\"", "x/* c */\"y");
        ids.forEach((label, id) -> {
            cases.add(of("book in tenant " + label + ": the tenant id is stored verbatim and scopes the booking",
                    w -> idRoundTrip(w, (ww) -> ww.rules.book(STAFF, BookRequest.of(id, DR_RUIZ, CONSULTATION, ZOE,
                            later(), later().plus(HOUR), ZONE)), d -> List.of(d.booking().tenantId(),
                            w.repository.find(id, d.booking().id()).orElseThrow().tenantId()), id)));
            cases.add(of("book with resource id " + label + ": stored verbatim, its lock row too",
                    w -> idRoundTrip(w, ww -> ww.rules.book(STAFF, BookRequest.of(TENANT_A, new Resource(id, "Dr. X",
                            null), CONSULTATION, ZOE, later(), later().plus(HOUR), ZONE)), d -> with(
                            List.of(read(w, d).resource().id()), w.db.texts("SELECT resource_id FROM br_resource_lock "
                                    + "WHERE tenant_id = ? AND resource_id <> 'dr-ruiz'", TENANT_A)), id)));
            cases.add(of("book with service id " + label + ": stored verbatim",
                    w -> idRoundTrip(w, ww -> ww.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ,
                            new Service(id, "Consultation"), ZOE, later(), later().plus(HOUR), ZONE)),
                            d -> List.of(read(w, d).service().id()), id)));
            cases.add(of("a customer with id " + label + " books for themselves: stored verbatim, and their "
                    + "bookings are found by that id only", w -> idRoundTrip(w, ww -> ww.rules.book(Actor.customer(id),
                    BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, new CustomerDetails(id, null, ZOE.email(), null,
                            Locale.ENGLISH), later(), later().plus(HOUR), ZONE)), d -> with(
                    List.of(read(w, d).customer().orElseThrow().id(), d.booking().customer().orElseThrow().id()),
                    w.repository.customerBookings(TENANT_A, id).stream()
                            .map(b -> b.customer().orElseThrow().id()).toList()), id)));
            cases.add(of("staff with id " + label + " cancels: the actor id is stored verbatim in the history",
                    w -> idRoundTrip(w, ww -> ww.rules.cancel(Actor.staff(id), ww.zoeRef(), ChangeRequest.none()),
                            d -> List.of(last(w, d, BookingEvent.Cancelled.class).actor().id()), id)));
        });
    }

    private static void idRoundTrip(HostileWorld w, java.util.function.Function<HostileWorld, Outcome> put,
                                    java.util.function.Function<Outcome.Done, List<String>> read, String id) {
        HostileWorld.Snapshot before = w.snapshot();
        Outcome.Done done = put.apply(w).orElseThrow();
        assertThat(read.apply(done)).as("every stored copy of the id, read back").isNotEmpty()
                .allSatisfy(stored -> assertThat(stored).isEqualTo(id));
        Field field = new Field("id", "id", 64, false, null, null);
        thenRowsAreExactly(w, before, done, field);
        // The booking's own reference, with the hostile id, works like any other.
        assertThat(w.rules.find(STAFF, BookingRef.of(done.booking().tenantId(), done.booking().id())))
                .contains(done.booking());
    }
}
