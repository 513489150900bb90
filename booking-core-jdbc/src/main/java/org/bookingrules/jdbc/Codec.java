package org.bookingrules.jdbc;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Money;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.threeten.extra.Interval;

/**
 * Turns what the tables keep as text into values and back: an event's details, an actor, and a
 * notification with the booking snapshot it was made with (the {@code payload} of outbox rows written
 * before the JSON document of {@link OutboxDocument}: still read, and rewritten by an erasure). The
 * text is the {@link Properties} format: stable, escaped, readable in a SQL console. Stateless and
 * thread-safe.
 */
final class Codec {

    private Codec() {
    }

    // --------------------------------------------------------------------------------- actors

    static String actorKind(Actor actor) {
        if (actor instanceof Actor.Customer) {
            return "CUSTOMER";
        }
        return actor instanceof Actor.Staff ? "STAFF" : "SYSTEM";
    }

    static Actor actor(String kind, String id) {
        return switch (kind) {
            case "CUSTOMER" -> Actor.customer(id);
            case "STAFF" -> Actor.staff(id);
            case "SYSTEM" -> Actor.SYSTEM;
            default -> throw new IllegalStateException("unknown actor kind in storage: " + kind);
        };
    }

    // ------------------------------------------------------------------------ zones and languages

    /** Most zones and language tags remembered each; past it the memory starts over. */
    private static final int MAX_REMEMBERED = 1_000;
    private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();
    private static final Map<String, Locale> LANGUAGES = new ConcurrentHashMap<>();

    /**
     * {@link ZoneId#of(String)} of a stored zone id, remembered: every booking read parses one, and
     * a table holds few distinct ones. Immutable values, so sharing them changes nothing.
     */
    static ZoneId zone(String id) {
        return remembered(ZONES, id, ZoneId::of);
    }

    /** {@link Locale#forLanguageTag(String)} of a stored language tag, remembered as {@link #zone} is. */
    static Locale language(String tag) {
        return remembered(LANGUAGES, tag, Locale::forLanguageTag);
    }

    private static <T> T remembered(Map<String, T> memory, String key, Function<String, T> parse) {
        T value = memory.get(key);
        if (value == null) {
            value = parse.apply(key);
            remember(memory, key, value);
        }
        return value;
    }

    private static <T> void remember(Map<String, T> memory, String key, T value) {
        if (memory.size() >= MAX_REMEMBERED) {
            memory.clear();
        }
        memory.put(key, value);
    }

    // --------------------------------------------------------------------------------- events

    /** The record-specific fields of an event (the common ones have columns). */
    static String eventDetails(BookingEvent event) {
        PropertiesText p = new PropertiesText();
        if (event instanceof BookingEvent.Booked e) {
            putSlot(p, "slot", e.slot());
            p.setProperty("resourceId", e.resourceId());
        } else if (event instanceof BookingEvent.AutoConfirmed e) {
            p.setProperty("reminderLead", e.reminderLead().toString());
        } else if (event instanceof BookingEvent.ConfirmationRevoked e) {
            put(p, "reason", e.reason());
        } else if (event instanceof BookingEvent.Declined e) {
            put(p, "reason", e.reason());
            p.setProperty("late", Boolean.toString(e.late()));
        } else if (event instanceof BookingEvent.Cancelled e) {
            put(p, "reason", e.reason());
            put(p, "personalMessage", e.personalMessage());
            p.setProperty("late", Boolean.toString(e.late()));
            if (e.lateFee() != null) {
                p.setProperty("lateFee.amount", e.lateFee().amount().toPlainString());
                p.setProperty("lateFee.currency", e.lateFee().currency().getCurrencyCode());
            }
        } else if (event instanceof BookingEvent.Rescheduled e) {
            putSlot(p, "oldSlot", e.oldSlot());
            putSlot(p, "newSlot", e.newSlot());
            p.setProperty("oldResourceId", e.oldResourceId());
            p.setProperty("newResourceId", e.newResourceId());
            put(p, "reason", e.reason());
        } else if (event instanceof BookingEvent.ReminderSent e) {
            p.setProperty("dueAt", e.dueAt().toString());
        } else if (event instanceof BookingEvent.MarkedNoShow e) {
            put(p, "reason", e.reason());
        }
        return p.text();
    }

