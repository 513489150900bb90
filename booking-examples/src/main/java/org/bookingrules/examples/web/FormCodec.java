package org.bookingrules.examples.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Strict {@code application/x-www-form-urlencoded} decoding, for form bodies and query strings.
 * Every {@code %} must be followed by two hex digits, and the decoded bytes must be well-formed
 * UTF-8; anything else makes the whole text malformed, so a caller answers {@code 400} and acts on
 * nothing. A malformed pair is never skipped: a decline whose reason was dropped would otherwise go
 * through without it. A name given twice is malformed too (which one would count?). Stateless.
 */
final class FormCodec {

    /** Most fields in one form or query. */
    static final int MAX_FIELDS = 32;

    private FormCodec() {
    }

    /**
     * Decodes a form body or a query string.
     *
     * @param encoded the bytes as sent (ASCII in practice), may be empty, not null
     * @return the fields by name, or empty when the text is malformed (a bad or cut-off
     *     {@code %} escape, bytes that are not UTF-8, an empty name, a repeated name, or more than
     *     {@value #MAX_FIELDS} fields)
     */
    static Optional<Map<String, String>> decode(byte[] encoded) {
        Map<String, String> fields = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= encoded.length; i++) {
            if (i < encoded.length && encoded[i] != '&') {
                continue;
            }
            if (i > start) {
                int eq = indexOf(encoded, (byte) '=', start, i);
                Optional<String> name = decodePart(encoded, start, eq < 0 ? i : eq);
                Optional<String> value = eq < 0 ? Optional.of("") : decodePart(encoded, eq + 1, i);
                if (name.isEmpty() || value.isEmpty() || name.get().isEmpty()
                        || fields.putIfAbsent(name.get(), value.get()) != null || fields.size() > MAX_FIELDS) {
                    return Optional.empty();
                }
            }
            // An empty pair ("a=1&&b=2") carries nothing and hides nothing: skipped.
            start = i + 1;
        }
        return Optional.of(fields);
    }

    /**
     * Decodes a query string.
     *
     * @param query the raw query, without the {@code ?}; null or empty for none
     * @return the fields, or empty when malformed (see {@link #decode(byte[])})
     */
    static Optional<Map<String, String>> decodeQuery(String query) {
        if (query == null || query.isEmpty()) {
            return Optional.of(Map.of());
        }
        return decode(query.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> decodePart(byte[] in, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = in[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                // A lone or cut-off escape ("%", "%A" at the end) is malformed, not literal text.
                if (i + 2 >= to) {
                    return Optional.empty();
                }
                int hi = hex(in[i + 1]);
                int lo = hex(in[i + 2]);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The value of an ASCII hex digit, or -1. */
    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private static int indexOf(byte[] in, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
