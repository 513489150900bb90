package org.bookingrules.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bookingrules.model.BookingStatus;

/**
 * How an existing appointment table's status codes map to {@link BookingStatus}, both ways, and
 * to HL7 FHIR {@code Appointment.status}: part of an {@link AppointmentTable}. Immutable and
 * thread-safe.
 *
 * <p>Several codes may map to one status ({@code "X"} cancelled by the patient and {@code "Y"}
 * cancelled by the clinic both read as {@link BookingStatus#CANCELLED}); each status is written
 * with one code, the first given for it unless {@link Builder#writes} says another. Every status
 * needs a code to be written with, since staff can move a booking to any of them: an EHR with no
 * code of its own for one writes it with its nearest ({@code writes(DECLINED, "X")}, a cancel
 * code). Reading a code written for another status of ours keeps ours: a booking the library
 * declined and wrote as {@code "X"} still reads as declined, as long as the table holds the code
 * the library wrote.
 *
 * <p>Codes are compared exactly, after removing trailing spaces ({@code CHAR(n)} columns pad
 * them); a SQL NULL reads as the empty code {@code ""}, which may be mapped like any other. A
 * code that is not mapped is a fault of the mapping: reading it throws
 * {@link BookingStorageException} naming the code, unless {@link Builder#otherCodes} says how to
 * read every other code.
 *
 * <pre>{@code
 * StatusCodes codes = StatusCodes.builder()
 *         .code("S", BookingStatus.PENDING)
 *         .code("N", BookingStatus.PENDING, "proposed")   // the column's default: no status yet
 *         .code("C", BookingStatus.CONFIRMED)
 *         .code("A", BookingStatus.CONFIRMED, "arrived")
 *         .code("X", BookingStatus.CANCELLED)
 *         .code("Y", BookingStatus.CANCELLED)
 *         .writes(BookingStatus.DECLINED, "X")
 *         .code("O", BookingStatus.COMPLETED, "fulfilled")
 *         .code("M", BookingStatus.NO_SHOW)
 *         .build();
 * }</pre>
 */
public final class StatusCodes {

    /** The codes of HL7 FHIR R4/R5 {@code Appointment.status}. */
    public static final Set<String> FHIR_APPOINTMENT_STATUSES = Set.of("proposed", "pending", "booked", "arrived",
            "fulfilled", "cancelled", "noshow", "entered-in-error", "checked-in", "waitlist");

    /** The longest code accepted. */
    public static final int MAX_CODE_LENGTH = 32;

    private final Map<String, BookingStatus> statusOf;
    private final Map<String, String> fhirOf;
    private final Map<BookingStatus, String> codeOf;
    private final BookingStatus otherCodes;
    private final String otherCodesFhir;

    private StatusCodes(Builder b) {
        this.statusOf = Collections.unmodifiableMap(new LinkedHashMap<>(b.statusOf));
        this.fhirOf = Collections.unmodifiableMap(new LinkedHashMap<>(b.fhirOf));
        this.codeOf = Collections.unmodifiableMap(new EnumMap<>(b.codeOf));
        this.otherCodes = b.otherCodes;
        this.otherCodesFhir = b.otherCodesFhir;
    }

    /**
     * A builder with no codes.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The status a stored code reads as.
     *
     * @param code the column's value as read, null for SQL NULL
     * @return the status
     * @throws BookingStorageException if the code is not mapped and there is no
     *     {@linkplain Builder#otherCodes rule for other codes}
     */
    public BookingStatus status(String code) {
        BookingStatus status = statusOf.get(normalize(code));
        if (status != null) {
            return status;
        }
        if (otherCodes != null) {
            return otherCodes;
        }
        throw new BookingStorageException("status code '" + normalize(code) + "' of the appointment table is not "
                + "mapped: add it to the StatusCodes (codes mapped: " + statusOf.keySet() + ")", null);
    }

    /**
     * The code a status is written with: the first given for it.
     *
     * @param status not null
     * @return the code
     */
    public String code(BookingStatus status) {
        return codeOf.get(Objects.requireNonNull(status, "status"));
    }

    /**
     * The HL7 FHIR {@code Appointment.status} of a stored code: the one given with the code, else
     * that of the status it reads as ({@link BookingStatus#fhirAppointmentStatus()}).
     *
     * @param code the column's value as read, null for SQL NULL
     * @return the FHIR code
     * @throws BookingStorageException if the code is not mapped, as {@link #status}
     */
    public String fhirStatus(String code) {
        String normalized = normalize(code);
        String fhir = fhirOf.get(normalized);
        if (fhir != null) {
            return fhir;
        }
        if (!statusOf.containsKey(normalized) && otherCodes != null && otherCodesFhir != null) {
            return otherCodesFhir;
        }
        return status(code).fhirAppointmentStatus();
    }

    /**
     * The codes mapped, in the order given.
     *
     * @return the codes, unmodifiable
     */
    public List<String> codes() {
        return List.copyOf(statusOf.keySet());
    }

    /**
     * The codes that read as a status.
     *
     * @param status not null
     * @return those codes in the order given, the written one first
     */
    public List<String> codesOf(BookingStatus status) {
        Objects.requireNonNull(status, "status");
        List<String> codes = new ArrayList<>();
        statusOf.forEach((code, mapped) -> {
            if (mapped == status) {
                codes.add(code);
            }
        });
        return List.copyOf(codes);
    }

