package org.bookingrules.jdbc;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
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
        g.writeName("resource");
        g.writeStartObject();
        g.writeStringProperty("id", b.resource().id());
        g.writeStringProperty("name", b.resource().name());
        g.writeStringProperty("contact", b.resource().contact());
        g.writeEndObject();
        g.writeName("service");
        g.writeStartObject();
        g.writeStringProperty("id", b.service().id());
        g.writeStringProperty("name", b.service().name());
        g.writeEndObject();
        g.writeName("customer");
        CustomerDetails c = b.customer().orElse(null);
        if (c == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            g.writeStringProperty("id", c.id());
            g.writeStringProperty("name", c.name());
            g.writeStringProperty("email", c.email());
            g.writeStringProperty("phone", c.phone());
            g.writeStringProperty("language", c.language().toLanguageTag());
            g.writeEndObject();
        }
        g.writeName("slot");
        g.writeStartObject();
        g.writeStringProperty("start", b.slot().getStart().toString());
        g.writeStringProperty("end", b.slot().getEnd().toString());
        g.writeEndObject();
        g.writeStringProperty("zone", b.zone().getId());
        g.writeStringProperty("status", b.status().name());
        g.writeStringProperty("paymentStatus", b.paymentStatus().name());
        g.writeNumberProperty("customerReschedules", b.customerReschedules());
        g.writeName("confirmedBy");
        Actor confirmedBy = b.confirmedBy().orElse(null);
        if (confirmedBy == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            g.writeStringProperty("kind", Codec.actorKind(confirmedBy));
            g.writeStringProperty("id", confirmedBy.id());
            g.writeEndObject();
        }
        g.writeName("reminder");
        g.writeStartObject();
        g.writeStringProperty("dueAt", text(b.reminder().dueAt()));
        g.writeStringProperty("sentAt", text(b.reminder().sentAt()));
        g.writeEndObject();
        g.writeNumberProperty("version", b.version());
        g.writeStringProperty("createdAt", b.createdAt().toString());
        g.writeStringProperty("updatedAt", b.updatedAt().toString());
        g.writeEndObject();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
