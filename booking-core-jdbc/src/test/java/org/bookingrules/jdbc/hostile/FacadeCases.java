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
import static org.bookingrules.jdbc.hostile.HostileWorld.sized;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.Permissions;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.threeten.extra.Interval;

/**
 * Hostile input at the facade ({@link BookingRules}) and its request and model values:
 * nulls, blanks, 100 kB strings, control characters in ids, references that play with SQL and
 * padding, absurd slots and zones. What {@code BadInputTest} (core, in memory) already proves is not
 * repeated: these run on the JDBC stores and go further.
 */
final class FacadeCases {

    /** 100 kB. */
    static final int HUGE = 100_000;
    static final String HUGE_ID = sized("id-100kB-", HUGE);
    static final String HUGE_TEXT = sized("Confidential note 100kB. ", HUGE);
    static final String HUGE_NAME = PersonalData.of(sized("Zoë Hostilova ", HUGE));
    static final String HUGE_EMAIL = PersonalData.of(sized("zoe.hostilova", HUGE - 12) + "@example.org");
    static final String HUGE_PHONE = PersonalData.of("+34 600 111 222" + sized(" 9", HUGE));

    /** Ids with control characters; the CR LF one tries to forge a log line. */
    static final Map<String, String> CONTROL_IDS = Map.of(
            "NUL", "hb-0001\u0000",
            "CR LF forging a log line", "hb-0001\r\nFORGED [main] INFO fake line",
            "ESC", "hb\u001b[2J-0001");
    static final List<String> BLANKS = List.of("", " ", "\t", "\r\n");

    private FacadeCases() {
    }

    static Stream<HostileCase> all() {
        List<HostileCase> cases = new ArrayList<>();
        nulls(cases);
        blanksAndHugeIds(cases);
        references(cases);
        actorsAndValues(cases);
        hugeTexts(cases);
        slots(cases);
        zones(cases);
        return cases.stream();
    }

    // ----------------------------------------------------------------------------------- nulls

    private static BookRequest with(BookRequest r, String field, Object value) {
        return new BookRequest(
                field.equals("tenantId") ? (String) value : r.tenantId(),
                field.equals("resource") ? (Resource) value : r.resource(),
                field.equals("service") ? (Service) value : r.service(),
                field.equals("customer") ? (CustomerDetails) value : r.customer(),
                field.equals("start") ? (Instant) value : r.start(),
                field.equals("end") ? (Instant) value : r.end(),
                field.equals("zone") ? (ZoneId) value : r.zone(),
                field.equals("paymentStatus") ? (PaymentStatus) value : r.paymentStatus(),
                field.equals("notification") ? (NotificationChoice) value : r.notification(),
                field.equals("idempotencyKey") ? (String) value : r.idempotencyKey());
    }

    /** The commands that take a reference and a change, by name. */
    static Map<String, CommandOnRef> changeCommands() {
        Map<String, CommandOnRef> commands = new java.util.LinkedHashMap<>();
        commands.put("cancel", (r, ref, change) -> r.cancel(STAFF, ref, change));
        commands.put("confirm", (r, ref, change) -> r.confirm(STAFF, ref, change));
        commands.put("decline", (r, ref, change) -> r.decline(STAFF, ref, change));
        commands.put("revokeConfirmation", (r, ref, change) -> r.revokeConfirmation(STAFF, ref, change));
        commands.put("markNoShow", (r, ref, change) -> r.markNoShow(STAFF, ref, change));
        commands.put("complete", (r, ref, change) -> r.complete(STAFF, ref, change));
        return commands;
    }

    @FunctionalInterface
    interface CommandOnRef {
        Outcome run(BookingRules rules, BookingRef ref, ChangeRequest change);
    }