    /**
     * The status a stored code reads as, given the status the library last wrote: that status if
     * the code is the one it is written with, else what the code reads as.
     */
    BookingStatus status(String code, BookingStatus lastWritten) {
        if (lastWritten != null && codeOf.get(lastWritten).equals(normalize(code))) {
            return lastWritten;
        }
        return status(code);
    }

    static String normalize(String code) {
        return code == null ? "" : code.stripTrailing();
    }

    @Override
    public String toString() {
        return "StatusCodes" + statusOf;
    }

    /** Builds {@link StatusCodes}; not thread-safe. */
    public static final class Builder {
        private final Map<String, BookingStatus> statusOf = new LinkedHashMap<>();
        private final Map<String, String> fhirOf = new LinkedHashMap<>();
        private final Map<BookingStatus, String> codeOf = new EnumMap<>(BookingStatus.class);
        private BookingStatus otherCodes;
        private String otherCodesFhir;

        private Builder() {
        }

        /**
         * Maps a code to a status; the first code given for a status is the one it is written with.
         *
         * @param code the code as stored, trailing spaces ignored; {@code ""} stands for SQL NULL too
         * @param status what it reads as, not null
         * @return this builder
         * @throws IllegalArgumentException if the code is mapped already or longer than
         *     {@link #MAX_CODE_LENGTH}
         */
        public Builder code(String code, BookingStatus status) {
            String normalized = normalize(Objects.requireNonNull(code, "code"));
            Objects.requireNonNull(status, "status");
            if (normalized.length() > MAX_CODE_LENGTH) {
                throw new IllegalArgumentException("code: at most " + MAX_CODE_LENGTH + " characters, was '"
                        + normalized + "'");
            }
            if (statusOf.containsKey(normalized)) {
                throw new IllegalArgumentException("code '" + normalized + "' is mapped twice");
            }
            statusOf.put(normalized, status);
            codeOf.putIfAbsent(status, normalized);
            return this;
        }

        /**
         * Maps a code to a status, with the code's own FHIR {@code Appointment.status} (an
         * "arrived" code of the EHR is {@code arrived} in FHIR while it reads as confirmed here).
         *
         * @param code the code as stored, as {@link #code(String, BookingStatus)}
         * @param status what it reads as, not null
         * @param fhirStatus one of {@link #FHIR_APPOINTMENT_STATUSES}
         * @return this builder
         * @throws IllegalArgumentException if the code is mapped already, or the FHIR code unknown
         */
        public Builder code(String code, BookingStatus status, String fhirStatus) {
            requireFhir(fhirStatus);
            code(code, status);
            fhirOf.put(normalize(code), fhirStatus);
            return this;
        }

        /**
         * Writes a status with a code that reads as another status: for a status the table has no
         * code of its own for (a declined booking written with the patient's cancel code). Such a
         * booking still reads as the status the library wrote, as long as the row holds that code.
         *
         * @param status the status, not null
         * @param code a code already {@linkplain #code(String, BookingStatus) mapped}
         * @return this builder
         * @throws IllegalArgumentException if the code is not mapped
         */
        public Builder writes(BookingStatus status, String code) {
            Objects.requireNonNull(status, "status");
            String normalized = normalize(Objects.requireNonNull(code, "code"));
            if (!statusOf.containsKey(normalized)) {
                throw new IllegalArgumentException("writes: code '" + normalized + "' is not mapped; map it with "
                        + "code(...) first");
            }
            codeOf.put(status, normalized);
            return this;
        }

        /**
         * How every code not mapped reads, instead of failing: for a table whose code list grows
         * without notice. Such codes are never written.
         *
         * @param status what they read as, not null
         * @param fhirStatus their FHIR code, one of {@link #FHIR_APPOINTMENT_STATUSES}, or null for
         *     that of the status
         * @return this builder
         */
        public Builder otherCodes(BookingStatus status, String fhirStatus) {
            if (fhirStatus != null) {
                requireFhir(fhirStatus);
            }
            this.otherCodes = Objects.requireNonNull(status, "status");
            this.otherCodesFhir = fhirStatus;
            return this;
        }

        /**
         * The codes.
         *
         * @return the codes
         * @throws IllegalArgumentException if a status has no code, naming the statuses
         */
        public StatusCodes build() {
            List<BookingStatus> missing = new ArrayList<>();
            for (BookingStatus status : BookingStatus.values()) {
                if (!codeOf.containsKey(status)) {
                    missing.add(status);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("statusCodes: no code for " + missing + "; every status needs "
                        + "one to be written with (writes(status, code) with the nearest code of the table if it has "
                        + "none)");
            }
            return new StatusCodes(this);
        }

        private static void requireFhir(String fhirStatus) {
            if (!FHIR_APPOINTMENT_STATUSES.contains(fhirStatus)) {
                throw new IllegalArgumentException("fhirStatus: '" + fhirStatus + "' is not a FHIR Appointment.status "
                        + "(one of " + FHIR_APPOINTMENT_STATUSES + ")");
            }
        }
    }
}
