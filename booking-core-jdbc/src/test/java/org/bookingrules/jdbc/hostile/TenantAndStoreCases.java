package org.bookingrules.jdbc.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.jdbc.hostile.HostileCase.of;
import static org.bookingrules.jdbc.hostile.HostileCase.readOnly;
import static org.bookingrules.jdbc.hostile.HostileWorld.CONSULTATION;
import static org.bookingrules.jdbc.hostile.HostileWorld.DR_RUIZ;
import static org.bookingrules.jdbc.hostile.HostileWorld.HOUR;
import static org.bookingrules.jdbc.hostile.HostileWorld.NOW;
import static org.bookingrules.jdbc.hostile.HostileWorld.STAFF;
import static org.bookingrules.jdbc.hostile.HostileWorld.TENANT_A;
import static org.bookingrules.jdbc.hostile.HostileWorld.TENANT_B;
import static org.bookingrules.jdbc.hostile.HostileWorld.YAN;
import static org.bookingrules.jdbc.hostile.HostileWorld.ZOE;
import static org.bookingrules.jdbc.hostile.HostileWorld.ZOE_ACTS;
import static org.bookingrules.jdbc.hostile.HostileWorld.ZONE;
import static org.bookingrules.jdbc.hostile.HostileWorld.show;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.links.GuardState;
import org.bookingrules.links.LinkResult;
import org.bookingrules.model.Booking;
import org.threeten.extra.Interval;

/**
 * Another tenant's ids everywhere (what {@code TenantIsolationTest} does not already
 * prove), and hostile arguments straight at the JDBC adapters ({@code JdbcBookingRepository},
 * {@code JdbcLinkGuardStore}), which are public too: every lookup with a hostile key finds nothing
 * (or names the argument), never another row, never a storage fault.
 */
final class TenantAndStoreCases {

    private TenantAndStoreCases() {
    }

    static Stream<HostileCase> all() {
        List<HostileCase> cases = new ArrayList<>();
        tenants(cases);
        repository(cases);
        return cases.stream();
    }

    // ---------------------------------------------------------------------------------- tenants

