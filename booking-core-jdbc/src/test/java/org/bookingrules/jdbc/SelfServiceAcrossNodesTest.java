package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.links.LinkDenial;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.threeten.extra.MutableClock;

/**
 * The identity lockout on the JDBC stores: two {@link SelfService} "nodes", each with its own pool,
 * repository and guard store over one database, share the count of failed identity checks, so a
 * guesser gains nothing by alternating between them.
 */
@DisplayName("R8: the identity lockout holds across two SelfService nodes sharing one database")
class SelfServiceAcrossNodesTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final String TENANT = "clinic-nodes";
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** One node: its own pool, repository, guard store, links and self-service; the clock is shared. */
    private record Node(HikariDataSource pool, JdbcBookingRepository repository, BookingRules rules,
                        SelfService selfService) {
        static Node over(Database db, MutableClock clock) {
            HikariDataSource pool = db.newPool("node");
            JdbcBookingRepository repository = JdbcBookingRepository.create(pool);
            ManageLinks links = ManageLinks.builder().signingKey("k1", KEY).clock(clock)
                    .guardStore(JdbcLinkGuardStore.create(pool)).build();
            BookingRules rules = BookingRules.builder().repository(repository).clock(clock).manageLinks(links).build();
            return new Node(pool, repository, rules,
                    SelfService.builder().rules(rules).repository(repository).links(links).build());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Store.class)
    @DisplayName("wrong answers alternate between nodes: the sixth is LOCKED on both, a right answer too, until the lock ends")
    void lockoutIsShared(Store store) {
        Database db = DATABASES.get(store);
        db.clean();
        MutableClock clock = MutableClock.of(NOW, ZONE);
        Node first = Node.over(db, clock);
        Node second = Node.over(db, clock);
        try {
            Instant start = NOW.plus(Duration.ofDays(3));
            Booking booking = first.rules().book(Actor.customer(ANA.id()), BookRequest.of(TENANT,
                    new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000"), new Service("consultation", "Consultation"),
                    ANA, start, start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();
            // Both nodes sign with the same key, so one node's link opens on the other.
            String token = ManageLinks.builder().signingKey("k1", KEY).clock(clock)
                    .guardStore(JdbcLinkGuardStore.create(first.pool())).build().issueManage(booking);

            for (int attempt = 1; attempt <= 5; attempt++) {
                Node node = attempt % 2 == 1 ? first : second;
                LinkResult<?> wrong = node.selfService().verifyIdentity(token, "guess" + attempt + "@example.org");
                assertThat(wrong).as("attempt %d", attempt).isInstanceOfSatisfying(LinkResult.Denied.class,
                        d -> assertThat(d.denial()).isEqualTo(LinkDenial.WRONG_ANSWER));
                assertThat(((LinkResult.Denied<?>) wrong).attemptsLeft()).isEqualTo(5 - attempt);
            }
            LinkResult<?> sixth = second.selfService().verifyIdentity(token, "guess6@example.org");
            assertThat(sixth).isInstanceOfSatisfying(LinkResult.Denied.class,
                    d -> assertThat(d.denial()).isEqualTo(LinkDenial.LOCKED));
            Instant lockedUntil = ((LinkResult.Denied<?>) sixth).lockedUntil();
            assertThat(lockedUntil).isNotNull();
            for (Node node : new Node[] {first, second}) {
                assertThat(node.selfService().verifyIdentity(token, ANA.email()))
                        .as("a right answer during the lock").isInstanceOfSatisfying(LinkResult.Denied.class,
                                d -> assertThat(d.denial()).isEqualTo(LinkDenial.LOCKED));
            }

            clock.setInstant(lockedUntil);
            assertThat(second.selfService().verifyIdentity(token, ANA.email()).toOptional())
                    .as("after the lock the right answer works").isPresent();
            assertThat(first.selfService().verifyIdentity(token, ANA.email()).toOptional()).isPresent();
        } finally {
            first.pool().close();
            second.pool().close();
        }
    }
}