    private static void nulls(List<HostileCase> cases) {
        cases.add(HostileCase.readOnly("book with a null request names request",
                w -> w.rejects("request", () -> w.rules.book(STAFF, null))));
        for (String field : List.of("resource", "service", "start", "end", "zone", "paymentStatus", "notification")) {
            cases.add(HostileCase.readOnly("book with a null " + field + " names " + field,
                    w -> w.rejects(field, () -> w.rules.book(STAFF, with(w.staffRequest(), field, null)))));
        }
        cases.add(HostileCase.readOnly("reschedule with a null request names request",
                w -> w.rejects("request", () -> w.rules.reschedule(STAFF, w.zoeRef(), null))));
        cases.add(HostileCase.readOnly("reschedule with a null start names start", w -> w.rejects("start", () -> w.rules.reschedule(
                STAFF, w.zoeRef(), new RescheduleRequest(null, w.zoe.end(), null, ChangeRequest.none())))));
        cases.add(HostileCase.readOnly("reschedule with a null end names end", w -> w.rejects("end", () -> w.rules.reschedule(
                STAFF, w.zoeRef(), new RescheduleRequest(w.zoe.start(), null, null, ChangeRequest.none())))));
        cases.add(HostileCase.readOnly("reschedule with a null change names change", w -> w.rejects("change", () -> w.rules.reschedule(
                STAFF, w.zoeRef(), new RescheduleRequest(w.zoe.start().plus(HOUR), w.zoe.end().plus(HOUR), null,
                        null)))));
        changeCommands().forEach((name, command) -> {
            cases.add(HostileCase.readOnly(name + " with a null change names change",
                    w -> w.rejects("change", () -> command.run(w.rules, w.zoeRef(), null))));
            cases.add(HostileCase.readOnly(name + " with a change whose notification is null names notification",
                    w -> w.rejects("notification", () -> command.run(w.rules, w.zoeRef(),
                            new ChangeRequest("why", null)))));
        });
        cases.add(HostileCase.readOnly("permissions with a null ref names ref",
                w -> w.rejects("ref", () -> w.rules.permissions(STAFF, null))));
        cases.add(HostileCase.readOnly("find with a null ref names ref", w -> w.rejects("ref", () -> w.rules.find(STAFF, null))));
        cases.add(HostileCase.readOnly("history with a null ref names ref", w -> w.rejects("ref", () -> w.rules.history(STAFF, null))));
        cases.add(HostileCase.readOnly("freeSlots with a null actor names actor", w -> w.rejects("actor",
                () -> w.rules.freeSlots(null, w.zoeRef(), Interval.of(w.zoe.start(), Duration.ofDays(1)),
                        Duration.ofMinutes(15)))));
        cases.add(HostileCase.readOnly("freeSlots with a null ref names ref", w -> w.rejects("ref",
                () -> w.rules.freeSlots(STAFF, null, Interval.of(w.zoe.start(), Duration.ofDays(1)),
                        Duration.ofMinutes(15)))));
        cases.add(HostileCase.readOnly("freeSlots with a null range names range", w -> w.rejects("range",
                () -> w.rules.freeSlots(STAFF, w.zoeRef(), null, Duration.ofMinutes(15)))));
        cases.add(HostileCase.readOnly("freeSlots with a null step names step", w -> w.rejects("step",
                () -> w.rules.freeSlots(STAFF, w.zoeRef(), Interval.of(w.zoe.start(), Duration.ofDays(1)), null))));
        cases.add(HostileCase.readOnly("freeSlots over all of time names range", w -> w.rejects("range",
                () -> w.rules.freeSlots(STAFF, w.zoeRef(), Interval.ALL, Duration.ofMinutes(15)))));
        cases.add(HostileCase.readOnly("freeSlots over a year names range", w -> w.rejects("range",
                () -> w.rules.freeSlots(STAFF, w.zoeRef(), Interval.of(w.zoe.start(), Duration.ofDays(365)),
                        Duration.ofMinutes(15)))));
        for (Duration step : List.of(Duration.ZERO, Duration.ofMinutes(-15), Duration.ofNanos(1))) {
            cases.add(HostileCase.readOnly("freeSlots with a step of " + step + " names step", w -> w.rejects("step",
                    () -> w.rules.freeSlots(STAFF, w.zoeRef(), Interval.of(w.zoe.start(), Duration.ofDays(1)), step))));
        }
    }

    // ------------------------------------------------------------------------------- blanks, ids

