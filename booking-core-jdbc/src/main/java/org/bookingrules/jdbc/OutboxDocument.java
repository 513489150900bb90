package org.bookingrules.jdbc;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.waitlist.WaitlistNotice;
import org.threeten.extra.Interval;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The outbox document: the notifications of one change as one versioned JSON document, the format
 * {@code docs/OUTBOX.md} describes. It holds what the change's notifications share once (kind,
 * personal message, the booking as the change left it) and a {@code notifications} array of what
 * differs per recipient (id, recipient, locale, manage link). Every outbox row of the change stores
 * the same document in {@code br_outbox.body}; a row's own notification is the element whose id is
 * the row's {@code notification_id}. Stateless and thread-safe.
 *
 * <p>A cancellation-list notice ({@link WaitlistNotice}) is stored as a document of its own, in the
 * same format: a top-level {@code notice} object instead of {@code booking} and
 * {@code notifications} ({@link #writeNotice}, {@link #readNotice}); its row's {@code kind} starts
 * with {@value #NOTICE_KIND_PREFIX}.
 *
 * <p>Written by hand into one {@code StringBuilder}, with the escaping of Jackson's generator: the
 * text is the one that generator wrote, character for character, without a generator, its context
 * and its buffers for every book and cancel (1.4 µs a document instead of 2.2 µs). Read with
 * Jackson's streaming parser: no reflection, no data binding.
 * The reader takes the fields in any order (PostgreSQL's {@code jsonb} reorders them), reads an
 * absent optional field as null, skips fields it does not know, and refuses a document of another
 * {@value #FORMAT_FIELD}. Its error messages name fields, never values, which may be personal data.
 */
final class OutboxDocument {

    /** The version of the format written here; a reader refuses any other. */
    static final int FORMAT = 1;

    /** The name of the version field. */
    static final String FORMAT_FIELD = "format";

    /** The start of the {@code kind} of a notice's document and outbox row, e.g. {@code WAITLIST_OFFERED}. */
    static final String NOTICE_KIND_PREFIX = "WAITLIST_";

    /** For reading; shared: a factory is thread-safe once built. */
    private static final JsonFactory JSON = new JsonFactory();

    /** Most documents are around 1,500 characters: room for one without growing. */
    private static final int INITIAL_CAPACITY = 2048;

    private OutboxDocument() {
    }

    // ---------------------------------------------------------------------------------- writing

    /**
     * Splits notifications into the changes they tell of: notifications share a document when they
     * have the same kind, personal message and booking snapshot. The notifications of one saved
     * change always do, so this is one group in practice.
     *
     * @param notifications the notifications to store, in order
     * @return the groups, each in the given order, in the order of their first notification
     */
    static List<List<Notification>> byChange(List<Notification> notifications) {
        if (notifications.isEmpty() || notifications.stream().allMatch(n -> sameChange(notifications.get(0), n))) {
            return notifications.isEmpty() ? List.of() : List.of(notifications);
        }
        List<List<Notification>> groups = new ArrayList<>();
        for (Notification n : notifications) {
            List<Notification> group = groups.stream().filter(g -> sameChange(g.get(0), n)).findFirst().orElse(null);
            if (group == null) {
                group = new ArrayList<>();
                groups.add(group);
            }
            group.add(n);
        }
        return groups;
    }

    /**
     * The document of one change's notifications.
     *
     * @param notifications one or more notifications of the same change (see {@link #byChange})
     * @return the JSON text
     * @throws IllegalArgumentException if there is none, or they tell of different changes
     */
    static String write(List<Notification> notifications) {
        if (notifications.isEmpty()) {
            throw new IllegalArgumentException("an outbox document holds at least one notification");
        }
        Notification first = notifications.get(0);
        for (Notification n : notifications) {
            if (!sameChange(first, n)) {
                throw new IllegalArgumentException("notifications " + first.id() + " and " + n.id()
                        + " tell of different changes; they need a document each");
            }
        }
        StringBuilder out = new StringBuilder(INITIAL_CAPACITY);
        out.append("{\"").append(FORMAT_FIELD).append("\":").append(FORMAT);
        field(out, "kind", first.kind().name());
        field(out, "personalMessage", first.personalMessage());
        name(out, "booking");
        writeBooking(out, first.booking());
        out.append(",\"notifications\":[");
        for (int i = 0; i < notifications.size(); i++) {
            Notification n = notifications.get(i);
            out.append(i == 0 ? "{\"id\":" : ",{\"id\":");
            string(out, n.id());
            field(out, "recipient", n.recipient().name());
            field(out, "locale", n.locale().toLanguageTag());
            field(out, "manageLink", n.manageLink());
            out.append('}');
        }
        return out.append("]}").toString();
    }

    /**
     * The outbox kind of a cancellation-list notice: {@value #NOTICE_KIND_PREFIX} and the notice's kind.
     *
     * @param notice the notice
     * @return for example {@code WAITLIST_OFFERED}
     */
    static String noticeKind(WaitlistNotice notice) {
        return NOTICE_KIND_PREFIX + notice.kind().name();
    }

    /**
     * Whether an outbox row's kind is a cancellation-list notice's, whose body {@link #readNotice} reads.
     *
     * @param kind the row's kind, may be null
     * @return true for {@code WAITLIST_*}
     */
    static boolean isNoticeKind(String kind) {
        return kind != null && kind.startsWith(NOTICE_KIND_PREFIX);
    }

    /**
     * The document of one cancellation-list notice: {@code format}, {@code kind} (as the row's) and a
     * {@code notice} object (docs/OUTBOX.md).
     *
     * @param notice the notice, not null
     * @return the JSON text
     */
    static String writeNotice(WaitlistNotice notice) {
        StringBuilder out = new StringBuilder(INITIAL_CAPACITY);
        out.append("{\"").append(FORMAT_FIELD).append("\":").append(FORMAT);
        field(out, "kind", noticeKind(notice));
        out.append(",\"notice\":{\"id\":");
        string(out, notice.id());
        field(out, "kind", notice.kind().name());
        field(out, "tenantId", notice.tenantId());
        field(out, "entryId", notice.entryId());
        field(out, "offerId", notice.offerId());
        name(out, "customer");
        writeCustomer(out, notice.customer());
        writeResourceAndService(out, notice.resource(), notice.service());
        writeSlot(out, notice.slot(), notice.zone());
        field(out, "deadline", notice.deadline().toString());
        field(out, "offerLink", notice.offerLink());
        field(out, "locale", notice.locale().toLanguageTag());
        return out.append("}}").toString();
    }

    private static boolean sameChange(Notification a, Notification b) {
        return a.kind() == b.kind() && Objects.equals(a.personalMessage(), b.personalMessage())
                && (a.booking() == b.booking() || a.booking().equals(b.booking()));
    }

    private static void writeBooking(StringBuilder out, Booking b) {
        out.append("{\"tenantId\":");
        string(out, b.tenantId());
        field(out, "id", b.id());
        field(out, "confirmationCode", b.confirmationCode());
        writeResourceAndService(out, b.resource(), b.service());
        name(out, "customer");
        writeCustomer(out, b.customer().orElse(null));
        writeSlot(out, b.slot(), b.zone());
        field(out, "status", b.status().name());
        field(out, "paymentStatus", b.paymentStatus().name());
        name(out, "customerReschedules");
        out.append(b.customerReschedules());
        name(out, "confirmedBy");
        Actor confirmedBy = b.confirmedBy().orElse(null);
        if (confirmedBy == null) {
            out.append("null");
        } else {
            out.append("{\"kind\":");
            string(out, Codec.actorKind(confirmedBy));
            field(out, "id", confirmedBy.id());
            out.append('}');
        }
        out.append(",\"reminder\":{\"dueAt\":");
        string(out, text(b.reminder().dueAt()));
        field(out, "sentAt", text(b.reminder().sentAt()));
        out.append('}');
        name(out, "version");
        out.append(b.version());
        field(out, "createdAt", b.createdAt().toString());
        field(out, "updatedAt", b.updatedAt().toString());
        out.append('}');
    }

    /** The {@code resource} and {@code service} fields, each an object. */
    private static void writeResourceAndService(StringBuilder out, Resource resource, Service service) {
        out.append(",\"resource\":{\"id\":");
        string(out, resource.id());
        field(out, "name", resource.name());
        field(out, "contact", resource.contact());
        out.append("},\"service\":{\"id\":");
        string(out, service.id());
        field(out, "name", service.name());
        out.append('}');
    }

    /** The {@code slot} field, an object of two instants, and the {@code zone} field. */
    private static void writeSlot(StringBuilder out, Interval slot, ZoneId zone) {
        out.append(",\"slot\":{\"start\":");
        string(out, slot.getStart().toString());
        field(out, "end", slot.getEnd().toString());
        out.append('}');
        field(out, "zone", zone.getId());
    }

    /** A customer object, or {@code null}. */
    private static void writeCustomer(StringBuilder out, CustomerDetails c) {
        if (c == null) {
            out.append("null");
            return;
        }
        out.append("{\"id\":");
        string(out, c.id());
        field(out, "name", c.name());
        field(out, "email", c.email());
        field(out, "phone", c.phone());
        field(out, "language", c.language().toLanguageTag());
        out.append('}');
    }

    /** A comma, a field name and its string value (see {@link #name} and {@link #string}). */
    private static void field(StringBuilder out, String name, String value) {
        name(out, name);
        string(out, value);
    }

    /** A comma and a field name that needs no escaping (every name here is a plain ASCII word). */
    private static void name(StringBuilder out, String name) {
        out.append(",\"").append(name).append("\":");
    }

    /**
     * A JSON string, or {@code null}, escaped as Jackson's generator escapes it by default: quote and
     * backslash with a backslash; backspace, tab, line feed, form feed and carriage return as
     * {@code \b \t \n \f \r}; every other character below U+0020 as {@code \}{@code u00XX} (upper-case
     * hex); everything else, slashes and non-ASCII included, as it is.
     */
    private static void string(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch >= 0x20 && ch != '"' && ch != '\\') {
                continue;
            }
            out.append(value, from, i);
            from = i + 1;
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[ch >> 4]).append(HEX[ch & 0xF]);
            }
        }
        out.append(value, from, value.length()).append('"');
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    // ---------------------------------------------------------------------------------- reading

    /**
     * The notification of one outbox row: the document's element with the row's notification id,
     * with what the document shares.
     *
     * @param json the document, not null
     * @param notificationId the row's {@code notification_id}
     * @return the notification
     * @throws IllegalArgumentException if the text is not a document of this format, or lists no
     *     notification with that id (the message names the field, never a value)
     */
    static Notification read(String json, String notificationId) {
        for (Notification n : readAll(json)) {
            if (n.id().equals(notificationId)) {
                return n;
            }
        }
        throw new IllegalArgumentException("the outbox document lists no notification with the row's id");
    }

    /**
     * Every notification of a document, in the order of its {@code notifications} array.
     *
     * @param json the document, not null
     * @return the notifications
     * @throws IllegalArgumentException if the text is not a document of this format (the message
     *     names the field, never a value)
     */
    static List<Notification> readAll(String json) {
        return parse(json, p -> {
            Document d = document(p);
            List<Notification> notifications = new ArrayList<>(d.recipients.size());
            for (Recipient r : d.recipients) {
                notifications.add(new Notification(r.id, d.kind, r.role, d.booking, d.personalMessage, r.manageLink,
                        r.locale));
            }
            return notifications;
        });
    }

    /**
     * The cancellation-list notice of a notice's document ({@link #writeNotice}).
     *
     * @param json the document, not null
     * @return the notice
     * @throws IllegalArgumentException if the text is not a notice document of this format (the
     *     message names the field, never a value)
     */
    static WaitlistNotice readNotice(String json) {
        return parse(json, p -> {
            p.nextToken();
            start(p, "document");
            Integer format = null;
            WaitlistNotice notice = null;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                switch (name) {
                    case FORMAT_FIELD -> format = integer(p, FORMAT_FIELD);
                    case "notice" -> notice = notice(p);
                    default -> p.skipChildren();
                }
            }
            requireFormat(format);
            return required(notice, "notice");
        });
    }

    /**
     * Reads one whole document: what {@code reader} makes of it, refused if any text follows it. A
     * document that fails to parse, or whose values do not make the model's objects, is not one of
     * this format.
     */
    private static <T> T parse(String json, Function<JsonParser, T> reader) {
        Objects.requireNonNull(json, "json");
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            T read = reader.apply(p);
            if (p.nextToken() != null) {
                throw invalid("text after the document");
            }
            return read;
        } catch (JacksonException | DateTimeException | NullPointerException e) {
            throw new IllegalArgumentException("not an outbox document of format " + FORMAT + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Refuses a document without the {@code format} field or of another format. */
    private static void requireFormat(Integer format) {
        if (format == null || format != FORMAT) {
            throw invalid(format == null ? "no " + FORMAT_FIELD + " field" : "format " + format);
        }
    }

    private static WaitlistNotice notice(JsonParser p) {
        start(p, "notice");
        String id = null;
        WaitlistNotice.Kind kind = null;
        String tenantId = null;
        String entryId = null;
        String offerId = null;
        CustomerDetails customer = null;
        Resource resource = null;
        Service service = null;
        Interval slot = null;
        ZoneId zone = null;
        Instant deadline = null;
        String offerLink = null;
        Locale locale = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "id" -> id = string(p, "notice.id");
                case "kind" -> kind = named(WaitlistNotice.Kind.class, string(p, "notice.kind"), "notice.kind");
                case "tenantId" -> tenantId = string(p, "notice.tenantId");
                case "entryId" -> entryId = string(p, "notice.entryId");
                case "offerId" -> offerId = string(p, "notice.offerId");
                case "customer" -> customer = customer(p);
                case "resource" -> resource = resource(p);
                case "service" -> service = service(p);
                case "slot" -> slot = slot(p);
                case "zone" -> zone = ZoneId.of(required(string(p, "notice.zone"), "notice.zone"));
                case "deadline" -> deadline = instant(p, "notice.deadline");
                case "offerLink" -> offerLink = string(p, "notice.offerLink");
                case "locale" -> locale = locale(string(p, "notice.locale"));
                default -> p.skipChildren();
            }
        }
        return new WaitlistNotice(required(id, "notice.id"), required(kind, "notice.kind"),
                required(tenantId, "notice.tenantId"), required(entryId, "notice.entryId"),
                required(offerId, "notice.offerId"), required(customer, "notice.customer"),
                required(resource, "notice.resource"), required(service, "notice.service"),
                required(slot, "notice.slot"), required(zone, "notice.zone"), required(deadline, "notice.deadline"),
                offerLink, required(locale, "notice.locale"));
    }

    /** What a document holds, as read. */
    private static final class Document {
        Integer format;
        NotificationKind kind;
        String personalMessage;
        Booking booking;
        List<Recipient> recipients;
    }

    /** One element of the {@code notifications} array. */
    private record Recipient(String id, RecipientRole role, Locale locale, String manageLink) {
    }

    private static Document document(JsonParser p) {
        p.nextToken();
        start(p, "document");
        Document d = new Document();
        // The version is checked after the whole object is read: jsonb may store it after the rest.
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case FORMAT_FIELD -> d.format = integer(p, FORMAT_FIELD);
                case "kind" -> d.kind = named(NotificationKind.class, string(p, "kind"), "kind");
                case "personalMessage" -> d.personalMessage = string(p, "personalMessage");
                case "booking" -> d.booking = booking(p);
                case "notifications" -> d.recipients = recipients(p);
                default -> p.skipChildren();
            }
        }
        requireFormat(d.format);
        required(d.kind, "kind");
        required(d.booking, "booking");
        if (d.recipients == null || d.recipients.isEmpty()) {
            throw invalid("no notifications");
        }
        return d;
    }

    private static List<Recipient> recipients(JsonParser p) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw invalid("notifications is not an array");
        }
        List<Recipient> recipients = new ArrayList<>(2);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw invalid("notifications holds a non-object");
            }
            String id = null;
            RecipientRole role = null;
            Locale locale = null;
            String link = null;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                switch (name) {
                    case "id" -> id = string(p, "notifications.id");
                    case "recipient" -> role = named(RecipientRole.class, string(p, "notifications.recipient"),
                            "notifications.recipient");
                    case "locale" -> locale = locale(string(p, "notifications.locale"));
                    case "manageLink" -> link = string(p, "notifications.manageLink");
                    default -> p.skipChildren();
                }
            }
            recipients.add(new Recipient(required(id, "notifications.id"), required(role, "notifications.recipient"),
                    required(locale, "notifications.locale"), link));
        }
        return recipients;
    }

    private static Booking booking(JsonParser p) {
        start(p, "booking");
        Booking.Builder b = Booking.builder();
        Integer reschedules = null;
        Long version = null;
        Instant created = null;
        Instant updated = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "tenantId" -> b.tenantId(string(p, "booking.tenantId"));
                case "id" -> b.id(string(p, "booking.id"));
                case "confirmationCode" -> b.confirmationCode(string(p, "booking.confirmationCode"));
                case "resource" -> b.resource(resource(p));
                case "service" -> b.service(service(p));
                case "customer" -> b.customer(customer(p));
                case "slot" -> b.slot(slot(p));
                case "zone" -> b.zone(ZoneId.of(required(string(p, "booking.zone"), "booking.zone")));
                case "status" -> b.status(named(BookingStatus.class, string(p, "booking.status"), "booking.status"));
                case "paymentStatus" -> b.paymentStatus(named(PaymentStatus.class, string(p, "booking.paymentStatus"),
                        "booking.paymentStatus"));
                case "customerReschedules" -> reschedules = integer(p, "booking.customerReschedules");
                case "confirmedBy" -> b.confirmedBy(actor(p));
                case "reminder" -> b.reminder(reminder(p));
                case "version" -> version = longValue(p, "booking.version");
                case "createdAt" -> created = instant(p, "booking.createdAt");
                case "updatedAt" -> updated = instant(p, "booking.updatedAt");
                default -> p.skipChildren();
            }
        }
        // Not left to the builder's defaults: a document without them is not one of this format.
        return b.customerReschedules(required(reschedules, "booking.customerReschedules"))
                .version(required(version, "booking.version"))
                .createdAt(required(created, "booking.createdAt"))
                .updatedAt(required(updated, "booking.updatedAt"))
                .build();
    }

    private static Resource resource(JsonParser p) {
        String[] v = strings(p, "booking.resource", "id", "name", "contact");
        return new Resource(v[0], v[1], v[2]);
    }

    private static Service service(JsonParser p) {
        String[] v = strings(p, "booking.service", "id", "name");
        return new Service(v[0], v[1]);
    }

    private static CustomerDetails customer(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        String[] v = strings(p, "booking.customer", "id", "name", "email", "phone", "language");
        return new CustomerDetails(v[0], v[1], v[2], v[3], required(locale(v[4]), "booking.customer.language"));
    }

    private static Interval slot(JsonParser p) {
        String[] v = strings(p, "booking.slot", "start", "end");
        return Interval.of(required(instant(v[0]), "booking.slot.start"), required(instant(v[1]), "booking.slot.end"));
    }

    private static Actor actor(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        String[] v = strings(p, "booking.confirmedBy", "kind", "id");
        try {
            return Codec.actor(required(v[0], "booking.confirmedBy.kind"), v[1]);
        } catch (IllegalStateException e) {
            throw invalid("booking.confirmedBy.kind");
        }
    }

    private static ReminderState reminder(JsonParser p) {
        String[] v = strings(p, "booking.reminder", "dueAt", "sentAt");
        return new ReminderState(instant(v[0]), instant(v[1]));
    }

    // -------------------------------------------------------------------------- value readers

    private static void start(JsonParser p, String field) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw invalid(field + " is not an object");
        }
    }

    /** The current string value, or null for a JSON null. */
    private static String string(JsonParser p, String field) {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw invalid(field + " is not a string");
        }
        return p.getString();
    }

    private static Integer integer(JsonParser p, String field) {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw invalid(field + " is not an integer");
        }
        return p.getIntValue();
    }

    private static Long longValue(JsonParser p, String field) {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw invalid(field + " is not an integer");
        }
        return p.getLongValue();
    }

    private static Instant instant(JsonParser p, String field) {
        return instant(string(p, field));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    /**
     * The fields of the current object whose values are all strings (or null): their values in the
     * order named, null for a field the object lacks; other fields are skipped.
     */
    private static String[] strings(JsonParser p, String object, String... names) {
        start(p, object);
        List<String> known = List.of(names);
        String[] values = new String[names.length];
        for (String field = p.nextName(); field != null; field = p.nextName()) {
            p.nextToken();
            int i = known.indexOf(field);
            if (i < 0) {
                p.skipChildren();
            } else {
                values[i] = string(p, object + "." + field);
            }
        }
        return values;
    }

    private static Locale locale(String tag) {
        return tag == null ? null : Locale.forLanguageTag(tag);
    }

    private static <E extends Enum<E>> E named(Class<E> type, String name, String field) {
        required(name, field);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw invalid(field + " is not a known value");
        }
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw invalid("no " + field);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String what) {
        return new IllegalArgumentException("not an outbox document of format " + FORMAT + ": " + what);
    }
}
