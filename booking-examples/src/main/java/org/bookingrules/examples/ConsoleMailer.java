package org.bookingrules.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.bookingrules.i18n.Messages;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.waitlist.WaitlistNotice;

/**
 * The demo's "mail server": a {@link BookingNotifier} that keeps what it is handed (notifications,
 * and the cancellation list's notices) until the demo prints it on the timeline
 * ({@link #printDelivered}), and writes each one as a plain-text {@code .eml} file a person can open
 * in a mail client. Drops a repeat of an id it has already delivered, as every notifier should
 * (delivery is at least once). Thread-safe.
 *
 * <p>The addresses are the demo's fictional customers; a real notifier would look the resource's
 * address up in the product.
 */
final class ConsoleMailer implements BookingNotifier {

    private static final String CLINIC = "Clínica Sol";
    private static final String FROM = "citas@clinica-sol.example";
    private static final DateTimeFormatter RFC_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final ZoneId zone;
    private final Path mailDir;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<Notification> pending = new ArrayList<>();
    private final Map<String, String> lastLinks = new ConcurrentHashMap<>();
    private final List<WaitlistNotice> pendingNotices = new ArrayList<>();
    private final Map<String, WaitlistNotice> lastOffers = new ConcurrentHashMap<>();
    private int written;
    private boolean writeFailed;

    /**
     * @param zone the clinic's zone, for dates in messages
     * @param mailDir where to write {@code .eml} files, or null for none
     */
    ConsoleMailer(ZoneId zone, Path mailDir) {
        this.zone = zone;
        this.mailDir = mailDir;
    }

    @Override
    public void deliver(Notification notification) {
        if (queueOnce(notification.id(), pending, notification)) {
            notification.link().ifPresent(link -> lastLinks.put(notification.booking().id(), link));
        }
    }

    /**
     * Delivers a cancellation-list notice: a slot offered (with its link and deadline), taken or
     * expired. Overriding this is what lets the relay hand notices on instead of parking them.
     */
    @Override
    public void deliver(WaitlistNotice notice) {
        if (queueOnce(notice.id(), pendingNotices, notice) && notice.kind() == WaitlistNotice.Kind.OFFERED) {
            lastOffers.put(notice.customer().id(), notice);
        }
    }

    /**
     * Queues a message for the next flush unless one with its id came before: the relay delivers at
     * least once, and a repeat must not be written twice.
     *
     * @return whether the message was new
     */
    private <T> boolean queueOnce(String id, List<T> queue, T message) {
        if (!seen.add(id)) {
            return false;
        }
        // One lock for both queues, so a flush takes notifications and notices at the same moment.
        synchronized (pending) {
            queue.add(message);
        }
        return true;
    }

    /**
     * The latest offer a customer on the cancellation list was sent.
     *
     * @param customerId the customer
     * @return the OFFERED notice, if one was delivered
     */
    Optional<WaitlistNotice> lastOffer(String customerId) {
        return Optional.ofNullable(lastOffers.get(customerId));
    }

    /**
     * The manage link of the latest customer notification about a booking.
     *
     * @param bookingId the booking
     * @return the link, if one was delivered
     */
    Optional<String> lastLink(String bookingId) {
        return Optional.ofNullable(lastLinks.get(bookingId));
    }

    /** @return how many {@code .eml} files were written */
    int written() {
        return written;
    }

    /** @return where the files go, or null */
    Path mailDir() {
        return mailDir;
    }

    /** Removes the {@code .eml} files of an earlier run, so the folder shows this run only. */
    void clearMailDir() {
        if (mailDir == null || !Files.isDirectory(mailDir)) {
            return;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(mailDir, "*.eml")) {
            for (Path file : old) {
                Files.delete(file);
            }
        } catch (IOException e) {
            writeFailed = true;
        }
    }