    private static void blanksAndHugeIds(List<HostileCase> cases) {
        for (String blank : BLANKS) {
            cases.add(HostileCase.readOnly("book with tenantId \"" + show(blank) + "\" names tenantId",
                    w -> w.rejects("tenantId", () -> w.rules.book(STAFF, with(w.staffRequest(), "tenantId", blank)))));
        }
        cases.add(HostileCase.readOnly("book with a 100 kB tenantId names tenantId",
                w -> w.rejects("tenantId", () -> w.rules.book(STAFF, with(w.staffRequest(), "tenantId", HUGE_ID)))));
        cases.add(HostileCase.readOnly("book with a padded tenantId \" clinic-a\" names tenantId",
                w -> w.rejects("tenantId", () -> w.rules.book(STAFF, with(w.staffRequest(), "tenantId", " clinic-a")))));
        CONTROL_IDS.forEach((label, id) -> cases.add(HostileCase.readOnly("book with a tenantId holding " + label + " names tenantId",
                w -> w.rejects("tenantId", () -> w.rules.book(STAFF, with(w.staffRequest(), "tenantId",
                        id.replace("hb-0001", TENANT_A)))))));
        cases.add(HostileCase.readOnly("book with an empty idempotencyKey names idempotencyKey",
                w -> w.rejects("idempotencyKey", () -> w.rules.book(STAFF, w.staffRequest().withIdempotencyKey("")))));
        cases.add(HostileCase.readOnly("book with a 100 kB idempotencyKey names idempotencyKey",
                w -> w.rejects("idempotencyKey", () -> w.rules.book(STAFF,
                        w.staffRequest().withIdempotencyKey(HUGE_ID)))));
    }

    // -------------------------------------------------------------------------------- references

    /** Every command and query that takes a reference, run by staff. */
    static Map<String, Function<HostileWorld, Function<BookingRef, Object>>> refCalls() {
        Map<String, Function<HostileWorld, Function<BookingRef, Object>>> calls = new java.util.LinkedHashMap<>();
        changeCommands().forEach((name, command) ->
                calls.put(name, w -> ref -> command.run(w.rules, ref, ChangeRequest.because("hostile"))));
        putRescheduleAndQueries(calls, STAFF, w -> w.zoe);
        return calls;
    }

    /**
     * Adds the reschedule and the queries that take a reference, by an actor: the reschedule to the
     * hour after a booking of the world, the free slots over the day from its start.
     *
     * @param calls where to add them, by name
     * @param actor who calls
     * @param near the booking whose times they use
     */
    static void putRescheduleAndQueries(Map<String, Function<HostileWorld, Function<BookingRef, Object>>> calls,
                                        Actor actor, Function<HostileWorld, Booking> near) {
        calls.put("reschedule", w -> ref -> w.rules.reschedule(actor, ref,
                RescheduleRequest.to(near.apply(w).start().plus(HOUR), near.apply(w).end().plus(HOUR))));
        calls.put("permissions", w -> ref -> w.rules.permissions(actor, ref));
        calls.put("find", w -> ref -> w.rules.find(actor, ref));
        calls.put("history", w -> ref -> w.rules.history(actor, ref));
        calls.put("freeSlots", w -> ref -> w.rules.freeSlots(actor, ref, Interval.of(near.apply(w).start(),
                Duration.ofDays(1)), Duration.ofMinutes(30)));
    }

    /**
     * The reference names no booking: a clear error naming the field, or the answer for an unknown
     * booking (BOOKING_NOT_FOUND, empty); never Zoë's booking, never a storage fault, nothing written.
     */
    static void unknownOrRejected(HostileWorld w, String field, Function<BookingRef, Object> call, BookingRef ref) {
        HostileWorld.Snapshot before = w.snapshot();
        Object[] result = new Object[1];
        Throwable e = catchThrowable(() -> result[0] = call.apply(ref));
        if (e != null) {
            HostileWorld.assertClearError(e, field);
        } else if (result[0] instanceof Outcome outcome) {
            assertThat(outcome.asRefusal().map(Refusal::reason)).as("the outcome for a reference that names no "
                    + "booking").contains(RefusalReason.BOOKING_NOT_FOUND);
        } else if (result[0] instanceof Permissions p) {
            for (Decision d : List.of(p.cancel(), p.reschedule(), p.confirm(), p.decline())) {
                assertThat(d).as("permissions for a reference that names no booking")
                        .isInstanceOfSatisfying(Refusal.class,
                                r -> assertThat(r.reason()).isEqualTo(RefusalReason.BOOKING_NOT_FOUND));
            }
        } else if (result[0] instanceof java.util.Optional<?> found) {
            assertThat(found).as("find for a reference that names no booking").isEmpty();
        } else {
            assertThat((Iterable<?>) result[0]).as("the answer for a reference that names no booking").isEmpty();
        }
        w.unchangedSince(before);
    }

