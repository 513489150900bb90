package org.bookingrules.jdbc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a stored outbox document the way another system would, without the library's decoder: any
 * JSON text flattened into dotted paths ({@code booking.customer.email}, {@code notifications.1.id}),
 * every value as its JSON text (strings unquoted, numbers as written, JSON null as null). Tests use it
 * to check the documented fields, independent of {@link OutboxDocument}.
 */
public final class OutboxJson {

    private static final JsonFactory JSON = new JsonFactory();

    private OutboxJson() {
    }

    /**
     * Every leaf of a JSON text by its path, in document order; a JSON null is a null value.
     *
     * @param json the text, not null
     * @return the paths and values
     * @throws tools.jackson.core.JacksonException if the text is not JSON
     */
    public static Map<String, String> fields(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            p.nextToken();
            walk(p, "", out);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("text after the JSON value");
            }
        }
        return out;
    }

    /**
     * One row's view of its document, as the old key=value payload was: the shared fields, and its own
     * element of {@code notifications} under {@code notification.}; nulls left out.
     *
     * @param json the document
     * @param notificationId the row's notification id
     * @return the fields
     */
    public static Properties ofRow(String json, String notificationId) {
        Map<String, String> all = fields(json);
        String own = null;
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (e.getKey().matches("notifications\\.\\d+\\.id") && notificationId.equals(e.getValue())) {
                own = e.getKey().substring(0, e.getKey().length() - "id".length());
            }
        }
        if (own == null) {
            throw new IllegalArgumentException("no element for notification " + notificationId);
        }
        Properties p = new Properties();
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (e.getKey().startsWith(own)) {
                p.setProperty("notification." + e.getKey().substring(own.length()), e.getValue());
            } else if (!e.getKey().startsWith("notifications.")) {
                p.setProperty(e.getKey(), e.getValue());
            }
        }
        return p;
    }

    private static void walk(JsonParser p, String path, Map<String, String> out) {
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            boolean empty = true;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                empty = false;
                p.nextToken();
                walk(p, path.isEmpty() ? name : path + "." + name, out);
            }
            if (empty) {
                out.put(path, "{}");
            }
        } else if (token == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                walk(p, path + "." + i++, out);
            }
            if (i == 0) {
                out.put(path, "[]");
            }
        } else if (token == JsonToken.VALUE_NULL) {
            out.put(path, null);
        } else {
            out.put(path, p.getString());
        }
    }
}
