package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bookingrules.examples.web.PostChecks.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The layers every POST passes before its body is read. */
@DisplayName("PostChecks")
class PostChecksTest {

    private static final String OWN = "https://clinic.example";
    private static final List<String> FORM = List.of("application/x-www-form-urlencoded");

    @ParameterizedTest(name = "Origin \"{0}\", Sec-Fetch-Site \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "-                          | -           | PASSED",
        "https://clinic.example     | -           | PASSED",
        "HTTPS://Clinic.Example     | same-origin | PASSED",
        "-                          | same-origin | PASSED",
        "https://evil.example       | -           | CROSS_SITE",
        "null                       | same-origin | CROSS_SITE",
        "http://clinic.example      | same-origin | CROSS_SITE",
        "https://clinic.example:444 | same-origin | CROSS_SITE",
        "https://clinic.example     | cross-site  | CROSS_SITE",
        "https://clinic.example     | same-site   | CROSS_SITE",
        "-                          | none        | CROSS_SITE"})
    @DisplayName("Origin, when sent, is the page's own; Sec-Fetch-Site, when sent, is same-origin")
    void origins(String origin, String fetchSite, Verdict expected) {
        assertThat(PostChecks.check(OWN, origin == null ? List.of() : List.of(origin),
                fetchSite == null ? List.of() : List.of(fetchSite), FORM)).isEqualTo(expected);
    }

    @Test
    @DisplayName("Two Origin or two Sec-Fetch-Site headers are refused, even if one of them is right")
    void repeatedHeaders() {
        assertThat(PostChecks.check(OWN, List.of(OWN, "https://evil.example"), List.of(), FORM))
                .isEqualTo(Verdict.CROSS_SITE);
        assertThat(PostChecks.check(OWN, List.of(), List.of("same-origin", "cross-site"), FORM))
                .isEqualTo(Verdict.CROSS_SITE);
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "application/x-www-form-urlencoded                   | true",
        "Application/X-WWW-Form-Urlencoded; charset=UTF-8    | true",
        "application/x-www-form-urlencoded;charset=\"utf-8\" | true",
        "application/x-www-form-urlencoded; charset=iso-8859-1 | false",
        "application/x-www-form-urlencoded; boundary=x       | false",
        "text/plain                                          | false",
        "application/json                                    | false",
        "multipart/form-data; boundary=x                     | false",
        "application/x-www-form-urlencoded-x                 | false"})
    @DisplayName("Only a url-encoded form, at most with a UTF-8 charset")
    void contentTypes(String contentType, boolean form) {
        assertThat(PostChecks.isForm(contentType)).isEqualTo(form);
        assertThat(PostChecks.check(OWN, List.of(), List.of(), List.of(contentType)))
                .isEqualTo(form ? Verdict.PASSED : Verdict.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    @DisplayName("No Content-Type, or two, is not a form")
    void missingOrRepeatedContentType() {
        assertThat(PostChecks.check(OWN, List.of(), List.of(), List.of())).isEqualTo(Verdict.UNSUPPORTED_MEDIA_TYPE);
        assertThat(PostChecks.check(OWN, List.of(), List.of(), List.of(FORM.get(0), FORM.get(0))))
                .isEqualTo(Verdict.UNSUPPORTED_MEDIA_TYPE);
    }
}
