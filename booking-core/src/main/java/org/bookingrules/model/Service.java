package org.bookingrules.model;

import java.util.Objects;
import org.bookingrules.internal.Ids;

/**
 * The service booked (a consultation, a haircut). Its policy is looked up by id. Immutable.
 *
 * @param id the service's id in the embedding product, not blank
 * @param name the display name, not blank, at most 200 characters
 */
public record Service(String id, String name) {

    /**
     * Checks the fields.
     *
     * @param id the service's id in the embedding product, not blank
     * @param name the display name, not blank, at most 200 characters
     */
    public Service {
        Ids.require(id, "service.id");
        Objects.requireNonNull(name, "service.name");
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("service.name must be 1 to 200 characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("service.name must not contain control characters");
        }
    }
}
