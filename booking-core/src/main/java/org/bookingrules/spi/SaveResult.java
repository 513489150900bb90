package org.bookingrules.spi;

/** The answer of a repository write. Expected outcomes are values; faults are exceptions. */
public enum SaveResult {
    /** Written, with its events and notifications. */
    SAVED,
    /** Not written: another active booking of the resource overlaps the slot. */
    SLOT_TAKEN,
    /** Not written: the stored version is not the expected one (someone else changed it first). */
    VERSION_CONFLICT,
    /** Not written: the confirmation code is already used in the tenant; pick another. */
    CODE_TAKEN,
    /** Not written: the change's idempotency key is already stored in the tenant (a concurrent repeat). */
    IDEMPOTENCY_KEY_TAKEN
}
