package org.bookingrules.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import org.threeten.extra.Interval;
import org.bookingrules.internal.Ids;

/**
 * One appointment of one customer with one resource for one service, over a slot
 * {@code [start, end)} on the instant timeline, shown in a zone (R1). Immutable and thread-safe.
 *
 * <p>Transitions ({@link #confirm}, {@link #cancel}, {@link #reschedule}, ...) return the next
 * booking together with the {@link BookingEvent} that records the change; they never mutate, never
 * read a clock (the instant is passed in) and never decide policy: the rules do that first. A
 * transition that the {@linkplain BookingStatus status table} forbids throws
 * {@link IllegalStateException}, because reaching it is a bug. Each transition raises the
 * {@link #version()} by one.
 *
 * <p>{@link #toString()} shows ids and status only, never the customer's personal data.
 */
public final class Booking {

    /** Shortest and longest confirmation code, of characters A-Z and 0-9. */
    private static final int MIN_CODE_LENGTH = 4;
    private static final int MAX_CODE_LENGTH = 16;

    private final String tenantId;
    private final String id;
    private final String confirmationCode;
    private final Resource resource;
    private final Service service;
    private final CustomerDetails customer;
    private final Interval slot;
    private final ZoneId zone;
    private final BookingStatus status;
    private final PaymentStatus paymentStatus;
    private final int customerReschedules;
    private final Actor confirmedBy;
    private final ReminderState reminder;
    private final long version;
    private final Instant createdAt;
    private final Instant updatedAt;