    private static void tenants(List<HostileCase> cases) {
        Map<String, Function<HostileWorld, Function<BookingRef, Object>>> customerCalls = new LinkedHashMap<>();
        customerCalls.put("cancel", w -> ref -> w.rules.cancel(ZOE_ACTS, ref, ChangeRequest.none()));
        customerCalls.put("confirm", w -> ref -> w.rules.confirm(ZOE_ACTS, ref, ChangeRequest.none()));
        customerCalls.put("decline", w -> ref -> w.rules.decline(ZOE_ACTS, ref, ChangeRequest.none()));
        FacadeCases.putRescheduleAndQueries(customerCalls, ZOE_ACTS, w -> w.ofB);
        customerCalls.forEach((name, call) -> cases.add(readOnly("customer cust-zoe of tenant A: " + name
                + " on tenant B's booking id (whose customer has the same id) is BOOKING_NOT_FOUND or empty",
                w -> FacadeCases.unknownOrRejected(w, "bookingId", call.apply(w), BookingRef.of(TENANT_A, w.ofB.id())))));
        cases.add(readOnly("staff of tenant A: freeSlots of tenant B's booking id is empty",
                w -> FacadeCases.unknownOrRejected(w, "bookingId", ref -> w.rules.freeSlots(STAFF, ref,
                        Interval.of(w.ofB.start(), Duration.ofDays(1)), Duration.ofMinutes(30)),
                        BookingRef.of(TENANT_A, w.ofB.id()))));
        cases.add(readOnly("staff of tenant A: permissions on tenant B's booking id are all BOOKING_NOT_FOUND",
                w -> FacadeCases.unknownOrRejected(w, "bookingId", ref -> w.rules.permissions(STAFF, ref),
                        BookingRef.of(TENANT_A, w.ofB.id()))));
        cases.add(of("an idempotency key tenant B used books anew in tenant A, and never answers B's booking",
                w -> {
                    Instant start = HostileWorld.ZOE_START.plus(Duration.ofDays(2));
                    Booking ofB = w.rules.book(STAFF, BookRequest.of(TENANT_B, DR_RUIZ, CONSULTATION, YAN, start,
                            start.plus(HOUR), ZONE).withIdempotencyKey("shared-key")).orElseThrow().booking();
                    Outcome.Done inA = w.rules.book(STAFF, BookRequest.of(TENANT_A, DR_RUIZ, CONSULTATION, ZOE,
                            start, start.plus(HOUR), ZONE).withIdempotencyKey("shared-key")).orElseThrow();
                    assertThat(inA.changed()).as("a new booking").isTrue();
                    assertThat(inA.booking().tenantId()).isEqualTo(TENANT_A);
                    assertThat(inA.booking().id()).isNotEqualTo(ofB.id());
                    assertThat(w.repository.findIdempotencyKey(TENANT_A, "shared-key").orElseThrow().bookingId())
                            .isEqualTo(inA.booking().id());
                    assertThat(w.repository.findIdempotencyKey(TENANT_B, "shared-key").orElseThrow().bookingId())
                            .isEqualTo(ofB.id());
                }));
        cases.add(of("revokeLinks of tenant B's booking id in tenant A leaves tenant B's links working",
                w -> {
                    GuardState before = w.guards.state(TENANT_B, w.ofB.id());
                    w.self.revokeLinks(TENANT_A, w.ofB.id());
                    assertThat(w.guards.state(TENANT_B, w.ofB.id())).isEqualTo(before);
                    assertThat(w.self.open(w.manageTokenOfB)).isInstanceOf(LinkResult.Ok.class);
                    assertThat(w.self.open(w.manageToken)).isInstanceOf(LinkResult.Ok.class);
                }));
        cases.add(of("Zoë's e-mail typed on tenant B's link (same customer id) is a wrong answer counted on B's "
                + "link only", w -> {
                    GuardState zoeBefore = w.guards.state(TENANT_A, w.zoe.id());
                    LinkResult<?> result = w.self.verifyIdentity(w.manageTokenOfB, ZOE.email());
                    assertThat(result).isInstanceOfSatisfying(LinkResult.Denied.class, d ->
                            assertThat(d.denial()).isEqualTo(org.bookingrules.links.LinkDenial.WRONG_ANSWER));
                    assertThat(w.guards.state(TENANT_B, w.ofB.id()).failureTimes().size()).isEqualTo(1);
                    assertThat(w.guards.state(TENANT_A, w.zoe.id())).isEqualTo(zoeBefore);
                    assertThat(w.guards.state(TENANT_A, w.ofB.id())).as("B's booking id in tenant A")
                            .isEqualTo(GuardState.INITIAL);
                }));
        cases.add(readOnly("the repository in tenant A: B's resource calendar over B's slot holds A's booking "
                + "only; cust-zoe's bookings are A's only", w -> {
                    assertThat(w.repository.calendar(TENANT_A, DR_RUIZ.id(), w.ofB.slot()))
                            .containsExactly(w.zoe);
                    assertThat(w.repository.customerBookings(TENANT_A, ZOE.id())).containsExactly(w.zoe);
                    assertThat(w.repository.history(TENANT_A, w.ofB.id())).isEmpty();
                    assertThat(w.repository.findByConfirmationCode(TENANT_A, w.ofB.confirmationCode())).isEmpty();
                }));
    }

    // ------------------------------------------------------------------------------- repository