    static BookingEvent event(String kind, Actor actor, Instant at, BookingStatus from, BookingStatus to,
                              String details) {
        Properties p = read(details);
        return switch (kind) {
            case "BOOKED" -> new BookingEvent.Booked(actor, at, to, slot(p, "slot"), p.getProperty("resourceId"));
            case "CONFIRMED" -> new BookingEvent.Confirmed(actor, at, from, to);
            case "AUTO_CONFIRMED" -> new BookingEvent.AutoConfirmed(at, from, to,
                    Duration.parse(p.getProperty("reminderLead")));
            case "CONFIRMATION_REVOKED" -> new BookingEvent.ConfirmationRevoked(actor, at, from, to,
                    p.getProperty("reason"));
            case "DECLINED" -> new BookingEvent.Declined(actor, at, from, to, p.getProperty("reason"),
                    Boolean.parseBoolean(p.getProperty("late")));
            case "CANCELLED" -> new BookingEvent.Cancelled(actor, at, from, to, p.getProperty("reason"),
                    p.getProperty("personalMessage"), Boolean.parseBoolean(p.getProperty("late")), fee(p));
            case "RESCHEDULED" -> new BookingEvent.Rescheduled(actor, at, from, to, slot(p, "oldSlot"),
                    slot(p, "newSlot"), p.getProperty("oldResourceId"), p.getProperty("newResourceId"),
                    p.getProperty("reason"));
            case "REMINDER_SENT" -> new BookingEvent.ReminderSent(at, to, Instant.parse(p.getProperty("dueAt")));
            case "MARKED_NO_SHOW" -> new BookingEvent.MarkedNoShow(actor, at, from, to, p.getProperty("reason"));
            case "COMPLETED" -> new BookingEvent.Completed(actor, at, from, to);
            case "ERASED" -> new BookingEvent.CustomerErased(actor, at, to);
            default -> throw new IllegalStateException("unknown event kind in storage: " + kind);
        };
    }

    private static Money fee(Properties p) {
        String amount = p.getProperty("lateFee.amount");
        return amount == null ? null
                : new Money(new BigDecimal(amount), Currency.getInstance(p.getProperty("lateFee.currency")));
    }

    // ---------------------------------------------------------------------------- notifications

    /**
     * A notification with the booking as it was when the notification was made, in the old outbox
     * format; new rows hold an {@link OutboxDocument} instead. Used to rewrite old rows on erasure.
     */
    static String notification(Notification n) {
        PropertiesText p = new PropertiesText();
        p.setProperty("id", n.id());
        p.setProperty("kind", n.kind().name());
        p.setProperty("recipient", n.recipient().name());
        put(p, "personalMessage", n.personalMessage());
        put(p, "manageLink", n.manageLink());
        p.setProperty("locale", n.locale().toLanguageTag());
        putBooking(p, n.booking());
        return p.text();
    }

    static Notification notification(String payload) {
        Properties p = read(payload);
        return new Notification(p.getProperty("id"), NotificationKind.valueOf(p.getProperty("kind")),
                RecipientRole.valueOf(p.getProperty("recipient")), booking(p), p.getProperty("personalMessage"),
                p.getProperty("manageLink"), Locale.forLanguageTag(p.getProperty("locale")));
    }

    private static void putBooking(PropertiesText p, Booking b) {
        p.setProperty("b.tenantId", b.tenantId());
        p.setProperty("b.id", b.id());
        p.setProperty("b.code", b.confirmationCode());
        p.setProperty("b.resource.id", b.resource().id());
        p.setProperty("b.resource.name", b.resource().name());
        put(p, "b.resource.contact", b.resource().contact());
        p.setProperty("b.service.id", b.service().id());
        p.setProperty("b.service.name", b.service().name());
        b.customer().ifPresent(c -> {
            p.setProperty("b.customer.id", c.id());
            put(p, "b.customer.name", c.name());
            put(p, "b.customer.email", c.email());
            put(p, "b.customer.phone", c.phone());
            p.setProperty("b.customer.language", c.language().toLanguageTag());
        });
        putSlot(p, "b.slot", b.slot());
        p.setProperty("b.zone", b.zone().getId());
        p.setProperty("b.status", b.status().name());
        p.setProperty("b.payment", b.paymentStatus().name());
        p.setProperty("b.customerReschedules", Integer.toString(b.customerReschedules()));
        b.confirmedBy().ifPresent(a -> {
            p.setProperty("b.confirmedBy.kind", actorKind(a));
            p.setProperty("b.confirmedBy.id", a.id());
        });
        put(p, "b.reminder.dueAt", b.reminder().dueAt() == null ? null : b.reminder().dueAt().toString());
        put(p, "b.reminder.sentAt", b.reminder().sentAt() == null ? null : b.reminder().sentAt().toString());
        p.setProperty("b.version", Long.toString(b.version()));
        p.setProperty("b.createdAt", b.createdAt().toString());
        p.setProperty("b.updatedAt", b.updatedAt().toString());
    }