    private Booking(Builder b) {
        this.tenantId = Ids.require(b.tenantId, "tenantId");
        this.id = Ids.require(b.id, "id");
        Objects.requireNonNull(b.confirmationCode, "confirmationCode");
        if (!isCode(b.confirmationCode)) {
            throw new IllegalArgumentException("confirmationCode must be 4 to 16 characters A-Z, 0-9");
        }
        this.confirmationCode = b.confirmationCode;
        this.resource = Objects.requireNonNull(b.resource, "resource");
        this.service = Objects.requireNonNull(b.service, "service");
        this.customer = b.customer;
        this.slot = Objects.requireNonNull(b.slot, "slot");
        if (slot.isEmpty() || slot.isUnboundedStart() || slot.isUnboundedEnd()) {
            throw new IllegalArgumentException("slot must have start before end and both bounded, was " + slot);
        }
        this.zone = Objects.requireNonNull(b.zone, "zone");
        this.status = Objects.requireNonNull(b.status, "status");
        this.paymentStatus = Objects.requireNonNull(b.paymentStatus, "paymentStatus");
        if (b.customerReschedules < 0) {
            throw new IllegalArgumentException("customerReschedules must not be negative, was " + b.customerReschedules);
        }
        this.customerReschedules = b.customerReschedules;
        this.confirmedBy = b.confirmedBy;
        if ((status == BookingStatus.CONFIRMED) != (confirmedBy != null)) {
            throw new IllegalArgumentException("confirmedBy must be set exactly when the status is CONFIRMED");
        }
        this.reminder = Objects.requireNonNull(b.reminder, "reminder");
        if (b.version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + b.version);
        }
        this.version = b.version;
        this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
        this.updatedAt = Objects.requireNonNull(b.updatedAt, "updatedAt");
    }

    /**
     * Whether a text is a confirmation code: 4 to 16 characters, each A-Z or 0-9 (what the pattern
     * {@code [A-Z0-9]{4,16}} matches; checked by hand, as every booking built and read checks it).
     */
    private static boolean isCode(String code) {
        if (code.length() < MIN_CODE_LENGTH || code.length() > MAX_CODE_LENGTH) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * A builder for any booking state. Repositories use it to load stored bookings; new bookings
     * are made with {@link #book(Builder, Actor, Instant)}.
     *
     * @return a new builder with payment {@code UNPAID}, status {@code PENDING}, no reminder and
     *     version 1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this booking's state, to load a variant of it.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tenantId = tenantId;
        b.id = id;
        b.confirmationCode = confirmationCode;
        b.resource = resource;
        b.service = service;
        b.customer = customer;
        b.slot = slot;
        b.zone = zone;
        b.status = status;
        b.paymentStatus = paymentStatus;
        b.customerReschedules = customerReschedules;
        b.confirmedBy = confirmedBy;
        b.reminder = reminder;
        b.version = version;
        b.createdAt = createdAt;
        b.updatedAt = updatedAt;
        return b;
    }

    /**
     * Makes a new booking (R1): {@code PENDING}, version 1, created at {@code at}.
     *
     * @param spec the tenant, id, code, resource, service, customer, slot, zone, payment and
     *     reminder; status, version, counts and times are set here
     * @param actor who books, not null
     * @param at when, not null
     * @return the booking and its {@link BookingEvent.Booked} event
     * @throws IllegalArgumentException if the spec is not a valid booking
     */
    public static Transition book(Builder spec, Actor actor, Instant at) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
        Booking booking = spec.status(BookingStatus.PENDING)
                .customerReschedules(0)
                .confirmedBy(null)
                .version(1)
                .createdAt(at)
                .updatedAt(at)
                .build();
        return new Transition(booking,
                new BookingEvent.Booked(actor, at, BookingStatus.PENDING, booking.slot, booking.resource.id()));
    }

    /**
     * Confirms attendance (R4, R7).
     *
     * @param actor who confirms, not null
     * @param at when, not null
     * @return the confirmed booking and its event
     * @throws IllegalStateException if the status table forbids it
     */
    public Transition confirm(Actor actor, Instant at) {
        Booking next = next(BookingStatus.CONFIRMED, at).confirmedBy(actor).build();
        return new Transition(next, new BookingEvent.Confirmed(actor, at, status, BookingStatus.CONFIRMED));
    }

    /**
     * Confirms automatically because the start is inside the reminder window (R6). Disarms the
     * reminder: no confirmation reminder is sent for it.
     *
     * @param at when, not null
     * @param reminderLead the lead that applied, not null
     * @return the confirmed booking and its event
     * @throws IllegalStateException if the status table forbids it
     */
    public Transition autoConfirm(Instant at, Duration reminderLead) {
        Booking next = next(BookingStatus.CONFIRMED, at)
                .confirmedBy(Actor.SYSTEM)
                .reminder(ReminderState.none())
                .build();
        return new Transition(next,
                new BookingEvent.AutoConfirmed(at, status, BookingStatus.CONFIRMED, reminderLead));
    }

    /**
     * Revokes a confirmation, back to {@code PENDING} (R4).
     *
     * @param actor who revokes, not null
     * @param at when, not null
     * @param reason why, may be null
     * @return the pending booking and its event
     * @throws IllegalStateException if the booking is not confirmed
     */
    public Transition revokeConfirmation(Actor actor, Instant at, String reason) {
        return revokeConfirmation(actor, at, reason, reminder);
    }

    /**
     * Revokes a confirmation, back to {@code PENDING} (R4), with the reminder state the booking
     * should now have: a booking confirmed inside the reminder window had none armed (R6), and is
     * unconfirmed again, so it gets one (R5).
     *
     * @param actor who revokes, not null
     * @param at when, not null
     * @param reason why, may be null
     * @param newReminder the reminder state after the change, not null
     * @return the pending booking and its event
     * @throws IllegalStateException if the booking is not confirmed
     */
    public Transition revokeConfirmation(Actor actor, Instant at, String reason, ReminderState newReminder) {
        Objects.requireNonNull(newReminder, "newReminder");
        if (status != BookingStatus.CONFIRMED) {
            throw new IllegalStateException("only a CONFIRMED booking can have its confirmation revoked, was " + status);
        }
        Booking next = next(BookingStatus.PENDING, at).confirmedBy(null).reminder(newReminder).build();
        return new Transition(next,
                new BookingEvent.ConfirmationRevoked(actor, at, status, BookingStatus.PENDING, reason));
    }

    /**
     * Records the customer's "I will not attend" (R7). Frees the slot.
     *
     * @param actor who declines, not null
     * @param at when, not null
     * @param reason why, may be null
     * @param late whether it came inside the cancellation notice (R13)
     * @return the declined booking and its event
     * @throws IllegalStateException if the status table forbids it
     */
    public Transition decline(Actor actor, Instant at, String reason, boolean late) {
        Booking next = next(BookingStatus.DECLINED, at).confirmedBy(null).build();
        return new Transition(next,
                new BookingEvent.Declined(actor, at, status, BookingStatus.DECLINED, reason, late));
    }

    /**
     * Cancels the booking (R2). Frees the slot; the booking stays as history.
     *
     * @param actor who cancels, not null
     * @param at when, not null
     * @param reason why, may be null
     * @param personalMessage a staff member's message to the customer, may be null
     * @param late whether a customer cancelled inside the notice under a late-fee policy (R13)
     * @param lateFee the fee to charge, may be null
     * @return the cancelled booking and its event
     * @throws IllegalStateException if the status table forbids it
     */
    public Transition cancel(Actor actor, Instant at, String reason, String personalMessage,
                             boolean late, Money lateFee) {
        Booking next = next(BookingStatus.CANCELLED, at).confirmedBy(null).build();
        return new Transition(next, new BookingEvent.Cancelled(
                actor, at, status, BookingStatus.CANCELLED, reason, personalMessage, late, lateFee));
    }

    /**
     * Moves the booking to a new slot and/or resource (R3, R10, R12). The status becomes
     * {@code PENDING} (a cancelled or declined booking is revived); the caller applies
     * {@link #autoConfirm} next when R6 says so. A customer's reschedule raises
     * {@link #customerReschedules()}; staff reschedules do not count (R9).
     *
     * @param actor who reschedules, not null
     * @param at when, not null
     * @param newSlot the new slot, not null
     * @param newResource the new resource, not null (pass {@link #resource()} to keep it)
     * @param newReminder the reminder armed for the new slot, not null
     * @param reason why, may be null
     * @return the rescheduled booking and its event
     * @throws IllegalStateException if the status table forbids it
     */
    public Transition reschedule(Actor actor, Instant at, Interval newSlot, Resource newResource,
                                 ReminderState newReminder, String reason) {
        Objects.requireNonNull(newSlot, "newSlot");
        Objects.requireNonNull(newResource, "newResource");
        int reschedules = actor instanceof Actor.Customer ? customerReschedules + 1 : customerReschedules;
        Booking next = next(BookingStatus.PENDING, at)
                .confirmedBy(null)
                .slot(newSlot)
                .resource(newResource)
                .reminder(newReminder)
                .customerReschedules(reschedules)
                .build();
        return new Transition(next, new BookingEvent.Rescheduled(actor, at, status, BookingStatus.PENDING,
                slot, newSlot, resource.id(), newResource.id(), reason));
    }

    /**
     * Records that the reminder of the current slot was sent (R5).
     *
     * @param at when, not null
     * @return the booking with its reminder marked sent, and the event
     * @throws IllegalStateException if no reminder is armed
     */
    public Transition markReminderSent(Instant at) {
        Booking next = next(status, at).reminder(reminder.sent(at)).build();
        return new Transition(next, new BookingEvent.ReminderSent(at, status, reminder.dueAt()));
    }

    /**
     * Records that the customer did not come.
     *
     * @param actor who records it, not null
     * @param at when, not null
     * @param reason a note, may be null
     * @return the booking and its event
     * @throws IllegalStateException if the status table forbids it
     */
    public Transition markNoShow(Actor actor, Instant at, String reason) {
        Booking next = next(BookingStatus.NO_SHOW, at).confirmedBy(null).build();
        return new Transition(next, new BookingEvent.MarkedNoShow(actor, at, status, BookingStatus.NO_SHOW, reason));
    }

    /**
     * Records that the appointment took place.
     *
     * @param actor who records it, not null
     * @param at when, not null
     * @return the booking and its event
     * @throws IllegalStateException if the status table forbids it
     */
    public Transition complete(Actor actor, Instant at) {
        Booking next = next(BookingStatus.COMPLETED, at).confirmedBy(null).build();
        return new Transition(next, new BookingEvent.Completed(actor, at, status, BookingStatus.COMPLETED));
    }

    /**
     * Erases the customer's personal data (name, e-mail, phone) from the booking; the status, the
     * slot and the customer's id stay. Allowed in every status.
     *
     * @param actor who erases it, not null
     * @param at when, not null
     * @return the booking and its event
     * @throws IllegalStateException if the booking has no customer
     */
    public Transition eraseCustomer(Actor actor, Instant at) {
        Objects.requireNonNull(at, "at");
        if (customer == null) {
            throw new IllegalStateException("booking " + id + " has no customer to erase");
        }
        Booking next = toBuilder().customer(customer.erased()).version(version + 1).updatedAt(at).build();
        return new Transition(next, new BookingEvent.CustomerErased(actor, at, status));
    }

    private Builder next(BookingStatus nextStatus, Instant at) {
        Objects.requireNonNull(at, "at");
        status.checkTransitionTo(nextStatus);
        return toBuilder().status(nextStatus).version(version + 1).updatedAt(at);
    }

    /** @return the tenant the booking belongs to */
    public String tenantId() {
        return tenantId;
    }

    /** @return the booking's id, unique per tenant */
    public String id() {
        return id;
    }

    /** @return the short human-readable code customers quote, unique per tenant (R1) */
    public String confirmationCode() {
        return confirmationCode;
    }

    /** @return the resource booked */
    public Resource resource() {
        return resource;
    }

    /** @return the service booked */
    public Service service() {
        return service;
    }

    /** @return the customer, or empty when staff booked with no customer stored */
    public Optional<CustomerDetails> customer() {
        return Optional.ofNullable(customer);
    }

    /** @return the slot, end exclusive */
    public Interval slot() {
        return slot;
    }

    /** @return the slot's start */
    public Instant start() {
        return slot.getStart();
    }

    /** @return the slot's end (exclusive) */
    public Instant end() {
        return slot.getEnd();
    }

    /** @return the zone the booking is shown in */
    public ZoneId zone() {
        return zone;
    }

    /** @return the status */
    public BookingStatus status() {
        return status;
    }

    /** @return whether the booking occupies its slot (PENDING or CONFIRMED) */
    public boolean isActive() {
        return status.isActive();
    }

    /** @return whether the booking is paid */
    public PaymentStatus paymentStatus() {
        return paymentStatus;
    }

    /** @return how many times the customer has rescheduled it (staff reschedules do not count) */
    public int customerReschedules() {
        return customerReschedules;
    }

    /** @return who confirmed it, present exactly when the status is CONFIRMED */
    public Optional<Actor> confirmedBy() {
        return Optional.ofNullable(confirmedBy);
    }

    /** @return the reminder state of the current slot */
    public ReminderState reminder() {
        return reminder;
    }

    /** @return the version, raised by one on every change; used for optimistic locking */
    public long version() {
        return version;
    }

    /** @return when it was booked */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return when it last changed */
    public Instant updatedAt() {
        return updatedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Booking other)) {
            return false;
        }
        return customerReschedules == other.customerReschedules
                && version == other.version
                && tenantId.equals(other.tenantId)
                && id.equals(other.id)
                && confirmationCode.equals(other.confirmationCode)
                && resource.equals(other.resource)
                && service.equals(other.service)
                && Objects.equals(customer, other.customer)
                && slot.equals(other.slot)
                && zone.equals(other.zone)
                && status == other.status
                && paymentStatus == other.paymentStatus
                && Objects.equals(confirmedBy, other.confirmedBy)
                && reminder.equals(other.reminder)
                && createdAt.equals(other.createdAt)
                && updatedAt.equals(other.updatedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantId, id, version);
    }

    /** Ids, slot, status and version only; never personal data. */
    @Override
    public String toString() {
        return "Booking[tenant=" + tenantId + ", id=" + id + ", code=" + confirmationCode
                + ", resource=" + resource.id() + ", service=" + service.id()
                + ", slot=" + slot + ", status=" + status + ", version=" + version + "]";
    }

    /**
     * Builds a {@link Booking}; every field is checked in {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private String tenantId;
        private String id;
        private String confirmationCode;
        private Resource resource;
        private Service service;
        private CustomerDetails customer;
        private Interval slot;
        private ZoneId zone;
        private BookingStatus status = BookingStatus.PENDING;
        private PaymentStatus paymentStatus = PaymentStatus.UNPAID;
        private int customerReschedules;
        private Actor confirmedBy;
        private ReminderState reminder = ReminderState.none();
        private long version = 1;
        private Instant createdAt;
        private Instant updatedAt;

        private Builder() {
        }

        /**
         * @param v tenant id, not blank
         * @return this
         */
        public Builder tenantId(String v) {
            tenantId = v;
            return this;
        }

        /**
         * @param v booking id, not blank
         * @return this
         */
        public Builder id(String v) {
            id = v;
            return this;
        }

        /**
         * @param v confirmation code, 4 to 16 of A-Z, 0-9
         * @return this
         */
        public Builder confirmationCode(String v) {
            confirmationCode = v;
            return this;
        }

        /**
         * @param v the resource, not null
         * @return this
         */
        public Builder resource(Resource v) {
            resource = v;
            return this;
        }

        /**
         * @param v the service, not null
         * @return this
         */
        public Builder service(Service v) {
            service = v;
            return this;
        }

        /**
         * @param v the customer, null when there is none
         * @return this
         */
        public Builder customer(CustomerDetails v) {
            customer = v;
            return this;
        }

        /**
         * @param v the slot, non-empty and bounded
         * @return this
         */
        public Builder slot(Interval v) {
            slot = v;
            return this;
        }

        /**
         * @param v the display zone, not null
         * @return this
         */
        public Builder zone(ZoneId v) {
            zone = v;
            return this;
        }

        /**
         * @param v the status, not null
         * @return this
         */
        public Builder status(BookingStatus v) {
            status = v;
            return this;
        }

        /**
         * @param v the payment status, not null
         * @return this
         */
        public Builder paymentStatus(PaymentStatus v) {
            paymentStatus = v;
            return this;
        }

        /**
         * @param v customer reschedules so far, zero or more
         * @return this
         */
        public Builder customerReschedules(int v) {
            customerReschedules = v;
            return this;
        }

        /**
         * @param v who confirmed; set exactly when the status is CONFIRMED
         * @return this
         */
        public Builder confirmedBy(Actor v) {
            confirmedBy = v;
            return this;
        }

        /**
         * @param v the reminder state, not null
         * @return this
         */
        public Builder reminder(ReminderState v) {
            reminder = v;
            return this;
        }

        /**
         * @param v the version, 1 or more
         * @return this
         */
        public Builder version(long v) {
            version = v;
            return this;
        }

        /**
         * @param v when it was booked, not null
         * @return this
         */
        public Builder createdAt(Instant v) {
            createdAt = v;
            return this;
        }

        /**
         * @param v when it last changed, not null
         * @return this
         */
        public Builder updatedAt(Instant v) {
            updatedAt = v;
            return this;
        }

        /**
         * Builds the booking.
         *
         * @return the booking
         * @throws NullPointerException if a required field is missing (the message names it)
         * @throws IllegalArgumentException if a field is invalid (the message names it)
         */
        public Booking build() {
            return new Booking(this);
        }
    }
}
