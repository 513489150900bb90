package org.bookingrules.examples.web;

import java.util.List;
import java.util.Locale;

/**
 * The checks every POST passes before its body is read, each a layer of its own on top of the
 * session's CSRF token and the {@code SameSite=Strict} cookies:
 * <ol>
 *   <li>{@code Origin}, when the browser sends it, must be the page's own origin; {@code null}
 *       (a sandboxed or privacy-redirected form) is not;</li>
 *   <li>{@code Sec-Fetch-Site}, when sent, must be {@code same-origin}: not {@code same-site} (a
 *       sibling host), not {@code cross-site}, and not {@code none} (which only a navigation the
 *       user typed or bookmarked has, never a form post);</li>
 *   <li>the body must be {@code application/x-www-form-urlencoded} (a {@code charset} parameter, if
 *       any, UTF-8): {@code text/plain} is what a cross-site form can send without a preflight
 *       while smuggling a form-like body, JSON and multipart are nothing this page sends.</li>
 * </ol>
 * Stateless.
 */
final class PostChecks {

    /** What the checks found. */
    enum Verdict {
        /** All layers passed. */
        PASSED,
        /** Another site sent it: {@code 403}, nothing is read or done. */
        CROSS_SITE,
        /** Not a url-encoded form: {@code 415}, nothing is read or done. */
        UNSUPPORTED_MEDIA_TYPE
    }

    /** The only body type a POST may have. */
    static final String FORM = "application/x-www-form-urlencoded";

    private PostChecks() {
    }

    /**
     * Runs the checks in order.
     *
     * @param ownOrigin the page's origin, for example {@code https://clinic.example}, not null
     * @param origins the request's {@code Origin} header values, not null
     * @param fetchSites the request's {@code Sec-Fetch-Site} header values, not null
     * @param contentTypes the request's {@code Content-Type} header values, not null
     * @return the verdict
     */
    static Verdict check(String ownOrigin, List<String> origins, List<String> fetchSites, List<String> contentTypes) {
        if (!origins.isEmpty() && (origins.size() > 1 || !origins.get(0).strip().equalsIgnoreCase(ownOrigin))) {
            return Verdict.CROSS_SITE;
        }
        if (!fetchSites.isEmpty()
                && (fetchSites.size() > 1 || !fetchSites.get(0).strip().equalsIgnoreCase("same-origin"))) {
            return Verdict.CROSS_SITE;
        }
        if (contentTypes.size() != 1 || !isForm(contentTypes.get(0))) {
            return Verdict.UNSUPPORTED_MEDIA_TYPE;
        }
        return Verdict.PASSED;
    }

    /**
     * @param contentType a {@code Content-Type} value, not null
     * @return whether it is a url-encoded form, with no parameter but an optional UTF-8 charset
     */
    static boolean isForm(String contentType) {
        String[] parts = contentType.split(";", -1);
        if (!parts[0].strip().equalsIgnoreCase(FORM)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
            if (parameter.isEmpty()) {
                continue;
            }
            if (!parameter.equals("charset=utf-8") && !parameter.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }
}