    private static void references(List<HostileCase> cases) {
        refCalls().forEach((name, call) -> {
            cases.add(HostileCase.readOnly(name + " with a 100 kB tenantId names tenantId", w -> w.rejects("tenantId",
                    () -> call.apply(w).apply(BookingRef.of(HUGE_ID, w.zoe.id())))));
            cases.add(HostileCase.readOnly(name + " with a 100 kB bookingId names bookingId", w -> w.rejects("bookingId",
                    () -> call.apply(w).apply(BookingRef.of(TENANT_A, HUGE_ID)))));
            cases.add(HostileCase.readOnly(name + " with a blank tenantId names tenantId", w -> w.rejects("tenantId",
                    () -> call.apply(w).apply(BookingRef.of(" ", w.zoe.id())))));
        });
        // Control characters, SQL and LIKE metacharacters, padding: the id names no booking. Every
        // call, with the bookingId and with the tenantId.
        Map<String, Function<String, String>> hostileIds = new java.util.LinkedHashMap<>();
        CONTROL_IDS.forEach((label, id) -> hostileIds.put("holding " + label, real -> id.replace("hb-0001", real)));
        hostileIds.put("with a trailing space", real -> real + " ");
        hostileIds.put("with a leading space", real -> " " + real);
        hostileIds.put("with a trailing tab", real -> real + "\t");
        hostileIds.put("as the LIKE pattern %", real -> "%");
        hostileIds.put("as a LIKE pattern with _ for its last character",
                real -> real.substring(0, real.length() - 1) + "_");
        hostileIds.put("with ' OR '1'='1", real -> real + "' OR '1'='1");
        hostileIds.put("with '; DROP TABLE br_booking; --", real -> real + "'; DROP TABLE br_booking; --");
        hostileIds.put("with a backslash-escaped quote", real -> real + "\\'");
        hostileIds.put("in upper case", real -> real.toUpperCase(Locale.ROOT));
        refCalls().forEach((name, call) -> hostileIds.forEach((label, hostile) -> {
            cases.add(HostileCase.readOnly(name + " with Zoë's bookingId " + label + ": an unknown booking or an error naming "
                    + "bookingId, never Zoë's", w -> unknownOrRejected(w, "bookingId", call.apply(w),
                    BookingRef.of(TENANT_A, hostile.apply(w.zoe.id())))));
            cases.add(HostileCase.readOnly(name + " with Zoë's tenantId " + label + ": an unknown booking or an error naming "
                    + "tenantId, never Zoë's", w -> unknownOrRejected(w, "tenantId", call.apply(w),
                    BookingRef.of(hostile.apply(TENANT_A), w.zoe.id()))));
        }));
    }

    // --------------------------------------------------------------------------- actors, values

