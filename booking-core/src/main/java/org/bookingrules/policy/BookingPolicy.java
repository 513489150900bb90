package org.bookingrules.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one service that decide what a customer may do and what the system does on its
 * own (R5, R6, R9, R10, R13). Staff are not bound by the customer settings (R12). Immutable and
 * thread-safe; build with {@link #builder()} or take {@link #ofDefaults()}.
 *
 * <p>Every duration is measured on the instant timeline, so "24 hours' notice" is 24 real hours
 * even across a daylight-saving change.
 */
public final class BookingPolicy {

    /** Default reminder lead: 6 hours before the start [002]. */
    public static final Duration DEFAULT_REMINDER_LEAD = Duration.ofHours(6);
    /** Default: a booking made inside the reminder window is confirmed at once (R6). */
    public static final boolean DEFAULT_AUTO_CONFIRM_IN_REMINDER_WINDOW = true;
    /** Default cancellation notice: 24 hours, the most common clinic policy [003]. */
    public static final Duration DEFAULT_CANCELLATION_NOTICE = Duration.ofHours(24);
    /** Default reschedule notice: 24 hours. */
    public static final Duration DEFAULT_RESCHEDULE_NOTICE = Duration.ofHours(24);
    /** Default maximum number of customer reschedules of one booking: 2. */
    public static final int DEFAULT_MAX_CUSTOMER_RESCHEDULES = 2;
    /** Default: customers may cancel only unpaid bookings [000]. */
    public static final boolean DEFAULT_UNPAID_ONLY_CANCELLATION = true;
    /** Default: customers may cancel their bookings themselves. */
    public static final boolean DEFAULT_CUSTOMER_CANCEL_ENABLED = true;
    /** Default: customers may reschedule their bookings themselves. */
    public static final boolean DEFAULT_CUSTOMER_RESCHEDULE_ENABLED = true;
    /** Default: a late customer cancellation is refused (R13). */
    public static final LateCancellation DEFAULT_LATE_CANCELLATION = LateCancellation.refuse();
    /** Default minimum booking notice: none, a customer may book any future slot. */
    public static final Duration DEFAULT_MINIMUM_BOOKING_NOTICE = Duration.ZERO;

    /** Longest duration any setting accepts: 366 days. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);
    /** Largest maximum-reschedules setting accepted. */
    public static final int MAX_RESCHEDULES_LIMIT = 1000;

    private static final BookingPolicy DEFAULTS = new Builder().build();

    private final Duration reminderLead;
    private final boolean autoConfirmInReminderWindow;
    private final Duration cancellationNotice;
    private final Duration rescheduleNotice;
    private final int maxCustomerReschedules;
    private final boolean unpaidOnlyCancellation;
    private final boolean customerCancelEnabled;
    private final boolean customerRescheduleEnabled;
    private final LateCancellation lateCancellation;
    private final Duration minimumBookingNotice;

    private BookingPolicy(Builder b) {
        this.reminderLead = b.reminderLead;
        this.autoConfirmInReminderWindow = b.autoConfirmInReminderWindow;
        this.cancellationNotice = b.cancellationNotice;
        this.rescheduleNotice = b.rescheduleNotice;
        this.maxCustomerReschedules = b.maxCustomerReschedules;
        this.unpaidOnlyCancellation = b.unpaidOnlyCancellation;
        this.customerCancelEnabled = b.customerCancelEnabled;
        this.customerRescheduleEnabled = b.customerRescheduleEnabled;
        this.lateCancellation = b.lateCancellation;
        this.minimumBookingNotice = b.minimumBookingNotice;
    }

    /**
     * The policy with every default.
     *
     * @return the shared default policy
     */
    public static BookingPolicy ofDefaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from this policy's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .reminderLead(reminderLead)
                .autoConfirmInReminderWindow(autoConfirmInReminderWindow)
                .cancellationNotice(cancellationNotice)
                .rescheduleNotice(rescheduleNotice)
                .maxCustomerReschedules(maxCustomerReschedules)
                .unpaidOnlyCancellation(unpaidOnlyCancellation)
                .customerCancelEnabled(customerCancelEnabled)
                .customerRescheduleEnabled(customerRescheduleEnabled)
                .lateCancellation(lateCancellation)
                .minimumBookingNotice(minimumBookingNotice);
    }

    /** @return how long before the start the reminder is sent (R5) */
    public Duration reminderLead() {
        return reminderLead;
    }

    /** @return whether bookings made inside the reminder window are confirmed at once (R6) */
    public boolean autoConfirmInReminderWindow() {
        return autoConfirmInReminderWindow;
    }

    /** @return a customer may cancel until {@code start - cancellationNotice} (R9) */
    public Duration cancellationNotice() {
        return cancellationNotice;
    }

    /** @return a customer may reschedule until {@code start - rescheduleNotice} (R9) */
    public Duration rescheduleNotice() {
        return rescheduleNotice;
    }

    /** @return how many times a customer may reschedule one booking (R9) */
    public int maxCustomerReschedules() {
        return maxCustomerReschedules;
    }

    /** @return whether customers may cancel only unpaid bookings (R9) */
    public boolean unpaidOnlyCancellation() {
        return unpaidOnlyCancellation;
    }

    /** @return whether customers may cancel by themselves (R9) */
    public boolean customerCancelEnabled() {
        return customerCancelEnabled;
    }

    /** @return whether customers may reschedule by themselves (R9) */
    public boolean customerRescheduleEnabled() {
        return customerRescheduleEnabled;
    }

    /** @return how a late customer cancellation is handled (R13) */
    public LateCancellation lateCancellation() {
        return lateCancellation;
    }

    /** @return how soon before its start a customer may book or move a booking (R9, R10) */
    public Duration minimumBookingNotice() {
        return minimumBookingNotice;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BookingPolicy p)) {
            return false;
        }
        return autoConfirmInReminderWindow == p.autoConfirmInReminderWindow
                && maxCustomerReschedules == p.maxCustomerReschedules
                && unpaidOnlyCancellation == p.unpaidOnlyCancellation
                && customerCancelEnabled == p.customerCancelEnabled
                && customerRescheduleEnabled == p.customerRescheduleEnabled
                && reminderLead.equals(p.reminderLead)
                && cancellationNotice.equals(p.cancellationNotice)
                && rescheduleNotice.equals(p.rescheduleNotice)
                && lateCancellation.equals(p.lateCancellation)
                && minimumBookingNotice.equals(p.minimumBookingNotice);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reminderLead, autoConfirmInReminderWindow, cancellationNotice, rescheduleNotice,
                maxCustomerReschedules, unpaidOnlyCancellation, customerCancelEnabled, customerRescheduleEnabled,
                lateCancellation, minimumBookingNotice);
    }

    @Override
    public String toString() {
        return "BookingPolicy[reminderLead=" + reminderLead
                + ", autoConfirmInReminderWindow=" + autoConfirmInReminderWindow
                + ", cancellationNotice=" + cancellationNotice
                + ", rescheduleNotice=" + rescheduleNotice
                + ", maxCustomerReschedules=" + maxCustomerReschedules
                + ", unpaidOnlyCancellation=" + unpaidOnlyCancellation
                + ", customerCancelEnabled=" + customerCancelEnabled
                + ", customerRescheduleEnabled=" + customerRescheduleEnabled
                + ", lateCancellation=" + lateCancellation
                + ", minimumBookingNotice=" + minimumBookingNotice + "]";
    }

    /**
     * Builds a {@link BookingPolicy}, starting from the defaults. Each setter checks its value at
     * once and throws {@link IllegalArgumentException} naming the field and the value, or
     * {@link NullPointerException} naming the field for a null. Not thread-safe.
     */
    public static final class Builder {
        private Duration reminderLead = DEFAULT_REMINDER_LEAD;
        private boolean autoConfirmInReminderWindow = DEFAULT_AUTO_CONFIRM_IN_REMINDER_WINDOW;
        private Duration cancellationNotice = DEFAULT_CANCELLATION_NOTICE;
        private Duration rescheduleNotice = DEFAULT_RESCHEDULE_NOTICE;
        private int maxCustomerReschedules = DEFAULT_MAX_CUSTOMER_RESCHEDULES;
        private boolean unpaidOnlyCancellation = DEFAULT_UNPAID_ONLY_CANCELLATION;
        private boolean customerCancelEnabled = DEFAULT_CUSTOMER_CANCEL_ENABLED;
        private boolean customerRescheduleEnabled = DEFAULT_CUSTOMER_RESCHEDULE_ENABLED;
        private LateCancellation lateCancellation = DEFAULT_LATE_CANCELLATION;
        private Duration minimumBookingNotice = DEFAULT_MINIMUM_BOOKING_NOTICE;

        private Builder() {
        }

        /**
         * @param lead how long before the start the reminder goes out; more than zero, at most
         *     {@link #MAX_DURATION}
         * @return this
         */
        public Builder reminderLead(Duration lead) {
            reminderLead = checkDuration(lead, "reminderLead", false);
            return this;
        }

        /**
         * @param enabled whether R6 applies
         * @return this
         */
        public Builder autoConfirmInReminderWindow(boolean enabled) {
            autoConfirmInReminderWindow = enabled;
            return this;
        }

        /**
         * @param notice zero or more, at most {@link #MAX_DURATION}
         * @return this
         */
        public Builder cancellationNotice(Duration notice) {
            cancellationNotice = checkDuration(notice, "cancellationNotice", true);
            return this;
        }

        /**
         * @param notice zero or more, at most {@link #MAX_DURATION}
         * @return this
         */
        public Builder rescheduleNotice(Duration notice) {
            rescheduleNotice = checkDuration(notice, "rescheduleNotice", true);
            return this;
        }

        /**
         * @param max 0 (no customer reschedules) to {@link #MAX_RESCHEDULES_LIMIT}
         * @return this
         */
        public Builder maxCustomerReschedules(int max) {
            if (max < 0 || max > MAX_RESCHEDULES_LIMIT) {
                throw new IllegalArgumentException(
                        "maxCustomerReschedules must be 0 to " + MAX_RESCHEDULES_LIMIT + ", was " + max);
            }
            maxCustomerReschedules = max;
            return this;
        }

        /**
         * @param enabled whether customers may cancel only unpaid bookings
         * @return this
         */
        public Builder unpaidOnlyCancellation(boolean enabled) {
            unpaidOnlyCancellation = enabled;
            return this;
        }

        /**
         * @param enabled whether customers may cancel by themselves
         * @return this
         */
        public Builder customerCancelEnabled(boolean enabled) {
            customerCancelEnabled = enabled;
            return this;
        }

        /**
         * @param enabled whether customers may reschedule by themselves
         * @return this
         */
        public Builder customerRescheduleEnabled(boolean enabled) {
            customerRescheduleEnabled = enabled;
            return this;
        }

        /**
         * @param handling not null
         * @return this
         */
        public Builder lateCancellation(LateCancellation handling) {
            lateCancellation = Objects.requireNonNull(handling, "lateCancellation");
            return this;
        }

        /**
         * @param notice zero or more, at most {@link #MAX_DURATION}
         * @return this
         */
        public Builder minimumBookingNotice(Duration notice) {
            minimumBookingNotice = checkDuration(notice, "minimumBookingNotice", true);
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         */
        public BookingPolicy build() {
            return new BookingPolicy(this);
        }

        private static Duration checkDuration(Duration value, String field, boolean zeroAllowed) {
            Objects.requireNonNull(value, field);
            if (value.isNegative() || (!zeroAllowed && value.isZero())) {
                throw new IllegalArgumentException(
                        field + " must be " + (zeroAllowed ? "zero or more" : "more than zero") + ", was " + value);
            }
            if (value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(field + " must be at most " + MAX_DURATION + ", was " + value);
            }
            return value;
        }
    }
}