    /**
     * Prints the notifications delivered since the last call, customer first, each as one line
     * (kind, recipient, subject in the recipient's language) with the personal message and the
     * manage link under it, and writes each one as an {@code .eml} file.
     *
     * @param out where to print
     * @param prefix what each line starts with (the simulated time)
     * @param now the simulated time, for the files' Date header
     */
    void printDelivered(PrintStream out, String prefix, Instant now) {
        List<Notification> batch;
        List<WaitlistNotice> notices;
        synchronized (pending) {
            batch = new ArrayList<>(pending);
            pending.clear();
            notices = new ArrayList<>(pendingNotices);
            pendingNotices.clear();
        }
        batch.sort(Comparator.comparing((Notification n) -> n.booking().id())
                .thenComparing(n -> n.kind().ordinal())
                .thenComparing(n -> n.recipient().ordinal()));
        for (Notification n : batch) {
            out.println(prefix + "   mail " + n.kind() + " -> " + n.recipient() + " " + addressee(n) + " ["
                    + n.locale().toLanguageTag() + "]: \"" + n.subject() + "\"");
            n.message().ifPresent(m -> out.println(prefix + "        personal message: \"" + m + "\""));
            usableLink(n).ifPresent(l -> out.println(prefix + "        manage link: " + shorten(l)));
            write(n, now);
        }
        for (WaitlistNotice n : notices) {
            out.println(prefix + "   mail " + n.kind() + " -> CUSTOMER " + addressee(n.customer()) + " ["
                    + n.locale().toLanguageTag() + "]: \"" + n.subject() + "\"");
            n.link().ifPresent(l -> out.println(prefix + "        offer link: " + shorten(l)));
            write(n, now);
        }
    }

    /**
     * The notification's manage link while the booking is active. Self-service turns away a link of a
     * booking that is no longer active (cancelled, declined, completed), so it is not shown for those.
     */
    private static Optional<String> usableLink(Notification n) {
        return n.booking().isActive() ? n.link() : Optional.empty();
    }

    private static String addressee(Notification n) {
        if (n.recipient() == RecipientRole.RESOURCE) {
            return n.booking().resource().name();
        }
        return addressee(n.booking().customer().orElseThrow());
    }

    private static String addressee(CustomerDetails c) {
        String address = c.email() != null ? "<" + c.email() + ">" : "(SMS " + c.phone() + ")";
        return c.name() == null ? address : c.name() + " " + address;
    }

    private static String shorten(String link) {
        return link.length() <= 80 ? link : link.substring(0, 77) + "...";
    }

    // ------------------------------------------------------------------------------ .eml files

    private void write(Notification n, Instant now) {
        writeEml(number -> String.format(Locale.ROOT, "%02d-%s-%s-%s.eml", number, n.booking().id(),
                n.kind().name().toLowerCase(Locale.ROOT), n.recipient().name().toLowerCase(Locale.ROOT)),
                () -> eml(n, now));
    }

    private void write(WaitlistNotice n, Instant now) {
        writeEml(number -> String.format(Locale.ROOT, "%02d-%s-waitlist-%s-customer.eml", number, n.offerId(),
                n.kind().name().toLowerCase(Locale.ROOT)), () -> eml(n, now));
    }