    private static void actorsAndValues(List<HostileCase> cases) {
        Map<String, String> badIds = new java.util.LinkedHashMap<>();
        badIds.put("null", null);
        for (String blank : BLANKS) {
            badIds.put("\"" + show(blank) + "\"", blank);
        }
        badIds.put("of 100 kB", HUGE_ID);
        badIds.put("padded with spaces", " x ");
        CONTROL_IDS.forEach((label, id) -> badIds.put("holding " + label, id));
        badIds.forEach((label, id) -> {
            cases.add(HostileCase.readOnly("a staff actor whose id is " + label + " names staffId",
                    w -> w.rejects("staffId", () -> Actor.staff(id))));
            cases.add(HostileCase.readOnly("a customer actor whose id is " + label + " names customerId",
                    w -> w.rejects("customerId", () -> Actor.customer(id))));
            cases.add(HostileCase.readOnly("a resource whose id is " + label + " names resource.id",
                    w -> w.rejects("resource.id", () -> new Resource(id, "Dr. Ruiz", null))));
            cases.add(HostileCase.readOnly("a service whose id is " + label + " names service.id",
                    w -> w.rejects("service.id", () -> new Service(id, "Consultation"))));
            cases.add(HostileCase.readOnly("a customer whose id is " + label + " names customer.id",
                    w -> w.rejects("customer.id", () -> new CustomerDetails(id, ZOE.name(), ZOE.email(), null,
                            Locale.ENGLISH))));
        });
        Map<String, String> badNames = new java.util.LinkedHashMap<>();
        badNames.put("null", null);
        badNames.put("empty", "");
        badNames.put("blank", "   ");
        badNames.put("of 100 kB", HUGE_TEXT);
        badNames.forEach((label, name) -> {
            cases.add(HostileCase.readOnly("a resource whose name is " + label + " names resource.name",
                    w -> w.rejects("resource.name", () -> new Resource("dr-x", name, null))));
            cases.add(HostileCase.readOnly("a service whose name is " + label + " names service.name",
                    w -> w.rejects("service.name", () -> new Service("svc-x", name))));
        });
        cases.add(HostileCase.readOnly("a resource with a 100 kB contact names resource.contact",
                w -> w.rejects("resource.contact", () -> new Resource("dr-x", "Dr. X", HUGE_TEXT))));
        cases.add(HostileCase.readOnly("a customer with a 100 kB name names customer.name, without repeating it",
                w -> w.rejects("customer.name", () -> new CustomerDetails("cust-x", HUGE_NAME, null, null,
                        Locale.ENGLISH))));
        cases.add(HostileCase.readOnly("a customer with a 100 kB e-mail names customer.email, without repeating it",
                w -> w.rejects("customer.email", () -> new CustomerDetails("cust-x", null, HUGE_EMAIL, null,
                        Locale.ENGLISH))));
        cases.add(HostileCase.readOnly("a customer with a 100 kB phone names customer.phone, without repeating it",
                w -> w.rejects("customer.phone", () -> new CustomerDetails("cust-x", null, null, HUGE_PHONE,
                        Locale.ENGLISH))));
        cases.add(HostileCase.readOnly("a customer with a null language names customer.language",
                w -> w.rejects("customer.language", () -> new CustomerDetails("cust-x", null, ZOE.email(), null,
                        null))));
        for (String email : List.of(PersonalData.of("zoe.hostilova@example.org\u0000"),
                PersonalData.of("zoe.hostilova@example.org\r\nBcc: all@example.org"),
                PersonalData.of("zoe.hostilova\u001b[2J@example.org"),
                PersonalData.of("zoe.hostilova@example.org'; DROP TABLE br_booking; --"),
                PersonalData.of("\"zoe hostilova\"@example.org; --"))) {
            cases.add(HostileCase.readOnly("book for a customer with e-mail \"" + show(email) + "\" names customer.email, without "
                    + "repeating it", w -> w.rejects("customer.email", () -> w.rules.book(STAFF,
                    w.staffRequest(TENANT_A, DR_RUIZ, CONSULTATION, new CustomerDetails("cust-x", null, email, null,
                            Locale.ENGLISH))))));
        }
    }

    // ------------------------------------------------------------------------------- huge texts

