package org.bookingrules;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bookingrules.internal.Ids;
import org.bookingrules.internal.Texts;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Checks facade requests with Jakarta Validation. Hibernate Validator is bootstrapped without an
 * expression language (parameter interpolation only) and with English messages, whatever the
 * JVM's default locale. Thread-safe.
 */
final class RequestValidator {

    private static final ValidatorFactory FACTORY = Validation.byProvider(HibernateValidator.class)
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator(Set.of(Locale.ENGLISH), Locale.ENGLISH, false))
            .buildValidatorFactory();

    private final Validator validator = FACTORY.getValidator();

    /**
     * Checks a request.
     *
     * @param name the parameter name, for a null request
     * @param request the request
     * @throws InvalidRequestException naming every bad field
     */
    void check(String name, Object request) {
        if (request == null) {
            throw new InvalidRequestException(List.of(name), name + ": must not be null");
        }
        Set<ConstraintViolation<Object>> violations = validator.validate(request);
        if (violations.isEmpty()) {
            checkContents(request);
        }
        if (!violations.isEmpty()) {
            List<ConstraintViolation<Object>> sorted = new ArrayList<>(violations);
            sorted.sort(Comparator.comparing(v -> v.getPropertyPath().toString()));
            List<String> fields = sorted.stream().map(v -> v.getPropertyPath().toString()).toList();
            List<String> parts = sorted.stream()
                    .map(v -> v.getPropertyPath() + ": " + v.getMessage())
                    .toList();
            throw new InvalidRequestException(fields, String.join("; ", parts));
        }
    }

    /** Earliest instant a slot may start: older records are not appointments. */
    static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    /** Latest instant a slot may end: within every supported database's range. */
    static final Instant LATEST = Instant.parse("9000-01-01T00:00:00Z");

    /**
     * Checks an id the way stored ids are checked ({@link Ids#require}): no control characters, no
     * padding, at most {@value Ids#MAX_LENGTH} characters, so an id can neither forge a log line
     * nor match another id in a database that ignores trailing spaces.
     *
     * @param field the field name
     * @param value the id, already checked not blank
     * @throws InvalidRequestException naming the field
     */
    void checkId(String field, String value) {
        try {
            Ids.require(value, field);
        } catch (RuntimeException e) {
            throw new InvalidRequestException(List.of(field), e.getMessage());
        }
    }

    /**
     * Checks a free text: no control characters but tab and line breaks ({@link Texts}).
     *
     * @param field the field name
     * @param value the text, may be null
     * @throws InvalidRequestException naming the field
     */
    void checkText(String field, String value) {
        if (value != null && Texts.hasForbiddenControl(value)) {
            throw new InvalidRequestException(List.of(field), field + ": must not contain control characters");
        }
    }

    /**
     * Checks an instant is within the range a slot may have.
     *
     * @param field the field name
     * @param value the instant, not null
     * @throws InvalidRequestException naming the field
     */
    void checkInstant(String field, Instant value) {
        if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
            throw new InvalidRequestException(List.of(field), field + ": must be between " + EARLIEST + " and " + LATEST);
        }
    }

    /**
     * Checks that a slot's end is after its start (both already checked non-null).
     *
     * @param start the start
     * @param end the end
     * @throws InvalidRequestException naming {@code end}
     */
    void checkSlot(Instant start, Instant end) {
        checkInstant("start", start);
        checkInstant("end", end);
        if (!end.isAfter(start)) {
            throw new InvalidRequestException(List.of("end"), "end: must be after start");
        }
        if (Duration.between(start, end).compareTo(MAX_SLOT_LENGTH) > 0) {
            throw new InvalidRequestException(List.of("end"), "end: a slot lasts at most " + MAX_SLOT_LENGTH);
        }
    }

    /** Longest slot accepted: 31 days. */
    static final Duration MAX_SLOT_LENGTH = Duration.ofDays(31);

    /** What Jakarta's annotations do not say: id shapes and control characters. */
    private void checkContents(Object request) {
        if (request instanceof BookingRef ref) {
            checkId("tenantId", ref.tenantId());
            checkId("bookingId", ref.bookingId());
        } else if (request instanceof BookRequest book) {
            checkId("tenantId", book.tenantId());
            checkText("idempotencyKey", book.idempotencyKey());
            checkText("notification.personalMessage", book.notification().personalMessage());
        } else if (request instanceof ChangeRequest change) {
            checkText("reason", change.reason());
            checkText("notification.personalMessage", change.notification().personalMessage());
        } else if (request instanceof RescheduleRequest reschedule) {
            checkText("change.reason", reschedule.change().reason());
            checkText("change.notification.personalMessage", reschedule.change().notification().personalMessage());
        }
    }

    /**
     * Checks that an argument is not null.
     *
     * @param name the parameter name
     * @param value the value
     * @throws InvalidRequestException naming the parameter
     */
    void checkNotNull(String name, Object value) {
        if (value == null) {
            throw new InvalidRequestException(List.of(name), name + ": must not be null");
        }
    }
}
