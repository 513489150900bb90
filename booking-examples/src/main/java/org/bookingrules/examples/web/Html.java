package org.bookingrules.examples.web;

/**
 * HTML escaping and the page frame. Every dynamic value goes through {@link #esc}, in text and in
 * attribute values alike (attributes are always double-quoted). Stateless.
 *
 * <p>{@link #esc} also neutralises the Unicode bidirectional controls (U+202A to U+202E, U+2066 to
 * U+2069, U+200E, U+200F, U+061C) by <em>replacing</em> each with U+FFFD, the replacement
 * character: a service or professional name, a contact or a message cannot reorder what the
 * page shows around it (a right-to-left override can make {@code exe.txt} read {@code txt.exe}),
 * and the visible mark shows that something was there instead of silently joining the text around
 * it.
 */
final class Html {

    private static final String FRAME = """
            <!DOCTYPE html>
            <html lang="%1$s">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="same-origin">
            %7$s<title>%2$s · %3$s</title>
            <link rel="stylesheet" href="/style.css">
            </head>
            <body>
            <header class="site-header"><div class="wrap"><span class="brand">%3$s</span><span class="tagline">%4$s</span></div></header>
            <main class="wrap" id="main">
            %5$s
            </main>
            <footer class="wrap site-footer"><p>%6$s</p></footer>
            </body>
            </html>
            """;

    /** What a bidirectional control is replaced with: U+FFFD REPLACEMENT CHARACTER. */
    static final char BIDI_REPLACEMENT = '\uFFFD';

    private Html() {
    }

    /**
     * @param c a character
     * @return whether it is one of the bidirectional controls {@link #esc} replaces
     */
    static boolean isBidiControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }

    /**
     * Escapes text for HTML content and double- or single-quoted attribute values, and replaces
     * bidirectional controls with {@link #BIDI_REPLACEMENT}.
     *
     * @param text may be null (then empty)
     * @return the escaped text
     */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(isBidiControl(c) ? BIDI_REPLACEMENT : c);
            }
        }
        return out.toString();
    }

    /**
     * A whole page.
     *
     * @param text the language, not null
     * @param title the page title, plain text (escaped here)
     * @param content the body of {@code <main>}, already HTML
     * @return the page
     */
    static String page(PageText text, String title, String content) {
        return page(text, title, content, "");
    }

    /**
     * A whole page with extra elements in its head.
     *
     * @param text the language, not null
     * @param title the page title, plain text (escaped here)
     * @param content the body of {@code <main>}, already HTML
     * @param head extra elements for {@code <head>}, already HTML, each ending in a line break
     * @return the page
     */
    static String page(PageText text, String title, String content, String head) {
        // The frame is the format string; every argument is escaped or already-built HTML, so no
        // value is ever read as a format directive.
        return FRAME.formatted(esc(text.lang()), esc(title), esc(text.get("app.name")), esc(text.get("app.tagline")),
                content, esc(text.get("app.footer")), head);
    }
}