    private static void repository(List<HostileCase> cases) {
        Map<String, Function<HostileWorld, String>> keys = new LinkedHashMap<>();
        keys.put("a null key", w -> null);
        keys.put("an empty key", w -> "");
        keys.put("a blank key", w -> " ");
        keys.put("a 100 kB key", w -> FacadeCases.HUGE_ID);
        FacadeCases.CONTROL_IDS.forEach((label, id) -> keys.put("a key holding " + label, w -> id));
        keys.put("the key '; DROP TABLE br_booking; --", w -> "'; DROP TABLE br_booking; --");
        keys.put("the key x' OR '1'='1", w -> "x' OR '1'='1");
        keys.put("the LIKE pattern %", w -> "%");
        keys.put("the real key with a trailing space", null);
        keys.put("the real key in upper case", null);

        /** Each lookup, with the real key of Zoë's booking it would find, and the lookup itself. */
        record Lookup(String name, String field, Function<HostileWorld, String> realKey,
                      java.util.function.BiFunction<HostileWorld, String, Object> find) {
        }
        List<Lookup> lookups = List.of(
                new Lookup("find by bookingId", "bookingId", w -> w.zoe.id(),
                        (w, k) -> w.repository.find(TENANT_A, k)),
                new Lookup("find by tenantId", "tenantId", w -> TENANT_A,
                        (w, k) -> w.repository.find(k, w.zoe.id())),
                new Lookup("findByConfirmationCode", "confirmationCode", w -> w.zoe.confirmationCode(),
                        (w, k) -> w.repository.findByConfirmationCode(TENANT_A, k)),
                new Lookup("findIdempotencyKey", "key", w -> "no-key-stored",
                        (w, k) -> w.repository.findIdempotencyKey(TENANT_A, k)),
                new Lookup("history", "bookingId", w -> w.zoe.id(),
                        (w, k) -> w.repository.history(TENANT_A, k)),
                new Lookup("customerBookings", "customerId", w -> ZOE.id(),
                        (w, k) -> w.repository.customerBookings(TENANT_A, k)),
                new Lookup("calendar by resourceId", "resourceId", w -> DR_RUIZ.id(),
                        (w, k) -> w.repository.calendar(TENANT_A, k, w.zoe.slot())),
                new Lookup("calendar by tenantId", "tenantId", w -> TENANT_A,
                        (w, k) -> w.repository.calendar(k, DR_RUIZ.id(), w.zoe.slot())));
        for (Lookup lookup : lookups) {
            keys.forEach((label, key) -> cases.add(readOnly("JdbcBookingRepository." + lookup.name() + " with "
                    + label + ": finds nothing (or names " + lookup.field() + "), never a storage fault",
                    w -> {
                        String real = lookup.realKey().apply(w);
                        String hostile = key != null ? key.apply(w)
                                : label.contains("trailing space") ? real + " "
                                : real.toUpperCase(java.util.Locale.ROOT);
                        if (hostile != null && hostile.equals(real)) {
                            return;
                        }
                        w.findsNothing(lookup.field(), () -> lookup.find().apply(w, hostile));
                    })));
        }
        cases.add(readOnly("JdbcBookingRepository.calendar with a null interval names interval",
                w -> w.rejects("interval", () -> w.repository.calendar(TENANT_A, DR_RUIZ.id(), null))));
        cases.add(readOnly("JdbcBookingRepository.dueReminders with a limit of 0 names limit",
                w -> w.rejects("limit", () -> w.repository.dueReminders(NOW, 0))));
        cases.add(readOnly("JdbcBookingRepository.dueReminders with a null instant names now or finds nothing",
                w -> w.findsNothing("now", () -> w.repository.dueReminders(null, 10))));
        cases.add(readOnly("JdbcBookingRepository.insert of null names change",
                w -> w.rejects("change", () -> w.repository.insert(null))));
        cases.add(readOnly("JdbcBookingRepository.update of null names change",
                w -> w.rejects("change", () -> w.repository.update(null))));
        cases.add(readOnly("JdbcLinkGuardStore.state with a null tenantId names tenantId",
                w -> w.rejects("tenantId", () -> w.guards.state(null, w.zoe.id()))));
        cases.add(readOnly("JdbcLinkGuardStore.update with a null change names change",
                w -> w.rejects("change", () -> w.guards.update(TENANT_A, w.zoe.id(), null))));
        keys.forEach((label, key) -> {
            if (key == null || label.equals("a null key")) {
                return;
            }
            cases.add(readOnly("JdbcLinkGuardStore.state with " + label + " as bookingId (\"" + show(key.apply(null))
                    + "\"): the initial state or a clear error naming bookingId, never a storage fault", w -> {
                        HostileWorld.Snapshot before = w.snapshot();
                        Object[] state = new Object[1];
                        Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                                () -> state[0] = w.guards.state(TENANT_A, key.apply(w)));
                        if (e != null) {
                            HostileWorld.assertClearError(e, "bookingId");
                        } else {
                            assertThat(state[0]).isEqualTo(GuardState.INITIAL);
                        }
                        w.unchangedSince(before);
                    }));
        });
    }
}
