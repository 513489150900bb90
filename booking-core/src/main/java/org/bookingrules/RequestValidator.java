package org.bookingrules;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

    /**
     * Checks that a slot's end is after its start (both already checked non-null).
     *
     * @param start the start
     * @param end the end
     * @throws InvalidRequestException naming {@code end}
     */
    void checkSlot(Instant start, Instant end) {
        if (!end.isAfter(start)) {
            throw new InvalidRequestException(List.of("end"), "end: must be after start");
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