    private static Booking booking(Properties p) {
        String customerId = p.getProperty("b.customer.id");
        CustomerDetails customer = customerId == null ? null : new CustomerDetails(customerId,
                p.getProperty("b.customer.name"), p.getProperty("b.customer.email"), p.getProperty("b.customer.phone"),
                Locale.forLanguageTag(p.getProperty("b.customer.language")));
        String confirmedByKind = p.getProperty("b.confirmedBy.kind");
        return Booking.builder()
                .tenantId(p.getProperty("b.tenantId"))
                .id(p.getProperty("b.id"))
                .confirmationCode(p.getProperty("b.code"))
                .resource(new Resource(p.getProperty("b.resource.id"), p.getProperty("b.resource.name"),
                        p.getProperty("b.resource.contact")))
                .service(new Service(p.getProperty("b.service.id"), p.getProperty("b.service.name")))
                .customer(customer)
                .slot(slot(p, "b.slot"))
                .zone(ZoneId.of(p.getProperty("b.zone")))
                .status(BookingStatus.valueOf(p.getProperty("b.status")))
                .paymentStatus(PaymentStatus.valueOf(p.getProperty("b.payment")))
                .customerReschedules(Integer.parseInt(p.getProperty("b.customerReschedules")))
                .confirmedBy(confirmedByKind == null ? null : actor(confirmedByKind, p.getProperty("b.confirmedBy.id")))
                .reminder(new ReminderState(instant(p, "b.reminder.dueAt"), instant(p, "b.reminder.sentAt")))
                .version(Long.parseLong(p.getProperty("b.version")))
                .createdAt(Instant.parse(p.getProperty("b.createdAt")))
                .updatedAt(Instant.parse(p.getProperty("b.updatedAt")))
                .build();
    }

    // ---------------------------------------------------------------------------------- helpers

    private static void put(PropertiesText p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    private static void putSlot(PropertiesText p, String prefix, Interval slot) {
        p.setProperty(prefix + ".start", slot.getStart().toString());
        p.setProperty(prefix + ".end", slot.getEnd().toString());
    }

    private static Interval slot(Properties p, String prefix) {
        return Interval.of(Instant.parse(p.getProperty(prefix + ".start")), Instant.parse(p.getProperty(prefix + ".end")));
    }

    private static Instant instant(Properties p, String key) {
        String value = p.getProperty(key);
        return value == null ? null : Instant.parse(value);
    }

    /**
     * The text {@link Properties#store(java.io.Writer, String)} writes for some entries, less its date
     * comment, with its lines sorted and joined by {@code \n}, so equal values give equal text; stored
     * texts are this byte for byte. Written here rather than by {@code store}, which for every event
     * formats the date it then drops and allocates a 16 KB buffer, the largest client cost of a cancel.
     * Each entry escapes as {@code store} to a {@code Writer} does: a backslash, tab, line feed,
     * carriage return and form feed as {@code \\ \t \n \r \f}; {@code = : # !} with a backslash; a
     * space in a key, and a value's leading space, with a backslash; every other character as it is
     * (no Unicode escapes). Not thread-safe; one per text.
     */
    static final class PropertiesText {

        private final List<String> lines = new ArrayList<>(8);
        private final Set<String> keys = new HashSet<>(8);

        /**
         * Adds an entry, as {@link Properties#setProperty} would.
         *
         * @param key the key, not null, not added before
         * @param value the value, not null
         */
        void setProperty(String key, String value) {
            Objects.requireNonNull(value, "value");
            if (!keys.add(key)) {
                // Properties would keep the last value only; no caller sets a key twice.
                throw new IllegalStateException("key set twice: " + key);
            }
            StringBuilder line = new StringBuilder(key.length() + value.length() + 8);
            escape(line, key, true);
            line.append('=');
            escape(line, value, false);
            lines.add(line.toString());
        }

        /** @return the entries' lines, sorted, joined by {@code \n}; empty for no entry */
        String text() {
            lines.sort(null);
            return String.join("\n", lines);
        }

        /** {@code Properties.saveConvert} as {@code store(Writer, ...)} calls it: no Unicode escapes. */
        private static void escape(StringBuilder out, String text, boolean escapeSpace) {
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch > 61 && ch < 127) {
                    if (ch == '\\') {
                        out.append('\\');
                    }
                    out.append(ch);
                    continue;
                }
                switch (ch) {
                    case ' ' -> {
                        if (i == 0 || escapeSpace) {
                            out.append('\\');
                        }
                        out.append(' ');
                    }
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\f' -> out.append("\\f");
                    case '=', ':', '#', '!' -> out.append('\\').append(ch);
                    default -> out.append(ch);
                }
            }
        }

    }

    /** The properties of a payload written before the JSON format (and of the tests that read one). */
    static Properties read(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