    /**
     * Writes the next {@code .eml} file, numbered in the order written; after the first failure
     * (a full disk, a read-only folder) the demo goes on printing but writes no more files.
     *
     * @param name the file's name for its number
     * @param eml the message
     */
    private void writeEml(IntFunction<String> name, Supplier<String> eml) {
        if (mailDir == null || writeFailed) {
            return;
        }
        try {
            Files.createDirectories(mailDir);
            written++;
            Files.writeString(mailDir.resolve(name.apply(written)), eml.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            writeFailed = true;
            written--;
        }
    }

    /** A cancellation-list notice in RFC 5322 form, as {@link #eml(Notification, Instant)}. */
    String eml(WaitlistNotice n, Instant now) {
        CustomerDetails c = n.customer();
        boolean es = "es".equals(Messages.resolvedLocale(n.locale()).getLanguage());
        StringBuilder text = new StringBuilder();
        text.append(es ? "Hola" : "Hello").append(c.name() == null ? "" : " " + c.name()).append(es ? ":" : ",")
                .append("\n\n").append(n.subject()).append(".\n");
        n.link().ifPresent(link -> text.append('\n')
                .append(es ? "Acepte la hora o diga que no (conserva su lugar en la lista):\n  "
                        : "Accept the time or say no thanks (you keep your place on the list):\n  ")
                .append(link).append('\n'));
        text.append('\n').append(CLINIC).append('\n');
        return eml(to(c), n.subject(), n.id(), List.of("X-Waitlist-Kind: " + n.kind()), text.toString(), now);
    }

    /** The message in RFC 5322 form: headers (non-ASCII ones as RFC 2047 encoded words), a blank line, the body. */
    String eml(Notification n, Instant now) {
        Booking b = n.booking();
        String to = n.recipient() == RecipientRole.CUSTOMER ? to(b.customer().orElseThrow())
                : word(b.resource().name()) + " <" + b.resource().id() + "@clinica-sol.example>";
        return eml(to, n.subject(), n.id(), List.of("X-Booking-Kind: " + n.kind(),
                "X-Booking-Recipient: " + n.recipient()), body(n), now);
    }

    /** A customer as the To header names them: the name, if known, then the e-mail or a stand-in for the phone. */
    private static String to(CustomerDetails c) {
        String address = c.email() != null ? c.email() : "sms-" + c.phone().replaceAll("[^0-9+]", "") + "@sms.invalid";
        return (c.name() == null ? "" : word(c.name()) + " ") + "<" + address + ">";
    }

    /**
     * @param to the To header's value, already encoded
     * @param kindHeaders the headers that say what the message is about, each as its whole line
     * @param body the text, with {@code \n} line ends
     */
    private String eml(String to, String subject, String id, List<String> kindHeaders, String body, Instant now) {
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(word(CLINIC)).append(" <").append(FROM).append(">\r\n");
        m.append("To: ").append(to).append("\r\n");
        m.append("Subject: ").append(word(subject)).append("\r\n");
        m.append("Date: ").append(RFC_DATE.format(now.atZone(zone))).append("\r\n");
        m.append("Message-ID: <").append(id).append("@clinica-sol.example>\r\n");
        kindHeaders.forEach(header -> m.append(header).append("\r\n"));
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: text/plain; charset=UTF-8\r\n");
        m.append("Content-Transfer-Encoding: 8bit\r\n");
        m.append("\r\n");
        for (String line : body.split("\n", -1)) {
            m.append(line).append("\r\n");
        }
        return m.toString();
    }

    private String body(Notification n) {
        Booking b = n.booking();
        boolean es = "es".equals(Messages.resolvedLocale(n.locale()).getLanguage());
        Locale locale = Messages.resolvedLocale(n.locale());
        ZonedDateTime start = b.start().atZone(b.zone());
        String when = DateTimeFormatter.ofLocalizedDate(FormatStyle.FULL).withLocale(locale).format(start) + ", "
                + DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale).format(start)
                + " (" + b.zone().getId() + ")";
        String name = n.recipient() == RecipientRole.RESOURCE ? b.resource().name()
                : b.customer().map(CustomerDetails::name).orElse(null);
        StringBuilder text = new StringBuilder();
        text.append(es ? "Hola" : "Hello").append(name == null ? "" : " " + name).append(es ? ":" : ",").append("\n\n");
        text.append(n.subject()).append(".\n\n");
        text.append(es ? "  Servicio:    " : "  Service:     ").append(b.service().name()).append('\n');
        text.append(es ? "  Profesional: " : "  With:        ").append(b.resource().name()).append('\n');
        if (n.recipient() == RecipientRole.RESOURCE) {
            text.append(es ? "  Cliente:     " : "  Customer:    ")
                    .append(b.customer().map(c -> c.name() == null ? c.id() : c.name()).orElse("-")).append('\n');
        }
        text.append(es ? "  Fecha:       " : "  When:        ").append(when).append('\n');
        text.append(es ? "  Código:      " : "  Code:        ").append(b.confirmationCode()).append('\n');
        text.append(es ? "  Estado:      " : "  Status:      ").append(b.status()).append('\n');
        n.message().ifPresent(message -> text.append('\n')
                .append(es ? "Mensaje de la clínica:\n  " : "A message from the clinic:\n  ").append(message).append('\n'));
        usableLink(n).ifPresent(link -> text.append('\n')
                .append(es ? "Gestione su cita (confirmar, avisar que no asistirá, anular o cambiar la hora):\n  "
                        : "Manage your appointment (confirm, tell us you will not come, cancel or reschedule):\n  ")
                .append(link).append('\n'));
        text.append('\n').append(CLINIC).append('\n');
        return text.toString();
    }

    /** A header value: as it is when ASCII, else an RFC 2047 encoded word. */
    private static String word(String text) {
        boolean ascii = text.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f);
        return ascii ? text
                : "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
