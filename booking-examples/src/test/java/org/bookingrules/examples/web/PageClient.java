package org.bookingrules.examples.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser stand-in for the page tests: {@link HttpClient} with no redirects followed (so every
 * {@code Location} is seen), a cookie jar of its own, one {@code Accept-Language}, and a record of
 * every response. Not thread-safe.
 */
final class PageClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]*)\"");
    private static final Pattern FORM_ACTION = Pattern.compile("<form method=\"post\" action=\"([^\"]*)\"");
    private static final Pattern OPTION = Pattern.compile("<option value=\"([^\"]*)\"");
    private static final Pattern URL_ATTRIBUTE = Pattern.compile("(?:href|action|src)=\"([^\"]*)\"");

    /** One response. */
    record Page(String method, URI uri, int status, HttpHeaders headers, String body) {

        /** @return the first CSRF token in a form of the page */
        String csrf() {
            return first(CSRF, "CSRF field");
        }

        /** @return the Location header */
        Optional<String> location() {
            return headers.firstValue("Location");
        }

        /** @return every URL in an href, action or src attribute of the body */
        List<String> linkedUrls() {
            return all(URL_ATTRIBUTE);
        }

        /** @return the action of the first form on the page */
        String formAction() {
            return first(FORM_ACTION, "form");
        }

        /** @return the values of the options of the page's selects, in order */
        List<String> optionValues() {
            return all(OPTION);
        }

        /** The first group of the pattern's first match in the body; the page must have one. */
        private String first(Pattern pattern, String what) {
            Matcher m = pattern.matcher(body);
            if (!m.find()) {
                throw new AssertionError("no " + what + " on " + method + " " + uri.getPath() + " (" + status + ")");
            }
            return m.group(1);
        }

        /** The first group of every match in the body, in order. */
        private List<String> all(Pattern pattern) {
            return pattern.matcher(body).results().map(r -> r.group(1)).toList();
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;
    private final String acceptLanguage;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final List<Page> seen = new ArrayList<>();

    PageClient(String baseUrl, String acceptLanguage) {
        this.baseUrl = baseUrl;
        this.acceptLanguage = acceptLanguage;
    }

    /**
     * @param pathOrUrl a path on the server or a whole URL
     * @return the response
     */
    Page get(String pathOrUrl) {
        return send("GET", pathOrUrl, HttpRequest.BodyPublishers.noBody(), null);
    }

    /**
     * Posts a url-encoded form.
     *
     * @param pathOrUrl a path on the server or a whole URL
     * @param form the fields, in order
     * @return the response
     */
    Page post(String pathOrUrl, Map<String, String> form) {
        return post(pathOrUrl, form, Map.of());
    }

    /**
     * Posts a url-encoded form with extra request headers (say, {@code Origin}).
     *
     * @param pathOrUrl a path on the server or a whole URL
     * @param form the fields, in order
     * @param headers extra headers
     * @return the response
     */
    Page post(String pathOrUrl, Map<String, String> form, Map<String, String> headers) {
        return postRaw(pathOrUrl, "application/x-www-form-urlencoded", encode(form), headers);
    }

    /**
     * Posts a body as given, with its content type and extra headers: for bodies a browser form
     * would not send, or encodings the client would otherwise fix.
     *
     * @param pathOrUrl a path on the server or a whole URL
     * @param contentType the Content-Type, or null for none
     * @param body the body, sent as is (UTF-8)
     * @param headers extra headers
     * @return the response
     */
    Page postRaw(String pathOrUrl, String contentType, String body, Map<String, String> headers) {
        return send("POST", pathOrUrl, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), contentType,
                headers);
    }

    /**
     * Opens a manage link as a browser does: GET it, expect {@code 303} to {@code /manage} (the token
     * swapped for a pre-session cookie), and follow.
     *
     * @param link the link
     * @return the page with the identity form
     */
    Page open(String link) {
        Page opened = get(link);
        if (opened.status() != 303 || !opened.location().equals(Optional.of(SelfServiceServer.MANAGE))) {
            throw new AssertionError("opening a link answered " + opened.status() + " " + opened.location());
        }
        return follow(opened);
    }

    /**
     * @param form the fields, in order
     * @return the url-encoded form
     */
    static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /**
     * Any method, with no body.
     *
     * @param method the method
     * @param pathOrUrl a path or URL
     * @return the response
     */
    Page send(String method, String pathOrUrl) {
        return send(method, pathOrUrl, HttpRequest.BodyPublishers.noBody(), null);
    }

    /**
     * A GET with extra request headers.
     *
     * @param pathOrUrl a path or URL
     * @param headers extra headers
     * @return the response
     */
    Page get(String pathOrUrl, Map<String, String> headers) {
        return send("GET", pathOrUrl, HttpRequest.BodyPublishers.noBody(), null, headers);
    }

    /**
     * Follows a 303 the way a browser does: GET the Location.
     *
     * @param redirect the redirect
     * @return the page it leads to
     */
    Page follow(Page redirect) {
        return get(redirect.location().orElseThrow(() -> new AssertionError("no Location on " + redirect.status())));
    }

    /** @return every response so far */
    List<Page> seen() {
        return List.copyOf(seen);
    }

    /** @return the base URL requests go to */
    String baseUrl() {
        return baseUrl;
    }

    /** @return the cookies this client holds */
    Map<String, String> cookies() {
        return Map.copyOf(cookies);
    }

    private Page send(String method, String pathOrUrl, HttpRequest.BodyPublisher body, String contentType) {
        return send(method, pathOrUrl, body, contentType, Map.of());
    }

    private Page send(String method, String pathOrUrl, HttpRequest.BodyPublisher body, String contentType,
            Map<String, String> headers) {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl + pathOrUrl);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).method(method, body);
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            String pair = setCookie.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            if (value.isEmpty() || setCookie.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        Page page = new Page(method, uri, response.statusCode(), response.headers(), response.body());
        seen.add(page);
        return page;
    }
}
