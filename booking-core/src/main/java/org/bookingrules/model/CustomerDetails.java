package org.bookingrules.model;

import jakarta.validation.constraints.Email;
import java.util.Locale;
import java.util.Objects;
import org.bookingrules.internal.Ids;
import org.bookingrules.internal.Texts;

/**
 * The customer (client, patient) a booking is for. Immutable and thread-safe.
 *
 * <p>This is personal data: the library never logs it and never puts it in links or exception
 * messages. {@link #toString()} shows the id only.
 *
 * @param id the customer's id in the embedding product, not blank
 * @param name the customer's name, may be null
 * @param email the e-mail address, may be null
 * @param phone the phone number, may be null
 * @param language the preferred language for messages, not null
 */
public record CustomerDetails(String id, String name, @Email String email, String phone, Locale language) {

    /**
     * Checks the fields; blank optional fields become null.
     *
     * @param id the customer's id in the embedding product, not blank
     * @param name the customer's name, may be null
     * @param email the e-mail address, may be null
     * @param phone the phone number, may be null
     * @param language the preferred language for messages, not null
     */
    public CustomerDetails {
        Ids.require(id, "customer.id");
        name = Texts.optional(name, "customer.name", 200);
        email = Texts.optional(email, "customer.email", 254);
        phone = Texts.optional(phone, "customer.phone", 40);
        Objects.requireNonNull(language, "customer.language");
    }

    /**
     * Whether a message can reach this customer (an e-mail or a phone is stored).
     *
     * @return true if there is an e-mail or a phone
     */
    public boolean isReachable() {
        return email != null || phone != null;
    }

    /**
     * This customer with the personal data removed: name, e-mail and phone gone; the id (the
     * product's own key) and the language stay. Such a customer can no longer be reached.
     *
     * @return the erased details
     */
    public CustomerDetails erased() {
        return new CustomerDetails(id, null, null, null, language);
    }

    /**
     * Whether name, e-mail and phone are all gone, as after {@link #erased()}.
     *
     * @return true if no personal data is left but the id and language
     */
    public boolean isErased() {
        return name == null && email == null && phone == null;
    }

    /** Shows the id only: the other fields are personal data. */
    @Override
    public String toString() {
        return "CustomerDetails[id=" + id + "]";
    }
}
