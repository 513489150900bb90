package org.bookingrules.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("PolicyTable: service over resource over tenant over fallback (R9)")
class PolicyTableTest {

    private static final BookingPolicy SERVICE = policyWithNotice(1);
    private static final BookingPolicy RESOURCE = policyWithNotice(2);
    private static final BookingPolicy TENANT = policyWithNotice(3);
    private static final BookingPolicy FALLBACK = policyWithNotice(4);

    private static BookingPolicy policyWithNotice(int hours) {
        return BookingPolicy.builder().cancellationNotice(Duration.ofHours(hours)).build();
    }

    private static final PolicyTable TABLE = PolicyTable.builder()
            .service("clinic-1", "consultation", SERVICE)
            .resource("clinic-1", "dr-ruiz", RESOURCE)
            .tenant("clinic-1", TENANT)
            .fallback(FALLBACK)
            .build();

    static Stream<Arguments> precedence() {
        return Stream.of(
                arguments("R9 the service's own policy wins over its resource's and the tenant's",
                        "clinic-1", "dr-ruiz", "consultation", SERVICE),
                arguments("R9 a service with no policy takes the professional's cancellation policy [000]",
                        "clinic-1", "dr-ruiz", "x-ray", RESOURCE),
                arguments("R9 neither service nor resource: the tenant's default", "clinic-1", "dr-soto", "x-ray",
                        TENANT),
                arguments("R9 nothing matches: the fallback", "clinic-2", "dr-soto", "x-ray", FALLBACK));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("precedence")
    @DisplayName("R9 the first match in the order service, resource, tenant, fallback gives the policy")
    void firstMatchWins(String sentence, String tenantId, String resourceId, String serviceId,
                        BookingPolicy expected) {
        assertThat(TABLE.policyFor(tenantId, resourceId, serviceId)).isSameAs(expected);
    }

    @Test
    @DisplayName("R9 every entry belongs to its tenant: another tenant's service and resource of the same ids do "
            + "not match")
    void entriesAreScopedByTenant() {
        assertThat(TABLE.policyFor("clinic-2", "dr-ruiz", "consultation")).isSameAs(FALLBACK);
    }

    @Test
    @DisplayName("R9 service and resource ids live in separate namespaces")
    void serviceAndResourceIdsDoNotMix() {
        PolicyTable table = PolicyTable.builder().resource("clinic-1", "same-id", RESOURCE).build();

        assertThat(table.policyFor("clinic-1", "other", "same-id")).isEqualTo(BookingPolicy.ofDefaults());
        assertThat(table.policyFor("clinic-1", "same-id", "other")).isSameAs(RESOURCE);
    }

    @Test
    @DisplayName("the default fallback is BookingPolicy.ofDefaults()")
    void defaultFallback() {
        assertThat(PolicyTable.builder().build().policyFor("clinic-1", "dr-ruiz", "consultation"))
                .isEqualTo(BookingPolicy.ofDefaults());
    }

    @Test
    @DisplayName("a later entry for the same key replaces the earlier one")
    void laterEntryWins() {
        PolicyTable table = PolicyTable.builder()
                .service("clinic-1", "consultation", SERVICE)
                .service("clinic-1", "consultation", RESOURCE)
                .build();

        assertThat(table.policyFor("clinic-1", "dr-ruiz", "consultation")).isSameAs(RESOURCE);
    }

    @Test
    @DisplayName("a built table does not change when its builder is used again")
    void builtTableIsImmutable() {
        PolicyTable.Builder builder = PolicyTable.builder().tenant("clinic-1", TENANT);
        PolicyTable table = builder.build();

        builder.service("clinic-1", "consultation", SERVICE).fallback(FALLBACK);

        assertThat(table.policyFor("clinic-1", "dr-ruiz", "consultation")).isSameAs(TENANT);
        assertThat(table.policyFor("clinic-9", "dr-ruiz", "consultation")).isEqualTo(BookingPolicy.ofDefaults());
    }

    @Test
    @DisplayName("entries are checked at once: blank ids and missing policies are rejected, naming the field")
    void entriesAreChecked() {
        assertThatThrownBy(() -> PolicyTable.builder().service(" ", "consultation", SERVICE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tenantId");
        assertThatThrownBy(() -> PolicyTable.builder().resource("clinic-1", "", RESOURCE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("resourceId");
        assertThatThrownBy(() -> PolicyTable.builder().service("clinic-1", null, SERVICE))
                .isInstanceOf(NullPointerException.class).hasMessageStartingWith("serviceId");
        assertThatThrownBy(() -> PolicyTable.builder().tenant("clinic-1", null))
                .isInstanceOf(NullPointerException.class).hasMessage("policy");
        assertThatThrownBy(() -> PolicyTable.builder().fallback(null))
                .isInstanceOf(NullPointerException.class).hasMessage("policy");
    }

    @Test
    @DisplayName("PolicyResolver.of gives one policy to every booking")
    void resolverOfOnePolicy() {
        PolicyResolver resolver = PolicyResolver.of(SERVICE);

        assertThat(resolver.policyFor("clinic-1", "dr-ruiz", "consultation")).isSameAs(SERVICE);
        assertThat(resolver.policyFor("clinic-2", "dr-soto", "x-ray")).isSameAs(SERVICE);
        assertThatThrownBy(() -> PolicyResolver.of(null)).isInstanceOf(NullPointerException.class);
    }
}
