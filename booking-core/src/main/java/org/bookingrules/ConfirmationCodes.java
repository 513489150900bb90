package org.bookingrules;

import java.security.SecureRandom;
import java.util.function.Supplier;

/**
 * Makes confirmation codes (R1): eight characters from an alphabet without look-alikes (no 0/O,
 * 1/I/L), about 8.5 x 10^11 codes. Uniqueness per tenant is enforced by the repository; on a clash
 * the facade draws again. Thread-safe.
 */
public final class ConfirmationCodes implements Supplier<String> {

    /** The characters codes are made of. */
    public static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /** The length of a code. */
    public static final int LENGTH = 8;

    private final SecureRandom random = new SecureRandom();

    /** A generator with its own {@link SecureRandom}. */
    public ConfirmationCodes() {
    }

    @Override
    public String get() {
        char[] code = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            code[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(code);
    }
}