    private static void hugeTexts(List<HostileCase> cases) {
        ChangeRequest hugeReason = ChangeRequest.because(HUGE_TEXT);
        changeCommands().forEach((name, command) -> cases.add(HostileCase.readOnly(name + " with a 100 kB reason names reason, "
                + "without repeating it", w -> w.rejects("reason", () -> command.run(w.rules, w.zoeRef(),
                hugeReason)))));
        cases.add(HostileCase.readOnly("customer cancel with a 100 kB reason names reason",
                w -> w.rejects("reason", () -> w.rules.cancel(ZOE_ACTS, w.zoeRef(), hugeReason))));
        cases.add(HostileCase.readOnly("customer decline with a 100 kB reason names reason",
                w -> w.rejects("reason", () -> w.rules.decline(ZOE_ACTS, w.zoeRef(), hugeReason))));
        cases.add(HostileCase.readOnly("reschedule with a 100 kB reason names change.reason",
                w -> w.rejects("change.reason", () -> w.rules.reschedule(STAFF, w.zoeRef(),
                        RescheduleRequest.to(w.zoe.start().plus(HOUR), w.zoe.end().plus(HOUR)).with(hugeReason)))));
        NotificationChoice hugeMessage = NotificationChoice.both().withMessage(HUGE_TEXT);
        cases.add(HostileCase.readOnly("book with a 100 kB personal message names notification.personalMessage",
                w -> w.rejects("notification.personalMessage", () -> w.rules.book(STAFF,
                        w.staffRequest().notifying(hugeMessage)))));
        changeCommands().forEach((name, command) -> cases.add(HostileCase.readOnly(name + " with a 100 kB personal message names "
                + "notification.personalMessage", w -> w.rejects("notification.personalMessage",
                () -> command.run(w.rules, w.zoeRef(), ChangeRequest.none().notifying(hugeMessage))))));
        cases.add(HostileCase.readOnly("reschedule with a 100 kB personal message names change.notification.personalMessage",
                w -> w.rejects("change.notification.personalMessage", () -> w.rules.reschedule(STAFF, w.zoeRef(),
                        RescheduleRequest.to(w.zoe.start().plus(HOUR), w.zoe.end().plus(HOUR))
                                .with(ChangeRequest.none().notifying(hugeMessage))))));
        cases.add(HostileCase.readOnly("self-service cancel with a 100 kB reason names reason",
                w -> w.rejects("reason", () -> w.self.cancel(w.grantToken, HUGE_TEXT))));
        cases.add(HostileCase.readOnly("self-service decline with a 100 kB reason names reason",
                w -> w.rejects("reason", () -> w.self.decline(w.grantToken, HUGE_TEXT))));
    }

    // ------------------------------------------------------------------------------------ slots

