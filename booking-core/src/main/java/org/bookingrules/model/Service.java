package org.bookingrules.model;

import org.bookingrules.internal.Ids;
import org.bookingrules.internal.Texts;

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
        Texts.requiredName(name, "service.name");
    }
}
