package org.bookingrules.examples.web;

/**
 * HTML escaping and the page frame. Every dynamic value goes through {@link #esc}, in text and in
 * attribute values alike (attributes are always double-quoted). Stateless.
 */
final class Html {

    private static final String FRAME = """
            <!DOCTYPE html>
            <html lang="%1$s">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>%2$s · %3$s</title>
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

    private Html() {
    }

    /**
     * Escapes text for HTML content and double- or single-quoted attribute values.
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
                default -> out.append(c);
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
        // The frame is the format string; every argument is escaped or already-built HTML, so no
        // value is ever read as a format directive.
        return FRAME.formatted(esc(text.lang()), esc(title), esc(text.get("app.name")), esc(text.get("app.tagline")),
                content, esc(text.get("app.footer")));
    }
}
