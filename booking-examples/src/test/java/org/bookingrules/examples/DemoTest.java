package org.bookingrules.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's demo ({@link Demo#main}) as a user would and checks that its timeline shows every
 * scenario's outcome.
 */
@DisplayName("The demo prints the timeline of the rules' scenarios")
class DemoTest {

    @TempDir
    static Path mailDir;

    private static String output;
    private static String errors;
    private static List<String> lines;

    @BeforeAll
    static void runTheDemo() {
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        String previousMailDir = System.getProperty("demo.mailDir");
        System.setProperty("demo.mailDir", mailDir.toString());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            Demo.main(new String[0]);
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
            if (previousMailDir == null) {
                System.clearProperty("demo.mailDir");
            } else {
                System.setProperty("demo.mailDir", previousMailDir);
            }
        }
        output = captured.toString(StandardCharsets.UTF_8);
        errors = capturedErr.toString(StandardCharsets.UTF_8);
        lines = output.lines().toList();
    }

    @Test
    @DisplayName("R6 a booking made inside the reminder window is CONFIRMED by system at once")
    void autoConfirmation() {
        assertOnTimeline("Mon 02 Mar 09:00", "-> CONFIRMED by system");
    }

    @Test
    @DisplayName("R1 R5 a booking three days ahead is PENDING, and its reminder is sent when due")
    void pendingThenReminded() {
        assertOnTimeline("Mon 02 Mar 09:05", "-> PENDING, reminder armed for Wed 04 Mar 10:00");
        assertOnTimeline("Wed 04 Mar 10:00", "Reminder sent to Ana Pérez");
        assertOnTimeline("Wed 04 Mar 10:00", "mail REMINDER -> CUSTOMER Ana Pérez <ana@example.org> [es]");
    }

    @Test
    @DisplayName("R7 R8 the customer declines from the reminder's link after the identity check: DECLINED (late)")
    void lateDecline() {
        assertThat(output).contains("she types ana@example.com -> WRONG_ANSWER")
                .contains("she types Ana@Example.org -> passed");
        assertOnTimeline("Wed 04 Mar 22:30", "-> DECLINED (late)");
    }

    @Test
    @DisplayName("R9 a late customer cancel is refused with its deadline and the contact, in English and Spanish")
    void lateCancelRefused() {
        assertOnTimeline("Thu 05 Mar 07:45", "-> Refused: CANCELLATION_NOTICE_PASSED (possible until Wed 04 Mar 23:00, "
                + "contact +34 910 000 000)");
        assertThat(output)
                .contains("en: It is too late to cancel this booking online. It was possible until Mar 4, 2026, "
                        + "11:00 PM. Please contact +34 910 000 000.")
                .contains("es: Ya es demasiado tarde para anular esta reserva en línea. Era posible hasta el "
                        + "4 mar 2026")
                .contains("Por favor, contacte a +34 910 000 000.");
    }

    @Test
    @DisplayName("R12 R14 staff cancel the same booking with a personal message; the customer is notified")
    void staffCancel() {
        assertOnTimeline("Thu 05 Mar 08:05", "-> Cancelled by staff (maria): CANCELLED", "Notified: [CUSTOMER]");
        assertOnTimeline("Thu 05 Mar 08:05", "mail CANCELLED -> CUSTOMER Tom Baker <tom@example.com>");
        assertThat(output).contains("personal message: \"Get well soon, Tom.");
    }

    @Test
    @DisplayName("R3 a staff reschedule revives the cancelled booking: PENDING and back on the calendar")
    void revival() {
        assertOnTimeline("Thu 05 Mar 08:20", "-> Revived: PENDING (was CANCELLED)");
        assertThat(output).contains("Dr. Ruiz, Fri 06 Mar: 11:00-11:30 Consultation, Tom Baker (PENDING)");
    }

    @Test
    @DisplayName("R15 the full history of the booking: every change, with actor, time, from -> to and details")
    void history() {
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("== 7.")).findFirst().orElseThrow());
        List<String> history = lines.subList(header + 1, header + 8);
        assertThat(history).satisfiesExactly(
                l -> assertThat(l).contains("Mon 02 Mar 09:10", "customer:tom", "BOOKED", "- -> PENDING"),
                l -> assertThat(l).contains("Thu 05 Mar 05:00", "system", "REMINDER_SENT", "PENDING -> PENDING"),
                l -> assertThat(l).contains("Thu 05 Mar 08:05", "staff:maria", "CANCELLED", "PENDING -> CANCELLED",
                        "reason \"Patient phoned: flu\"", "message \"Get well soon", "late: no"),
                l -> assertThat(l).contains("Thu 05 Mar 08:20", "staff:maria", "RESCHEDULED", "CANCELLED -> PENDING",
                        "Thu 05 Mar 11:00-11:30 => Fri 06 Mar 11:00-11:30"),
                l -> assertThat(l).contains("Fri 06 Mar 05:00", "system", "REMINDER_SENT"),
                l -> assertThat(l).contains("Fri 06 Mar 07:30", "customer:tom", "CONFIRMED", "PENDING -> CONFIRMED"),
                l -> assertThat(l).contains("Fri 06 Mar 11:35", "staff:dr-ruiz", "COMPLETED",
                        "CONFIRMED -> COMPLETED"));
    }

    @Test
    @DisplayName("every timeline line starts with the simulated local time, and the logs stay quiet (nothing below WARN)")
    void timelineLinesAreStamped() {
        assertThat(lines).filteredOn(l -> l.contains("->") && !l.startsWith("  "))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("\\[(Mon|Tue|Wed|Thu|Fri) \\d\\d Mar \\d\\d:\\d\\d] .*"));
        assertThat(output).doesNotContain("INFO").doesNotContain("HV000001");
        assertThat(errors).isEmpty();
    }

    @Test
    @DisplayName("R14 each notification is also written as a readable .eml file: From, To, Subject, blank line, body")
    void emlFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(mailDir)) {
            files = listing.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
        }
        assertThat(files).hasSize(23);
        assertThat(output).contains("Done: 23 notifications written to " + mailDir);
        String first = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertThat(files.get(0).getFileName().toString()).isEqualTo("01-bk-1-booked-customer.eml");
        assertThat(first).startsWith("From: ")
                .contains("\r\nTo: =?UTF-8?B?QW5hIFDDqXJleg==?= <ana@example.org>\r\n")
                .contains("\r\nSubject: Tu reserva de Dental check-up el 3 mar 2026")
                .contains("\r\n\r\nHola Ana Pérez:\r\n")
                .contains("https://clinica-sol.example/manage#");
        String cancelled = Files.readString(mailDir.resolve("11-bk-3-cancelled-customer.eml"), StandardCharsets.UTF_8);
        assertThat(cancelled).contains("To: Tom Baker <tom@example.com>")
                .contains("A message from the clinic:\r\n  Get well soon, Tom.");
    }

    @Test
    @DisplayName("Cancellation list: a cancel frees a slot, held and offered to the waiting customer with its deadline; "
            + "a booking over the hold is refused; her acceptance books the freed slot")
    void cancellationList() {
        assertOnTimeline("Fri 06 Mar 12:05", "she joins the cancellation list -> WAITING");
        assertOnTimeline("Fri 06 Mar 16:00", "-> CANCELLED; the freed slot Mon 09 Mar 10:00-10:30 is held and offered "
                + "to Ana Pérez, first on the list: accept by Fri 06 Mar 17:00");
        assertOnTimeline("Fri 06 Mar 16:00", "mail OFFERED -> CUSTOMER Ana Pérez <ana@example.org> [es]: \"Se liberó "
                + "una hora de Consultation el 9 mar 2026", "es tuya si la aceptas hasta el 6 mar 2026 17:00\"");
        assertOnTimeline("Fri 06 Mar 16:00", "offer link: https://clinica-sol.example/manage#");
        assertOnTimeline("Fri 06 Mar 16:00", "-> Refused: SLOT_UNAVAILABLE: it is held while the offer is open");
        assertOnTimeline("Fri 06 Mar 16:20", "Ana opens the offer link", "OPEN until Fri 06 Mar 17:00");
        assertOnTimeline("Fri 06 Mar 16:20", "She accepts -> BOOKED for Ana Pérez: Mon 09 Mar 10:00-10:30, PENDING");
        assertOnTimeline("Fri 06 Mar 16:20", "mail BOOKED -> CUSTOMER Ana Pérez <ana@example.org> [es]");
        int cancel = indexOf("-> CANCELLED; the freed slot");
        assertThat(cancel).isLessThan(indexOf("mail OFFERED")).isLessThan(indexOf("She accepts -> BOOKED"));
    }

    @Test
    @DisplayName("The offer is written as an .eml file too, with its link")
    void offerEmlFile() throws IOException {
        Path offer;
        try (Stream<Path> listing = Files.list(mailDir)) {
            offer = listing.filter(p -> p.getFileName().toString().endsWith("-waitlist-offered-customer.eml"))
                    .findFirst().orElseThrow();
        }
        assertThat(Files.readString(offer, StandardCharsets.UTF_8))
                .contains("\r\nTo: =?UTF-8?B?QW5hIFDDqXJleg==?= <ana@example.org>\r\n")
                .contains("\r\n\r\nHola Ana Pérez:\r\n")
                .contains("Acepte la hora o diga que no (conserva su lugar en la lista):\r\n  "
                        + "https://clinica-sol.example/manage#");
    }

    private static int indexOf(String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text);
    }

    /** Some line of the timeline is stamped at {@code stamp} (simulated local time) and holds every text given. */
    private static void assertOnTimeline(String stamp, String... texts) {
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("[" + stamp + "]").contains(texts));
    }
}