    /**
     * The booking is accepted and stored faithfully (read back equal, its slot as asked to the
     * microsecond, its history event with the same slot), or refused with a clear error naming the
     * slot. Never a storage fault, never a different slot.
     */
    static void storedFaithfullyOrRejected(HostileWorld w, Instant start, Instant end, BiFunction<Instant, Instant,
            Outcome> call) {
        HostileWorld.Snapshot before = w.snapshot();
        Outcome[] outcome = new Outcome[1];
        Throwable e = catchThrowable(() -> outcome[0] = call.apply(start, end));
        if (e != null) {
            HostileWorld.assertClearError(e, "start", "end", "slot");
            w.unchangedSince(before);
            return;
        }
        assertThat(outcome[0].isDone()).as("the outcome: %s", outcome[0]).isTrue();
        Booking done = outcome[0].orElseThrow().booking();
        assertThat(done.slot()).as("the slot as asked, to the microsecond").isEqualTo(Interval.of(
                start.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                end.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
        assertThat(w.repository.find(done.tenantId(), done.id())).as("read back").contains(done);
        List<BookingEvent> history = w.repository.history(done.tenantId(), done.id());
        assertThat(history).as("the history read back").endsWith(outcome[0].orElseThrow().events()
                .toArray(BookingEvent[]::new));
    }

    private static void slots(List<HostileCase> cases) {
        Instant t = HostileWorld.ZOE_START.plus(Duration.ofDays(1));
        cases.add(of("book whose end is less than a microsecond after its start names end",
                w -> w.rejects("end", () -> w.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE,
                        t.plusNanos(100), t.plusNanos(900), ZONE)))));
        cases.add(of("reschedule whose end is less than a microsecond after its start names end",
                w -> w.rejects("end", () -> w.rules.reschedule(STAFF, w.zoeRef(),
                        RescheduleRequest.to(t.plusNanos(100), t.plusNanos(900))))));
        cases.add(of("book whose end is a year before its start names end",
                w -> w.rejects("end", () -> w.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE,
                        t, t.minus(Duration.ofDays(365)), ZONE)))));
        cases.add(of("self-service reschedule with a null start names start",
                w -> w.rejects("start", () -> w.self.reschedule(w.grantToken, null))));

        Map<String, Instant[]> slots = new java.util.LinkedHashMap<>();
        slots.put("a slot of a year", new Instant[] {t, t.plus(Duration.ofDays(365))});
        slots.put("a slot of a hundred years", new Instant[] {t, t.plus(Duration.ofDays(36_525))});
        slots.put("a slot in year 1 (back-dated)", new Instant[] {Instant.parse("0001-01-01T10:00:00Z"),
                Instant.parse("0001-01-01T11:00:00Z")});
        slots.put("a slot across the end of year 9999", new Instant[] {Instant.parse("9999-12-31T23:30:00Z"),
                Instant.parse("+10000-01-01T00:30:00Z")});
        slots.put("a slot ending at Instant.MAX", new Instant[] {Instant.MAX.minus(HOUR), Instant.MAX});
        slots.put("a slot starting at Instant.MIN (back-dated)", new Instant[] {Instant.MIN, Instant.MIN.plus(HOUR)});
        slots.forEach((label, slot) -> {
            cases.add(of("staff book " + label + ": stored faithfully or a clear error naming the slot",
                    w -> storedFaithfullyOrRejected(w, slot[0], slot[1], (s, e) -> w.rules.book(STAFF,
                            BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE, s, e, ZONE)))));
            cases.add(of("staff reschedule to " + label + ": stored faithfully or a clear error naming the slot",
                    w -> storedFaithfullyOrRejected(w, slot[0], slot[1], (s, e) -> w.rules.reschedule(STAFF,
                            w.zoeRef(), RescheduleRequest.to(s, e)))));
        });
        // Customers cannot book into the past; the far-future ones are theirs to try.
        for (String label : List.of("a slot of a year", "a slot of a hundred years",
                "a slot across the end of year 9999", "a slot ending at Instant.MAX")) {
            Instant[] slot = slots.get(label);
            cases.add(of("customer books " + label + ": stored faithfully or a clear error naming the slot",
                    w -> storedFaithfullyOrRejected(w, slot[0], slot[1], (s, e) -> w.rules.book(ZOE_ACTS,
                            BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE, s, e, ZONE)))));
        }
        cases.add(of("self-service reschedule to Instant.MAX: a clear error naming start, or a refusal",
                w -> {
                    HostileWorld.Snapshot before = w.snapshot();
                    Object[] result = new Object[1];
                    Throwable e = catchThrowable(() -> result[0] = w.self.reschedule(w.grantToken, Instant.MAX));
                    if (e != null) {
                        HostileWorld.assertClearError(e, "start");
                    } else {
                        assertThat(((org.bookingrules.links.LinkResult<Outcome>) result[0]).toOptional()
                                .flatMap(Outcome::asRefusal)).as("the outcome").isPresent();
                    }
                    w.unchangedSince(before);
                }));
        Instant farFuture = LocalDate.of(5_000_000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        cases.add(of("staff freeSlots over a day in year 5,000,000: an answer (no storage fault) or a clear error naming range",
                w -> w.answersOrRejects("range", () -> w.rules.freeSlots(STAFF, w.zoeRef(),
                        Interval.of(farFuture, Duration.ofDays(1)), Duration.ofMinutes(30)))));
        cases.add(of("staff freeSlots over a day in year 1: an answer (no storage fault) or a clear error naming range",
                w -> w.answersOrRejects("range", () -> w.rules.freeSlots(STAFF, w.zoeRef(),
                        Interval.of(Instant.parse("0001-06-01T00:00:00Z"), Duration.ofDays(1)),
                        Duration.ofMinutes(30)))));
        cases.add(of("self-service freeSlots with a null from names from",
                w -> w.rejects("from", () -> w.self.freeSlots(w.grantToken, null, LocalDate.of(2026, 3, 6)))));
        cases.add(of("self-service freeSlots with a null to names to",
                w -> w.rejects("to", () -> w.self.freeSlots(w.grantToken, LocalDate.of(2026, 3, 6), null))));
        cases.add(of("self-service freeSlots over a year names to",
                w -> w.rejects("to", () -> w.self.freeSlots(w.grantToken, LocalDate.of(2026, 3, 6),
                        LocalDate.of(2027, 3, 6)))));
        cases.add(of("self-service freeSlots ending at LocalDate.MAX: an answer (no storage fault) or a clear error naming to",
                w -> w.answersOrRejects("to", () -> w.self.freeSlots(w.grantToken,
                        LocalDate.MAX.minusDays(1), LocalDate.MAX).toOptional().orElseThrow())));
        cases.add(of("self-service freeSlots starting at LocalDate.MIN: an answer (no storage fault) or a clear error naming from",
                w -> w.answersOrRejects("from", () -> w.self.freeSlots(w.grantToken,
                        LocalDate.MIN, LocalDate.MIN.plusDays(1)).toOptional().orElseThrow())));
    }

    // ------------------------------------------------------------------------------------ zones

    private static void zones(List<HostileCase> cases) {
        for (String id : List.of("Mars/Olympus_Mons", "Europe/Madrid'; DROP TABLE br_booking; --", "",
                "Europe/Madrid\u0000", "../../etc/passwd", sized("Europe/", 100_000))) {
            cases.add(of("ZoneId.of(\"" + show(id) + "\") throws DateTimeException before the library is "
                    + "reached, and nothing is stored", w -> {
                        HostileWorld.Snapshot before = w.snapshot();
                        assertThat(catchThrowable(() -> w.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ,
                                CONSULTATION, ZOE, t(w), t(w).plus(HOUR), ZoneId.of(id)))))
                                .isInstanceOf(DateTimeException.class);
                        w.unchangedSince(before);
                    }));
        }
        for (ZoneId zone : List.of(ZoneOffset.of("+14:00"), ZoneOffset.of("-12:00"), ZoneOffset.of("+05:30:15"),
                ZoneId.of("UTC"), ZoneId.of("Etc/GMT+12"), ZoneId.of("GMT+05:45"), ZoneId.of("UT-03:30"),
                ZoneId.of("America/Argentina/ComodRivadavia"), ZoneId.of("America/Argentina/ComodRivadavia",
                        ZoneId.SHORT_IDS))) {
            cases.add(of("book shown in zone " + zone.getId() + ": the zone is stored and read back as given",
                    w -> {
                        Booking b = w.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE, t(w),
                                t(w).plus(HOUR), zone)).orElseThrow().booking();
                        assertThat(w.repository.find(TENANT_A, b.id())).as("read back")
                                .hasValueSatisfying(read -> assertThat(read.zone()).isEqualTo(zone));
                        assertThat(w.outbox(TENANT_A, b.id())).as("the outbox payloads")
                                .allSatisfy(p -> assertThat(p.getProperty("booking.zone")).isEqualTo(zone.getId()));
                    }));
        }
        cases.add(of("a stored zone id unknown to this JVM: reading the booking is a clear DateTimeException "
                + "naming the zone, and a command on it changes nothing", w -> {
                    Booking b = w.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE, t(w),
                            t(w).plus(HOUR), ZONE)).orElseThrow().booking();
                    w.db.execute("UPDATE br_booking SET zone_id = ? WHERE tenant_id = ? AND id = ?",
                            "Mars/Olympus_Mons", TENANT_A, b.id());
                    HostileWorld.Snapshot before = w.snapshot();
                    BookingRef ref = BookingRef.of(TENANT_A, b.id());
                    assertThat(catchThrowable(() -> w.rules.find(STAFF, ref))).isInstanceOf(DateTimeException.class)
                            .hasMessageContaining("Mars/Olympus_Mons");
                    assertThat(catchThrowable(() -> w.rules.cancel(STAFF, ref, ChangeRequest.none())))
                            .isInstanceOf(DateTimeException.class).hasMessageContaining("Mars/Olympus_Mons");
                    w.unchangedSince(before);
                }));
    }

    private static Instant t(HostileWorld w) {
        return HostileWorld.ZOE_START.plus(Duration.ofDays(1));
    }
}
