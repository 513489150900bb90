package org.bookingrules.model;

import org.bookingrules.internal.Ids;
import org.bookingrules.internal.Texts;

/**
 * Who or what is booked: a professional, a staff member, a room. Immutable and thread-safe.
 *
 * @param id the resource's id in the embedding product, not blank
 * @param name the display name, not blank, at most 200 characters
 * @param contact how a customer reaches the resource when self-service refuses (R9), for example
 *     a phone number or the front desk's address; may be null
 */
public record Resource(String id, String name, String contact) {

    /**
     * Checks the fields.
     *
     * @param id the resource's id in the embedding product, not blank
     * @param name the display name, not blank, at most 200 characters
     * @param contact how a customer reaches the resource when self-service refuses (R9), for example a phone number or the front desk's address; may be null
     */
    public Resource {
        Ids.require(id, "resource.id");
        Texts.requiredName(name, "resource.name");
        contact = Texts.optional(contact, "resource.contact", 200);
    }

    /**
     * A resource with no contact.
     *
     * @param id not blank
     * @param name not blank
     * @return the resource
     */
    public static Resource of(String id, String name) {
        return new Resource(id, name, null);
    }
}
