package org.bookingrules.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;

@DisplayName("A booking takes exactly the confirmation codes the pattern [A-Z0-9]{4,16} matches")
class ConfirmationCodeShapeTest {

    private static final Pattern CODE = Pattern.compile("[A-Z0-9]{4,16}");

    @Test
    void acceptsWhatThePatternMatchesAndRefusesTheRest() {
        Random random = new Random(11);
        String alphabet = "AZ09MKaz@[/: \u00c9\u0660";
        for (int run = 0; run < 5_000; run++) {
            StringBuilder code = new StringBuilder();
            int length = random.nextInt(19);
            for (int i = 0; i < length; i++) {
                code.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : (char) ('A' + random.nextInt(26)));
            }
            String text = code.toString();
            assertThat(accepted(text)).as("%s", text).isEqualTo(CODE.matcher(text).matches());
        }
    }

    private static boolean accepted(String code) {
        Instant start = Instant.parse("2030-01-07T09:00:00Z");
        try {
            Booking.builder().tenantId("clinic-1").id("booking-1").confirmationCode(code)
                    .resource(new Resource("dr-ruiz", "Dr. Ruiz", null)).service(new Service("s", "S"))
                    .slot(Interval.of(start, start.plusSeconds(60))).zone(ZoneId.of("UTC"))
                    .createdAt(start).updatedAt(start).build();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
