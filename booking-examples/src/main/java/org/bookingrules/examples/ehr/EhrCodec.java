package org.bookingrules.examples.ehr;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.Properties;
import java.util.stream.Collectors;
import org.bookingrules.model.Actor;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Money;
import org.threeten.extra.Interval;

/**
 * Turns what the side tables keep as text into values and back: actors, and the record-specific
 * fields of history events (the common ones have columns). The text is the {@link Properties}
 * format, sorted, so it is stable and readable in a SQL console. Stateless and thread-safe.
 */
final class EhrCodec {

    private EhrCodec() {
    }

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

    static String details(BookingEvent event) {
        Properties p = new Properties();
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
        return write(p);
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
                    p.getProperty("personalMessage"), Boolean.parseBoolean(p.getProperty("late")), lateFee(p));
            case "RESCHEDULED" -> new BookingEvent.Rescheduled(actor, at, from, to, slot(p, "oldSlot"),
                    slot(p, "newSlot"), p.getProperty("oldResourceId"), p.getProperty("newResourceId"),
                    p.getProperty("reason"));
            case "REMINDER_SENT" -> new BookingEvent.ReminderSent(at, to, Instant.parse(p.getProperty("dueAt")));
            case "MARKED_NO_SHOW" -> new BookingEvent.MarkedNoShow(actor, at, from, to, p.getProperty("reason"));
            case "COMPLETED" -> new BookingEvent.Completed(actor, at, from, to);
            default -> throw new IllegalStateException("unknown event kind in storage: " + kind);
        };
    }

    private static Money lateFee(Properties p) {
        String amount = p.getProperty("lateFee.amount");
        return amount == null ? null
                : new Money(new BigDecimal(amount), Currency.getInstance(p.getProperty("lateFee.currency")));
    }

    private static void put(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    private static void putSlot(Properties p, String prefix, Interval slot) {
        p.setProperty(prefix + ".start", slot.getStart().toString());
        p.setProperty(prefix + ".end", slot.getEnd().toString());
    }

    private static Interval slot(Properties p, String prefix) {
        return Interval.of(Instant.parse(p.getProperty(prefix + ".start")),
                Instant.parse(p.getProperty(prefix + ".end")));
    }

    private static String write(Properties p) {
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Properties.store always writes a date comment: drop it, and sort, so equal values give equal text.
        return out.toString().lines().filter(line -> !line.startsWith("#")).sorted()
                .collect(Collectors.joining("\n"));
    }

    private static Properties read(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
