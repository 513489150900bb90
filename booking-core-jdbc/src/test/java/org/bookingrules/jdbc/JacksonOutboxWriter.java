package org.bookingrules.jdbc;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.Notification;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * The outbox document as {@link OutboxDocument} wrote it with Jackson's generator before it wrote it
 * by hand: the reference its text must equal, character for character.
 */
final class JacksonOutboxWriter {

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .build();

    private JacksonOutboxWriter() {
    }

    static String write(List<Notification> notifications) {
        Notification first = notifications.get(0);
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeNumberProperty(OutboxDocument.FORMAT_FIELD, OutboxDocument.FORMAT);
            g.writeStringProperty("kind", first.kind().name());
            g.writeStringProperty("personalMessage", first.personalMessage());
            g.writeName("booking");
            writeBooking(g, first.booking());
            g.writeName("notifications");
            g.writeStartArray();
            for (Notification n : notifications) {
                g.writeStartObject();
                g.writeStringProperty("id", n.id());
                g.writeStringProperty("recipient", n.recipient().name());
                g.writeStringProperty("locale", n.locale().toLanguageTag());
                g.writeStringProperty("manageLink", n.manageLink());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toString();
    }

    private static void writeBooking(JsonGenerator g, Booking b) {
        g.writeStartObject();
        g.writeStringProperty("tenantId", b.tenantId());
        g.writeStringProperty("id", b.id());
        g.writeStringProperty("confirmationCode", b.confirmationCode());
        writeObject(g, "resource", b.resource(), resource -> {
            g.writeStringProperty("id", resource.id());
            g.writeStringProperty("name", resource.name());
            g.writeStringProperty("contact", resource.contact());
        });
        writeObject(g, "service", b.service(), service -> {
            g.writeStringProperty("id", service.id());
            g.writeStringProperty("name", service.name());
        });
        writeObject(g, "customer", b.customer().orElse(null), c -> {
            g.writeStringProperty("id", c.id());
            g.writeStringProperty("name", c.name());
            g.writeStringProperty("email", c.email());
            g.writeStringProperty("phone", c.phone());
            g.writeStringProperty("language", c.language().toLanguageTag());
        });
        writeObject(g, "slot", b.slot(), slot -> {
            g.writeStringProperty("start", slot.getStart().toString());
            g.writeStringProperty("end", slot.getEnd().toString());
        });
        g.writeStringProperty("zone", b.zone().getId());
        g.writeStringProperty("status", b.status().name());
        g.writeStringProperty("paymentStatus", b.paymentStatus().name());
        g.writeNumberProperty("customerReschedules", b.customerReschedules());
        writeObject(g, "confirmedBy", b.confirmedBy().orElse(null), actor -> {
            g.writeStringProperty("kind", Codec.actorKind(actor));
            g.writeStringProperty("id", actor.id());
        });
        writeObject(g, "reminder", b.reminder(), reminder -> {
            g.writeStringProperty("dueAt", text(reminder.dueAt()));
            g.writeStringProperty("sentAt", text(reminder.sentAt()));
        });
        g.writeNumberProperty("version", b.version());
        g.writeStringProperty("createdAt", b.createdAt().toString());
        g.writeStringProperty("updatedAt", b.updatedAt().toString());
        g.writeEndObject();
    }

    /** Writes a property whose value is an object of the given fields, or null when there is no value. */
    private static <T> void writeObject(JsonGenerator g, String name, T value, Consumer<T> fields) {
        g.writeName(name);
        if (value == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        fields.accept(value);
        g.writeEndObject();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
